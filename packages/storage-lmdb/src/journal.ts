/**
 * The append-only journal of the LMDB adapter. A committed unit is written as journal entries,
 * keyed by an increasing sequence number and put with LMDB's append flag, so each insert goes to
 * the rightmost leaf (about 2 µs of CPU, where a random key's insert into a large keyed table
 * copies a leaf page and costs 10-25 µs). The transaction that appends a unit is its durability
 * point, as before. Merge slices later apply the oldest entries to the keyed tables and delete
 * them in the same transaction, so the keyed tables plus the journal replayed in sequence order
 * are always the committed state; opening the file does exactly that.
 *
 * Entry: `[kind u8][slot u16 LE][key length u32 LE][key][record]`: kind SET carries the record
 * (record-codec.ts) of the key's new value and TTL, DEL no record, CLEAR (FLUSHDB, a full sync's
 * flush) neither key nor record: every key of the slot is dropped.
 */
import { createHash } from 'node:crypto';
import type { BinaryString, StoredValue } from '@replikit/keyspace';
import type { Database } from 'lmdb';
import { MAX_INLINE_KEY_BYTES } from './defaults';
import { encodeRecord } from './record-codec';

export const J_SET = 0;
export const J_DEL = 1;
export const J_CLEAR = 2;
const HEAD = 7;

/** The table options of the journal (keys: 8-byte big-endian sequence numbers, values as written). */
export const JOURNAL_TABLE = { keyEncoding: 'binary', encoding: 'binary' } as const;

/** the table key of a key longer than MAX_INLINE_KEY_BYTES */
export function longKeyHash(key: BinaryString): Buffer {
  return createHash('sha256').update(key, 'latin1').digest();
}

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

/** A SET entry: the key's value and TTL (`expireAt` -1: none). */
export function journalSet(slot: number, key: BinaryString, value: StoredValue, expireAt: number): Buffer {
  const head = HEAD + key.length;
  const out = encodeRecord(key, value, expireAt, key.length > MAX_INLINE_KEY_BYTES, head);
  writeHead(out, J_SET, slot, key);
  return out;
}

/** A DEL entry. */
export function journalDel(slot: number, key: BinaryString): Buffer {
  const out = Buffer.allocUnsafe(HEAD + key.length);
  writeHead(out, J_DEL, slot, key);
  return out;
}

/** A CLEAR entry. */
export function journalClear(slot: number): Buffer {
  const out = Buffer.allocUnsafe(HEAD);
  writeHead(out, J_CLEAR, slot, '');
  return out;
}

function writeHead(out: Buffer, kind: number, slot: number, key: string): void {
  out[0] = kind;
  out.writeUInt16LE(slot, 1);
  out.writeUInt32LE(key.length, 3);
  if (key.length !== 0) out.write(key, HEAD, 'latin1');
}

/** A decoded entry; `record` is a view of the entry's buffer. */
export interface JournalEntry {
  kind: number;
  slot: number;
  key: BinaryString;
  record: Buffer;
}

/** Decodes an entry; throws (a plain Error) when it is malformed. */
export function decodeJournalEntry(b: Buffer): JournalEntry {
  if (b.length < HEAD) throw new Error('truncated journal entry');
  const kind = b[0];
  if (kind > J_CLEAR) throw new Error(`unknown journal entry kind ${kind}`);
  const n = b.readUInt32LE(3);
  if (b.length < HEAD + n) throw new Error('truncated journal key');
  const record = b.subarray(HEAD + n);
  if (kind === J_SET && record.length === 0) throw new Error('a journal SET without its record');
  return { kind, slot: b.readUInt16LE(1), key: b.toString('latin1', HEAD, HEAD + n), record };
}

/** The tables a merge writes. */
export interface JournalTables {
  journal: Database<Buffer, Buffer>;
  inline: Database<Buffer, Buffer>[];
  long: Database<Buffer, Buffer>[];
}

/**
 * Applies the oldest journal entries to the keyed tables and deletes them, inside the caller's
 * write transaction, until the journal is empty, `max` entries are merged or `deadline`
 * (performance.now() time, checked every 16 entries) has passed. Returns the number of entries
 * merged.
 */
export function mergeJournal(t: JournalTables, max: number, deadline: number): number {
  let merged = 0;
  while (merged < max) {
    const batch = [...t.journal.getRange({ limit: Math.min(256, max - merged) })];
    if (batch.length === 0) break;
    let i = 0;
    for (; i < batch.length; i++) {
      applyEntry(t, decodeJournalEntry(batch[i].value));
      t.journal.removeSync(batch[i].key);
      merged++;
      if ((merged & 15) === 0 && performance.now() >= deadline) return merged;
    }
  }
  return merged;
}

function applyEntry(t: JournalTables, e: JournalEntry): void {
  const inline = t.inline[e.slot];
  const long = t.long[e.slot];
  if (inline === undefined) throw new Error(`a journal entry of database slot ${e.slot}, which the file does not have`);
  if (e.kind === J_CLEAR) {
    inline.clearSync();
    long.clearSync();
    return;
  }
  const isLong = e.key.length > MAX_INLINE_KEY_BYTES;
  const table = isLong ? long : inline;
  const k = isLong ? longKeyHash(e.key) : Buffer.from(e.key, 'latin1');
  if (e.kind === J_DEL) table.removeSync(k);
  else table.putSync(k, e.record);
}
