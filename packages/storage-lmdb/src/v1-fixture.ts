/**
 * Test support, not exported: a writer of format-1 files (the layout of earlier builds: keyed tables
 * `db<slot>` / `long<slot>` of one record per key, an unmerged `journal`, `meta`), encoding format 1
 * on its own so the migration tests do not read back with the code under test, and a dataset of
 * every type, TTLs and several dbs built through commands.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createKeyspace, type Keyspace, MemoryStorageAdapter, type StoredValue } from '@replikit/keyspace';
import { storedToRdbValue } from '@replikit/keyspace-rdb';
import { createDumpPayload } from '@replikit/rdb';
import { type Database, open } from 'lmdb';

const FILE = 'replikit.lmdb';
export const V1_DBS = 4;
const DBS = V1_DBS;
/** the replication position the fixture stores */
export const V1_POSITION = { replid: 'b7'.repeat(20), offset: 4242, streamDb: 3 };

/** Format 1's record: `[flags][expireAt f64 LE if TTL][u32 LE key length + key if long key][payload]`. */
export function v1Record(key: string, value: StoredValue, expireAt: number, longKey: boolean): Buffer {
  const payload = typeof value === 'string' ? Buffer.from(value, 'latin1') : createDumpPayload(storedToRdbValue(value));
  const parts: Buffer[] = [Buffer.from([(typeof value === 'string' ? 0 : 1) | (expireAt >= 0 ? 2 : 0) | (longKey ? 4 : 0)])];
  if (expireAt >= 0) {
    const t = Buffer.alloc(8);
    t.writeDoubleLE(expireAt);
    parts.push(t);
  }
  if (longKey) {
    const n = Buffer.alloc(4);
    n.writeUInt32LE(key.length);
    parts.push(n, Buffer.from(key, 'latin1'));
  }
  parts.push(payload);
  return Buffer.concat(parts);
}

/** Format 1's journal entry: `[kind u8][slot u16 LE][key length u32 LE][key][record]`. */
export function v1Entry(kind: 0 | 1 | 2, slot: number, key: string, record?: Buffer): Buffer {
  const head = Buffer.alloc(7);
  head[0] = kind;
  head.writeUInt16LE(slot, 1);
  head.writeUInt32LE(key.length, 3);
  return Buffer.concat([head, Buffer.from(key, 'latin1'), record ?? Buffer.alloc(0)]);
}

/** A format-1 file writer: keyed tables `db<slot>` / `long<slot>`, `journal`, and `meta`. */
export class V1Writer {
  private readonly env;
  private readonly inline: Database<Buffer, Buffer>[] = [];
  private readonly long: Database<Buffer, Buffer>[] = [];
  private readonly journal: Database<Buffer, Buffer>;
  private seq = 1;
  constructor(dir: string) {
    this.env = open({ path: join(dir, FILE), maxDbs: 2 * DBS + 2 });
    const table = (name: string) => this.env.openDB(name, { keyEncoding: 'binary', encoding: 'binary' }) as unknown as Database<Buffer, Buffer>;
    for (let s = 0; s < DBS; s++) {
      this.inline.push(table(`db${s}`));
      this.long.push(table(`long${s}`));
    }
    this.journal = table('journal');
  }
  meta(values: Record<string, unknown>): void {
    const meta = this.env.openDB('meta', {});
    this.env.transactionSync(() => {
      for (const [k, v] of Object.entries(values)) meta.putSync(k, v);
    });
  }
  /** Every key of `store`'s slots into the keyed tables (as a merge left them). */
  keyed(store: MemoryStorageAdapter): void {
    this.env.transactionSync(() => {
      for (let s = 0; s < DBS; s++) {
        const db = store.db(s);
        for (let it = db.keys(), r = it.next(); !r.done; r = it.next()) {
          const key = r.value;
          const long = key.length > 1024;
          const rec = v1Record(key, db.get(key) as StoredValue, db.getExpire(key) ?? -1, long);
          if (long) this.long[s].putSync(createHash('sha256').update(key, 'latin1').digest(), rec);
          else this.inline[s].putSync(Buffer.from(key, 'latin1'), rec);
        }
      }
    });
  }
  append(entry: Buffer): void {
    const k = Buffer.alloc(8);
    k.writeUIntBE(this.seq++, 2, 6);
    this.env.transactionSync(() => this.journal.putSync(k, entry));
  }
  close(): Promise<void> {
    return this.env.close();
  }
}

const longKey = `long:${'x'.repeat(1500)}`;
const future = Date.now() + 3_600_000;

