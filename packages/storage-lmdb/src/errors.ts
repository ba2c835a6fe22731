/**
 * Errors of @replikit/storage-lmdb. Match on `code` (stable), not on `instanceof`: two builds of
 * this package can coexist in one process.
 *
 * | code | class | when |
 * |---|---|---|
 * | `ERR_STORAGE_LMDB_INVALID_OPTION` | {@link LmdbInvalidOptionError} | an option out of range (`fsync`, `databases`, `dir`) |
 * | `ERR_STORAGE_LMDB_OPEN` | {@link LmdbOpenError} | the environment cannot be opened, or it was written with another database count or an unknown format (format 1 is migrated at open) |
 * | `ERR_STORAGE_LMDB_CORRUPT_RECORD` | {@link LmdbCorruptRecordError} | a stored record cannot be decoded at load |
 * | `ERR_STORAGE_LMDB_WRITE` | {@link LmdbWriteError} | a write transaction failed (disk full, map full): nothing of the unit was stored |
 * | `ERR_STORAGE_LMDB_CURSOR_CORRUPT` | {@link LmdbCursorCorruptError} | a change-stream cursor stored in LMDB cannot be decoded, or a position to save is invalid |
 */
export class StorageLmdbError extends Error {
  override name = 'StorageLmdbError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class LmdbInvalidOptionError extends StorageLmdbError {
  override name = 'LmdbInvalidOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super('ERR_STORAGE_LMDB_INVALID_OPTION', `invalid LMDB storage option ${option}=${String(value)}: ${reason}`);
  }
}

export class LmdbOpenError extends StorageLmdbError {
  override name = 'LmdbOpenError';
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_STORAGE_LMDB_OPEN', `cannot open the LMDB storage at ${path}: ${reason}`, options);
  }
}

export class LmdbCorruptRecordError extends StorageLmdbError {
  override name = 'LmdbCorruptRecordError';
  constructor(
    readonly slot: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_STORAGE_LMDB_CORRUPT_RECORD', `a record of database slot ${slot} cannot be decoded: ${reason}`, options);
  }
}

export class LmdbWriteError extends StorageLmdbError {
  override name = 'LmdbWriteError';
  constructor(
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_STORAGE_LMDB_WRITE', `writing to the LMDB storage at ${path} failed: ${(options?.cause as Error | undefined)?.message ?? 'unknown error'}`, options);
  }
}

export class LmdbCursorCorruptError extends StorageLmdbError {
  override name = 'LmdbCursorCorruptError';
  constructor(
    /** the cursor's name in its table */
    readonly cursor: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_STORAGE_LMDB_CURSOR_CORRUPT', `the change-stream cursor ${JSON.stringify(cursor)} in LMDB cannot be used: ${reason}`, options);
  }
}
