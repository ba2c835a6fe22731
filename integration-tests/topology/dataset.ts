/**
 * The data the topology tests replicate: every type in its compact and its large encodings
 * (integer strings, intsets, listpacks, quicklists, hashtables, skiplists, streams with consumer
 * groups) with expiries in several dbs, a deterministic stream of mixed writes (seeded PRNG), and
 * a dataset comparison that reads both sides' values through DUMP: each payload is RESTOREd into
 * a scratch real redis-server and read back there in canonical form, so the values compared are
 * exactly what each node would hand to DUMP/RESTORE, whatever encodings the two nodes chose.
 */
import type Redis from 'ioredis';

/** The dbs every dataset spreads over. */
export const DBS = [0, 3, 9] as const;

/** Every db of a default-configured server: comparisons look at all of them, not only DBS. */
export const ALL_DBS = Array.from({ length: 16 }, (_, i) => i);

/** mulberry32: a small seeded PRNG, so every run writes the same commands. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Stream values as DUMP payloads, made with XADD/XGROUP/XREADGROUP/XDEL on `redis` (a real
 * redis-server; db 15 is used and emptied). A replikit master gets its streams by RESTORE.
 */
export async function streamPayloads(redis: Redis): Promise<Buffer[]> {
  await redis.select(15);
  await buildStreams(redis, 'tmp');
  const out: Buffer[] = [];
  for (const k of ['tmp:stream:small', 'tmp:stream:big', 'tmp:stream:emptied']) out.push(await redis.dumpBuffer(k));
  await redis.flushdb();
  await redis.select(0);
  return out;
}

async function buildStreams(c: Redis, prefix: string): Promise<void> {
  for (let i = 1; i <= 5; i++) await c.xadd(`${prefix}:stream:small`, `${i}-1`, 'field', `v${i}`, 'n', String(i));
  await c.xgroup('CREATE', `${prefix}:stream:small`, 'grp', '0');
  await c.xreadgroup('GROUP', 'grp', 'alice', 'COUNT', 2, 'STREAMS', `${prefix}:stream:small`, '>');
  const big = c.pipeline();
  for (const i of range(300)) big.xadd(`${prefix}:stream:big`, '*', 'i', String(i), 'payload', 'x'.repeat(i % 50));
  await big.exec();
  await c.xdel(`${prefix}:stream:big`, (await c.xrange(`${prefix}:stream:big`, '-', '+', 'COUNT', 1))[0][0]);
  await c.xadd(`${prefix}:stream:emptied`, '7-7', 'a', 'b');
  await c.xdel(`${prefix}:stream:emptied`, '7-7');
}

export interface SeedOptions {
  /** `xadd`: create streams with stream commands (a real master); `payloads`: RESTORE these */
  streams: { kind: 'xadd' } | { kind: 'payloads'; payloads: Buffer[] } | { kind: 'none' };
}

