import { binaryString, writeBinaryChecked } from './binary-string';

/** Every length around the JS-copy / native-write boundary, with bytes across 0..255. */
const LENGTHS = [0, 1, 2, 12, 13, 31, 32, 33, 100, 1000];
const sample = (len: number, salt: number): string => String.fromCharCode(...Array.from({ length: len }, (_, i) => (i * 37 + salt) & 0xff));

describe('binary strings', () => {
  it.each(LENGTHS)('writeBinaryChecked and binaryString round-trip %i bytes', (len) => {
    const s = sample(len, len);
    const buf = Buffer.alloc(len + 4, 0xee);
    expect(writeBinaryChecked(buf, 2, s)).toBe(true);
    expect(buf.subarray(2, 2 + len)).toEqual(Buffer.from(s, 'latin1'));
    expect([buf[0], buf[1], buf[len + 2], buf[len + 3]]).toEqual([0xee, 0xee, 0xee, 0xee]);
    expect(binaryString(buf, 2, len)).toBe(s);
  });

  it.each(LENGTHS.filter((n) => n > 0))('writeBinaryChecked refuses a char above 0xff in %i chars', (len) => {
    const s = `${sample(len - 1, 3)}\u0100`;
    expect(writeBinaryChecked(Buffer.alloc(len), 0, s)).toBe(false);
    const first = `\u20ac${sample(len - 1, 5)}`;
    expect(writeBinaryChecked(Buffer.alloc(len), 0, first)).toBe(false);
  });
});
