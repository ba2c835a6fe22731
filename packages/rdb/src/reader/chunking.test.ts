import fc from 'fast-check';
import type { RdbEntry } from '../model';
import { RdbReader } from './rdb-reader';
import { readRdbBuffer } from './read-rdb';
import { Crc64 } from '../codec/crc64';
import { len, lzfStr, rdbFile, str } from './testing/legacy-builders';

// ~1.3 MB: many small records, one 50k-element list (a record far larger than a chunk), a 300 KB string
const T = (n: number) => Buffer.from([n]);
const body: Buffer[] = [T(0xfe), len(0)];
for (let i = 0; i < 10000; i++) body.push(T(0), str(`key:${i}`), str(i % 3 ? `value-${i}` : String(i)));
body.push(T(1), str('biglist'), len(50000));
for (let i = 0; i < 50000; i++) body.push(str(`e${i}`));
body.push(T(0), str('bigstring'), str('s'.repeat(300000)), T(0), str('lzf'), lzfStr('abc'.repeat(50000)));
for (let i = 0; i < 1000; i++) body.push(T(0), str(`tail:${i}`), str('t'));
const rdb = rdbFile(10, body);
/** a cheap digest of every key and value byte, in order */
function digest(entries: RdbEntry[]): string {
  const c = new Crc64();
  for (const e of entries) {
    c.update(e.key);
    const v = e.value;
    if (v.type === 'string') c.update(v.value);
    else if (v.type === 'list') for (const x of v.value) c.update(x);
    c.update(Buffer.from([0]));
  }
  return `${entries.length}:${c.value}`;
}
const expectedEntries = readRdbBuffer(rdb).entries;
const expected = digest(expectedEntries);

function readIn(sizes: number[]): RdbEntry[] {
  const entries: RdbEntry[] = [];
  const r = new RdbReader({ entry: (e) => entries.push(e) });
  let p = 0;
  let i = 0;
  while (p < rdb.length) {
    const n = sizes[i++ % sizes.length];
    r.write(rdb.subarray(p, p + n));
    p += n;
  }
  r.end();
  return entries;
}

test('large input in chunks of random sizes gives the same entries', () => {
  expect(expectedEntries).toHaveLength(11003);
  expect(expectedEntries[10000].value).toEqual(expect.objectContaining({ type: 'list', value: expect.any(Array) }));
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 200, max: 300_000 }), { minLength: 1, maxLength: 20 }), (sizes) => {
      expect(digest(readIn(sizes))).toBe(expected);
    }),
    { numRuns: 5 },
  );
  for (const size of [1 << 20, 65536, 4096, 777]) expect(digest(readIn([size]))).toBe(expected);
});

test('a large stream is parsed with only the current record buffered', () => {
  // ~64 MB generated chunk by chunk: 1 KB string values, one 2 MB value in the middle
  const value = Buffer.alloc(1000, 0x61);
  const rec = (i: number, v: Buffer) => Buffer.concat([T(0), str(`k${i}`), len(v.length), v]);
  let keys = 0;
  let maxBuffered = 0;
  const r = new RdbReader({ entry: () => void keys++ }, { verifyChecksum: false });
  r.write(Buffer.from('REDIS0010'));
  let i = 0;
  for (let chunk = 0; chunk < 1000; chunk++) {
    const parts: Buffer[] = [];
    for (let j = 0; j < 63; j++) parts.push(rec(i++, chunk === 500 && j === 0 ? Buffer.alloc(2 << 20, 0x62) : value));
    const data = Buffer.concat(parts);
    // feed in 64 KB slices so records straddle
    for (let p = 0; p < data.length; p += 65536) {
      r.write(data.subarray(p, p + 65536));
      maxBuffered = Math.max(maxBuffered, r.bufferedBytes);
    }
  }
  r.write(Buffer.concat([T(0xff), Buffer.alloc(8)]));
  r.end();
  expect(keys).toBe(63000);
  expect(maxBuffered).toBeLessThan(2 * (2 << 20) + 65536); // the 2 MB record (doubling rule), never the stream
  expect(r.info().bytes).toBeGreaterThan(63_000_000);
});
