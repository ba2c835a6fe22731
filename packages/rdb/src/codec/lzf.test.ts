import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { RdbReader } from '../reader/rdb-reader';
import { writeRdbToBuffer } from '../writer/rdb-writer';
import { lzfCompress, lzfCompressRangeToScratch, lzfCompressToScratch, lzfDecompress, lzfScratch, setLzfBaseForTests } from './lzf';

/** Inputs LZF meets: random bytes, small alphabets, repeated phrases, JSON-like records, long runs. */
const inputArb = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.constantFrom(...'abcab '.split('')), { maxLength: 5000 }).map((a) => Buffer.from(a.join(''))),
  fc.tuple(fc.string({ maxLength: 30 }), fc.nat(600)).map(([s, n]) => Buffer.from(s.repeat(n))),
  fc.array(fc.record({ id: fc.nat(), name: fc.string({ maxLength: 12 }), ok: fc.boolean(), tags: fc.array(fc.constantFrom('alpha', 'beta', 'gamma'), { maxLength: 3 }) }), { maxLength: 60 }).map((a) => Buffer.from(JSON.stringify(a))),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(20000), fc.uint8Array({ maxLength: 300 })).map(([a, gap, c]) => Buffer.concat([a, Buffer.alloc(gap, 0x61), c, a])),
);

