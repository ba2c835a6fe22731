/**
 * The storage adapter interface: every read and write of keyspace data goes through it.
 * Synchronous by design (like better-sqlite3 or lmdb's sync API) so a command stays atomic.
 * See docs/storage-adapters.md for the contract; `runStorageAdapterConformance` checks it.
 */
import type { BinaryString, StoredValue } from '../command-api';

/** One entry yielded by a pinned iterator. `value` undefined: deleted after the iterator was opened. */
export interface PinnedEntry {
  readonly key: BinaryString;
  readonly value: StoredValue | undefined;
  /** absolute unix ms, or -1 */
  readonly expireAt: number;
}

/**
 * An iterator used by point-in-time snapshots. Contract:
 * - every key present when it was opened is yielded exactly once, even if it is deleted,
 *   re-created, or the store is cleared meanwhile (a deleted key may be yielded with value undefined);
 * - keys added after it was opened are yielded at most once;
 * - a key yielded with a value has the value and TTL it has in the store when yielded, except after
 *   clear(): then the entries as they were at the clear are yielded;
 * - close() releases it (the adapter may then reclaim whatever it kept for it).
 */
export interface PinnedIterator {
  /** up to `max` entries; an empty array means done */
  next(max: number): PinnedEntry[];
  close(): void;
}

/** One database's storage. */
export interface DbStore {
  get(key: BinaryString): StoredValue | undefined;
  /** Inserts or replaces; the key's TTL is left as it is. */
  set(key: BinaryString, value: StoredValue): void;
  /** Removes the key and its TTL; true when it existed. */
  delete(key: BinaryString): boolean;
  /** Absolute unix ms, or undefined when the key has no TTL. */
  getExpire(key: BinaryString): number | undefined;
  /** Sets the TTL of an existing key. */
  setExpire(key: BinaryString, atMs: number): void;
  /** Removes the TTL; true when there was one. */
  deleteExpire(key: BinaryString): boolean;
  size(): number;
  expiresSize(): number;
  /** Live key iterator: keys present for the whole iteration are yielded exactly once. */
  keys(): Iterator<BinaryString>;
  /** Live iterator over the keys that have a TTL (active expiry samples it). */
  expireKeys(): Iterator<BinaryString>;
  /** Some key (ideally random), or undefined when empty. */
  randomKey(): BinaryString | undefined;
  /** See PinnedIterator. */
  pinnedEntries(): PinnedIterator;
  /** Removes every key. */
  clear(): void;
  /**
   * Write notification: a collection value stored under `key` was mutated in place by a command
   * (set() was not called). Called once per key per command, after the command ran. A persistent
   * adapter writes it through; a change-data-capture sink records it.
   */
  changed?(key: BinaryString, value: StoredValue): void;
}

/** The storage of every database. */
export interface StorageAdapter {
  readonly databases: number;
  /** The store currently holding database `index` (SWAPDB changes the mapping). */
  db(index: number): DbStore;
  /** SWAPDB: exchanges the contents of two databases (O(1) ideally). */
  swap(a: number, b: number): void;
  close?(): void;
}

export type StorageAdapterFactory = (databases: number) => StorageAdapter;