/** Fills DBS with every type, a third of the keys with a TTL of 100..1000 s, plus keys about to expire. */
export async function seedDataset(c: Redis, opts: SeedOptions): Promise<void> {
  const rnd = prng(42);
  for (const db of DBS) {
    await c.select(db);
    const p = c.pipeline();
    const strings = ['hello', '0', '12345', '-7', '9223372036854775807', '-9223372036854775808', '3.14', '007', 'x'.repeat(300)];
    strings.forEach((v, i) => {
      p.set(`str:${i}`, v);
    });
    p.set('str:bin', Buffer.from([0, 255, 13, 10, 36, 42]));
    p.rpush('list:small', 'a', '1', 'bb', '-5');
    p.rpush('list:big', ...range(400).map((i) => (i % 3 === 0 ? String(i) : `item-${i}-${'y'.repeat(i % 20)}`)));
    p.hset('hash:small', 'f1', 'v1', 'f2', '2', 'f3', '-3');
    p.hset('hash:big', ...range(200).flatMap((i) => [`field${i}`, i % 2 ? String(i) : `val-${i}`]));
    p.hset('hash:longval', 'short', 's', 'long', 'z'.repeat(100));
    p.sadd('set:int', 1, 2, 3, -4, 100000, 2147483648);
    p.sadd('set:int-big', ...range(600));
    p.sadd('set:str', 'a', 'b', 'c', '1');
    p.zadd('zset:small', 1, 'one', 2.5, 'two', -3, 'neg', 'inf', 'top');
    p.zadd('zset:big', ...range(200).flatMap((i) => [String(i * 1.5), `m${i}`]));
    await p.exec();
    if (opts.streams.kind === 'xadd') await buildStreams(c, `db${db}`);
    if (opts.streams.kind === 'payloads') {
      const names = ['stream:small', 'stream:big', 'stream:emptied'];
      for (let i = 0; i < opts.streams.payloads.length; i++) await c.restore(`db${db}:${names[i]}`, 0, opts.streams.payloads[i]);
    }
    const keys = await c.keys('*');
    keys.sort();
    const e = c.pipeline();
    for (const k of keys) if (rnd() < 0.34) e.pexpire(k, 100_000 + Math.floor(rnd() * 900_000));
    e.set('short:1', 'gone soon', 'PX', 150);
    e.rpush('short:2', 'a');
    e.pexpire('short:2', 150);
    await e.exec();
  }
  await c.select(0);
}

/**
 * `count` writes (plus a few MULTI/EXEC units) over DBS, pipelined in batches, every type and the
 * commands Redis 7.0 rewrites when propagating (SET EX, EXPIRE, INCRBYFLOAT, SPOP, GETEX, ...).
 * Throws if any reply is an error. Returns the number of commands sent.
 */
export async function mixedWrites(c: Redis, count: number, seed: number): Promise<number> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const int = (n: number) => Math.floor(rnd() * n);
  let sent = 0;
  while (sent < count) {
    const p = c.pipeline();
    const batch = Math.min(1000, count - sent);
    for (let i = 0; i < batch; i++) {
      if (i % 50 === 0) p.select(pick(DBS));
      const k = int(60);
      switch (int(32)) {
        case 0: p.set(`w:str:${k}`, `v${int(1e6)}`); break;
        case 1: p.set(`w:str:${k}`, `ex${k}`, 'EX', 500 + int(500)); break;
        case 2: p.incrby(`w:cnt:${k % 10}`, int(100) - 50); break;
        case 3: p.incr(`w:cnt:${k % 10}`); break;
        case 4: p.append(`w:app:${k % 5}`, 'abc'); break;
        case 5: p.incrbyfloat(`w:flt:${k % 5}`, '1.5'); break;
        case 6: p.rpush(`w:list:${k % 8}`, `e${int(1000)}`, String(int(100))); break;
        case 7: p.lpush(`w:list:${k % 8}`, `h${int(1000)}`); break;
        case 8: p.lpop(`w:list:${k % 8}`); break;
        case 9: p.ltrim(`w:list:${k % 8}`, 0, 200); break;
        case 10: p.hset(`w:hash:${k % 8}`, `f${int(150)}`, `v${int(1e4)}`); break;
        case 11: p.hdel(`w:hash:${k % 8}`, `f${int(150)}`); break;
        case 12: p.hincrby(`w:hash:${k % 8}`, 'counter', 3); break;
        case 13: p.sadd(`w:iset:${k % 8}`, int(700)); break;
        case 14: p.srem(`w:iset:${k % 8}`, int(700)); break;
        case 15: p.sadd(`w:sset:${k % 4}`, `m${int(50)}`); break;
        case 16: p.spop(`w:sset:${k % 4}`); break;
        case 17: p.zadd(`w:zset:${k % 8}`, rnd() * 100 - 50, `z${int(200)}`); break;
        case 18: p.zincrby(`w:zset:${k % 8}`, 2, `z${int(200)}`); break;
        case 19: p.zrem(`w:zset:${k % 8}`, `z${int(200)}`); break;
        case 20: p.zpopmin(`w:zset:${k % 8}`); break;
        case 21: p.del(`w:str:${k}`); break;
        case 22: p.expire(`w:list:${k % 8}`, 300 + int(300)); break;
        case 23: p.pexpireat(`w:hash:${k % 8}`, Date.now() + 600_000 + int(1e5)); break;
        case 24: p.persist(`w:list:${k % 8}`); break;
        case 25: p.getex(`w:str:${k}`, 'PX', 400_000); break;
        case 26: p.setex(`w:sx:${k % 10}`, 900, `sx${int(100)}`); break;
        case 27: p.lmove(`w:list:${k % 8}`, `w:list:${(k + 1) % 8}`, 'LEFT', 'RIGHT'); break;
        case 28: p.hincrbyfloat(`w:hash:${k % 8}`, 'fl', '0.25'); break;
        case 29: p.setrange(`w:app:${k % 5}`, int(4), 'Z'); break;
        case 30: p.call('MULTI').set(`w:tx:${k % 5}`, `t${int(100)}`).incr(`w:txc:${k % 5}`).rpush(`w:list:${k % 8}`, 'tx').call('EXEC'); break;
        default: p.call('MULTI').incr(`w:single:${k % 5}`).call('EXEC'); break;
      }
    }
    p.select(0);
    const replies = (await p.exec()) ?? [];
    const errors = replies.filter(([err]) => err !== null).map(([err]) => String(err));
    if (errors.length > 0) throw new Error(`mixed writes: ${errors.length} error replies, first: ${errors[0]}`);
    sent += batch;
  }
  return sent;
}

