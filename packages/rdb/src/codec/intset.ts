/**
 * Intset (protocol.md §9.9): the blob inside SET_INTSET (type 11).
 *
 * Exports: `decodeIntset(blob, offset?)` → Buffer[] (decimal text, ascending) and
 * `encodeIntset(members)` → Buffer | null (null when a member is not a canonical int64 decimal,
 * or when there are none).
 *
 * `<encoding uint32 LE: 2|4|8> <count uint32 LE> <count × signed LE ints, strictly ascending>`;
 * blob length must be 8 + count × width and count > 0.
 */
import { RdbCorruptError } from '../errors';
import { intToBuffer } from './int-text';
import { parseCanonicalInt64 } from './length';

function at(offset: number, p: number): number {
  return offset >= 0 ? offset + p : -1;
}

/** Decodes an intset; its members come back as decimal text in ascending order. */
export function decodeIntset(blob: Uint8Array, offset = -1): Buffer[] {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  if (buf.length < 8) throw new RdbCorruptError('intset shorter than its header', at(offset, 0));
  const width = buf.readUInt32LE(0);
  const count = buf.readUInt32LE(4);
  if (width !== 2 && width !== 4 && width !== 8) throw new RdbCorruptError(`bad intset encoding ${width}`, at(offset, 0));
  if (count === 0) throw new RdbCorruptError('empty intset', at(offset, 4));
  if (8 + count * width !== buf.length) {
    throw new RdbCorruptError(`intset of ${count} × ${width} bytes does not match its blob length ${buf.length}`, at(offset, 4));
  }
  const out: Buffer[] = new Array(count);
  if (width === 8) {
    let prev = 0n;
    for (let i = 0; i < count; i++) {
      const v = buf.readBigInt64LE(8 + i * 8);
      if (i > 0 && v <= prev) throw new RdbCorruptError('intset not strictly ascending', at(offset, 8 + i * 8));
      prev = v;
      out[i] = intToBuffer(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
    }
    return out;
  }
  let prev = 0;
  for (let i = 0; i < count; i++) {
    const p = 8 + i * width;
    const v = width === 2 ? buf.readInt16LE(p) : buf.readInt32LE(p);
    if (i > 0 && v <= prev) throw new RdbCorruptError('intset not strictly ascending', at(offset, p));
    prev = v;
    out[i] = intToBuffer(v);
  }
  return out;
}

/**
 * Encodes set members as an intset (sorted, deduplicated, smallest width that fits them all), or
 * null when a member is not the canonical decimal of an int64 or `members` is empty.
 */
export function encodeIntset(members: ReadonlyArray<Uint8Array>): Buffer | null {
  if (members.length === 0) return null;
  const values: bigint[] = [];
  for (const m of members) {
    const v = parseCanonicalInt64(m);
    if (v === null) return null;
    values.push(v);
  }
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let n = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[n - 1]) values[n++] = values[i];
  values.length = n;
  const lo = values[0];
  const hi = values[n - 1];
  const width = lo >= -32768n && hi <= 32767n ? 2 : lo >= -2147483648n && hi <= 2147483647n ? 4 : 8;
  const out = Buffer.allocUnsafe(8 + n * width);
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(n, 4);
  for (let i = 0; i < n; i++) {
    const p = 8 + i * width;
    if (width === 2) out.writeInt16LE(Number(values[i]), p);
    else if (width === 4) out.writeInt32LE(Number(values[i]), p);
    else out.writeBigInt64LE(values[i], p);
  }
  return out;
}
