/**
 * The on-disk record of one key: `[flags][expireAt f64 LE if TTL][u32 LE key length + key if long key][payload]`.
 * A string's payload is its bytes as they are (1 byte of overhead, 9 with a TTL); a collection's
 * is its DUMP payload (RDB type byte, Redis's compact encodings: listpack, intset, ..., then the
 * RDB version and a CRC64, checked when read back). docs/storage-adapters.md gives the measured sizes.
 */
import type { StoredValue } from '@replikit/keyspace';
import { rdbValueToStored, storedToRdbValue } from '@replikit/keyspace-rdb';
import { createDumpPayload, parseDumpPayload } from '@replikit/rdb';
import type { Latin1Buffer } from './journal';

const F_COLLECTION = 1;
export const F_TTL = 2;
const F_LONG_KEY = 4;
const KNOWN_FLAGS = F_COLLECTION | F_TTL | F_LONG_KEY;

/** One decoded record. */
export interface DecodedRecord {
  readonly value: StoredValue;
  /** absolute unix ms, or -1 */
  readonly expireAt: number;
  /** the full key of a long-key record */
  readonly key: string | undefined;
}

/**
 * Encodes a key's value and TTL (`expireAt` -1: none); `longKey` embeds the full key. The record
 * starts at byte `at` of the returned buffer (the bytes before it are left for the caller).
 */
export function encodeRecord(key: string, value: StoredValue, expireAt: number, longKey: boolean, at = 0): Buffer {
  const isString = typeof value === 'string';
  const payload = isString ? undefined : createDumpPayload(storedToRdbValue(value));
  const head = at + 1 + (expireAt >= 0 ? 8 : 0) + (longKey ? 4 + key.length : 0);
  const size = head + (isString ? value.length : (payload as Buffer).length);
  const out = Buffer.allocUnsafe(size);
  let flags = 0;
  let p = at + 1;
  if (!isString) flags |= F_COLLECTION;
  if (expireAt >= 0) {
    flags |= F_TTL;
    out.writeDoubleLE(expireAt, p);
    p += 8;
  }
  if (longKey) {
    flags |= F_LONG_KEY;
    out.writeUInt32LE(key.length, p);
    p += 4;
    p += out.write(key, p, 'latin1');
  }
  out[at] = flags;
  if (isString) out.write(value, p, 'latin1');
  else (payload as Buffer).copy(out, p);
  return out;
}

/**
 * Decodes a record (its first `end` bytes when given: lmdb's shared read buffer is longer than the
 * record); throws (a plain Error) when it is malformed. Nothing of `buf` is kept: the buffer may be
 * reused as soon as this returns.
 */
export function decodeRecord(buf: Uint8Array, end?: number): DecodedRecord {
  const whole = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const b = end === undefined || end === whole.length ? whole : whole.subarray(0, end);
  if (b.length < 1) throw new Error('empty record');
  const flags = b[0];
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new Error(`unknown record flags 0x${flags.toString(16)}`);
  let p = 1;
  let expireAt = -1;
  if (flags & F_TTL) {
    if (b.length < p + 8) throw new Error('truncated TTL');
    expireAt = b.readDoubleLE(p);
    p += 8;
  }
  let key: string | undefined;
  if (flags & F_LONG_KEY) {
    if (b.length < p + 4) throw new Error('truncated key length');
    const n = b.readUInt32LE(p);
    p += 4;
    if (b.length < p + n) throw new Error('truncated key');
    key = b.toString('latin1', p, p + n);
    p += n;
  }
  // a collection's parsed parts may be views of the payload: parse a copy of it
  const value = flags & F_COLLECTION ? rdbValueToStored(parseDumpPayload(Buffer.from(b.subarray(p)))) : b.toString('latin1', p, b.length);
  return { value, expireAt, key };
}

/**
 * Decodes the record at `b[start, end)` to its value and TTL (no long-key field: the log and base
 * entries carry the key); throws (a plain Error) when it is malformed.
 */
export function decodeRecordAt(b: Buffer, start: number, end: number): { value: StoredValue; expireAt: number } {
  const flags = b[start];
  if ((flags & ~(F_COLLECTION | F_TTL)) !== 0) throw new Error(`unknown record flags 0x${flags.toString(16)}`);
  let p = start + 1;
  let expireAt = -1;
  if (flags & F_TTL) {
    if (end < p + 8) throw new Error('truncated TTL');
    expireAt = b.readDoubleLE(p);
    p += 8;
  }
  // a collection's parsed parts may be views of the payload: parse a copy of it
  const value = flags & F_COLLECTION ? rdbValueToStored(parseDumpPayload(Buffer.from(b.subarray(p, end)))) : (b as Latin1Buffer).latin1Slice(p, end);
  return { value, expireAt };
}
