import fc from 'fast-check';
import type { RdbEntry } from '../model';
import { RdbReader } from './rdb-reader';
import { readRdbBuffer } from './read-rdb';
import { normalizeEntries } from './testing/normalize';
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
const expected = normalizeEntries(readRdbBuffer(rdb).entries);

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
  expect(expected).toHaveLength(11003);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 200, max: 300_000 }), { minLength: 1, maxLength: 20 }), (sizes) => {
      expect(normalizeEntries(readIn(sizes))).toEqual(expected);
    }),
    { numRuns: 5 },
  );
  for (const size of [1 << 20, 65536, 4096, 777]) expect(normalizeEntries(readIn([size]))).toEqual(expected);
});
