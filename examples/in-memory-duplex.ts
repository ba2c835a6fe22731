/**
 * A master and a replica in one Node process over an in-memory Duplex pair: no socket, no port.
 * The replica's `connect` function returns one side of `duplexPair()` and hands the other side to
 * the master's `serve()`. Any Duplex works the same way (a TLS socket, a WebSocket stream, a pipe).
 *
 * Run: `pnpm build && pnpm exec tsx examples/in-memory-duplex.ts`
 */
import { duplexPair } from 'node:stream';
import { createKeyspace } from '@replikit/keyspace';
import { createMaster } from '@replikit/master';
import { createReplica, type ReplicaConnector } from '@replikit/replica';

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error('timed out');
    process.exit(1);
  }, 50_000).unref();

  const masterKs = createKeyspace();
  const master = createMaster({ keyspace: masterKs }, { replDisklessSyncDelay: 0 });
  const write = (db: number, ...argv: string[]) => master.propagate(masterKs.execute(argv, { db }).propagate);

  // a dataset in three databases, with TTLs
  for (let i = 0; i < 50_000; i++) write(i % 3, 'SET', `k:${i}`, `value-${i}`);
  write(1, 'EXPIRE', 'k:1', '3600');
  write(2, 'ZADD', 'board', '10', 'alice', '20', 'bob');

  // every connect attempt gets a fresh pair: one end for the replica, the other served by the master
  const connect: ReplicaConnector = async () => {
    const [replicaSide, masterSide] = duplexPair();
    master.serve(masterSide);
    return replicaSide;
  };

  const replicaKs = createKeyspace();
  const replica = createReplica({ keyspace: replicaKs, connect }, { replDisklessLoad: 'on-empty-db' });
  replica.on('error', (e) => console.error(`replica: ${e.code}: ${e.message}`));

  let lastKeys = -1;
  replica.on('sync:progress', (p) => {
    // one line per 10k keys: `percent` is undefined because a diskless payload ($EOF:) has no length
    if (Math.floor(p.keys / 10_000) !== Math.floor(lastKeys / 10_000)) console.log(`replica: sync:progress ${p.keys} keys, ${p.bytes} bytes`);
    lastKeys = p.keys;
  });
  const synced = new Promise<void>((resolve) =>
    replica.once('sync:done', (i) => {
      console.log(`replica: sync:done (${i.kind}) ${i.keys} keys, ${i.bytes} bytes, replid ${i.replid.slice(0, 8)}… offset ${i.offset}`);
      resolve();
    }),
  );
  await synced;
  for (let db = 0; db < 3; db++) console.log(`db ${db}: master ${masterKs.size(db)} keys, replica ${replicaKs.size(db)} keys`);
  console.log(`replica: TTL of k:1 in db 1 -> ${replicaKs.execute(['TTL', 'k:1'], { db: 1 }).reply} s`);

  // live writes, in two databases and inside MULTI (applied at EXEC, atomically)
  const seen: string[] = [];
  replica.on('command:applied', (argv, db, offset) => seen.push(`  db ${db} offset ${offset}: ${argv.join(' ')}`));
  write(0, 'SET', 'greeting', 'hello');
  write(2, 'ZINCRBY', 'board', '15', 'alice');
  const tx = masterKs.executeTransaction([['INCR', 'a'], ['INCR', 'b']], { db: 0 });
  master.propagate(tx.propagate);
  while (replica.offset < master.masterReplOffset) await new Promise((r) => setTimeout(r, 5));
  console.log(`replica applied (offsets match the master's ${master.masterReplOffset}):\n${seen.join('\n')}`);
  const top = replicaKs.execute(['ZRANGE', 'board', '0', '-1', 'REV'], { db: 2 }).reply as string[];
  console.log(`replica: ZRANGE board 0 -1 REV in db 2 -> ${top.join(', ')}; GET greeting -> ${replicaKs.execute(['GET', 'greeting'], { db: 0 }).reply}`);
  if (top[0] !== 'alice' || replica.offset !== master.masterReplOffset) throw new Error('the replica does not match the master');

  await replica.close();
  master.close();
  masterKs.close();
  replicaKs.close();
  clearTimeout(guard);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
