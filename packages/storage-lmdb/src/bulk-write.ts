/**
 * The slices of a bulk unit of the LMDB adapter (a cleared slot rewritten whole, as after a full
 * sync's load): each slice appends the next keys of the slots to the journal, read through a
 * pinned iterator so that the writes the server keeps making between slices do not disturb the walk.
 */
import type { PinnedIterator } from '@replikit/keyspace';
import type { LmdbDbStore } from './db-store';
import { journalSet } from './journal';

/** A bulk unit being written: the slots written whole, in order, and the iterator of the current one. */
export interface BulkWrite {
  slots: LmdbDbStore[];
  index: number;
  entries: PinnedIterator | null;
  timer: NodeJS.Immediate | null;
}

/**
 * Appends journal SET entries of `b`'s keys (inside the caller's transaction) until every slot is
 * written or `deadline` (performance.now() time) has passed, checked every 64 keys.
 */
export function writeBulkSlice(b: BulkWrite, append: (entry: Buffer) => void, deadline: number): { records: number; bytes: number } {
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
      const entry = journalSet(s.slot, e.key, e.value, e.expireAt);
      append(entry);
      records++;
      bytes += entry.length;
    }
    if (performance.now() >= deadline) break;
  }
  return { records, bytes };
}
