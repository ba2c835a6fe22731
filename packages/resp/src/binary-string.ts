/**
 * Binary strings: JS strings whose char codes are bytes (latin1), the representation the keyspace
 * uses for keys and values. Building one from a Buffer range is the hottest operation of the
 * decoders, so short ranges avoid the native call of `latin1Slice` (≈55 ns on Node 20) and use
 * `String.fromCharCode` with fixed arity instead (≈15–25 ns).
 */

interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

const NOT_LATIN1 = /[^\x00-\xff]/;

/**
 * Writes the bytes of binary string `s` at `buf[off]` when every char is ≤ 0xff; false (buf
 * partly written) when one is not. Short strings are copied in JS, longer ones checked once and
 * written by the native latin1 writer.
 */
export function writeBinaryChecked(buf: Buffer, off: number, s: string): boolean {
  const len = s.length;
  if (len <= 32) {
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return false;
      buf[off + i] = c;
    }
    return true;
  }
  if (NOT_LATIN1.test(s)) return false;
  (buf as Latin1Buffer).latin1Write(s, off, len);
  return true;
}

const fc = String.fromCharCode;
const hasLatin1Slice = typeof (Buffer.prototype as Partial<Latin1Buffer>).latin1Slice === 'function';

/** `buf[start, end)` as a binary string (no length limit). */
export function binarySlice(buf: Buffer, start: number, end: number): string {
  return hasLatin1Slice ? (buf as Latin1Buffer).latin1Slice(start, end) : buf.toString('latin1', start, end);
}

/** `buf[a, a + len)` as a binary string; fastest for the short arguments commands are made of. */
export function binaryString(b: Buffer, a: number, len: number): string {
  switch (len) {
    case 0:
      return '';
    case 1:
      return fc(b[a]);
    case 2:
      return fc(b[a], b[a + 1]);
    case 3:
      return fc(b[a], b[a + 1], b[a + 2]);
    case 4:
      return fc(b[a], b[a + 1], b[a + 2], b[a + 3]);
    case 5:
      return fc(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4]);
    case 6:
      return fc(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5]);
    case 7:
      return fc(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6]);
    case 8:
      return fc(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7]);
    case 9:
      return fc(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8]);
    case 10:
      return fc(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9]);
    case 11:
      return fc(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10]);
    case 12:
      return fc(
        b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5],
        b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11],
      );
    default:
      return hasLatin1Slice ? (b as Latin1Buffer).latin1Slice(a, a + len) : b.toString('latin1', a, a + len);
  }
}

const NAME_CACHE_SIZE = 256;
const nameCache: string[] = new Array<string>(NAME_CACHE_SIZE).fill('');

/**
 * Like {@link binaryString} for the first argument of a command (its name): a small direct-mapped
 * cache returns the same string for the same bytes, so `SET`/`ping`/`SELECT` are not rebuilt for
 * every command of a stream. Names longer than 24 bytes are not cached.
 */
export function commandName(b: Buffer, a: number, len: number): string {
  if (len === 0 || len > 24) return binaryString(b, a, len);
  const slot = ((len << 4) ^ b[a] ^ (b[a + len - 1] << 1) ^ (b[a + (len >>> 1)] << 3)) & (NAME_CACHE_SIZE - 1);
  const cached = nameCache[slot];
  if (cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === b[a + i]) i++;
    if (i === len) return cached;
  }
  const s = binaryString(b, a, len);
  nameCache[slot] = s;
  return s;
}
