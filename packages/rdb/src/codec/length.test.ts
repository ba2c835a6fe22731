import fc from 'fast-check';
import {
  decodeLength,
  decodeLengthBig,
  decodeString,
  encodeIntegerString,
  encodeLength,
  encodeString,
  lengthSize,
  parseCanonicalInt64,
  tryIntegerEncoding,
} from './length';

describe('length encoding', () => {
  test.each([
    [0, '00'],
    [63, '3f'],
    [64, '4040'],
    [16383, '7fff'],
    [16384, '8000004000'],
    [0xffffffff, '80ffffffff'],
    [2 ** 32, '810000000100000000'],
  ])('%d <-> %s', (n, hex) => {
    const b = encodeLength(n);
    expect(b.toString('hex')).toBe(hex);
    expect(lengthSize(n)).toBe(b.length);
    expect(decodeLength(b, 0)).toEqual({ value: n, special: false, next: b.length });
  });

  test('64-bit lengths as bigint', () => {
    const b = encodeLength(0xfffffffffffffffen);
    expect(decodeLengthBig(b, 0).value).toBe(0xfffffffffffffffen);
    expect(() => decodeLength(b, 0)).toThrow(expect.objectContaining({ code: 'ERR_RDB_LIMIT' }));
  });

  test('round-trips random lengths', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const b = encodeLength(n);
        expect(decodeLength(b, 0).value).toBe(n);
        expect(decodeLengthBig(b, 0).value).toBe(BigInt(n));
      }),
    );
  });

  test('bad and truncated', () => {
    expect(() => decodeLength(Buffer.from([0x82]), 0)).toThrow(expect.objectContaining({ code: 'ERR_RDB_CORRUPT' }));
    expect(() => decodeLength(Buffer.from([0x80, 1]), 0)).toThrow(expect.objectContaining({ code: 'ERR_RDB_TRUNCATED' }));
    expect(decodeLength(Buffer.from([0xc3]), 0)).toEqual({ value: 3, special: true, next: 1 });
  });
});

describe('canonical integers', () => {
  test.each([
    ['0', 0],
    ['-1', -1],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    ['2147483648', null],
    ['007', null],
    ['-0', null],
    ['+1', null],
    [' 1', null],
    ['1 ', null],
    ['', null],
    ['1a', null],
    ['12345678901', null],
  ])('tryIntegerEncoding(%j) = %j', (s, want) => {
    expect(tryIntegerEncoding(Buffer.from(s))).toBe(want);
  });

  test.each([
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', null],
    ['-9223372036854775809', null],
    ['00', null],
    ['-', null],
  ])('parseCanonicalInt64(%j)', (s, want) => {
    expect(parseCanonicalInt64(Buffer.from(s))).toBe(want);
  });

  test('agrees with BigInt round-trip on random strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String), fc.stringMatching(/^[-+0-9 ]{0,22}$/)), (s) => {
        let want: bigint | null = null;
        if (/^(0|-?[1-9][0-9]*)$/.test(s)) {
          const v = BigInt(s);
          if (v >= -(2n ** 63n) && v < 2n ** 63n) want = v;
        }
        expect(parseCanonicalInt64(Buffer.from(s))).toBe(want);
      }),
      { numRuns: 500 },
    );
  });
});

describe('string encoding', () => {
  test('integers, raw and LZF round-trip', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer().map(String), fc.string({ maxLength: 100 }), fc.string({ maxLength: 5 }).map((s) => s.repeat(30))),
        fc.boolean(),
        (s, compress) => {
          const v = Buffer.from(s);
          const enc = Buffer.concat(encodeString(v, { compress }));
          const d = decodeString(enc, 0);
          expect(d.value.equals(v)).toBe(true);
          expect(d.next).toBe(enc.length);
          const iv = tryIntegerEncoding(v);
          if (iv !== null) expect(enc[0] & 0xc0).toBe(0xc0);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('forms', () => {
    expect(encodeIntegerString(-7).toString('hex')).toBe('c0f9');
    expect(encodeIntegerString(1234).toString('hex')).toBe('c1d204');
    expect(encodeIntegerString(-2147483648).toString('hex')).toBe('c200000080');
    expect(Buffer.concat(encodeString(Buffer.from('007'))).toString('hex')).toBe('03303037');
    const lzf = Buffer.concat(encodeString(Buffer.from('a'.repeat(100)), { compress: true }));
    expect(lzf[0]).toBe(0xc3);
    expect(Buffer.concat(encodeString(Buffer.from('a'.repeat(100)))).length).toBe(102);
  });
});
