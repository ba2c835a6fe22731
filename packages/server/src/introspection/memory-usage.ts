/**
 * MEMORY USAGE as an estimate of what redis-server 7.0 (with jemalloc) would use for a key:
 * objectComputeSize's walk over the encoding Redis would pick, with jemalloc's size classes,
 * sds header sizes, listpack and intset byte layouts, and dict/quicklist/skiplist structs of a
 * 64-bit build. Collections encoded as hash tables or skiplists are sampled like Redis (the
 * average of the first `samples` elements times the count; 0 samples all). The JS heap's real
 * usage is different: this number is what the same data costs in Redis, which is what
 * capacity planning and client tooling expect.
 */
import type { PlainValue } from '@replikit/keyspace';

const ROBJ = 16;
const DICT_ENTRY = 24;
const DICT = 56;
const QUICKLIST = 40;
const QUICKLIST_NODE = 40;
const ZSET = 16;
const ZSKIPLIST = 32;
/** zslCreateNode(ZSKIPLIST_MAXLEVEL): 24 bytes + 32 levels of 16 */
const ZSKIPLIST_HEADER = 24 + 32 * 16;
/** list-max-listpack-size -2: 8 KB per quicklist node */
const QUICKLIST_NODE_BYTES = 8192;

/** jemalloc's size class for a request of `n` bytes (je_malloc_usable_size). */
export function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  // 4 classes per doubling: spacing is a quarter of the group's lower power of two
  const p = 2 ** Math.floor(Math.log2(n - 1));
  const step = p / 4;
  return Math.ceil(n / step) * step;
}

/** sdsnewlen's header: type 5 below 32 bytes, then 8/16/32-bit lengths. */
function sdsHeader(len: number, allowType5: boolean): number {
  if (len < 32 && allowType5) return 1;
  if (len < 256) return 3;
  if (len < 65536) return 5;
  return len < 2 ** 32 ? 9 : 17;
}

/** sdsZmallocSize of an sds made by sdsdup/sdsnewlen (keys, set members, hash fields). */
function sdsSize(s: string, allowType5 = true): number {
  return jemallocSize(sdsHeader(s.length, allowType5) + s.length + 1);
}

/** string2ll as listpack uses it: a canonical decimal 64-bit integer. */
function asInt64(s: string): bigint | undefined {
  if (s.length === 0 || s.length > 20 || !/^(0|-?[1-9][0-9]*)$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

function backlenBytes(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Bytes of one listpack entry (encoding, data, back length). */
function lpEntryBytes(s: string): number {
  const n = asInt64(s);
  let enc: number;
  if (n !== undefined) {
    if (n >= 0n && n <= 127n) enc = 1;
    else if (n >= -4096n && n <= 4095n) enc = 2;
    else if (n >= -32768n && n <= 32767n) enc = 3;
    else if (n >= -8388608n && n <= 8388607n) enc = 4;
    else if (n >= -2147483648n && n <= 2147483647n) enc = 5;
    else enc = 9;
  } else if (s.length < 64) enc = 1 + s.length;
  else if (s.length < 4096) enc = 2 + s.length;
  else enc = 5 + s.length;
  return enc + backlenBytes(enc);
}

/** lpBytes: 6 header bytes, the entries, the end byte. */
function listpackBytes(entries: Iterable<string>): number {
  let b = 7;
  for (const e of entries) b += lpEntryBytes(e);
  return b;
}

/** A zset score as zzlInsertAt writes it (d2string: integers plainly, else the shortest form). */
function scoreText(score: number): string {
  if (Number.isInteger(score) && Math.abs(score) < 2 ** 53) return String(score);
  if (score === Number.POSITIVE_INFINITY) return 'inf';
  if (score === Number.NEGATIVE_INFINITY) return '-inf';
  return String(score);
}

function dictSlots(n: number): number {
  let s = 4;
  while (s < n) s *= 2;
  return s;
}

/** The key's share: its dictEntry and its sds. */
export function keyOverhead(key: string): number {
  return DICT_ENTRY + sdsSize(key);
}

/** The sampled average of `per` over the first `samples` items, times the count (objectComputeSize). */
function sampled<T>(items: readonly T[], samples: number, per: (x: T) => number): number {
  const n = samples === 0 ? items.length : Math.min(samples, items.length);
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += per(items[i] as T);
  return (sum / n) * items.length;
}

/**
 * objectComputeSize for a value in its Redis encoding (`encoding` as OBJECT ENCODING shows
 * it), plus the key (MEMORY USAGE's total).
 */
export function memoryUsage(key: string, value: PlainValue, encoding: string, samples: number): number {
  return keyOverhead(key) + Math.floor(valueSize(value, encoding, samples));
}

function valueSize(v: PlainValue, encoding: string, samples: number): number {
  switch (v.type) {
    case 'string':
      if (encoding === 'int') return ROBJ;
      if (encoding === 'embstr') return jemallocSize(ROBJ + 3 + v.value.length + 1);
      return ROBJ + sdsSize(v.value, false);
    case 'list': {
      // nodes filled up to 8 KB listpacks, sampled like the hash-table types
      const nodes: number[] = [];
      let bytes = 7;
      for (const e of v.value) {
        const b = lpEntryBytes(e);
        if (bytes + b > QUICKLIST_NODE_BYTES && bytes > 7) {
          nodes.push(bytes);
          bytes = 7;
        }
        bytes += b;
      }
      nodes.push(bytes);
      return ROBJ + QUICKLIST + sampled(nodes, samples, (b) => QUICKLIST_NODE + jemallocSize(b));
    }
    case 'hash':
      if (encoding === 'listpack') return ROBJ + jemallocSize(listpackBytes(v.value.flat()));
      return ROBJ + DICT + 8 * dictSlots(v.value.length) + sampled(v.value, samples, ([f, x]) => DICT_ENTRY + sdsSize(f) + sdsSize(x));
    case 'set': {
      if (encoding === 'intset') {
        let width = 2;
        for (const m of v.value) {
          const n = BigInt(m);
          if (n < -2147483648n || n > 2147483647n) width = 8;
          else if ((n < -32768n || n > 32767n) && width < 4) width = 4;
        }
        return ROBJ + jemallocSize(8 + width * v.value.length);
      }
      if (encoding === 'listpack') return ROBJ + jemallocSize(listpackBytes(v.value));
      return ROBJ + DICT + 8 * dictSlots(v.value.length) + sampled(v.value, samples, (m) => DICT_ENTRY + sdsSize(m));
    }
    case 'zset':
      if (encoding === 'listpack') return ROBJ + jemallocSize(listpackBytes(v.value.flatMap(([m, s]) => [m, scoreText(s)])));
      // skiplist nodes are counted at level 1 (Redis's random levels average 1.33)
      return (
        ROBJ + ZSET + ZSKIPLIST + DICT + 8 * dictSlots(v.value.length) + jemallocSize(ZSKIPLIST_HEADER) +
        sampled(v.value, samples, ([m]) => sdsSize(m) + DICT_ENTRY + jemallocSize(24 + 16))
      );
    default:
      // streams: the radix tree and listpacks are not modelled; a fixed robj + stream struct
      return ROBJ + 64;
  }
}
