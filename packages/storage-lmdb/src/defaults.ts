/** Defaults of @replikit/storage-lmdb (docs/configuration.md lists them with the server directives). */

/** the file inside `dir` (LMDB adds `<file>-lock` next to it) */
export const DEFAULT_LMDB_FILENAME = 'replikit.lmdb';

/** `appendfsync`-like durability policy */
export const DEFAULT_LMDB_FSYNC = 'everysec';

/** how often `everysec` forces the written units to disk, ms */
export const LMDB_FSYNC_INTERVAL_MS = 1000;

/**
 * Keys up to this many bytes are LMDB keys as they are; longer keys (LMDB allows 1978 bytes here)
 * are stored under their SHA-256 in a second table, the full key inside the record.
 */
export const MAX_INLINE_KEY_BYTES = 1024;

/**
 * A unit that rewrites slots holding at least this many keys after a clear (a full sync's load,
 * FLUSHALL followed by a restore) is written in slices across event-loop turns, under the
 * load-in-progress marker; smaller ones stay one transaction.
 */
export const LMDB_BULK_MIN_KEYS = 4096;

/** the longest one slice of such a write keeps the event loop, ms (checked every 64 records) */
export const LMDB_BULK_SLICE_MS = 5;

/**
 * Journal entries (journal.ts) past which a unit's own transaction merges as many entries as it
 * appends, bounding the journal (its size on disk and what a restart replays).
 */
export const LMDB_JOURNAL_MAX_ENTRIES = 1 << 20;

/** the longest one background merge transaction keeps the event loop, ms */
export const LMDB_MERGE_SLICE_MS = 4;

/** the pause between background merge transactions while units keep coming, ms (none when idle) */
export const LMDB_MERGE_GAP_MS = 20;
