/** One database slot of the LMDB adapter: the in-memory working set plus what changed since the last LMDB transaction. */
import type { BinaryString, CollectionValue, DbStore, PinnedIterator, StoredValue } from '@replikit/keyspace';
import { MemoryDbStore } from '@replikit/keyspace';
import { LMDB_LOG_BLOB_BYTES } from './defaults';
import type { EntryWriter } from './journal';

/** What the stores of one adapter share: whether a unit is open (written to since the last commit point). */
export interface UnitState {
  open: boolean;
}

/** One database slot: the in-memory store plus the keys changed since the last LMDB transaction. */
export class LmdbDbStore implements DbStore {
  readonly mem = new MemoryDbStore();
  /** keys changed since the last transaction; not kept after a clear() (every key is written then) */
  dirty = new Set<BinaryString>();
  /** clear() since the last transaction: the slot's tables are emptied first, then every key of `mem` written */
  cleared = false;

  constructor(
    readonly slot: number,
    private readonly unit: UnitState,
  ) {}

  /** `key` changed in this unit: written at its commit (unless the whole slot is rewritten anyway). */
  private touched(key: BinaryString): void {
    if (!this.cleared) this.dirty.add(key);
    this.unit.open = true;
  }

  get(key: BinaryString): StoredValue | undefined {
    return this.mem.get(key);
  }
  set(key: BinaryString, value: StoredValue): void {
    this.mem.set(key, value);
    this.touched(key);
  }
  delete(key: BinaryString): boolean {
    if (!this.mem.delete(key)) return false;
    this.touched(key);
    return true;
  }
  getExpire(key: BinaryString): number | undefined {
    return this.mem.getExpire(key);
  }
  setExpire(key: BinaryString, atMs: number): void {
    this.mem.setExpire(key, atMs);
    this.touched(key);
  }
  deleteExpire(key: BinaryString): boolean {
    if (!this.mem.deleteExpire(key)) return false;
    this.touched(key);
    return true;
  }
  size(): number {
    return this.mem.size();
  }
  expiresSize(): number {
    return this.mem.expiresSize();
  }
  keys(): Iterator<BinaryString> {
    return this.mem.keys();
  }
  expireKeys(): Iterator<BinaryString> {
    return this.mem.expireKeys();
  }
  randomKey(): BinaryString | undefined {
    return this.mem.randomKey();
  }
  pinnedEntries(): PinnedIterator {
    return this.mem.pinnedEntries();
  }
  clear(): void {
    this.mem.clear();
    this.dirty.clear();
    this.cleared = true;
    this.unit.open = true;
  }
  changed(key: BinaryString, _value: CollectionValue): void {
    // the memory store holds this very object: the transaction encodes it from there
    this.touched(key);
  }
}

/**
 * Writes the changes of `s` since the last transaction to `w` (a CLEAR entry after a clear, then
 * every key of the slot; else each dirty key's current value and TTL, or a DEL), calling `full`
 * whenever the writer holds LMDB_LOG_BLOB_BYTES; returns the records written.
 */
export function writeSlotChanges(s: LmdbDbStore, w: EntryWriter, full: () => void): number {
  if (s.cleared) w.clear(s.slot);
  else if (s.dirty.size === 0) return 0;
  // after a clear (FLUSHDB, a small load) the whole slot is written: no per-key set to keep
  const keys: Iterable<BinaryString> = s.cleared ? { [Symbol.iterator]: () => s.mem.keys() } : s.dirty;
  const mem = s.mem;
  let records = 0;
  for (const key of keys) {
    const v = mem.get(key);
    if (v === undefined) w.del(s.slot, key);
    else w.set(s.slot, key, v, mem.getExpire(key) ?? -1);
    records++;
    if (w.length >= LMDB_LOG_BLOB_BYTES) full();
  }
  return records;
}
