/**
 * RDB length and string encodings (protocol.md §9.3, §9.4), over complete buffers.
 *
 * Exports:
 *  - constants `RDB_ENC_INT8`, `RDB_ENC_INT16`, `RDB_ENC_INT32`, `RDB_ENC_LZF`
 *  - decode: `decodeLength(buf, pos)`, `decodeLengthBig(buf, pos)`, `decodeString(buf, pos, maxLen?)`
 *  - encode: `lengthSize(n)`, `encodeLength(n)`, `writeLength(target, pos, n)`,
 *    `encodeString(value, { compress })` (returns a chunk list; the payload is not copied),
 *    `encodeIntegerString(n)` (the 0xC0/C1/C2 forms)
 *  - canonical integers: `tryIntegerEncoding(value)` (Redis's rdbTryIntegerEncoding: canonical
 *    decimal of an int32, ≤ 11 bytes) and `parseCanonicalInt64(value)` (Redis's string2ll /
 *    lpStringToInt64 rule used by listpack and intset: canonical decimal of an int64, ≤ 20 bytes).
 *
 * Decoders take absolute positions inside `buf`; errors report `pos` (add your base offset if the
 * buffer is a slice of a larger stream). The streaming reader has its own inlined copies of these
 * for speed (reader/cursor.ts) and is tested against them.
 */
import { RdbCorruptError, RdbLimitError, RdbTruncatedError } from '../errors';
import { lzfCompress, lzfDecompress } from './lzf';

export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

export interface DecodedLength {
  /** the length, or the special encoding (0..3) when `special` */
  value: number;
  special: boolean;
  /** position after the length */
  next: number;
}

function need(buf: Uint8Array, pos: number, n: number): void {
  if (pos + n > buf.length) throw new RdbTruncatedError(`need ${n} bytes, ${buf.length - pos} left`, pos);
}

/** Decodes a length (or a special string encoding marker) at `buf[pos]`. 64-bit lengths above 2^53 are an RdbLimitError. */
export function decodeLength(buf: Uint8Array, pos: number): DecodedLength {
  need(buf, pos, 1);
  const b = buf[pos];
  const kind = b >> 6;
  if (kind === 0) return { value: b & 0x3f, special: false, next: pos + 1 };
  if (kind === 1) {
    need(buf, pos, 2);
    return { value: ((b & 0x3f) << 8) | buf[pos + 1], special: false, next: pos + 2 };
  }
  if (kind === 3) return { value: b & 0x3f, special: true, next: pos + 1 };
  if (b === 0x80) {
    need(buf, pos, 5);
    const v = ((buf[pos + 1] << 24) | (buf[pos + 2] << 16) | (buf[pos + 3] << 8) | buf[pos + 4]) >>> 0;
    return { value: v, special: false, next: pos + 5 };
  }
  if (b === 0x81) {
    need(buf, pos, 9);
    const hi = ((buf[pos + 1] << 24) | (buf[pos + 2] << 16) | (buf[pos + 3] << 8) | buf[pos + 4]) >>> 0;
    const lo = ((buf[pos + 5] << 24) | (buf[pos + 6] << 16) | (buf[pos + 7] << 8) | buf[pos + 8]) >>> 0;
    if (hi > 0x1fffff) throw new RdbLimitError('length', Number.MAX_SAFE_INTEGER, hi * 2 ** 32 + lo, pos);
    return { value: hi * 2 ** 32 + lo, special: false, next: pos + 9 };
  }
  throw new RdbCorruptError(`unknown length encoding 0x${b.toString(16)}`, pos);
}

/** Decodes a length as a bigint (stream ids, counters: full 64-bit range). */
export function decodeLengthBig(buf: Uint8Array, pos: number): { value: bigint; next: number } {
  need(buf, pos, 1);
  if (buf[pos] === 0x81) {
    need(buf, pos, 9);
    return { value: Buffer.from(buf.buffer, buf.byteOffset, buf.length).readBigUInt64BE(pos + 1), next: pos + 9 };
  }
  const d = decodeLength(buf, pos);
  if (d.special) throw new RdbCorruptError('expected a length, found a string encoding', pos);
  return { value: BigInt(d.value), next: d.next };
}

