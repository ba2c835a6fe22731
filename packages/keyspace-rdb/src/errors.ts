/**
 * Errors of @replikit/keyspace-rdb. Match on `code` (stable), not on `instanceof`.
 * Decoding errors of the RDB stream itself (truncated, corrupt, checksum, version, limits) are
 * @replikit/rdb's RdbError family, passed through unchanged: they carry the byte offset.
 */
export type KeyspaceRdbErrorCode =
  | 'ERR_KEYSPACE_RDB_VALUE_TYPE'
  | 'ERR_KEYSPACE_RDB_DB_COUNT'
  | 'ERR_KEYSPACE_RDB_LOADER_STATE'
  | 'ERR_KEYSPACE_RDB_OUTPUT'
  | 'ERR_KEYSPACE_RDB_FUNCTION';

/** Base class of the errors this package throws itself. */
export class KeyspaceRdbError extends Error {
  override name = 'KeyspaceRdbError';
  readonly code: KeyspaceRdbErrorCode;
  constructor(code: KeyspaceRdbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A value the other side cannot represent: an RDB module value, or a stored value of an unknown type. */
export class UnsupportedValueTypeError extends KeyspaceRdbError {
  override name = 'UnsupportedValueTypeError';
  constructor(readonly valueType: string) {
    super('ERR_KEYSPACE_RDB_VALUE_TYPE', `values of type ${valueType} cannot be converted between the keyspace and RDB`);
  }
}

/** The RDB selects a database the target keyspace does not have (Redis exits on this). */
export class DatabaseCountError extends KeyspaceRdbError {
  override name = 'DatabaseCountError';
  constructor(
    readonly db: number,
    readonly databases: number,
  ) {
    super('ERR_KEYSPACE_RDB_DB_COUNT', `the RDB selects db ${db} but the keyspace has ${databases} databases`);
  }
}

/** write() after end() or after a failure, or end() called twice. */
export class LoaderStateError extends KeyspaceRdbError {
  override name = 'LoaderStateError';
  constructor(message: string) {
    super('ERR_KEYSPACE_RDB_LOADER_STATE', message);
  }
}

/** The Writable given to writeSnapshotRdb failed, closed early, or the write was aborted. */
export class SnapshotOutputError extends KeyspaceRdbError {
  override name = 'SnapshotOutputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_KEYSPACE_RDB_OUTPUT', message, options);
  }
}

/** The function host refused a library of the RDB (Redis logs "Failed loading library, <reason>" and aborts the load). */
export class FunctionLibraryLoadError extends KeyspaceRdbError {
  override name = 'FunctionLibraryLoadError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_KEYSPACE_RDB_FUNCTION', `Failed loading library, ${reason}`, options);
  }
}
