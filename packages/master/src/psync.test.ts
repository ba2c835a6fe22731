import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { RdbKeyspaceLoader } from '@replikit/keyspace-rdb';
import { createMaster, type ReplicationNode } from './index';
import { RecordingTransport } from './fake-transport';
import { ScriptedReplica, until } from './test-kit';

let keyspace: Keyspace;
let dir: string;
let node: ReplicationNode;
const replicas: ScriptedReplica[] = [];
const session = { db: 0 };

function write(...argv: string[]): void {
  node.propagate(keyspace.execute(argv, session).propagate);
}

async function handshake(capa: string[] = ['eof', 'psync2']): Promise<ScriptedReplica> {
  const r = new ScriptedReplica(node);
  replicas.push(r);
  expect(await r.call('REPLCONF', 'listening-port', String(7000 + replicas.length))).toBe('+OK');
  if (capa.length > 0) expect(await r.call('REPLCONF', ...capa.flatMap((c) => ['capa', c]))).toBe('+OK');
  return r;
}

/** Full sync through to the live stream; returns the FULLRESYNC offset. */
async function fullSync(r: ScriptedReplica, ask = ['?', '-1']): Promise<number> {
  r.send('PSYNC', ...ask);
  const line = await r.line();
  const m = /^\+FULLRESYNC ([0-9a-f]{40}) (\d+)$/.exec(line);
  if (!m) throw new Error(`unexpected ${line}`);
  expect(m[1]).toBe(node.replid);
  r.startStream(true);
  await until(() => r.payloadDone, 'the payload');
  r.send('REPLCONF', 'ACK', m[2]);
  await until(() => node.replicas().some((x) => x.state === 'online' && x.offset === Number(m[2])), 'online');
  return Number(m[2]);
}

beforeEach(() => {
  keyspace = createKeyspace();
  dir = mkdtempSync(join(tmpdir(), 'replikit-master-'));
  node = createMaster({ keyspace }, { replDisklessSyncDelay: 0, dir });
});

afterEach(() => {
  for (const r of replicas.splice(0)) r.close();
  node.close();
  keyspace.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a master without replicas does not advance its offset; the first replica creates the backlog and a new replid', async () => {
  write('SET', 'a', '1');
  expect(node.masterReplOffset).toBe(0);
  expect(node.backlog).toBeNull();
  const before = node.replid;
  const r = await handshake();
  const offset = await fullSync(r);
  expect(offset).toBe(0);
  expect(node.replid).not.toBe(before);
  expect(node.backlog?.firstByteOffset).toBe(1);
  expect(node.counters).toEqual({ syncFull: 1, syncPartialOk: 0, syncPartialErr: 0 });
  // the payload is an RDB of the dataset with the replication aux fields
  const target = createKeyspace();
  const loader = new RdbKeyspaceLoader(target);
  loader.write(r.rdb());
  const res = loader.end();
  expect(res.replication).toEqual({ replId: node.replid, offset: 0, streamDb: 0 });
  expect(target.dump(0, 'a')?.value).toEqual(keyspace.dump(0, 'a')?.value);
  target.close();
});

test('PSYNC decisions: +CONTINUE with the backlog, bare +CONTINUE without psync2, full resync on a wrong id or offset', async () => {
  const first = await handshake();
  await fullSync(first);
  write('SET', 'x', '1');
  const mid = node.masterReplOffset;
  write('SET', 'y', '2');
  await until(() => first.streamBytes === node.masterReplOffset, 'the stream');

  const cont = await handshake();
  cont.send('PSYNC', node.replid.toUpperCase(), String(mid + 1));
  expect(await cont.line()).toBe(`+CONTINUE ${node.replid}`);
  cont.startStream(false);
  await until(() => cont.streamBytes === node.masterReplOffset - mid, 'the backlog bytes');
  expect(cont.commands.map((c) => c.argv)).toEqual([['SET', 'y', '2']]);
  expect(node.counters.syncPartialOk).toBe(1);

  const legacy = await handshake(['eof']);
  legacy.send('PSYNC', node.replid, String(node.masterReplOffset + 1));
  expect(await legacy.line()).toBe('+CONTINUE');
  expect(node.counters.syncPartialOk).toBe(2);

  const wrongId = await handshake();
  wrongId.send('PSYNC', 'f'.repeat(40), '1');
  expect(await wrongId.line()).toMatch(/^\+FULLRESYNC /);
  const pastEnd = await handshake();
  pastEnd.send('PSYNC', node.replid, String(node.masterReplOffset + 2));
  expect(await pastEnd.line()).toMatch(/^\+FULLRESYNC /);
  expect(node.counters).toEqual({ syncFull: 3, syncPartialOk: 2, syncPartialErr: 2 });
});

