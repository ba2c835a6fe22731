import fc from 'fast-check';
import { decodeIntset, encodeIntset } from './intset';
import { decodeListpack, decodeListpackRaw, encodeListpack } from './listpack';
import { decodeZiplist } from './ziplist';
import { decodeZipmap } from './zipmap';

const corrupt = expect.objectContaining({ code: 'ERR_RDB_CORRUPT' });

describe('listpack', () => {
  test('every integer width and string length form', () => {
    const items = ['0', '127', '128', '-1', '-4096', '4095', '4096', '-32768', '32767', '32768', '-8388608', '8388607', '8388608',
      '-2147483648', '2147483647', '2147483648', '9223372036854775807', '-9223372036854775808', '007', '-0', '', 'x'.repeat(63),
      'x'.repeat(64), 'y'.repeat(4095), 'z'.repeat(4096)];
    const lp = encodeListpack(items.map((s) => Buffer.from(s)));
    expect(decodeListpack(lp).map(String)).toEqual(items);
    const raw = decodeListpackRaw(lp);
    expect(raw[0]).toBe(0);
    expect(raw[16]).toBe(9223372036854775807n);
    expect(Buffer.isBuffer(raw[18])).toBe(true);
  });

  test('bytes of known entries (listpack.c)', () => {
    // 7-bit uint 5, 6-bit string "ab", 13-bit int -1, 13-bit int 1000, 200-byte string backlen 0x01 0xC8
    const lp = encodeListpack([Buffer.from('5'), Buffer.from('ab'), Buffer.from('-1'), Buffer.from('1000')]);
    expect(lp.subarray(6, lp.length - 1).toString('hex')).toBe('0501' + '826162' + '03' + 'dfff02' + 'c3e802');
    const long = encodeListpack([Buffer.alloc(200, 0x61)]);
    expect(long.subarray(long.length - 3, long.length - 1).toString('hex')).toBe('01ca');
  });

  test('round-trips random items', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 70 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String)), { maxLength: 60 }), (items) => {
        const lp = encodeListpack(items.map((s) => Buffer.from(s)));
        expect(decodeListpack(lp).map(String)).toEqual(items);
      }),
      { numRuns: 300 },
    );
  });

  test('corruption is detected', () => {
    const lp = encodeListpack([Buffer.from('hello'), Buffer.from('12')]);
    const bad = (mut: (b: Buffer) => void) => {
      const b = Buffer.from(lp);
      mut(b);
      return () => decodeListpack(b, 10);
    };
    expect(bad((b) => b.writeUInt32LE(b.length + 1, 0))).toThrow(corrupt);
    expect(bad((b) => (b[b.length - 1] = 0))).toThrow(corrupt);
    expect(bad((b) => b.writeUInt16LE(3, 4))).toThrow(corrupt);
    expect(bad((b) => (b[6] = 0x80 | 40))).toThrow(corrupt);
    expect(bad((b) => (b[12] = 9))).toThrow(corrupt); // backlen of "hello"
    expect(() => decodeListpack(Buffer.from([7, 0, 0, 0, 0, 0]))).toThrow(corrupt);
  });
});

describe('intset', () => {
  test('round-trips, picks the smallest width', () => {
    const s16 = encodeIntset(['3', '-5', '3', '1000'].map((s) => Buffer.from(s)))!;
    expect(s16.readUInt32LE(0)).toBe(2);
    expect(decodeIntset(s16).map(String)).toEqual(['-5', '3', '1000']);
    const s64 = encodeIntset(['1', '-9223372036854775808'].map((s) => Buffer.from(s)))!;
    expect(s64.readUInt32LE(0)).toBe(8);
    expect(decodeIntset(s64).map(String)).toEqual(['-9223372036854775808', '1']);
    expect(encodeIntset([Buffer.from('01')])).toBeNull();
    expect(encodeIntset([])).toBeNull();
    fc.assert(
      fc.property(fc.uniqueArray(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: 1, maxLength: 50 }), (vals) => {
        const out = decodeIntset(encodeIntset(vals.map((v) => Buffer.from(String(v))))!).map((b) => BigInt(b.toString()));
        expect(out).toEqual([...vals].sort((a, b) => (a < b ? -1 : 1)));
      }),
    );
  });

  test('corruption is detected', () => {
    const b = encodeIntset(['1', '2'].map((s) => Buffer.from(s)))!;
    const swapped = Buffer.from(b);
    swapped.writeInt16LE(5, 8);
    expect(() => decodeIntset(swapped)).toThrow(corrupt);
    expect(() => decodeIntset(b.subarray(0, b.length - 1))).toThrow(corrupt);
    const w = Buffer.from(b);
    w.writeUInt32LE(3, 0);
    expect(() => decodeIntset(w)).toThrow(corrupt);
    const empty = Buffer.alloc(8);
    empty.writeUInt32LE(2, 0);
    expect(() => decodeIntset(empty)).toThrow(corrupt);
  });
});

describe('ziplist and zipmap', () => {
  // "a", 5 (immediate), -2 (int8), 300 (int16)
  const zl = Buffer.from('1c000000' + '13000000' + '0400' + '000161' + '03f6' + '02fefe' + '03c02c01' + 'ff', 'hex');
  test('ziplist entries', () => {
    zl.writeUInt32LE(zl.length, 0);
    zl.writeUInt32LE(10 + 3 + 2 + 3, 4);
    expect(decodeZiplist(zl).map(String)).toEqual(['a', '5', '-2', '300']);
  });
  test('ziplist corruption', () => {
    const b = Buffer.from(zl);
    b[13] = 9; // prevlen of the 2nd entry
    expect(() => decodeZiplist(b)).toThrow(corrupt);
    const c = Buffer.from(zl);
    c.writeUInt16LE(9, 8);
    expect(() => decodeZiplist(c)).toThrow(corrupt);
  });
  test('zipmap example from the spec', () => {
    const zm = Buffer.from('\x02\x03foo\x03\x00bar\x05hello\x05\x00world\xff', 'latin1');
    expect(decodeZipmap(zm).map(([k, v]) => [String(k), String(v)])).toEqual([['foo', 'bar'], ['hello', 'world']]);
    expect(() => decodeZipmap(zm.subarray(0, zm.length - 1))).toThrow(corrupt);
  });
});
