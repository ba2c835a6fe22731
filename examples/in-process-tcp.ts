/**
 * A master and a replica in one Node process, replicating over TCP on loopback, with no server
 * and no CLI: `createMaster` serves replicas on a `net` server, `createReplica` connects to it.
 *
 * The master's writes go through its keyspace; what the keyspace says to propagate goes to the
 * ReplicationNode, which puts it in the backlog and on every replica link. The replica full-syncs,
 * follows the stream, then loses its link and comes back with a partial resync.
 *
 * Run: `pnpm build && pnpm exec tsx examples/in-process-tcp.ts`
 */
import { createServer, type Socket } from 'node:net';
import { createKeyspace } from '@replikit/keyspace';
import { createMaster } from '@replikit/master';
import { createReplica, tcpConnector } from '@replikit/replica';

const once = <T>(subscribe: (cb: (v: T) => void) => void): Promise<T> => new Promise((resolve) => subscribe(resolve));

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error('timed out');
    process.exit(1);
  }, 50_000).unref();
  // ---- master: a keyspace, a ReplicationNode, a TCP listener handing each socket to serve() ----
  const masterKs = createKeyspace();
  const master = createMaster({ keyspace: masterKs }, { replDisklessSyncDelay: 0 });
  const write = (...argv: string[]) => {
    const { reply, propagate } = masterKs.execute(argv, { db: 0 });
    master.propagate(propagate);
    return reply;
  };
  // deletions by active expiry are propagated too (as DEL), outside any command
  const stopExpiryFeed = masterKs.onPropagate((commands) => master.propagate(commands));
  master.on('replica:online', (r) => console.log(`master: replica #${r.id} (${r.ip}:${r.port}) is online`));
  master.on('sync:done', (s) => console.log(`master: full sync sent ${s.keys} keys, ${s.bytes} bytes (${s.target}) at offset ${s.offset}`));

  const sockets = new Set<Socket>();
  const listener = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    master.serve(socket);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  console.log(`master: listening on 127.0.0.1:${port}`);

  for (let i = 0; i < 10_000; i++) write('SET', `key:${i}`, `value-${i}`);
  write('HSET', 'user:1', 'name', 'Ada', 'lang', 'TypeScript');
  write('SET', 'session', 'abc', 'EX', '3600');

  // ---- replica: its own keyspace, a TCP connector ----
  const replicaKs = createKeyspace();
  const replica = createReplica({ keyspace: replicaKs, connect: tcpConnector('127.0.0.1', port) }, { replDisklessLoad: 'on-empty-db' });
  replica.on('sync:start', (i) => console.log(`replica: ${i.kind} sync from ${i.replid.slice(0, 8)}… at offset ${i.offset}`));
  replica.on('sync:done', (i) => console.log(`replica: ${i.kind} sync done, ${i.keys} keys, ${i.bytes} bytes`));
  replica.on('link:down', (e) => console.log(`replica: link down (${e.code}: ${e.message})`));
  replica.on('error', () => {
    // every fault also shows as link:down or a retried attempt; nothing to add here
  });
  await once<void>((cb) => replica.once('link:up', cb));
  console.log(`replica: ${replicaKs.size(0)} keys, GET key:42 -> ${replicaKs.execute(['GET', 'key:42'], { db: 0 }).reply}`);

  // ---- the stream: each write arrives as a command with its db and offset ----
  const printApplied = (argv: string[], db: number, offset: number) => console.log(`replica: applied ${argv.join(' ')} in db ${db}, offset ${offset}`);
  replica.on('command:applied', printApplied);
  const applied = once<void>((cb) => replica.on('command:applied', (argv) => argv[0] === 'INCR' && cb()));
  write('INCR', 'counter'); // the stream starts with SELECT 0: the first command after a full sync names its db
  await applied;
  replica.off('command:applied', printApplied);

  // ---- a lost link: the master drops the connection; the replica resumes partially ----
  let kind = '';
  replica.once('sync:start', (i) => {
    kind = i.kind;
  });
  const up = once<void>((cb) => replica.once('link:up', cb));
  for (const s of sockets) s.destroy();
  write('SET', 'written-while-down', 'yes');
  await up;
  while (replica.offset < master.masterReplOffset) await new Promise((r) => setTimeout(r, 5));
  console.log(`replica: resumed with a ${kind} resync; offsets ${replica.offset} == ${master.masterReplOffset}; written-while-down -> ${replicaKs.execute(['GET', 'written-while-down'], { db: 0 }).reply}`);
  console.log(`master: sync_full=${master.counters.syncFull} sync_partial_ok=${master.counters.syncPartialOk}`);
  if (kind !== 'partial' || replicaKs.size(0) !== masterKs.size(0)) throw new Error('the replica did not resume partially with the same data');

  // ---- close everything (no timer or socket left) ----
  await replica.close();
  stopExpiryFeed();
  master.close();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  masterKs.close();
  replicaKs.close();
  clearTimeout(guard);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
