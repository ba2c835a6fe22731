/**
 * Byte sizes of listpack elements (listpack.c: lpEncodeGetType, lpEncodeBacklen), so a stream can
 * track the size of each of its nodes exactly as Redis does: XADD opens a new node when
 * `lpBytes + sum of the new entry's field/value lengths >= stream-node-max-bytes`, which decides
 * where approximate (`~`) trimming can cut.
 */

function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

function intEncSize(v: number | bigint): number {
  if (typeof v === 'bigint') {
    if (v >= -2147483648n && v <= 2147483647n) return intEncSize(Number(v));
    return 9;
  }
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** Size of an integer element (lpAppendInteger). */
export function lpIntSize(v: number | bigint): number {
  const enc = intEncSize(v);
  return enc + backlenSize(enc);
}

const INT_LIKE = /^-?[1-9][0-9]{0,19}$/;

/** lpStringToInt64: the int64 a string element is stored as, or undefined when kept as a string. */
function asInt64(s: string): number | bigint | undefined {
  if (s.length === 0 || s.length >= 21) return undefined;
  if (s === '0') return 0;
  if (!INT_LIKE.test(s)) return undefined;
  if (s.length < 16) return Number(s);
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return undefined;
  return v;
}

/** Size of a string element (lpAppend), which is stored as an integer when it looks like one. */
export function lpStrSize(s: string): number {
  const c = s.charCodeAt(0);
  // only strings starting with a digit or '-' can be stored as integers
  if ((c >= 48 && c <= 57) || c === 45) {
    const asInt = asInt64(s);
    if (asInt !== undefined) return lpIntSize(asInt);
  }
  const n = s.length;
  const enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  return enc + backlenSize(enc);
}

/** Header (total bytes + element count) and the end byte of every listpack. */
export const LP_OVERHEAD = 7;
