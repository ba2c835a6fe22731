import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { RdbKeyspaceLoader } from '@replikit/keyspace-rdb';
import { createMaster, type ReplicationNode } from './index';
import { resp, ScriptedReplica, until } from './test-kit';

let keyspace: Keyspace;
let node: ReplicationNode;
let dir: string;
const subs: ScriptedReplica[] = [];

async function sub(): Promise<ScriptedReplica> {
  const r = new ScriptedReplica(node);
  subs.push(r);
  expect(await r.call('REPLCONF', 'capa', 'eof', 'capa', 'psync2')).toBe('+OK');
  return r;
}

beforeEach(() => {
  keyspace = createKeyspace();
  dir = mkdtempSync(join(tmpdir(), 'replikit-master-'));
});

afterEach(() => {
  for (const r of subs.splice(0)) r.close();
  node.close();
  keyspace.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a replica node serves sub-replicas with its master ids, forwards the upstream bytes verbatim, and drops them on a new replid', async () => {
  node = createMaster({ keyspace, upstreamStreamDb: () => 3 }, { role: 'replica', replDisklessSyncDelay: 0, dir });
  expect(node.psyncTarget()).toBeUndefined();
  expect(node.rdbSaveInfo()).toBeUndefined();
  const masterId = 'a'.repeat(40);
  keyspace.execute(['SET', 'k0', 'v0'], { db: 3 });
  node.upstreamFullSync(masterId, 1000);
  expect([node.replid, node.replid2, node.secondReplOffset, node.masterReplOffset]).toEqual([masterId, '0'.repeat(40), -1, 1000]);
  expect(node.psyncTarget()).toEqual({ replid: masterId, offset: 1001 });
  expect(node.backlog?.firstByteOffset).toBe(1001);

  const a = await sub();
  a.send('PSYNC', '?', '-1');
  expect(await a.line()).toBe(`+FULLRESYNC ${masterId} 1000`);
  a.startStream(true);
  await until(() => a.payloadDone, 'the payload');
  const loaded = createKeyspace();
  const loader = new RdbKeyspaceLoader(loaded);
  loader.write(a.rdb());
  expect(loader.end().replication).toEqual({ replId: masterId, offset: 1000, streamDb: 3 });
  expect(loaded.dump(3, 'k0')?.value).toEqual(keyspace.dump(3, 'k0')?.value);
  loaded.close();
  a.send('REPLCONF', 'ACK', '1000');
  await until(() => node.replicas()[0]?.offset === 1000, 'the ACK');

  // the upstream stream goes on in db 3 with no SELECT: forwarded as it is
  const bytes = resp(['SET', 'k', 'v']);
  node.feedUpstream([bytes.subarray(0, 5), bytes.subarray(5)], bytes.length);
  await until(() => a.commands.length === 1, 'the forwarded command');
  expect(a.commands).toEqual([{ argv: ['SET', 'k', 'v'], bytes: bytes.length }]);
  expect(node.masterReplOffset).toBe(1000 + bytes.length);
  expect(node.backlog?.readCopy(1001).equals(bytes)).toBe(true);
  // local writes of a replica are not propagated
  node.propagate([{ db: 0, argv: ['SET', 'local', '1'] }]);
  expect(node.masterReplOffset).toBe(1000 + bytes.length);
  expect(node.rdbSaveInfo()).toEqual({ streamDb: 3, replId: masterId, offset: 1000 + bytes.length });

  const newId = 'b'.repeat(40);
  const at = node.masterReplOffset;
  node.upstreamContinue(newId);
  await until(() => a.closed, 'the sub-replica to be dropped');
  expect([node.replid, node.replid2, node.secondReplOffset]).toEqual([newId, masterId, at + 1]);
  const b = await sub();
  b.send('PSYNC', masterId, String(at + 1));
  expect(await b.line()).toBe(`+CONTINUE ${newId}`);

  node.upstreamDisconnected();
  const c = await sub();
  expect(await c.call('PSYNC', newId, String(at + 1))).toBe("-NOMASTERLINK Can't SYNC while not connected with my master");
});

test('restart rule from RDB aux fields: a master keeps the loaded id as replid2, a replica adopts it', async () => {
  node = createMaster({ keyspace }, { replDisklessSyncDelay: 0, dir });
  const old = 'c'.repeat(40);
  expect(node.restoreFromRdb({ replId: 'short', offset: 1, streamDb: 0 })).toBe(false);
  expect(node.restoreFromRdb({ replId: old, offset: 100, streamDb: 0 })).toBe(true);
  expect([node.replid2, node.secondReplOffset, node.masterReplOffset]).toEqual([old, 101, 100]);
  expect(node.replid).not.toBe(old);
  expect(node.rdbSaveInfo()).toEqual({ streamDb: 0, replId: node.replid, offset: 100 });
  const r = await sub();
  r.send('PSYNC', old, '101');
  expect(await r.line()).toBe(`+CONTINUE ${node.replid}`);
  expect(node.counters).toEqual({ syncFull: 0, syncPartialOk: 1, syncPartialErr: 0 });
  node.close();

  node = createMaster({ keyspace }, { role: 'replica', dir });
  expect(node.restoreFromRdb({ replId: old, offset: 100, streamDb: 2 })).toBe(true);
  expect(node.replid).toBe(old);
  expect(node.psyncTarget()).toEqual({ replid: old, offset: 101, streamDb: 2 });
});

test('REPLICAOF on a master keeps its history for PSYNC; REPLICAOF NO ONE shifts the id', () => {
  node = createMaster({ keyspace }, { dir });
  const id = node.replid;
  node.becomeReplica();
  expect(node.role).toBe('replica');
  expect(node.psyncTarget()).toEqual({ replid: id, offset: 1 });
  node.becomeMaster();
  expect(node.role).toBe('master');
  expect([node.replid2, node.secondReplOffset]).toEqual([id, 1]);
  expect(node.streamDb).toBe(-1);
});
