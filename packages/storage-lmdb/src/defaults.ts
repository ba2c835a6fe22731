/** Defaults of @replikit/storage-lmdb (docs/configuration.md lists them with the server directives). */

/** the file inside `dir` (LMDB adds `<file>-lock` next to it) */
export const DEFAULT_LMDB_FILENAME = 'replikit.lmdb';

/** `appendfsync`-like durability policy */
export const DEFAULT_LMDB_FSYNC = 'everysec';

/** how often `everysec` forces the written units to disk, ms */
export const LMDB_FSYNC_INTERVAL_MS = 1000;

/**
 * A unit that rewrites slots holding at least this many keys after a clear (a full sync's load,
 * FLUSHALL followed by a restore) is written in slices across event-loop turns, under the
 * load-in-progress marker; smaller ones stay one transaction.
 */
export const LMDB_BULK_MIN_KEYS = 4096;

/** the longest one slice of such a write keeps the event loop, ms (checked every 64 records) */
export const LMDB_BULK_SLICE_MS = 5;

/**
 * A log or base value is cut after the entry that brings it to this many bytes, so that most
 * values fit in a leaf page: a value of many overflow pages makes LMDB search its free list for a
 * long enough run of pages, a cost that grows with the list (3-10x slower per byte once the file
 * has freed pages, measured on lmdb 3.5.6).
 */
export const LMDB_BLOB_BYTES = 1900;

/**
 * A background rewrite of the base starts once the log since the base holds this many bytes
 * (like `auto-aof-rewrite-min-size`)...
 */
export const LMDB_REWRITE_MIN_BYTES = 64 * 1024 * 1024;

/** ...and this many percent of the base's bytes (like `auto-aof-rewrite-percentage`; 0: never) */
export const LMDB_REWRITE_PERCENTAGE = 100;

/**
 * An open whose slab hint (`slabBytes`: bytes of keys and string values in memory at the last close
 * or rewrite) is at least this many bytes makes the slabs ahead and has a worker thread fault their
 * pages in while it loads (prefault.ts); a smaller load is not worth a thread.
 */
export const LMDB_PREFAULT_MIN_BYTES = 32 * 1024 * 1024;