/** One key as both sides hold it, read back from the scratch server. */
interface KeyView {
  value: string;
  pttl: number;
  pexpiretime: number;
}

/** Every key of `db` on `c`: names, DUMP payloads, PTTL and PEXPIRETIME. */
async function readDb(c: Redis, db: number): Promise<Map<string, { dump: Buffer | null; pttl: number; at: number }>> {
  await c.select(db);
  const keys = (await c.keys('*')).sort();
  const p = c.pipeline();
  for (const k of keys) {
    p.dumpBuffer(k);
    p.pttl(k);
    p.pexpiretime(k);
  }
  const r = (await p.exec()) ?? [];
  await c.select(0);
  const out = new Map<string, { dump: Buffer | null; pttl: number; at: number }>();
  keys.forEach((k, i) => {
    out.set(k, { dump: r[i * 3][1] as Buffer | null, pttl: r[i * 3 + 1][1] as number, at: r[i * 3 + 2][1] as number });
  });
  return out;
}

const hex = (v: unknown): unknown => (Buffer.isBuffer(v) ? v.toString('hex') : Array.isArray(v) ? v.map(hex) : v);

/**
 * XINFO STREAM FULL without `radix-tree-keys` / `radix-tree-nodes`: they describe how the entries
 * are cut into listpack nodes, a layout choice of the writer, not the stream's content (ids,
 * fields, last/max-deleted/first ids, entries-added, groups, PELs and consumers are all kept).
 */
function streamInfo(flat: Buffer[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = String(flat[i]);
    if (name !== 'radix-tree-keys' && name !== 'radix-tree-nodes') out.push(flat[i], flat[i + 1]);
  }
  return out;
}

