/** @replikit/storage-lmdb: a durable storage adapter on LMDB with commit points carrying the replication position. */

export type { LmdbCursorPosition, LmdbCursorStoreOptions } from './cursor-store';
export { createLmdbCursorStore, LMDB_CURSOR_TABLE, LmdbCursorStore } from './cursor-store';
export { DEFAULT_LMDB_FILENAME, DEFAULT_LMDB_FSYNC, LMDB_BLOB_BYTES, LMDB_BULK_MIN_KEYS, LMDB_BULK_SLICE_MS, LMDB_FSYNC_INTERVAL_MS, LMDB_REWRITE_MIN_BYTES, LMDB_REWRITE_PERCENTAGE } from './defaults';
export { LmdbCorruptRecordError, LmdbCursorCorruptError, LmdbInvalidOptionError, LmdbOpenError, LmdbWriteError, StorageLmdbError } from './errors';
export { LmdbStorageAdapter, lmdbStorage, openLmdbStorage } from './lmdb-storage';
export type { LmdbFsyncPolicy, LmdbStorageOptions, LmdbStorageStats } from './options';
export type { DecodedRecord } from './record-codec';
export { decodeRecord, decodeRecordAt, encodeRecord } from './record-codec';
