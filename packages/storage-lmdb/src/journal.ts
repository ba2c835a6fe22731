/**
 * The entry format of the LMDB adapter's log and base tables. Both hold blobs, each a run of
 * entries one after the other: a log blob is (part of) the changes of one transaction, put under
 * an increasing 8-byte sequence number with LMDB's append flag; a base blob is a chunk of the
 * snapshot a rewrite wrote (lmdb-storage.ts). A transaction thus makes one LMDB put per blob,
 * whatever number of keys it carries, and a load reads few large values in key order.
 *
 * Entry: `[kind u8][slot u16 LE][key length u32 LE][record length u32 LE][key][record]`: kind SET
 * carries the record (record-codec.ts) of the key's new value and TTL, DEL no record, CLEAR
 * (FLUSHDB, a full sync's flush) neither key nor record: every key of the slot is dropped.
 */
import type { BinaryString, StoredValue } from '@replikit/keyspace';
import { encodeRecord } from './record-codec';

export const J_SET = 0;
export const J_DEL = 1;
export const J_CLEAR = 2;
/** bytes of an entry's head */
export const ENTRY_HEAD = 11;

const F_TTL = 2;

/** Node's latin1 fast paths (not in its type declarations) */
export interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

/** The table options of the log and base tables (keys: 8-byte big-endian numbers, values as written). */
export const BLOB_TABLE = { keyEncoding: 'binary', encoding: 'binary' } as const;

/** The 8-byte big-endian key of sequence number `seq` (< 2^48). */
export function journalKey(seq: number): Buffer {
  const k = Buffer.alloc(8);
  k.writeUIntBE(seq, 2, 6);
  return k;
}

/** The sequence number of a journal key. */
export function journalSeq(key: Uint8Array): number {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).readUIntBE(2, 6);
}

/**
 * Builds blobs of entries in one buffer reused from blob to blob (LMDB copies a value when it is
 * put, so the buffer can be refilled as soon as the put returns).
 */
export class EntryWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  /** bytes written since the last reset() */
  length = 0;
  /** entries written since the last reset() */
  count = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  private head(kind: number, slot: number, key: string, recordLength: number): number {
    const b = this.buf;
    let p = this.length;
    b[p] = kind;
    b.writeUInt16LE(slot, p + 1);
    b.writeUInt32LE(key.length, p + 3);
    b.writeUInt32LE(recordLength, p + 7);
    p += ENTRY_HEAD;
    if (key.length !== 0) p += (b as Latin1Buffer).latin1Write(key, p, key.length);
    return p;
  }

  /** A SET entry: the key's value and TTL (`expireAt` -1: none). */
  set(slot: number, key: BinaryString, value: StoredValue, expireAt: number): void {
    if (typeof value === 'string') {
      // a string's record written in place: [flags][expireAt f64 if TTL][bytes]
      const rec = 1 + (expireAt >= 0 ? 8 : 0) + value.length;
      this.room(ENTRY_HEAD + key.length + rec);
      let p = this.head(J_SET, slot, key, rec);
      const b = this.buf;
      b[p++] = expireAt >= 0 ? F_TTL : 0;
      if (expireAt >= 0) p = b.writeDoubleLE(expireAt, p);
      if (value.length !== 0) p += (b as Latin1Buffer).latin1Write(value, p, value.length);
      this.length = p;
    } else {
      const rec = encodeRecord(key, value, expireAt, false);
      this.room(ENTRY_HEAD + key.length + rec.length);
      const p = this.head(J_SET, slot, key, rec.length);
      this.length = p + rec.copy(this.buf, p);
    }
    this.count++;
  }

  /**
   * A SET entry of a string value given as bytes: key `kb[ks, ke)`, value `vb[vs, ve)` (the
   * record a pinned iterator's nextRecords() hands out; the same entry as set() of their strings).
   */
  setBytes(slot: number, kb: Buffer, ks: number, ke: number, vb: Buffer, vs: number, ve: number, expireAt: number): void {
    const klen = ke - ks;
    const rec = 1 + (expireAt >= 0 ? 8 : 0) + (ve - vs);
    this.room(ENTRY_HEAD + klen + rec);
    const b = this.buf;
    let p = this.length;
    b[p] = J_SET;
    b.writeUInt16LE(slot, p + 1);
    b.writeUInt32LE(klen, p + 3);
    b.writeUInt32LE(rec, p + 7);
    p += ENTRY_HEAD;
    p += kb.copy(b, p, ks, ke);
    b[p++] = expireAt >= 0 ? F_TTL : 0;
    if (expireAt >= 0) p = b.writeDoubleLE(expireAt, p);
    this.length = p + vb.copy(b, p, vs, ve);
    this.count++;
  }

  /** A DEL entry. */
  del(slot: number, key: BinaryString): void {
    this.room(ENTRY_HEAD + key.length);
    this.length = this.head(J_DEL, slot, key, 0);
    this.count++;
  }

  /** A CLEAR entry. */
  clear(slot: number): void {
    this.room(ENTRY_HEAD);
    this.length = this.head(J_CLEAR, slot, '', 0);
    this.count++;
  }

  /** The blob written since the last reset() (a view of the buffer, valid until the next write). */
  blob(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
    this.count = 0;
    // a large unit's buffer is not kept for the small ones that follow
    if (this.buf.length > 1 << 22) this.buf = Buffer.allocUnsafe(1 << 16);
  }

  /** Drops what was written after `length` bytes and `count` entries. */
  truncate(length: number, count: number): void {
    this.length = length;
    this.count = count;
  }
}

