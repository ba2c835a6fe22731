/**
 * A rewrite of the LMDB adapter's base: every slot's keys, read through pinned iterators (so the
 * writes the server keeps making between slices do not disturb the walk), appended as chunks of
 * entries to the base table not in use. Each slice is one transaction; the adapter then switches
 * the layout to the new base in one more (lmdb-storage.ts).
 *
 * Bulk units: a unit that rewrites cleared slots of LMDB_BULK_MIN_KEYS keys or more (a replica's
 * full sync load) is written as a rewrite: a first transaction stores the `loading` marker and
 * drops the position; the slices write every slot into the new base; the last transaction appends
 * the keys changed meanwhile, switches to the new base, writes the position and removes the
 * marker. A file opened with the marker is discarded (empty, no position: the replica full-syncs).
 * With `always`, commits made during the slices are durable at that last transaction.
 */
import type { PinnedRecordVisitor, RecordsPinnedIterator } from '@replikit/keyspace';
import type { Database } from 'lmdb';
import type { LmdbDbStore } from './db-store';
import { LMDB_BLOB_BYTES } from './defaults';
import { EntryWriter, journalKey, journalSeq } from './journal';

const APPEND = { append: true } as const;

/** A nextRecords() visitor writing into the rewrite's chunks; `slot` is the slot being walked. */
interface RecordSink extends PinnedRecordVisitor {
  slot: number;
}

/** A rewrite in progress. */
export interface BulkWrite {
  /** a bulk unit (a full sync's load, under the load-in-progress marker) rather than a background rewrite */
  bulk: boolean;
  /** the base table written (0 or 1) */
  target: number;
  /** the first log sequence number the new base does not cover */
  from: number;
  /** bytes of the log when it started (all of them below `from`) */
  logBytesAtStart: number;
  /** the first slice ran (it empties the target table of a background rewrite) */
  started: boolean;
  slots: LmdbDbStore[];
  index: number;
  entries: RecordsPinnedIterator | null;
  /** the visitor of `entries` (made at the first slice) */
  sink: RecordSink | null;
  timer: NodeJS.Immediate | null;
  chunks: number;
  bytes: number;
  records: number;
  /** slice transactions so far */
  slices: number;
  writer: EntryWriter;
}

export function newBulkWrite(bulk: boolean, target: number, from: number, logBytesAtStart: number, slots: LmdbDbStore[]): BulkWrite {
  return { bulk, target, from, logBytesAtStart, started: false, slots, index: 0, entries: null, sink: null, timer: null, chunks: 0, bytes: 0, records: 0, slices: 0, writer: new EntryWriter() };
}

function putChunk(b: BulkWrite, table: Database<Buffer, Buffer>): void {
  if (b.writer.length === 0) return;
  table.putSync(journalKey(++b.chunks), b.writer.blob(), APPEND);
  b.bytes += b.writer.length;
  b.writer.reset();
}

/**
 * Appends chunks of `b`'s keys to `table` (inside the caller's transaction) until every slot is
 * written or `deadline` (performance.now() time) has passed, checked every 64 keys; returns the
 * records written. The last chunk is put once every slot is written. String records in the slabs
 * are copied as bytes (nextRecords: no JS string per key or value).
 */
export function writeBulkSlice(b: BulkWrite, table: Database<Buffer, Buffer>, deadline: number): number {
  const before = b.records;
  const sink = b.sink ?? (b.sink = recordSink(b, table));
  while (b.index < b.slots.length) {
    const s = b.slots[b.index];
    sink.slot = s.slot;
    b.entries ??= s.mem.pinnedEntries();
    const seen = b.entries.nextRecords(64, sink);
    if (seen === 0) {
      b.entries.close();
      b.entries = null;
      b.index++;
      continue;
    }
    if (performance.now() >= deadline) break;
  }
  if (b.index >= b.slots.length) putChunk(b, table);
  b.slices++;
  return b.records - before;
}

/** The visitor a rewrite hands to nextRecords(): each entry into the chunk, a put once it is full. */
function recordSink(b: BulkWrite, table: Database<Buffer, Buffer>): RecordSink {
  const w = b.writer;
  const sink: RecordSink = {
    slot: 0,
    record(kb, ks, ke, vb, vs, ve, expireAt) {
      w.setBytes(sink.slot, kb, ks, ke, vb, vs, ve, expireAt);
      b.records++;
      if (w.length >= LMDB_BLOB_BYTES) putChunk(b, table);
    },
    entry(key, value, expireAt) {
      // deleted since the iterator was opened: the log (or the last transaction) has its DEL
      if (value === undefined) return;
      w.set(sink.slot, key, value, expireAt);
      b.records++;
      if (w.length >= LMDB_BLOB_BYTES) putChunk(b, table);
    },
  };
  return sink;
}

/** Stops a rewrite (its pinned iterator closed; what it wrote is left for the next one to clear). */
export function abandonBulkWrite(b: BulkWrite): void {
  if (b.timer !== null) clearImmediate(b.timer);
  b.timer = null;
  b.entries?.close();
  b.entries = null;
}

/** Whether `log` holds entries older than sequence number `from`. */
export function hasOlderEntries(log: Database<Buffer, Buffer>, from: number): boolean {
  for (const key of log.getKeys({ limit: 1 })) return journalSeq(key) < from;
  return false;
}

/**
 * Deletes up to `max` log entries older than `from` (inside the caller's transaction). Sequence
 * numbers are handed out one by one and never reused, so the entries to delete are the numbers
 * from the first key up to `from`: one cursor read for the first, then a delete per number (an
 * iterator over the keys cost as much again as the deletes).
 */
export function trimLog(log: Database<Buffer, Buffer>, from: number, max: number): void {
  let first = from;
  for (const key of log.getKeys({ limit: 1 })) first = journalSeq(key);
  const end = Math.min(from, first + max);
  for (let seq = first; seq < end; seq++) log.removeSync(journalKey(seq));
}
