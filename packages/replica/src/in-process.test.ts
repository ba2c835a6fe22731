// Our master (@replikit/master) and our replica in one process, over an in-memory Duplex pair and
// over TCP on loopback; the replica's keyspace runs on a custom storage adapter. Full sync in both
// payload forms, writes propagated by the master, a cut link resumed partially, datasets equal.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, type Keyspace, RecordingStorageAdapter } from '@replikit/keyspace';
import { createMaster, type ReplicationNode } from '@replikit/master';
import { createDuplexPair, getFreePort } from '@replikit/test-utils';
import type { Duplex } from 'node:stream';
import { createReplica, type Replica } from './replica';
import type { SyncStartInfo } from './events';
import { tcpConnector, type ReplicaConnector } from './tcp-connector';
import { readKeyspace, until } from './testing/redis-compare';
import { prng } from './testing/workload';

/** Writes on the master's keyspace, propagated through the node as a server would. */
function write(ks: Keyspace, node: ReplicationNode, session: { db: number }, count: number, seed: number): void {
  const rnd = prng(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  for (let i = 0; i < count; i++) {
    const k = pick(6);
    const argv =
      k === 0
        ? ['SET', `s${pick(100)}`, `v${i}`]
        : k === 1
          ? ['INCR', `n${pick(20)}`]
          : k === 2
            ? ['RPUSH', `l${pick(10)}`, `e${i}`]
            : k === 3
              ? ['HSET', `h${pick(10)}`, `f${pick(30)}`, `${i}`]
              : k === 4
                ? ['ZADD', `z${pick(10)}`, `${pick(100)}`, `m${pick(40)}`]
                : ['SELECT', `${pick(3)}`];
    node.propagate(ks.execute(argv, session).propagate);
  }
}

describe.each<[string, boolean]>([
  ['in-memory Duplex pair, diskless', true],
  ['TCP loopback, disk payload', false],
])('our master -> our replica over %s', (_name, duplex) => {
  let master: Keyspace | undefined;
  let node: ReplicationNode | undefined;
  let replicaKs: Keyspace | undefined;
  let replica: Replica | undefined;
  let server: Server | undefined;
  const links: Duplex[] = [];
  let dir = '';

  afterEach(async () => {
    await replica?.close();
    node?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    for (const l of links) l.destroy();
    replicaKs?.close();
    master?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('full sync, propagated writes, cut and partial resync, equal datasets on a custom storage adapter', async () => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-in-process-'));
    master = createKeyspace();
    const session = { db: 0 };
    for (let i = 0; i < 500; i++) master.execute(['SET', `pre${i}`, `${i}`], session);
    master.execute(['EXPIRE', 'pre1', '1000'], session);
    node = createMaster({ keyspace: master }, { replDisklessSync: duplex, replDisklessSyncDelay: 0, dir });
    const n = node;
    let connect: ReplicaConnector;
    if (duplex) {
      connect = async () => {
        const [a, b] = createDuplexPair();
        links.push(b);
        n.serve(b);
        return a;
      };
    } else {
      const port = await getFreePort();
      server = createServer((socket) => {
        links.push(socket);
        n.serve(socket);
      });
      await new Promise<void>((r) => server?.listen(port, '127.0.0.1', () => r()));
      connect = tcpConnector('127.0.0.1', port);
    }
    const adapter = new RecordingStorageAdapter();
    replicaKs = createKeyspace({ storage: adapter });
    replica = createReplica({ keyspace: replicaKs, connect }, { replDisklessLoad: 'swapdb' });
    const syncs: SyncStartInfo[] = [];
    replica.on('sync:start', (s) => syncs.push(s));
    await until(() => replica?.state === 'connected', 'the full sync');
    write(master, node, session, 3000, 1);
    await until(() => replica?.offset === node?.masterReplOffset, 'the replica to catch up');
    // cut the link from the master's side: the replica comes back with a partial resync
    for (const r of node.replicas()) expect(r.state).toBe('online');
    for (const l of links) l.destroy();
    write(master, node, session, 3000, 2);
    await until(() => replica?.state === 'connected' && replica.offset === node?.masterReplOffset, 'the partial resync');
    expect(syncs.map((s) => s.kind)).toEqual(['full', 'partial']);
    expect(readKeyspace(replicaKs)).toEqual(readKeyspace(master));
    expect(adapter.log.length).toBeGreaterThan(0); // the writes went through the custom adapter
  }, 60_000);
});
