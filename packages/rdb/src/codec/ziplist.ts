/**
 * Ziplist (protocol.md §9.8), load only: LIST_ZIPLIST (10), ZSET_ZIPLIST (12), HASH_ZIPLIST (13)
 * and quicklist v1 nodes (14).
 *
 * Exports: `decodeZiplist(blob, offset?, maxEntries?)` → Buffer[] (integer entries as decimal text).
 *
 * Validates zlbytes == blob length, the 0xFF terminator, zltail == offset of the last entry,
 * zllen (when < 65535), every entry's bounds and that each prevlen matches the previous entry.
 */
import { RdbCorruptError, RdbLimitError } from '../errors';
import { intToBuffer } from './int-text';

function at(offset: number, p: number): number {
  return offset >= 0 ? offset + p : -1;
}

/** Decodes a ziplist into its entries; integer entries become their decimal text. */
export function decodeZiplist(blob: Uint8Array, offset = -1, maxEntries = Number.MAX_SAFE_INTEGER): Buffer[] {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  const n = buf.length;
  if (n < 11) throw new RdbCorruptError('ziplist shorter than its header', at(offset, 0));
  const zlbytes = buf.readUInt32LE(0);
  if (zlbytes !== n) throw new RdbCorruptError(`ziplist header says ${zlbytes} bytes, blob has ${n}`, at(offset, 0));
  const zltail = buf.readUInt32LE(4);
  const zllen = buf.readUInt16LE(8);
  const end = n - 1;
  if (buf[end] !== 0xff) throw new RdbCorruptError('ziplist does not end with 0xFF', at(offset, end));
  const out: Buffer[] = [];
  let p = 10;
  let prevSize = 0;
  let last = 10;
  while (p < end) {
    if (out.length >= maxEntries) throw new RdbLimitError('ziplist entries', maxEntries, out.length + 1, at(offset, p));
    const start = p;
    let prevlen = buf[p];
    if (prevlen === 0xfe) {
      if (p + 5 > end) throw new RdbCorruptError('ziplist prevlen past the end', at(offset, p));
      prevlen = buf.readUInt32LE(p + 1);
      p += 5;
    } else if (prevlen === 0xff) {
      throw new RdbCorruptError('bad ziplist prevlen 0xFF', at(offset, p));
    } else p += 1;
    if (prevlen !== prevSize) throw new RdbCorruptError(`ziplist prevlen ${prevlen} does not match the previous entry (${prevSize})`, at(offset, start));
    if (p >= end) throw new RdbCorruptError('ziplist entry past the end', at(offset, p));
    const e = buf[p];
    let item: Buffer;
    const kind = e >> 6;
    if (kind < 3) {
      let len: number;
      if (kind === 0) {
        len = e & 0x3f;
        p += 1;
      } else if (kind === 1) {
        if (p + 2 > end) throw new RdbCorruptError('ziplist entry past the end', at(offset, p));
        len = ((e & 0x3f) << 8) | buf[p + 1];
        p += 2;
      } else {
        if (p + 5 > end) throw new RdbCorruptError('ziplist entry past the end', at(offset, p));
        len = buf.readUInt32BE(p + 1);
        p += 5;
      }
      if (p + len > end) throw new RdbCorruptError('ziplist string past the end', at(offset, p));
      item = buf.subarray(p, p + len);
      p += len;
    } else {
      let size: number;
      let v: number | bigint;
      switch (e) {
        case 0xc0:
          size = 2;
          if (p + 1 + size > end) throw new RdbCorruptError('ziplist int past the end', at(offset, p));
          v = buf.readInt16LE(p + 1);
          break;
        case 0xd0:
          size = 4;
          if (p + 1 + size > end) throw new RdbCorruptError('ziplist int past the end', at(offset, p));
          v = buf.readInt32LE(p + 1);
          break;
        case 0xe0:
          size = 8;
          if (p + 1 + size > end) throw new RdbCorruptError('ziplist int past the end', at(offset, p));
          v = buf.readBigInt64LE(p + 1);
          break;
        case 0xf0:
          size = 3;
          if (p + 1 + size > end) throw new RdbCorruptError('ziplist int past the end', at(offset, p));
          v = buf.readIntLE(p + 1, 3);
          break;
        case 0xfe:
          size = 1;
          if (p + 1 + size > end) throw new RdbCorruptError('ziplist int past the end', at(offset, p));
          v = buf.readInt8(p + 1);
          break;
        default:
          if (e >= 0xf1 && e <= 0xfd) {
            size = 0;
            v = (e & 0x0f) - 1;
          } else throw new RdbCorruptError(`bad ziplist entry encoding 0x${e.toString(16)}`, at(offset, p));
      }
      p += 1 + size;
      item = intToBuffer(v);
    }
    out.push(item);
    prevSize = p - start;
    last = start;
  }
  if (p !== end) throw new RdbCorruptError('ziplist entries overrun the terminator', at(offset, p));
  if (out.length > 0 ? zltail !== last : zltail !== 10) throw new RdbCorruptError(`ziplist tail offset ${zltail} is wrong`, at(offset, 4));
  if (zllen !== 65535 && zllen !== out.length) throw new RdbCorruptError(`ziplist header says ${zllen} entries, found ${out.length}`, at(offset, 8));
  return out;
}
