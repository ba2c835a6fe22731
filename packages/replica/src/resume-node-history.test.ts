// A syncer created over a node that already has history (a master demoted by REPLICAOF, or a
// restart that read the repl aux fields) continues from the node's offset: PSYNC asks for it and,
// on +CONTINUE, the applied offset, the GETACK answer and the ACKs count from there, not from -1.
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { encodeCommandToBuffer } from '@replikit/resp';
import type { UpstreamNode } from './options';
import { createReplica, type Replica } from './replica';
import { until } from './testing/redis-compare';
import { REPLID_A, type ScriptedMaster, scriptedConnector } from './testing/scripted-master';

const cmd = (...argv: string[]) => encodeCommandToBuffer(argv);

/** A node whose own history ends at offset 50 of REPLID_A (PSYNC target 51). */
class NodeWithHistory implements UpstreamNode {
  offset = 50;
  psyncTarget() {
    return { replid: REPLID_A, offset: this.offset + 1 };
  }
  upstreamFullSync(): void {
    throw new Error('a full sync was not expected');
  }
  upstreamContinue(): void {}
  feedUpstream(_chunks: readonly Uint8Array[], bytes: number): void {
    this.offset += bytes;
  }
}

describe('Replica over a node with history', () => {
  let replica: Replica | undefined;
  let keyspace: Keyspace | undefined;
  afterEach(async () => {
    await replica?.close();
    keyspace?.close();
  });

  it('+CONTINUE continues from the node offset (offset, GETACK answer, ACK)', async () => {
    let master!: ScriptedMaster;
    const node = new NodeWithHistory();
    keyspace = createKeyspace();
    replica = createReplica({ keyspace, connect: scriptedConnector((m) => (master = m)), node }, {});
    await until(() => master !== undefined, 'a connection');
    expect(await master.next()).toEqual(['PING']);
    master.send('+PONG\r\n');
    await master.next();
    await master.next();
    master.send('+OK\r\n+OK\r\n');
    expect(await master.next()).toEqual(['PSYNC', REPLID_A, '51']);
    const select = cmd('SELECT', '0');
    const set = cmd('SET', 'k', 'v');
    const getack = cmd('REPLCONF', 'GETACK', '*');
    master.send(Buffer.concat([Buffer.from(`+CONTINUE\r\n`), select, set, getack]));
    const beforeGetack = 50 + select.length + set.length;
    expect(await master.next()).toEqual(['REPLCONF', 'ACK', String(beforeGetack)]);
    expect(replica.offset).toBe(beforeGetack + getack.length);
    expect(replica.offset).toBe(node.offset);
    expect(replica.masterReplid).toBe(REPLID_A);
    expect(keyspace.dump(0, 'k')?.value).toEqual({ type: 'string', value: 'v' });
  });
});