/** Decodes an RDB string (raw, INT8/16/32 or LZF) at `buf[pos]`. Raw strings are views into `buf`. */
export function decodeString(buf: Uint8Array, pos: number, maxLen = 512 * 1024 * 1024): { value: Buffer; next: number } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const l = decodeLength(b, pos);
  if (!l.special) {
    if (l.value > maxLen) throw new RdbLimitError('string length', maxLen, l.value, pos);
    need(b, l.next, l.value);
    return { value: b.subarray(l.next, l.next + l.value), next: l.next + l.value };
  }
  const p = l.next;
  switch (l.value) {
    case RDB_ENC_INT8:
      need(b, p, 1);
      return { value: Buffer.from(String(b.readInt8(p))), next: p + 1 };
    case RDB_ENC_INT16:
      need(b, p, 2);
      return { value: Buffer.from(String(b.readInt16LE(p))), next: p + 2 };
    case RDB_ENC_INT32:
      need(b, p, 4);
      return { value: Buffer.from(String(b.readInt32LE(p))), next: p + 4 };
    case RDB_ENC_LZF: {
      const c = decodeLength(b, p);
      const u = decodeLength(b, c.next);
      if (c.special || u.special) throw new RdbCorruptError('bad LZF length', p);
      if (u.value > maxLen) throw new RdbLimitError('string length', maxLen, u.value, p);
      if (c.value === 0) throw new RdbCorruptError('LZF string with zero compressed length', p);
      need(b, u.next, c.value);
      return { value: lzfDecompress(b.subarray(u.next, u.next + c.value), u.value, u.next), next: u.next + c.value };
    }
    default:
      throw new RdbCorruptError(`unknown string encoding ${l.value}`, pos);
  }
}

