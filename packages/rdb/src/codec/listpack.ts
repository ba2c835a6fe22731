/**
 * Listpack (protocol.md §9.7): the blob inside HASH_LISTPACK, ZSET_LISTPACK, SET_LISTPACK,
 * quicklist-2 packed nodes and stream nodes.
 *
 * Exports:
 *  - `decodeListpack(blob, offset?, maxEntries?)` → Buffer[] (integer entries as decimal text)
 *  - `decodeListpackRaw(blob, offset?, maxEntries?)` → Array<Buffer | number | bigint> (integers
 *    kept as numbers; bigint beyond 2^53), for streams
 *  - `encodeListpack(items)` → Buffer, with Redis's rule: an item that is the canonical decimal of
 *    an int64 is stored in the smallest integer encoding, anything else as a string
 *  - `listpackIntValue(item)` → number | bigint | null (an integer entry, or a string entry that
 *    parses as a canonical int64: what lpGetInteger accepts)
 *
 * Decoding validates the header (total bytes == blob length, 0xFF terminator, element count when
 * not 65535), every entry's bounds and its backlen; problems are ERR_RDB_CORRUPT with the
 * absolute offset (`offset` = position of `blob[0]` in the stream).
 */
import { RdbCorruptError, RdbLimitError } from '../errors';
import { intToBuffer } from './int-text';
import { parseCanonicalInt64 } from './length';

type Item = Buffer | number | bigint;


function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Reads the backlen that ends right before `end` (inclusive start computed by the caller). */
function checkBacklen(blob: Uint8Array, pos: number, encLen: number, offset: number): number {
  const bl = backlenSize(encLen);
  const p = pos + encLen;
  if (p + bl > blob.length - 1) throw new RdbCorruptError('listpack entry past the end', at(offset, pos));
  // decode right to left
  let v = 0;
  let mul = 1;
  for (let i = bl - 1; i >= 0; i--) {
    const b = blob[p + i];
    v += (b & 0x7f) * mul;
    mul *= 128;
    if (i > 0 && (b & 0x80) === 0) throw new RdbCorruptError('listpack backlen is malformed', at(offset, p + i));
  }
  if (v !== encLen || (blob[p] & 0x80) !== 0) throw new RdbCorruptError('listpack backlen does not match the entry', at(offset, p));
  return p + bl;
}

function at(offset: number, p: number): number {
  return offset >= 0 ? offset + p : -1;
}

function decode(blob: Uint8Array, offset: number, maxEntries: number, raw: boolean): Item[] {
  const n = blob.length;
  if (n < 7) throw new RdbCorruptError('listpack shorter than its header', at(offset, 0));
  const total = (blob[0] | (blob[1] << 8) | (blob[2] << 16) | (blob[3] << 24)) >>> 0;
  if (total !== n) throw new RdbCorruptError(`listpack header says ${total} bytes, blob has ${n}`, at(offset, 0));
  if (blob[n - 1] !== 0xff) throw new RdbCorruptError('listpack does not end with 0xFF', at(offset, n - 1));
  const declared = blob[4] | (blob[5] << 8);
  const buf = Buffer.from(blob.buffer, blob.byteOffset, n);
  const out: Item[] = [];
  let p = 6;
  const end = n - 1;
  while (p < end) {
    if (out.length >= maxEntries) throw new RdbLimitError('listpack entries', maxEntries, out.length + 1, at(offset, p));
    const b = buf[p];
    let item: Item;
    let encLen: number;
    if (b < 0x80) {
      encLen = 1;
      item = b;
    } else if (b < 0xc0) {
      const len = b & 0x3f;
      encLen = 1 + len;
      if (p + encLen > end) throw new RdbCorruptError('listpack string past the end', at(offset, p));
      item = buf.subarray(p + 1, p + 1 + len);
    } else if (b < 0xe0) {
      encLen = 2;
      if (p + 2 > end) throw new RdbCorruptError('listpack int past the end', at(offset, p));
      const u = ((b & 0x1f) << 8) | buf[p + 1];
      item = u >= 4096 ? u - 8192 : u;
    } else if (b < 0xf0) {
      if (p + 2 > end) throw new RdbCorruptError('listpack string past the end', at(offset, p));
      const len = ((b & 0x0f) << 8) | buf[p + 1];
      encLen = 2 + len;
      if (p + encLen > end) throw new RdbCorruptError('listpack string past the end', at(offset, p));
      item = buf.subarray(p + 2, p + 2 + len);
    } else {
      switch (b) {
        case 0xf0: {
          if (p + 5 > end) throw new RdbCorruptError('listpack string past the end', at(offset, p));
          const len = buf.readUInt32LE(p + 1);
          encLen = 5 + len;
          if (p + encLen > end) throw new RdbCorruptError('listpack string past the end', at(offset, p));
          item = buf.subarray(p + 5, p + 5 + len);
          break;
        }
        case 0xf1:
          encLen = 3;
          if (p + encLen > end) throw new RdbCorruptError('listpack int past the end', at(offset, p));
          item = buf.readInt16LE(p + 1);
          break;
        case 0xf2:
          encLen = 4;
          if (p + encLen > end) throw new RdbCorruptError('listpack int past the end', at(offset, p));
          item = buf.readIntLE(p + 1, 3);
          break;
        case 0xf3:
          encLen = 5;
          if (p + encLen > end) throw new RdbCorruptError('listpack int past the end', at(offset, p));
          item = buf.readInt32LE(p + 1);
          break;
        case 0xf4: {
          encLen = 9;
          if (p + encLen > end) throw new RdbCorruptError('listpack int past the end', at(offset, p));
          const v = buf.readBigInt64LE(p + 1);
          item = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
          break;
        }
        default:
          throw new RdbCorruptError(`bad listpack entry encoding 0x${b.toString(16)}`, at(offset, p));
      }
    }
    p = checkBacklen(buf, p, encLen, offset);
    out.push(raw || typeof item === 'object' ? item : intToBuffer(item));
  }
  if (p !== end) throw new RdbCorruptError('listpack entries overrun the terminator', at(offset, p));
  if (declared !== 65535 && declared !== out.length) {
    throw new RdbCorruptError(`listpack header says ${declared} entries, found ${out.length}`, at(offset, 4));
  }
  return out;
}

