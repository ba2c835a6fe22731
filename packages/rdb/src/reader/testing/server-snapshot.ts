/**
 * Test helper: what a live redis-server reports for every key of every db, in the normal form of
 * normalize.ts (LRANGE, SMEMBERS, ZRANGE WITHSCORES, HGETALL, XRANGE, XINFO STREAM FULL,
 * PEXPIRETIME, GET), and the dataset that exercises every encoding Redis 7.0 writes.
 */
import type { RawClient, RawReply } from '@replikit/test-utils';
import { parseScore } from '../decode-value';
import { type NormKey, cmpBuf, s, score } from './normalize';

async function call(c: RawClient, ...argv: Array<string | Buffer | number>): Promise<RawReply> {
  const r = await c.call(...argv);
  if (r instanceof Error) throw new Error(`${argv.map(String).join(' ')}: ${r.message}`);
  return r;
}

function arr(r: RawReply): RawReply[] {
  if (!Array.isArray(r)) throw new Error(`expected an array reply, got ${String(r)}`);
  return r;
}

function buf(r: RawReply): Buffer {
  if (Buffer.isBuffer(r)) return r;
  if (typeof r === 'string') return Buffer.from(r);
  if (typeof r === 'number') return Buffer.from(String(r));
  throw new Error(`expected a bulk reply, got ${String(r)}`);
}

function str(r: RawReply): string {
  return buf(r).toString('latin1');
}

/** A RESP flat map (XINFO) as a Map of field name -> reply. */
function map(r: RawReply): Map<string, RawReply> {
  const a = arr(r);
  const m = new Map<string, RawReply>();
  for (let i = 0; i < a.length; i += 2) m.set(str(a[i]), a[i + 1]);
  return m;
}

async function streamValue(c: RawClient, key: Buffer): Promise<unknown> {
  const entries = arr(await call(c, 'XRANGE', key, '-', '+')).map((e) => {
    const [eid, fields] = arr(e);
    return [str(eid), arr(fields).map((x) => s(buf(x)))];
  });
  const info = map(await call(c, 'XINFO', 'STREAM', key, 'FULL', 'COUNT', 0));
  const groups = arr(info.get('groups') ?? []).map((gr) => {
    const g = map(gr);
    const pel = arr(g.get('pending') ?? []).map((p) => {
      const [pid, consumer, time, count] = arr(p);
      return [str(pid), s(buf(consumer)), String(time), String(count)];
    });
    pel.sort((a, b) => (idLess(a[0] as string, b[0] as string)));
    const consumers = arr(g.get('consumers') ?? []).map((cr) => {
      const cm = map(cr);
      return {
        name: s(buf(cm.get('name') ?? null)),
        seenTime: String(cm.get('seen-time')),
        pending: arr(cm.get('pending') ?? []).map((p) => str(arr(p)[0])),
      };
    });
    return {
      name: s(buf(g.get('name') ?? null)),
      lastId: str(g.get('last-delivered-id') ?? null),
      entriesRead: g.get('entries-read') === null ? '-1' : String(g.get('entries-read')),
      pel,
      consumers,
    };
  });
  return {
    entries,
    length: String(info.get('length')),
    lastId: str(info.get('last-generated-id') ?? null),
    firstId: str(info.get('recorded-first-entry-id') ?? null),
    maxDeletedId: str(info.get('max-deleted-entry-id') ?? null),
    entriesAdded: String(info.get('entries-added')),
    groups,
  };
}

function idLess(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am < bm ? -1 : am > bm ? 1 : as < bs ? -1 : as > bs ? 1 : 0;
}

