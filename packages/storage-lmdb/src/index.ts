/** @replikit/storage-lmdb: a durable storage adapter on LMDB with commit points carrying the replication position. */
export { LmdbStorageAdapter, openLmdbStorage, lmdbStorage } from './lmdb-storage';
export type { LmdbStorageOptions, LmdbFsyncPolicy, LmdbStorageStats } from './lmdb-storage';
export { encodeRecord, decodeRecord } from './record-codec';
export type { DecodedRecord } from './record-codec';
export { DEFAULT_LMDB_FILENAME, DEFAULT_LMDB_FSYNC, LMDB_FSYNC_INTERVAL_MS, MAX_INLINE_KEY_BYTES } from './defaults';
export { StorageLmdbError, LmdbInvalidOptionError, LmdbOpenError, LmdbCorruptRecordError, LmdbWriteError, LmdbCursorCorruptError } from './errors';
export { createLmdbCursorStore, LmdbCursorStore, LMDB_CURSOR_TABLE } from './cursor-store';
export type { LmdbCursorStoreOptions, LmdbCursorPosition } from './cursor-store';
