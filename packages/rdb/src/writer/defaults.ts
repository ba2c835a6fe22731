/** Defaults of the RDB writer (documented in packages/rdb/README.md). */

/** RDB version written: 10 is what Redis 7.0 writes, and the highest it loads. */
export const DEFAULT_RDB_VERSION = 10;
/** Versions the writer can produce: every type it emits exists in 10, 11 and 12. */
export const MIN_WRITE_RDB_VERSION = 10;
export const MAX_WRITE_RDB_VERSION = 12;
/** `redis-ver` aux field. */
export const DEFAULT_REDIS_VER = '7.0.15';
/** Size of the output chunks. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
/** Redis's `databases`: a SELECTDB at or above this is fatal on load. */
export const DEFAULT_DATABASES = 16;

/** Redis 7.0 thresholds used by the `compact` encoding (same names as redis.conf). */
export const HASH_MAX_LISTPACK_ENTRIES = 128;
export const HASH_MAX_LISTPACK_VALUE = 64;
export const ZSET_MAX_LISTPACK_ENTRIES = 128;
export const ZSET_MAX_LISTPACK_VALUE = 64;
export const SET_MAX_INTSET_ENTRIES = 512;
/** `list-max-listpack-size -2`: quicklist nodes of at most 8 KiB. */
export const LIST_MAX_LISTPACK_BYTES = 8192;
/** `stream-node-max-bytes` / `stream-node-max-entries`. */
export const STREAM_NODE_MAX_BYTES = 4096;
export const STREAM_NODE_MAX_ENTRIES = 100;