/** Decodes a listpack into its entries; integer entries become their decimal text. */
export function decodeListpack(blob: Uint8Array, offset = -1, maxEntries = Number.MAX_SAFE_INTEGER): Buffer[] {
  return decode(blob, offset, maxEntries, false) as Buffer[];
}

/** Decodes a listpack keeping integer entries as numbers (bigint when beyond ±2^53). */
export function decodeListpackRaw(blob: Uint8Array, offset = -1, maxEntries = Number.MAX_SAFE_INTEGER): Item[] {
  return decode(blob, offset, maxEntries, true);
}

/** The integer value of a raw listpack item (integer entry or canonical-int string), or null. */
export function listpackIntValue(item: Item): number | bigint | null {
  if (typeof item !== 'object') return item;
  const v = parseCanonicalInt64(item);
  if (v === null) return null;
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function intEncodingSize(v: bigint): number {
  if (v >= 0n && v <= 127n) return 1;
  if (v >= -4096n && v <= 4095n) return 2;
  if (v >= -32768n && v <= 32767n) return 3;
  if (v >= -8388608n && v <= 8388607n) return 4;
  if (v >= -2147483648n && v <= 2147483647n) return 5;
  return 9;
}

function writeBacklen(out: Buffer, p: number, l: number): number {
  const size = backlenSize(l);
  // leftmost byte: highest 7 bits without the continuation bit; others have bit 7 set
  for (let i = size - 1; i >= 0; i--) {
    const chunk = l % 128;
    l = Math.floor(l / 128);
    out[p + i] = i === 0 ? chunk : chunk | 0x80;
  }
  return p + size;
}

/**
 * Encodes `items` as a listpack exactly as Redis 7.0's lpAppend would: canonical int64 decimals
 * (string2ll rule, ≤ 20 bytes) as the smallest integer encoding, other items as 6/12/32-bit strings.
 * The element count is 65535 ("unknown") when there are 65535 items or more.
 */
export function encodeListpack(items: ReadonlyArray<Uint8Array>): Buffer {
  const ints: Array<bigint | null> = new Array(items.length);
  let total = 6 + 1;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const v = it.length <= 20 ? parseCanonicalInt64(it) : null;
    ints[i] = v;
    let encLen: number;
    if (v !== null) encLen = intEncodingSize(v);
    else if (it.length < 64) encLen = 1 + it.length;
    else if (it.length < 4096) encLen = 2 + it.length;
    else encLen = 5 + it.length;
    total += encLen + backlenSize(encLen);
  }
  if (total > 0xffffffff) throw new RangeError('listpack larger than 4 GiB');
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32LE(total, 0);
  out.writeUInt16LE(Math.min(items.length, 65535), 4);
  let p = 6;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const v = ints[i];
    const start = p;
    if (v !== null) {
      const size = intEncodingSize(v);
      const n = Number(v);
      switch (size) {
        case 1:
          out[p++] = n;
          break;
        case 2: {
          const u = n & 0x1fff;
          out[p++] = 0xc0 | (u >> 8);
          out[p++] = u & 0xff;
          break;
        }
        case 3:
          out[p++] = 0xf1;
          p = out.writeInt16LE(n, p);
          break;
        case 4:
          out[p++] = 0xf2;
          p = out.writeIntLE(n, p, 3);
          break;
        case 5:
          out[p++] = 0xf3;
          p = out.writeInt32LE(n, p);
          break;
        default:
          out[p++] = 0xf4;
          p = out.writeBigInt64LE(v, p);
      }
    } else {
      const len = it.length;
      if (len < 64) out[p++] = 0x80 | len;
      else if (len < 4096) {
        out[p++] = 0xe0 | (len >> 8);
        out[p++] = len & 0xff;
      } else {
        out[p++] = 0xf0;
        p = out.writeUInt32LE(len, p);
      }
      out.set(it, p);
      p += len;
    }
    p = writeBacklen(out, p, p - start);
  }
  out[p] = 0xff;
  return out;
}
