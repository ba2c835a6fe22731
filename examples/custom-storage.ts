/**
 * A replica whose keyspace lives in a custom storage adapter: plain Maps wrapped so that every
 * write is recorded and committed in batches, the way an adapter over a database or a log would
 * batch them. The replica's events mark the batches: each `sync:progress` (a chunk of the snapshot
 * loaded), `sync:done`, and each `command:applied` (a MULTI block is applied at EXEC, so its writes
 * land in one commit). The master is in-process, over an in-memory Duplex pair.
 *
 * The adapter is deliberately small: its pinned iterator (used only when the replica itself serves
 * a snapshot) copies the key list when opened. `runStorageAdapterConformance` from
 * @replikit/keyspace checks a production adapter against the whole contract
 * (docs/storage-adapters.md).
 *
 * Run: `pnpm build && pnpm exec tsx examples/custom-storage.ts`
 */
import { duplexPair } from 'node:stream';
import { type BinaryString, createKeyspace, type DbStore, type PinnedIterator, type StorageAdapter, type StoredValue } from '@replikit/keyspace';
import { createMaster } from '@replikit/master';
import { createReplica } from '@replikit/replica';

type Write = { db: number; op: 'set' | 'changed' | 'delete' | 'expire' | 'persist' | 'clear'; key?: BinaryString };

/** Collects writes until the replica says a step is complete, then hands them over as one commit. */
class CommitLog {
  private pending: Write[] = [];
  readonly commits: Write[][] = [];
  record(w: Write): void {
    this.pending.push(w);
  }
  /** Ends the current step; returns its writes (none when the step wrote nothing). */
  commit(): Write[] {
    const writes = this.pending;
    this.pending = [];
    if (writes.length > 0) this.commits.push(writes);
    return writes;
  }
}

class MapDbStore implements DbStore {
  private values = new Map<BinaryString, StoredValue>();
  private expires = new Map<BinaryString, number>();
  constructor(
    readonly index: () => number,
    private readonly log: CommitLog,
  ) {}
  get(key: BinaryString) {
    return this.values.get(key);
  }
  set(key: BinaryString, value: StoredValue) {
    this.values.set(key, value);
    this.log.record({ db: this.index(), op: 'set', key });
  }
  delete(key: BinaryString) {
    this.expires.delete(key);
    const had = this.values.delete(key);
    if (had) this.log.record({ db: this.index(), op: 'delete', key });
    return had;
  }
  getExpire(key: BinaryString) {
    return this.expires.get(key);
  }
  setExpire(key: BinaryString, atMs: number) {
    this.expires.set(key, atMs);
    this.log.record({ db: this.index(), op: 'expire', key });
  }
  deleteExpire(key: BinaryString) {
    const had = this.expires.delete(key);
    if (had) this.log.record({ db: this.index(), op: 'persist', key });
    return had;
  }
  size() {
    return this.values.size;
  }
  expiresSize() {
    return this.expires.size;
  }
  keys() {
    return this.values.keys();
  }
  expireKeys() {
    return this.expires.keys();
  }
  randomKey() {
    const n = this.values.size;
    if (n === 0) return undefined;
    let skip = Math.floor(Math.random() * n);
    for (const k of this.values.keys()) if (skip-- === 0) return k;
    return undefined;
  }
  /** The keys present now, read from the maps of now: clear() swaps in new maps, so it sees the old ones. */
  pinnedEntries(): PinnedIterator {
    const keys = [...this.values.keys()];
    const values = this.values;
    const expires = this.expires;
    let i = 0;
    return {
      next(max) {
        const out = [];
        for (; i < keys.length && out.length < max; i++) out.push({ key: keys[i], value: values.get(keys[i]), expireAt: expires.get(keys[i]) ?? -1 });
        return out;
      },
      close() {
        i = keys.length;
      },
    };
  }
  clear() {
    this.values = new Map();
    this.expires = new Map();
    this.log.record({ db: this.index(), op: 'clear' });
  }
  changed(key: BinaryString) {
    this.log.record({ db: this.index(), op: 'changed', key });
  }
}

class LoggingMapAdapter implements StorageAdapter {
  private readonly stores: MapDbStore[] = [];
  constructor(
    readonly databases: number,
    log: CommitLog,
  ) {
    for (let i = 0; i < databases; i++) {
      const store: MapDbStore = new MapDbStore(() => this.stores.indexOf(store), log);
      this.stores.push(store);
    }
  }
  db(index: number) {
    return this.stores[index];
  }
  swap(a: number, b: number) {
    [this.stores[a], this.stores[b]] = [this.stores[b], this.stores[a]];
  }
}

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error('timed out');
    process.exit(1);
  }, 50_000).unref();

  const masterKs = createKeyspace();
  const master = createMaster({ keyspace: masterKs }, { replDisklessSyncDelay: 0 });
  const write = (...argv: string[]) => master.propagate(masterKs.execute(argv, { db: 0 }).propagate);
  for (let i = 0; i < 20_000; i++) write('SET', `k:${i}`, String(i));

  const log = new CommitLog();
  const replicaKs = createKeyspace({ storage: (databases) => new LoggingMapAdapter(databases, log) });
  const replica = createReplica(
    {
      keyspace: replicaKs,
      connect: async () => {
        const [mine, theirs] = duplexPair();
        master.serve(theirs);
        return mine;
      },
    },
    { replDisklessLoad: 'on-empty-db' },
  );
  replica.on('error', (e) => console.error(`replica: ${e.code}: ${e.message}`));
  replica.on('sync:progress', () => log.commit());
  replica.on('sync:done', () => log.commit());
  replica.on('command:applied', (argv, db, offset) => {
    const writes = log.commit();
    if (writes.length === 0) return;
    const what = writes.map((w) => `${w.op}${w.key !== undefined ? ` ${w.key}` : ''}`).join(', ');
    console.log(`commit #${log.commits.length} at offset ${offset} (db ${db}, ${argv[0] === 'MULTI' ? 'a MULTI block, applied at EXEC' : argv[0]}): ${what}`);
  });

  await new Promise<void>((resolve) => replica.once('link:up', resolve));
  const writes = log.commits.reduce((n, c) => n + c.length, 0);
  console.log(`full sync: ${replicaKs.size(0)} keys stored in the adapter through ${writes} writes in ${log.commits.length} commits`);

  // live stream: each command is one commit; a MULTI block is one commit for all its writes
  write('SET', 'greeting', 'hello', 'EX', '60');
  write('RPUSH', 'queue', 'a', 'b');
  write('RPUSH', 'queue', 'c');
  write('DEL', 'k:0');
  master.propagate(masterKs.executeTransaction([['SET', 'x', '1'], ['SET', 'y', '2'], ['PERSIST', 'greeting']], { db: 0 }).propagate);
  while (replica.offset < master.masterReplOffset) await new Promise((r) => setTimeout(r, 5));
  console.log(`replica: LRANGE queue -> ${(replicaKs.execute(['LRANGE', 'queue', '0', '-1'], { db: 0 }).reply as string[]).join(',')}, DBSIZE ${replicaKs.size(0)} (master ${masterKs.size(0)})`);
  if (replicaKs.size(0) !== masterKs.size(0)) throw new Error('the replica does not match the master');

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
