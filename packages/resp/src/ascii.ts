/** Small helpers writing ASCII/latin1 into Buffers without native calls for short inputs. */

interface WritableBuffer extends Buffer {
  latin1Write(s: string, offset: number, length?: number): number;
  utf8Write(s: string, offset: number, length?: number): number;
}

/** Number of decimal digits of a non-negative integer below 2^53. */
export function decimalLength(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  if (n < 100000) return 5;
  if (n < 1000000) return 6;
  if (n < 10000000) return 7;
  if (n < 100000000) return 8;
  if (n < 1000000000) return 9;
  return String(n).length;
}

/** Writes the non-negative integer `n` (below 2^53) at `off`; returns the offset after it. */
export function writeDecimal(buf: Buffer, off: number, n: number): number {
  if (n < 10) {
    buf[off] = 48 + n;
    return off + 1;
  }
  const len = decimalLength(n);
  let p = off + len;
  while (n >= 10) {
    const q = Math.floor(n / 10);
    buf[--p] = 48 + (n - q * 10);
    n = q;
  }
  buf[--p] = 48 + n;
  return off + len;
}

/** Writes a binary string (char codes are bytes) at `off`; returns the offset after it. */
export function writeLatin1(buf: Buffer, off: number, s: string): number {
  const n = s.length;
  if (n < 32) {
    for (let i = 0; i < n; i++) buf[off + i] = s.charCodeAt(i);
    return off + n;
  }
  return off + (buf as WritableBuffer).latin1Write(s, off, n);
}

/** UTF-8 byte length of `s`, without a native call when it is short ASCII. */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n < 32) {
    let i = 0;
    while (i < n && s.charCodeAt(i) < 0x80) i++;
    if (i === n) return n;
  }
  return Buffer.byteLength(s, 'utf8');
}

/** Writes `s` as UTF-8 (`bytes` = its UTF-8 length) at `off`; returns the offset after it. */
export function writeUtf8(buf: Buffer, off: number, s: string, bytes: number): number {
  if (bytes === s.length && bytes < 32) {
    for (let i = 0; i < bytes; i++) buf[off + i] = s.charCodeAt(i);
    return off + bytes;
  }
  return off + (buf as WritableBuffer).utf8Write(s, off, bytes);
}
