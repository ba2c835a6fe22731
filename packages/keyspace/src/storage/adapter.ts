/**
 * The storage adapter interface: every read and write of keyspace data goes through it.
 * Synchronous by design (like better-sqlite3 or lmdb's sync API) so a command stays atomic.
 * See docs/storage-adapters.md for the contract; `runStorageAdapterConformance` checks it.
 */
import type { BinaryString, CollectionValue, StoredValue } from '../command-api';

/**
 * Where a dataset stands in a replication history: it holds every effect of the stream up to and
 * including byte `offset` of history `replid` (Redis's master_repl_offset; a PSYNC continues at
 * `offset + 1`), and the stream had database `streamDb` selected (`repl-stream-db`).
 */
export interface ReplicationPosition {
  readonly replid: string;
  readonly offset: number;
  /** @default 0 */
  readonly streamDb?: number;
}

/** What an adapter can do beyond the required contract; the keyspace adapts to it. */
export interface StorageCapabilities {
  /**
   * `pinnedEntries()` yields every entry exactly as it was when the iterator was opened (an MVCC
   * read transaction, like LMDB's), whatever is written afterwards. Point-in-time snapshots then
   * skip copy-on-write: they keep no old values in memory, the store keeps them.
   */
  readonly pointInTimeReads?: boolean;
}

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

/**
 * One database's storage.
 *
 * Costs the keyspace relies on (n = keys in the database):
 * - get/set/delete/getExpire/setExpire/deleteExpire: O(1) or O(log n); they run several times per command.
 * - size() and expiresSize(): O(1). They are read on every key lookup (expiresSize() === 0 skips the
 *   TTL lookup), by DBSIZE and INFO: keep counters, never count.
 * - randomKey(): O(1) amortised (RANDOMKEY, SPOP-like sampling, eviction); uniformity is not required.
 * - keys()/expireKeys(): O(1) per step, live (see below); SCAN walks keys() across calls through
 *   the keyspace's cursor table, so a step must not re-scan from the start.
 * - pinnedEntries(): O(1) to open, O(1) per entry.
 * - clear(): may be O(n), but must leave open pinned iterators intact.
 */
export interface DbStore {
  /**
   * The value, or undefined. A store may return a fresh object on every call (one that decodes
   * on read): commands never rely on two get() calls returning the same collection, and every
   * in-place mutation of a returned collection is handed back through changed().
   */
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
   * In-place write: a command mutated `value`, the collection a get() of `key` returned to it, or
   * one it passed to set() and filled in afterwards. Called once per key at the end of each command
   * that changed it (also right after such a set(), whether or not it was filled in later), before
   * the next command runs, and only while the key still exists and was not set() or deleted later
   * in the same command. `value` is the mutated object itself: a store that decodes on get() must
   * write `value`, never re-read its own copy (that would drop the mutation). A persistent adapter
   * writes it through; a change-data-capture sink records it.
   */
  changed?(key: BinaryString, value: CollectionValue): void;
}

/**
 * The storage of every database.
 *
 * Commit points: when the adapter has `commit`, the keyspace calls it after every change that must
 * be atomic as a whole: by default after each command, MULTI/EXEC block, expiry cycle and load
 * (`Keyspace.commits === 'auto'`); a replica calls it itself after each applied chunk of its
 * master's stream, with the replication position the data has reached (`'manual'`). Every change
 * since the previous commit point (through any DbStore of the adapter, swap() included) belongs to
 * the unit it ends; a durable adapter stores the unit and its position together, or neither.
 */
export interface StorageAdapter {
  readonly databases: number;
  /** optional abilities the keyspace takes advantage of @default {} */
  readonly capabilities?: StorageCapabilities;
  /** The store currently holding database `index` (SWAPDB changes the mapping). */
  db(index: number): DbStore;
  /** SWAPDB: exchanges the contents of two databases (O(1) ideally). */
  swap(a: number, b: number): void;
  /**
   * A commit point (see above). `position`: the replication position the data stands at after
   * this unit; `undefined` keeps the one already stored; `null` removes it (the data no longer
   * belongs to a history, e.g. while a full sync loads).
   */
  commit?(position?: ReplicationPosition | null): void;
  /** The position stored with the last committed unit (read back at start), or undefined. */
  committedPosition?(): ReplicationPosition | undefined;
  /**
   * Dataset-level records that are not keys (replikit-server keeps its function libraries in
   * `functions`): `value` replaces record `name` (`null` removes it) as a change of the current
   * unit, like a key's write: a durable adapter stores it at the next commit point together with
   * the unit's keys and position, or not at all. An adapter has both getAux and putAux, or neither.
   */
  putAux?(name: string, value: Uint8Array | null): void;
  /** Record `name` as last put (after an open: as last committed), or undefined when there is none. */
  getAux?(name: string): Uint8Array | undefined;
  /** Releases the adapter. Changes after the last commit point may be lost. */
  close?(): void;
}

export type StorageAdapterFactory = (databases: number) => StorageAdapter;
