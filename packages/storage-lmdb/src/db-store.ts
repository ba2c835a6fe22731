/** One database slot of the LMDB adapter: the in-memory working set plus what changed since the last LMDB transaction. */
import type { BinaryString, CollectionValue, DbStore, PinnedIterator, StoredValue } from '@replikit/keyspace';
import { MemoryDbStore } from '@replikit/keyspace';
import type { EntryWriter } from './journal';

/**
 * What the stores of one adapter share: whether a unit is open (written to since the last commit
 * point), and the writer holding the log entries of the changes not written to LMDB yet.
 */
export interface UnitState {
  open: boolean;
  writer: EntryWriter;
}

/**
 * One database slot: the in-memory store, plus its changes since the last LMDB transaction. A
 * string set and a delete are encoded into the shared writer as they happen (the value is at hand:
 * no second read of it at the commit); a collection (which later commands mutate in place) and a
 * TTL change mark the key dirty instead, and the transaction appends the key's state at that time
 * after the entries written so far, which it supersedes.
 */
export class LmdbDbStore implements DbStore {
  readonly mem = new MemoryDbStore();
  /** keys whose state the transaction appends; not kept after a clear() (every key is written then) */
  dirty = new Set<BinaryString>();
  /** clear() since the last transaction: a CLEAR entry was written, the transaction appends every key of `mem` */
  cleared = false;

  constructor(
    readonly slot: number,
    private readonly unit: UnitState,
  ) {}

  /** `key` changed in this unit: its state is appended at the transaction (unless the whole slot is). */
  private touched(key: BinaryString): void {
    if (!this.cleared) this.dirty.add(key);
    this.unit.open = true;
  }

  get(key: BinaryString): StoredValue | undefined {
    return this.mem.get(key);
  }
  set(key: BinaryString, value: StoredValue): void {
    this.mem.set(key, value);
    this.unit.open = true;
    if (this.cleared) return;
    if (typeof value === 'string') this.unit.writer.set(this.slot, key, value, this.mem.getExpire(key) ?? -1);
    else this.dirty.add(key);
  }
  delete(key: BinaryString): boolean {
    if (!this.mem.delete(key)) return false;
    this.unit.open = true;
    if (!this.cleared) this.unit.writer.del(this.slot, key);
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
    if (!this.cleared) this.unit.writer.clear(this.slot);
    this.cleared = true;
    this.unit.open = true;
  }
  changed(key: BinaryString, _value: CollectionValue): void {
    // the memory store holds this very object: the transaction encodes it from there
    this.touched(key);
  }
}

/**
 * Appends to `w` the state of the keys of `s` the transaction writes: every key of the slot after
 * a clear, else each dirty key's current value and TTL (or a DEL). Returns the records appended.
 */
export function writeSlotChanges(s: LmdbDbStore, w: EntryWriter): number {
  if (!s.cleared && s.dirty.size === 0) return 0;
  const keys: Iterable<BinaryString> = s.cleared ? { [Symbol.iterator]: () => s.mem.keys() } : s.dirty;
  const mem = s.mem;
  let records = 0;
  for (const key of keys) {
    const v = mem.get(key);
    if (v === undefined) w.del(s.slot, key);
    else w.set(s.slot, key, v, mem.getExpire(key) ?? -1);
    records++;
  }
  return records;
}
