import fc from 'fast-check';
import { intToBuffer } from './int-text';
import { lzfCompress, lzfDecompress } from './lzf';

describe('lzf', () => {
  test('hand-made streams from the spec', () => {
    expect(lzfDecompress(Buffer.from([2, 97, 98, 99, 0x80, 2]), 9).toString()).toBe('abcabcabc');
    expect(lzfDecompress(Buffer.from([1, 97, 98, 0xe0, 0x0b, 1]), 22).toString()).toBe('ab'.repeat(11));
  });

  test.each([
    ['reference before the start', [0, 97, 0x20, 5], 4],
    ['output past ulen (literal)', [2, 97, 98, 99], 2],
    ['output past ulen (reference)', [0, 97, 0x20, 0], 2],
    ['output shorter than ulen', [0, 97], 2],
    ['literal past the input', [5, 97], 6],
    ['reference missing its offset byte', [0, 97, 0x20], 4],
    ['long reference missing its length byte', [0, 97, 0xe0], 20],
  ])('corrupt: %s', (_name, bytes, ulen) => {
    expect(() => lzfDecompress(Buffer.from(bytes), ulen, 100)).toThrow(expect.objectContaining({ code: 'ERR_RDB_CORRUPT' }));
  });

  test('compress round-trips, saves ≥ 4 bytes or returns null', () => {
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.array(fc.constantFrom(...'abcab '.split('')), { maxLength: 3000 }).map((a) => Buffer.from(a.join(''))),
      fc.tuple(fc.string({ maxLength: 20 }), fc.nat(400)).map(([s, n]) => Buffer.from(s.repeat(n))),
    );
    fc.assert(
      fc.property(arb, (data) => {
        const c = lzfCompress(data);
        if (c === null) return;
        expect(c.length).toBeLessThanOrEqual(data.length - 4);
        expect(lzfDecompress(c, data.length).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(lzfCompress(Buffer.from('a'.repeat(1000)))!.length).toBeLessThan(30);
    expect(lzfCompress(Buffer.from('abc'))).toBeNull();
  });
});

describe('intToBuffer', () => {
  test('matches String()', () => {
    for (const v of [0, 9, 10, -1, -10, 127, 2147483647, -2147483648, 2147483648, -2147483649, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      expect(intToBuffer(v).toString()).toBe(String(v));
    }
    expect(intToBuffer(-9223372036854775808n).toString()).toBe('-9223372036854775808');
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => intToBuffer(v).toString() === String(v)));
  });
});
