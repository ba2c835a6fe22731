/**
 * Zipmap (protocol.md §9.10), load only: HASH_ZIPMAP (type 9), written by Redis < 2.6.
 *
 * Exports: `decodeZipmap(blob, offset?, maxEntries?)` → Array<[field, value]>.
 *
 * `<zmlen 1 byte> { <len> <key> <len> <free 1 byte> <value> <free bytes> }* 0xFF`; `len` is one
 * byte 0..253, or 0xFE + 4-byte little-endian length; 0xFF ends the map.
 */
import { RdbCorruptError, RdbLimitError } from '../errors';

function at(offset: number, p: number): number {
  return offset >= 0 ? offset + p : -1;
}

/** Decodes a zipmap into field, value pairs. */
export function decodeZipmap(blob: Uint8Array, offset = -1, maxEntries = Number.MAX_SAFE_INTEGER): Array<[Buffer, Buffer]> {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  const n = buf.length;
  if (n < 2) throw new RdbCorruptError('zipmap shorter than its header', at(offset, 0));
  const zmlen = buf[0];
  let p = 1;
  const readLen = (): number => {
    if (p >= n) throw new RdbCorruptError('zipmap entry past the end', at(offset, p));
    const b = buf[p];
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      if (p + 5 > n) throw new RdbCorruptError('zipmap length past the end', at(offset, p));
      const v = buf.readUInt32LE(p + 1);
      p += 5;
      return v;
    }
    p += 1;
    return -1; // 0xFF: end
  };
  const out: Array<[Buffer, Buffer]> = [];
  for (;;) {
    const klen = readLen();
    if (klen < 0) break;
    if (out.length >= maxEntries) throw new RdbLimitError('zipmap entries', maxEntries, out.length + 1, at(offset, p));
    if (p + klen > n) throw new RdbCorruptError('zipmap key past the end', at(offset, p));
    const key = buf.subarray(p, p + klen);
    p += klen;
    const vlen = readLen();
    if (vlen < 0) throw new RdbCorruptError('zipmap ends after a key', at(offset, p));
    if (p >= n) throw new RdbCorruptError('zipmap entry past the end', at(offset, p));
    const free = buf[p++];
    if (p + vlen + free > n) throw new RdbCorruptError('zipmap value past the end', at(offset, p));
    out.push([key, buf.subarray(p, p + vlen)]);
    p += vlen + free;
  }
  if (p !== n) throw new RdbCorruptError('zipmap has bytes after its terminator', at(offset, p));
  if (zmlen < 254 && zmlen !== out.length) throw new RdbCorruptError(`zipmap header says ${zmlen} entries, found ${out.length}`, at(offset, 0));
  return out;
}