/**
 * Where the LMDB value starting at `start` of `buf` (a run of whole entries) ends: after the first
 * entry that brings it to `max` bytes or more, or at the end of `buf`.
 */
export function blobEnd(buf: Buffer, start: number, max: number): number {
  let p = start;
  while (p < buf.length && p - start < max) p += ENTRY_HEAD + buf.readUInt32LE(p + 3) + buf.readUInt32LE(p + 7);
  return Math.min(p, buf.length);
}

/**
 * One entry of a blob, as forEachEntry() yields it: the key is `blob[keyStart, keyEnd)` (entryKey()
 * makes its string), the record `blob[recordStart, recordEnd)`.
 */
export interface JournalEntry {
  kind: number;
  slot: number;
  keyStart: number;
  keyEnd: number;
  recordStart: number;
  recordEnd: number;
}

/** The key of `e` as a binary string. */
export function entryKey(blob: Buffer, e: JournalEntry): BinaryString {
  return e.keyEnd === e.keyStart ? '' : (blob as Latin1Buffer).latin1Slice(e.keyStart, e.keyEnd);
}

/**
 * Walks the entries of `blob[0, end)`, calling `each` with one reused JournalEntry object per entry;
 * throws (a plain Error) at the first malformed one.
 */
export function forEachEntry(blob: Buffer, each: (e: JournalEntry) => void, end = blob.length): void {
  const e: JournalEntry = { kind: 0, slot: 0, keyStart: 0, keyEnd: 0, recordStart: 0, recordEnd: 0 };
  let p = 0;
  while (p < end) {
    if (end - p < ENTRY_HEAD) throw new Error('truncated entry head');
    const kind = blob[p];
    if (kind > J_CLEAR) throw new Error(`unknown entry kind ${kind}`);
    const n = blob.readUInt32LE(p + 3);
    const r = blob.readUInt32LE(p + 7);
    const k = p + ENTRY_HEAD;
    if (end - k < n + r) throw new Error('truncated entry');
    if (kind === J_SET && r === 0) throw new Error('a SET entry without its record');
    e.kind = kind;
    e.slot = blob.readUInt16LE(p + 1);
    e.keyStart = k;
    e.keyEnd = k + n;
    e.recordStart = k + n;
    e.recordEnd = k + n + r;
    each(e);
    p = k + n + r;
  }
}