/** Every key of dbs 0..15 as the server reports it. Leaves db 0 selected. */
export async function snapshotServer(c: RawClient, dbs = 16): Promise<NormKey[]> {
  const out: NormKey[] = [];
  for (let db = 0; db < dbs; db++) {
    await call(c, 'SELECT', db);
    const keys = arr(await call(c, 'KEYS', '*')).map(buf);
    for (const key of keys) {
      const type = str(await call(c, 'TYPE', key));
      const exp = Number(await call(c, 'PEXPIRETIME', key));
      let value: unknown;
      switch (type) {
        case 'string':
          value = s(buf(await call(c, 'GET', key)));
          break;
        case 'list':
          value = arr(await call(c, 'LRANGE', key, 0, -1)).map((x) => s(buf(x)));
          break;
        case 'set':
          value = arr(await call(c, 'SMEMBERS', key)).map(buf).sort(cmpBuf).map(s);
          break;
        case 'zset': {
          const a = arr(await call(c, 'ZRANGE', key, 0, -1, 'WITHSCORES')).map(buf);
          const pairs: Array<[Buffer, number]> = [];
          for (let i = 0; i < a.length; i += 2) pairs.push([a[i], parseScore(a[i + 1], -1)]);
          pairs.sort((x, y) => x[1] - y[1] || cmpBuf(x[0], y[0]));
          value = pairs.map(([m, sc]) => [s(m), score(sc)]);
          break;
        }
        case 'hash': {
          const a = arr(await call(c, 'HGETALL', key)).map(buf);
          const pairs: Array<[Buffer, Buffer]> = [];
          for (let i = 0; i < a.length; i += 2) pairs.push([a[i], a[i + 1]]);
          pairs.sort((x, y) => cmpBuf(x[0], y[0]));
          value = pairs.map(([f, v]) => [s(f), s(v)]);
          break;
        }
        case 'stream':
          value = await streamValue(c, key);
          break;
        default:
          throw new Error(`unexpected type ${type}`);
      }
      out.push({ db, key: s(key), type, expireAtMs: exp, value });
    }
  }
  await call(c, 'SELECT', 0);
  out.sort((a, b) => a.db - b.db || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

/** Far-future absolute expiry times used by the dataset (fixed, so fixtures are stable). */
export const EXPIRE_A = 4102444800123; // 2100-01-01T00:00:00.123Z
export const EXPIRE_B = 4133980800456;

/**
 * Builds a dataset that exercises every encoding Redis 7.0 writes: strings (raw, int, LZF),
 * quicklist-2 lists (packed and plain nodes), intset/hashtable sets, listpack/skiplist zsets,
 * listpack/hashtable hashes, streams with groups, consumers and pending entries, expiries, a
 * function library and several dbs. `scale` 1 is the small fixture; larger values add big keys.
 */
export async function buildDataset(c: RawClient, scale = 1): Promise<void> {
  const big = 300 * scale;
  await call(c, 'FLUSHALL');
  await call(c, 'SELECT', 0);
  // strings
  await call(c, 'SET', 'str:small', 'bar');
  await call(c, 'SET', 'str:empty', '');
  await call(c, 'SET', 'str:int8', '-7');
  await call(c, 'SET', 'str:int16', '1234');
  await call(c, 'SET', 'str:int32', '-2147483648');
  await call(c, 'SET', 'str:int64', '12345678901234');
  await call(c, 'SET', 'str:noncanonical', '007');
  await call(c, 'SET', 'str:lzf', 'abcdefgh'.repeat(50 * scale));
  await call(c, 'SET', 'str:binary', Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  await call(c, 'SET', 'str:utf8', 'héllo wörld ✓');
  await call(c, 'SET', 'str:expiring', 'soon');
  await call(c, 'PEXPIREAT', 'str:expiring', EXPIRE_A);
  // lists
  await call(c, 'RPUSH', 'list:small', 'a', 'b', '1', '-300', '70000', '9223372036854775807', 'x'.repeat(100));
  const longList: Array<string> = [];
  for (let i = 0; i < big; i++) longList.push(i % 3 === 0 ? String(i) : `item-${i}-${'z'.repeat(i % 50)}`);
  await call(c, 'RPUSH', 'list:large', ...longList);
  await call(c, 'PEXPIREAT', 'list:large', EXPIRE_B);
  await call(c, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 100);
  await call(c, 'RPUSH', 'list:plain', 'small1', 'P'.repeat(500), 'small2', 'Q'.repeat(1000));
  await call(c, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 1073741824);
  // sets
  await call(c, 'SADD', 'set:intset16', '1', '2', '3', '-100');
  await call(c, 'SADD', 'set:intset64', '1', '5000000000', '-9223372036854775808');
  await call(c, 'SADD', 'set:strings', 'apple', 'banana', 'cherry', '12');
  const bigSet: string[] = [];
  for (let i = 0; i < big; i++) bigSet.push(`m${i}`);
  await call(c, 'SADD', 'set:large', ...bigSet);
  const bigIntSet: string[] = [];
  for (let i = 0; i < 600 * scale; i++) bigIntSet.push(String(i * 7));
  await call(c, 'SADD', 'set:manyints', ...bigIntSet); // > 512: hashtable of integers
  // zsets
  await call(c, 'ZADD', 'zset:small', '1', 'one', '2.5', 'two.5', '-3', 'minus', 'inf', 'top', '-inf', 'bottom', '0.1', 'tenth', '1e20', 'huge');
  const bigZ: string[] = [];
  for (let i = 0; i < big; i++) bigZ.push(String(i / 7), `zm${i}`);
  await call(c, 'ZADD', 'zset:large', ...bigZ);
  await call(c, 'ZADD', 'zset:longmember', '5', 'L'.repeat(200));
  // hashes
  await call(c, 'HSET', 'hash:small', 'f1', 'v1', 'n', '42', 'neg', '-1', 'big', '123456789012');
  const bigH: string[] = [];
  for (let i = 0; i < big; i++) bigH.push(`field${i}`, i % 2 ? String(i) : `value-${i}`);
  await call(c, 'HSET', 'hash:large', ...bigH);
  await call(c, 'HSET', 'hash:longvalue', 'k', 'V'.repeat(100));
  // streams
  await call(c, 'XADD', 'stream:s', '1-1', 'name', 'alice', 'age', '30');
  await call(c, 'XADD', 'stream:s', '1-2', 'name', 'bob', 'age', '25');
  await call(c, 'XADD', 'stream:s', '2-0', 'other', 'x');
  await call(c, 'XADD', 'stream:s', '3-0', 'name', 'carol', 'age', '41');
  await call(c, 'XADD', 'stream:s', '4-0', 'name', 'dave', 'age', '50');
  await call(c, 'XDEL', 'stream:s', '1-2');
  await call(c, 'XGROUP', 'CREATE', 'stream:s', 'g1', '0');
  await call(c, 'XGROUP', 'CREATE', 'stream:s', 'g2', '$');
  await call(c, 'XREADGROUP', 'GROUP', 'g1', 'consumer-a', 'COUNT', 2, 'STREAMS', 'stream:s', '>');
  await call(c, 'XREADGROUP', 'GROUP', 'g1', 'consumer-b', 'COUNT', 1, 'STREAMS', 'stream:s', '>');
  await call(c, 'XACK', 'stream:s', 'g1', '1-1');
  await call(c, 'XGROUP', 'CREATECONSUMER', 'stream:s', 'g2', 'idle-consumer');
  for (let i = 0; i < 2 * big; i++) await call(c, 'XADD', 'stream:large', '*', 'i', String(i), 'payload', `p${i % 10}`);
  await call(c, 'XGROUP', 'CREATE', 'stream:large', 'readers', '0');
  await call(c, 'XREADGROUP', 'GROUP', 'readers', 'r1', 'COUNT', 50, 'STREAMS', 'stream:large', '>');
  await call(c, 'XADD', 'stream:empty', 'MAXLEN', 0, '5-5', 'f', 'v'); // stream with no entries, last id 5-5
  // functions
  await call(c, 'FUNCTION', 'LOAD', "#!lua name=replikitlib\nredis.register_function('rk_echo', function(keys, args) return args[1] end)");
  // other dbs
  await call(c, 'SELECT', 1);
  await call(c, 'SET', 'db1:key', 'in db 1');
  await call(c, 'SADD', 'db1:set', 'a', 'b');
  await call(c, 'PEXPIREAT', 'db1:set', EXPIRE_A);
  await call(c, 'SELECT', 15);
  await call(c, 'RPUSH', 'db15:list', 'x', 'y');
  await call(c, 'SELECT', 0);
}

/** A tiny dataset (one small key per encoding 7.0 writes, < 1 KB dump) for fast corruption fuzzing. */
export async function buildSmallDataset(c: RawClient): Promise<void> {
  await call(c, 'FLUSHALL');
  await call(c, 'SELECT', 0);
  await call(c, 'SET', 's', 'hello');
  await call(c, 'SET', 'i', '-1234');
  await call(c, 'SET', 'z', 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz');
  await call(c, 'PEXPIREAT', 'z', EXPIRE_A);
  await call(c, 'RPUSH', 'l', 'a', '1', '300');
  await call(c, 'SADD', 'si', '1', '2', '70000');
  await call(c, 'SADD', 'ss', 'x', 'y');
  await call(c, 'ZADD', 'zs', '1', 'a', '2.5', 'b');
  await call(c, 'HSET', 'h', 'f', 'v', 'n', '1');
  const many: string[] = [];
  for (let i = 0; i < 130; i++) many.push(String(i / 4), `m${i}`);
  await call(c, 'ZADD', 'zbig', ...many);
  await call(c, 'XADD', 'x', '1-1', 'f', 'v');
  await call(c, 'XADD', 'x', '1-2', 'f', 'w', 'g', 'u');
  await call(c, 'XGROUP', 'CREATE', 'x', 'g', '0');
  await call(c, 'XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', 'x', '>');
  await call(c, 'SELECT', 2);
  await call(c, 'SET', 'k2', 'v2');
  await call(c, 'SELECT', 0);
}