/** RESTOREs `payload` as `name` on the scratch server and reads it back in a canonical form. */
async function canonical(scratch: Redis, name: string, payload: Buffer): Promise<string> {
  await scratch.restore(name, 0, payload, 'REPLACE');
  const type = await scratch.type(name);
  let v: unknown;
  if (type === 'string') v = await scratch.getBuffer(name);
  else if (type === 'list') v = await scratch.lrangeBuffer(name, 0, -1);
  else if (type === 'set') v = (await scratch.smembersBuffer(name)).map((b) => b.toString('hex')).sort();
  else if (type === 'hash') {
    const flat = (await scratch.callBuffer('HGETALL', name)) as Buffer[];
    const pairs: string[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i].toString('hex')}=${flat[i + 1].toString('hex')}`);
    v = pairs.sort();
  } else if (type === 'zset') v = await scratch.zrangeBuffer(name, 0, -1, 'WITHSCORES');
  else if (type === 'stream') v = [await scratch.callBuffer('XRANGE', name, '-', '+'), streamInfo((await scratch.callBuffer('XINFO', 'STREAM', name, 'FULL')) as Buffer[])];
  else v = `unexpected type ${type}`;
  return JSON.stringify([type, hex(v)]);
}

/**
 * Lets a PTTL taken at slightly different moments differ by this much, plus the time the two reads
 * of a db took (a loaded machine can spread them over seconds; PEXPIRETIME is compared exactly).
 */
const PTTL_TOLERANCE_MS = 2000;

/**
 * Differences between two nodes' datasets over all 16 dbs, as readable lines (empty when equal): key
 * sets per db, each value (through DUMP -> RESTORE on `scratch` -> canonical read), PEXPIRETIME
 * exactly and PTTL within a tolerance. `scratch` is a real redis-server only the caller uses.
 */
export async function diffDatasets(a: Redis, b: Redis, scratch: Redis): Promise<string[]> {
  const diffs: string[] = [];
  await scratch.select(0);
  for (const db of ALL_DBS) {
    const started = Date.now();
    const [da, dbb] = await Promise.all([readDb(a, db), readDb(b, db)]);
    const tolerance = PTTL_TOLERANCE_MS + (Date.now() - started);
    for (const k of da.keys()) if (!dbb.has(k)) diffs.push(`db${db} ${k}: only on the first node`);
    for (const k of dbb.keys()) if (!da.has(k)) diffs.push(`db${db} ${k}: only on the second node`);
    for (const [k, x] of da) {
      const y = dbb.get(k);
      if (y === undefined) continue;
      if (x.dump === null || y.dump === null) {
        diffs.push(`db${db} ${k}: DUMP returned nil (${x.dump === null}, ${y.dump === null})`);
        continue;
      }
      // equal payloads are equal values; different ones may still be (encodings, element order)
      const same = x.dump.equals(y.dump);
      const ca = same ? '' : await canonical(scratch, 'a', x.dump);
      const cb = same ? '' : await canonical(scratch, 'b', y.dump);
      if (ca !== cb) {
        let at = 0;
        while (at < ca.length && ca[at] === cb[at]) at++;
        const from = Math.max(0, at - 120);
        diffs.push(`db${db} ${k}: values differ at char ${at}\n  ${ca.slice(from, at + 200)}\n  ${cb.slice(from, at + 200)}`);
      }
      const view: [KeyView, KeyView] = [
        { value: ca, pttl: x.pttl, pexpiretime: x.at },
        { value: cb, pttl: y.pttl, pexpiretime: y.at },
      ];
      if (view[0].pexpiretime !== view[1].pexpiretime) diffs.push(`db${db} ${k}: PEXPIRETIME ${view[0].pexpiretime} vs ${view[1].pexpiretime}`);
      const bothPersistent = view[0].pttl === -1 && view[1].pttl === -1;
      const bothVolatile = view[0].pttl > 0 && view[1].pttl > 0 && Math.abs(view[0].pttl - view[1].pttl) <= tolerance;
      if (!bothPersistent && !bothVolatile) diffs.push(`db${db} ${k}: PTTL ${view[0].pttl} vs ${view[1].pttl}`);
    }
  }
  await scratch.del('a', 'b');
  return diffs;
}

/** Counts keys with a TTL over DBS (to show the dataset really carries expiries). */
export async function volatileKeys(c: Redis): Promise<number> {
  let n = 0;
  for (const db of DBS) {
    const m = /expires=(\d+)/.exec((await c.info('keyspace')).split('\n').find((l) => l.startsWith(`db${db}:`)) ?? '');
    n += m ? Number(m[1]) : 0;
  }
  return n;
}

/** Waits until a master has dropped the seeded `short:*` keys (its expiry DELs reach the replicas). */
export async function shortKeysExpired(c: Redis): Promise<boolean> {
  for (const db of DBS) {
    await c.select(db);
    const n = await c.exists('short:1', 'short:2');
    if (n !== 0) {
      await c.select(0);
      return false;
    }
  }
  await c.select(0);
  return true;
}