/** Fills `ks` (db 0, 1, 3) with every type, TTLs and a long key. */
function fillBase(ks: Keyspace): void {
  const run = (db: number, ...argv: string[]) => ks.execute(argv, { db });
  run(0, 'SET', 'str', 'hello');
  run(0, 'SET', 'bin', '\x00\xff\x80binary');
  run(0, 'SET', 'int', '12345');
  run(0, 'SET', 'ttl', 'soon', 'PX', '3600000');
  run(0, 'SET', longKey, 'long value');
  run(0, 'RPUSH', 'list', 'a', 'b', 'c');
  run(0, 'HSET', 'hash', 'f1', 'v1', 'f2', 'v2');
  run(0, 'SADD', 'iset', '1', '2', '3');
  run(0, 'SADD', 'set', 'x', 'y');
  run(0, 'ZADD', 'zset', '1', 'one', '2.5', 'two');
  run(0, 'XADD', 'stream', '1-1', 'f', 'v');
  run(0, 'PFADD', 'hll', 'a', 'b', 'c');
  run(0, 'HSET', 'bighash', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, 'v'.repeat(i)]).flat());
  run(1, 'SET', 'one', '1');
  run(1, 'ZADD', 'z1', '3', 'c');
  run(1, 'PEXPIREAT', 'z1', String(future));
  run(3, 'SET', 'three', '3');
  run(3, 'RPUSH', 'gone', 'x');
}

/** The journal's changes, applied to `ks` too: SETs, DELs and a CLEAR, of keys in the keyed tables and new ones. */
function journalOps(ks: Keyspace, w: V1Writer, store: MemoryStorageAdapter): void {
  const run = (db: number, ...argv: string[]) => ks.execute(argv, { db });
  const set = (slot: number, key: string) => {
    const d = store.db(slot);
    w.append(v1Entry(0, slot, key, v1Record(key, d.get(key) as StoredValue, d.getExpire(key) ?? -1, key.length > 1024)));
  };
  run(0, 'SET', 'str', 'changed');
  set(0, 'str');
  run(0, 'RPUSH', 'list', 'd');
  set(0, 'list');
  run(0, 'SET', 'added', 'new', 'PX', '7200000');
  set(0, 'added');
  run(0, 'PERSIST', 'ttl');
  set(0, 'ttl');
  run(0, 'DEL', 'set');
  w.append(v1Entry(1, 0, 'set'));
  run(0, 'SET', longKey, 'long changed');
  set(0, longKey);
  run(3, 'FLUSHDB');
  w.append(v1Entry(2, 3, ''));
  run(3, 'SET', 'after-clear', 'x');
  set(3, 'after-clear');
}

/** Every key of every db with its type, content and TTL, read through commands. */
export function datasetOf(ks: Keyspace): unknown[] {
  const out: unknown[] = [];
  const reply = (db: number, ...argv: string[]) => ks.execute(argv, { db }).reply;
  const read: Record<string, string[]> = { string: ['GET'], list: ['LRANGE', '0', '-1'], hash: ['HGETALL'], set: ['SMEMBERS'], zset: ['ZRANGE', '0', '-1', 'WITHSCORES'], stream: ['XRANGE', '-', '+'] };
  for (let db = 0; db < DBS; db++) {
    const keys = [...(reply(db, 'KEYS', '*') as string[])].sort();
    for (const k of keys) {
      const type = (reply(db, 'TYPE', k) as { value: string }).value;
      const [cmd, ...args] = read[type];
      let value = reply(db, cmd, k, ...args);
      // unordered types: compared sorted (the order of a hash table is not part of the data)
      if (type === 'set') value = [...(value as { items: string[] }).items].sort();
      if (type === 'hash') {
        const flat = value as string[];
        value = Array.from({ length: flat.length / 2 }, (_, i) => `${flat[2 * i]}=${flat[2 * i + 1]}`).sort();
      }
      out.push({ db, k, type, value, pexpireat: reply(db, 'PEXPIRETIME', k) });
    }
  }
  return out;
}

/** Builds the format-1 file in `dir` and returns the dataset it holds. */
export async function buildV1(dir: string): Promise<unknown[]> {
  const store = new MemoryStorageAdapter(DBS);
  const ref = createKeyspace({ databases: DBS, storage: store });
  fillBase(ref);
  const w = new V1Writer(dir);
  w.keyed(store);
  journalOps(ref, w, store);
  w.meta({ format: 1, databases: DBS, map: [0, 1, 2, 3], position: V1_POSITION });
  await w.close();
  return datasetOf(ref);
}