describe('lzfCompress', () => {
  test('round-trips through lzfDecompress, never longer than maxOut, null only when it does not fit', () => {
    fc.assert(
      fc.property(inputArb, fc.option(fc.nat(6000), { nil: undefined }), (data, maxOutArg) => {
        const maxOut = maxOutArg ?? data.length - 4;
        const c = lzfCompress(data, maxOut);
        if (c === null) return;
        expect(c.length).toBeLessThanOrEqual(maxOut);
        expect(lzfDecompress(c, data.length).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  test('compresses what it should: long runs, repeated records, data past the 8 KiB window', () => {
    expect(lzfCompress(Buffer.alloc(100_000, 0x61))!.length).toBeLessThan(1300); // 264-byte matches, 3 bytes each
    const json = Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, kind: 'user', active: true }))));
    expect(lzfCompress(json)!.length).toBeLessThan(json.length / 3);
    const big = Buffer.concat(Array.from({ length: 50 }, (_, i) => Buffer.from(`${i}:`.padEnd(3000, 'xyz'))));
    const c = lzfCompress(big)!;
    expect(lzfDecompress(c, big.length).equals(big)).toBe(true);
    expect(lzfCompress(Buffer.from('abcd'))).toBeNull();
    expect(lzfCompress(Buffer.from('abcabcabcabc'), 0)).toBeNull();
  });

  test('incompressible input gives up (null), also when only the end would not fit', () => {
    const random = randomBytes(4096);
    expect(lzfCompress(random)).toBeNull();
    // compressible head, random tail: fits only with a generous maxOut
    const mixed = Buffer.concat([Buffer.alloc(600, 0x41), random.subarray(0, 600)]);
    const c = lzfCompress(mixed)!;
    expect(lzfDecompress(c, mixed.length).equals(mixed)).toBe(true);
    expect(lzfCompress(mixed, c.length - 1)).toBeNull();
    expect(lzfCompress(mixed, c.length)!.equals(c)).toBe(true);
  });

  test('the table is reused without clearing: results do not depend on earlier calls', () => {
    fc.assert(
      fc.property(fc.array(inputArb, { minLength: 2, maxLength: 6 }), (inputs) => {
        const first = inputs.map((d) => lzfCompress(d));
        // again in reverse order: the table now holds positions of other inputs
        const again = inputs.map((_, i) => inputs.length - 1 - i).map((i) => [i, lzfCompress(inputs[i])] as const);
        for (const [i, c] of again) {
          if (c === null) continue;
          expect(lzfDecompress(c, inputs[i].length).equals(Buffer.from(inputs[i]))).toBe(true);
          // results returned earlier are independent copies, not views of the scratch
          if (first[i]) expect(lzfDecompress(first[i]!, inputs[i].length).equals(Buffer.from(inputs[i]))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('the table resets when its position base would overflow', () => {
    const data = Buffer.from('hello hello hello hello hello world'.repeat(30));
    const want = lzfCompress(data)!;
    setLzfBaseForTests(0x7fffffff - 10);
    const c = lzfCompress(data)!;
    expect(lzfDecompress(c, data.length).equals(data)).toBe(true);
    expect(c.length).toBeLessThanOrEqual(want.length + 8);
    expect(lzfDecompress(lzfCompress(data)!, data.length).equals(data)).toBe(true);
  });

  test('lzfCompressToScratch writes into the reused scratch, valid until the next call', () => {
    const a = Buffer.from('abcabcabcabcabcabcabcabcabcabc');
    const n = lzfCompressToScratch(a);
    expect(n).toBeGreaterThan(0);
    expect(lzfDecompress(lzfScratch().subarray(0, n), a.length).equals(a)).toBe(true);
    expect(lzfCompressToScratch(Buffer.from('xyz'))).toBe(-1);
    const huge = Buffer.alloc(3 << 20, 0x62); // bigger than the kept scratch: a one-off buffer
    const m = lzfCompressToScratch(huge);
    expect(lzfDecompress(lzfScratch().subarray(0, m), huge.length).equals(huge)).toBe(true);
  });

  test('the writer copies LZF output out of the scratch, across chunk boundaries', () => {
    const values = [Buffer.from('q'.repeat(5000)), Buffer.from('{"a":1,"b":2,"c":3}'.repeat(50)), Buffer.from('z'.repeat(100))];
    const entries = values.map((v, i) => ({ key: Buffer.from(`k${i}`), value: { type: 'string' as const, value: v } }));
    for (const chunkSize of [64, 1000, 65536]) {
      const rdb = writeRdbToBuffer(entries, { compress: true, chunkSize });
      expect(rdb.length).toBeLessThan(1000);
      const got: Buffer[] = [];
      const r = new RdbReader({ entry: (e) => e.value.type === 'string' && got.push(Buffer.from(e.value.value)) });
      r.write(rdb);
      r.end();
      expect(got.map((g) => g.toString())).toEqual(values.map((v) => v.toString()));
    }
  });
});

test('a range of a larger buffer compresses to the bytes of its copy, whatever came before', () => {
  fc.assert(
    fc.property(inputArb, fc.nat(300), fc.uint8Array({ maxLength: 200 }), (data, k, after) => {
      // the bytes before the range look like the range (and like what the table saw last), so a
      // position outside the range that passed for a match would change the output
      const before = Buffer.from(data.subarray(0, k));
      const earlier = Buffer.concat([before, data]);
      const whole = Buffer.concat([before, data, after]);
      const start = before.length;
      const end = start + data.length;
      lzfCompressToScratch(earlier);
      const n1 = lzfCompressRangeToScratch(whole, start, end);
      const ranged = n1 < 0 ? null : Buffer.from(lzfScratch().subarray(0, n1));
      lzfCompressToScratch(earlier);
      const n2 = lzfCompressToScratch(Buffer.from(data));
      const copied = n2 < 0 ? null : Buffer.from(lzfScratch().subarray(0, n2));
      expect(ranged).toEqual(copied);
      if (ranged !== null) expect(lzfDecompress(ranged, data.length)).toEqual(Buffer.from(data));
    }),
  );
});

test('a maxOut far above the input does not size the scratch by it', () => {
  const data = Buffer.from('abcabcabcabcabcabcabcabcabcabcxyz'.repeat(10));
  const c = lzfCompress(data, 1e9);
  expect(lzfDecompress(c!, data.length).equals(data)).toBe(true);
  expect(lzfCompress(Buffer.from('0123456789'), 1e9)!.length).toBe(11); // all literal: 1 control byte + 10
});
