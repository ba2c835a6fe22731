/**
 * The slices of a bulk unit of the LMDB adapter (a cleared slot rewritten whole, as after a full
 * sync's load): each slice writes the next records of the slots, read through a pinned iterator
 * so that the writes the server keeps making between slices do not disturb the walk.
 */
import { createHash } from 'node:crypto';
import type { BinaryString, PinnedIterator } from '@replikit/keyspace';
import type { Database } from 'lmdb';
import type { LmdbDbStore } from './db-store';
import { MAX_INLINE_KEY_BYTES } from './defaults';
import { encodeRecord } from './record-codec';

/** A bulk unit being written: the slots written whole, in order, and the iterator of the current one. */
export interface BulkWrite {
  slots: LmdbDbStore[];
  index: number;
  entries: PinnedIterator | null;
  timer: NodeJS.Immediate | null;
}

/** the table key of a key longer than MAX_INLINE_KEY_BYTES */
export function longKeyHash(key: BinaryString): Buffer {
  return createHash('sha256').update(key, 'latin1').digest();
}

/**
 * Writes records of `b` (inside the caller's transaction) until every slot is written or
 * `deadline` (performance.now() time) has passed, checked every 64 records.
 */
export function writeBulkSlice(b: BulkWrite, inline: Database<Buffer, Buffer>[], long: Database<Buffer, Buffer>[], deadline: number): { records: number; bytes: number } {
  let records = 0;
  let bytes = 0;
  while (b.index < b.slots.length) {
    const s = b.slots[b.index];
    b.entries ??= s.mem.pinnedEntries();
    const batch = b.entries.next(64);
    if (batch.length === 0) {
      b.entries.close();
      b.entries = null;
      b.index++;
      continue;
    }
    for (const e of batch) {
      // deleted since the iterator was opened: the key is dirty, the last transaction removes it
      if (e.value === undefined) continue;
      const isLong = e.key.length > MAX_INLINE_KEY_BYTES;
      const rec = encodeRecord(e.key, e.value, e.expireAt, isLong);
      (isLong ? long : inline)[s.slot].putSync(isLong ? longKeyHash(e.key) : Buffer.from(e.key, 'latin1'), rec);
      records++;
      bytes += rec.length;
    }
    if (performance.now() >= deadline) break;
  }
  return { records, bytes };
}