test('after a promotion the old replid is honoured up to second_repl_offset', async () => {
  const r = await handshake();
  await fullSync(r);
  write('SET', 'k', 'v');
  const oldId = node.replid;
  const at = node.masterReplOffset;
  node.becomeReplica();
  expect(node.psyncTarget()).toEqual({ replid: oldId, offset: at + 1 });
  // demotion keeps the sub-replicas (replicationSetMaster); the promotion's id shift drops them
  await new Promise((resolve) => setImmediate(resolve));
  expect(r.closed).toBe(false);
  node.becomeMaster();
  await until(() => r.closed, 'the sub-replica to be dropped by the id shift');
  expect(node.replid2).toBe(oldId);
  expect(node.secondReplOffset).toBe(at + 1);
  expect(node.replid).not.toBe(oldId);
  write('SET', 'k', 'w');

  const ok = await handshake();
  ok.send('PSYNC', oldId, String(at + 1));
  expect(await ok.line()).toBe(`+CONTINUE ${node.replid}`);
  ok.startStream(false);
  // a promotion forces a SELECT before the next command
  await until(() => ok.commands.length === 2, 'the stream');
  expect(ok.commands.map((c) => c.argv)).toEqual([['SELECT', '0'], ['SET', 'k', 'w']]);

  const tooFar = await handshake();
  tooFar.send('PSYNC', oldId, String(at + 2));
  expect(await tooFar.line()).toMatch(/^\+FULLRESYNC /);
});

test('the diskless stream waits for the first ACK after the payload', async () => {
  const r = await handshake();
  r.send('PSYNC', '?', '-1');
  const line = await r.line();
  r.startStream(true);
  await until(() => r.payloadDone, 'the payload');
  expect(r.preamble).toBe('eof');
  write('SET', 'later', '1');
  for (let i = 0; i < 5; i++) await new Promise((res) => setImmediate(res));
  expect(r.commands).toEqual([]);
  expect(node.replicas()[0].state).toBe('online');
  r.send('REPLCONF', 'ACK', line.split(' ')[2]);
  await until(() => r.commands.length === 2, 'the held stream');
  expect(r.commands.map((c) => c.argv)).toEqual([['SELECT', '0'], ['SET', 'later', '1']]);
});

test('legacy SYNC: no +FULLRESYNC line, disk payload for a replica without capa eof, stream right after it', async () => {
  write('SET', 'a', '1');
  const r = await handshake([]);
  r.send('SYNC');
  r.startStream(true);
  await until(() => r.payloadDone, 'the payload');
  expect(r.preamble).toMatch(/^length:\d+$/);
  write('SET', 'b', '2');
  await until(() => r.commands.length === 2, 'the stream');
  expect(r.commands.map((c) => c.argv)).toEqual([['SELECT', '0'], ['SET', 'b', '2']]);
  expect(node.counters.syncFull).toBe(1);
});

test('a partial resync writes +CONTINUE and the backlog before its two log lines, which keep Redis order', async () => {
  const events: string[] = [];
  node.close();
  node = createMaster({ keyspace }, { replDisklessSyncDelay: 0, dir, logger: (_level, message) => events.push(`log ${message.replace(/ from \S+/, '')}`) });
  const first = await handshake();
  await fullSync(first);
  write('SET', 'a', '1');
  const t = new RecordingTransport(7100);
  const write0 = t.write.bind(t);
  t.write = (chunks) => {
    events.push(`write ${Buffer.concat(chunks.map((c) => Buffer.from(c))).toString('latin1').split('\r\n')[0]}`);
    return write0(chunks);
  };
  node.replconf(t, ['REPLCONF', 'listening-port', '7100']);
  node.replconf(t, ['REPLCONF', 'capa', 'psync2']);
  events.length = 0;
  // PSYNC names the first byte it lacks: the last 10 bytes of the stream
  const from = node.masterReplOffset - 9;
  expect(node.psync(t, ['PSYNC', node.replid, String(from)])).toBeUndefined();
  expect(events).toEqual([
    `write +CONTINUE ${node.replid}`,
    'log Replica 127.0.0.1:7100 asks for synchronization',
    `log Partial resynchronization request accepted. Sending 10 bytes of backlog starting from offset ${from}.`,
  ]);
});