/** Number of bytes `encodeLength(n)` produces. */
export function lengthSize(n: number): number {
  if (n < 64) return 1;
  if (n < 16384) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** Writes the shortest length encoding of `n` (0 ≤ n < 2^53) at `target[pos]`; returns the next position. */
export function writeLength(target: Uint8Array, pos: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad RDB length ${n}`);
  if (n < 64) {
    target[pos] = n;
    return pos + 1;
  }
  if (n < 16384) {
    target[pos] = 0x40 | (n >> 8);
    target[pos + 1] = n & 0xff;
    return pos + 2;
  }
  if (n <= 0xffffffff) {
    target[pos] = 0x80;
    target[pos + 1] = n >>> 24;
    target[pos + 2] = (n >>> 16) & 0xff;
    target[pos + 3] = (n >>> 8) & 0xff;
    target[pos + 4] = n & 0xff;
    return pos + 5;
  }
  const hi = Math.floor(n / 2 ** 32);
  const lo = n >>> 0;
  target[pos] = 0x81;
  target[pos + 1] = hi >>> 24;
  target[pos + 2] = (hi >>> 16) & 0xff;
  target[pos + 3] = (hi >>> 8) & 0xff;
  target[pos + 4] = hi & 0xff;
  target[pos + 5] = lo >>> 24;
  target[pos + 6] = (lo >>> 16) & 0xff;
  target[pos + 7] = (lo >>> 8) & 0xff;
  target[pos + 8] = lo & 0xff;
  return pos + 9;
}

/** The length encoding of `n` (number, or bigint for the full 64-bit range used by stream ids). */
export function encodeLength(n: number | bigint): Buffer {
  if (typeof n === 'bigint') {
    if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError(`bad RDB length ${n}`);
    if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return encodeLength(Number(n));
    const out = Buffer.allocUnsafe(9);
    out[0] = 0x81;
    out.writeBigUInt64BE(n, 1);
    return out;
  }
  const out = Buffer.allocUnsafe(lengthSize(n));
  writeLength(out, 0, n);
  return out;
}

/**
 * Redis's rdbTryIntegerEncoding: the int32 value when `value` (≤ 11 bytes) is the canonical
 * decimal form of an integer in int32 range (no leading zeros, no '+', no spaces, not "-0"), else null.
 */
export function tryIntegerEncoding(value: Uint8Array): number | null {
  const n = value.length;
  if (n === 0 || n > 11) return null;
  const v = parseCanonicalInt64(value);
  if (v === null) return null;
  if (v < -2147483648n || v > 2147483647n) return null;
  return Number(v);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Redis's string2ll rule (used by listpack, intset and the set-encoding choice): the int64 when
 * `value` is the canonical decimal form of an int64 ("0", or an optional '-' then 1-9 then digits,
 * at most 20 bytes, in range), else null.
 */
export function parseCanonicalInt64(value: Uint8Array): bigint | null {
  const n = value.length;
  if (n === 0 || n > 20) return null;
  if (n === 1 && value[0] === 0x30) return 0n;
  let i = 0;
  const neg = value[0] === 0x2d;
  if (neg) {
    i = 1;
    if (n === 1) return null;
  }
  if (value[i] < 0x31 || value[i] > 0x39) return null;
  // fast path: up to 15 digits fit a double exactly
  if (n - i <= 15) {
    let acc = 0;
    for (; i < n; i++) {
      const c = value[i] - 0x30;
      if (c < 0 || c > 9) return null;
      acc = acc * 10 + c;
    }
    return BigInt(neg ? -acc : acc);
  }
  let acc = 0n;
  for (; i < n; i++) {
    const c = value[i] - 0x30;
    if (c < 0 || c > 9) return null;
    acc = acc * 10n + BigInt(c);
  }
  if (neg) acc = -acc;
  if (acc < INT64_MIN || acc > INT64_MAX) return null;
  return acc;
}

/** The INT8/INT16/INT32 string form of an int32 (0xC0/0xC1/0xC2 + little-endian bytes). */
export function encodeIntegerString(n: number): Buffer {
  if (n >= -128 && n <= 127) {
    const b = Buffer.allocUnsafe(2);
    b[0] = 0xc0;
    b.writeInt8(n, 1);
    return b;
  }
  if (n >= -32768 && n <= 32767) {
    const b = Buffer.allocUnsafe(3);
    b[0] = 0xc1;
    b.writeInt16LE(n, 1);
    return b;
  }
  if (n >= -2147483648 && n <= 2147483647) {
    const b = Buffer.allocUnsafe(5);
    b[0] = 0xc2;
    b.writeInt32LE(n, 1);
    return b;
  }
  throw new RangeError(`${n} does not fit an RDB integer string`);
}

export interface EncodeStringOptions {
  /** try LZF for strings longer than 20 bytes (Redis's rdbcompression) @default false */
  compress?: boolean;
}

/**
 * Encodes an RDB string the way Redis 7.0 does: canonical int32 decimals (≤ 11 bytes) as
 * INT8/16/32; else LZF if `compress` and longer than 20 bytes and it saves ≥ 4 bytes; else raw.
 * Returns a chunk list; for raw strings the last chunk is `value` itself (not copied).
 */
export function encodeString(value: Buffer, options: EncodeStringOptions = {}): Buffer[] {
  const n = value.length;
  if (n <= 11) {
    const iv = tryIntegerEncoding(value);
    if (iv !== null) return [encodeIntegerString(iv)];
  }
  if (options.compress && n > 20) {
    const c = lzfCompress(value);
    if (c) {
      const head = Buffer.allocUnsafe(1 + lengthSize(c.length) + lengthSize(n));
      head[0] = 0xc3;
      const p = writeLength(head, 1, c.length);
      writeLength(head, p, n);
      return [head, c];
    }
  }
  return [encodeLength(n), value];
}
