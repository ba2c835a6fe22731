import fc from 'fast-check';
import type { RdbEntry } from '../model';
import { RdbReader } from './rdb-reader';
import { i32le, i64le, len, lzfStr, rawStr, rdbFile, str } from './testing/legacy-builders';

const T = (n: number) => Buffer.from([n]);

/** String keys in every string encoding (raw, INT8/16/32 text, LZF, binary, empty), TTLs, LRU/LFU info, other types between them. */
function body(): Buffer[] {
  const b: Buffer[] = [T(0xfe), len(0), T(0xfb), len(4000), len(100)];
  for (let i = 0; i < 3000; i++) {
    if (i % 7 === 0) b.push(T(0xfc), i64le(4102444800000 + i));
    if (i % 11 === 0) b.push(T(0xfd), i32le(1700000000 + i));
    if (i % 13 === 0) b.push(T(0xf8), len(i));
    if (i % 17 === 0) b.push(T(0xf9), T(i & 0xff));
    const key = i % 5 === 0 ? str(String(i * 1000 - 70000)) : i % 9 === 0 ? rawStr(Buffer.from([0, 0xff, i & 0xff, 0x80])) : str(`key:${i}`);
    const values = [str(`v${i}`), str(String(i - 1500)), str(String(i * 100000)), lzfStr(`value:${i}`.padEnd(100 + (i % 300), 'x')), rawStr(''), str(Buffer.from([0xe9, 0, i & 0xff]))];
    if (i % 23 === 0) b.push(T(1), key, len(2), str('a'), str('b'));
    else b.push(T(0), key, values[i % values.length]);
  }
  b.push(T(0xfe), len(3), T(0), str('k'), lzfStr('y'.repeat(5000)), T(0), str('long'), str('z'.repeat(70000)));
  return b;
}
const rdb = rdbFile(10, body());

interface Seen {
  db: number;
  key: string;
  value: string;
  expireAt: number;
  idle?: number;
  freq?: number;
}

function fromEntry(e: RdbEntry): Seen {
  const v = e.value;
  const value = v.type === 'string' ? v.value.toString('hex') : v.type === 'list' ? `list:${v.value.map((x) => x.toString('hex')).join(',')}` : v.type;
  const s: Seen = { db: e.db, key: e.key.toString('hex'), value, expireAt: e.expireAtMs };
  if (e.idleSeconds !== undefined) s.idle = e.idleSeconds;
  if (e.lfuFreq !== undefined) s.freq = e.lfuFreq;
  return s;
}

/** Reads `rdb` in pieces of `sizes`; with `bytes`, string keys go through stringEntry. */
function read(sizes: number[], bytes: boolean): { seen: Seen[]; viaBytes: number } {
  const seen: Seen[] = [];
  let viaBytes = 0;
  const r = new RdbReader({
    entry: (e) => seen.push(fromEntry(e)),
    stringEntry: bytes
      ? (db, k, ks, ke, v, vs, ve, at) => {
          viaBytes++;
          seen.push({ db, key: k.toString('hex', ks, ke), value: v.toString('hex', vs, ve), expireAt: at });
        }
      : undefined,
  });
  let p = 0;
  let i = 0;
  while (p < rdb.length) {
    const n = sizes[i++ % sizes.length];
    r.write(rdb.subarray(p, p + n));
    p += n;
  }
  r.end();
  expect(r.info().keys).toBe(seen.length);
  return { seen, viaBytes };
}

const expected = read([rdb.length], false).seen;

test('stringEntry hands over the same keys, values and TTLs as entry, whatever the chunking', () => {
  expect(expected).toHaveLength(3002);
  const whole = read([rdb.length], true);
  expect(whole.seen).toEqual(expected);
  // every string record without LRU/LFU info went through stringEntry, the others through entry
  const plainStrings = expected.filter((e) => !e.value.startsWith('list:') && e.idle === undefined && e.freq === undefined);
  expect(plainStrings.length).toBeGreaterThan(2400);
  expect(whole.viaBytes).toBe(plainStrings.length);
  expect(read([1], true).seen).toEqual(expected);
  for (const size of [7, 100, 4096, 65536]) expect(read([size], true).seen).toEqual(expected);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 20000 }), { minLength: 1, maxLength: 30 }), (sizes) => {
      expect(read(sizes, true).seen).toEqual(expected);
    }),
    { numRuns: 20 },
  );
});

test('a failing stringEntry callback propagates its own exception; decoding errors stay RdbErrors', () => {
  const boom = new Error('boom');
  const r = new RdbReader({
    stringEntry: () => {
      throw boom;
    },
  });
  expect(() => r.write(rdb)).toThrow(boom);
  // an LZF value that does not decompress to its declared length
  const bad = rdbFile(10, [T(0xfe), len(0), T(0), str('k'), T(0xc3), len(2), len(10), T(0), T(0x61)]);
  const r2 = new RdbReader({ stringEntry: () => undefined });
  expect(() => r2.write(bad)).toThrow(expect.objectContaining({ code: 'ERR_RDB_CORRUPT' }));
});
