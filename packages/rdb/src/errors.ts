/**
 * Errors of @replikit/rdb. Match on `code` (stable), not on `instanceof`.
 * Every error from parsing carries the absolute byte `offset` in the RDB stream where it was found.
 */
export class RdbError extends Error {
  override name = 'RdbError';
  readonly code: string;
  /** absolute byte offset in the input where the problem was detected (-1 when not applicable) */
  readonly offset: number;
  constructor(code: string, message: string, offset = -1, options?: { cause?: unknown }) {
    super(offset >= 0 ? `${message} (at byte ${offset})` : message, options);
    this.code = code;
    this.offset = offset;
  }
}

/** Structurally invalid data: bad opcode, bad length encoding, inconsistent sizes, duplicates, bad LZF ... */
export class RdbCorruptError extends RdbError {
  override name = 'RdbCorruptError';
  constructor(message: string, offset = -1, options?: { cause?: unknown }) {
    super('ERR_RDB_CORRUPT', message, offset, options);
  }
}

/** The stream ended before the RDB did. */
export class RdbTruncatedError extends RdbError {
  override name = 'RdbTruncatedError';
  constructor(message: string, offset = -1) {
    super('ERR_RDB_TRUNCATED', message, offset);
  }
}

/** CRC64 mismatch. */
export class RdbChecksumError extends RdbError {
  override name = 'RdbChecksumError';
  constructor(
    readonly expected: bigint,
    readonly actual: bigint,
    offset = -1,
  ) {
    super('ERR_RDB_CHECKSUM', `RDB checksum mismatch: file says ${expected.toString(16)}, computed ${actual.toString(16)}`, offset);
  }
}

/** `REDIS00NN` with a version we cannot read, or a bad magic. */
export class RdbVersionError extends RdbError {
  override name = 'RdbVersionError';
  constructor(
    readonly version: number,
    message: string,
    offset = 0,
  ) {
    super('ERR_RDB_UNSUPPORTED_VERSION', message, offset);
  }
}

/** A value type (or module) this reader cannot decode; never skipped silently. */
export class RdbUnsupportedTypeError extends RdbError {
  override name = 'RdbUnsupportedTypeError';
  constructor(
    readonly typeId: number,
    message: string,
    offset = -1,
  ) {
    super('ERR_RDB_UNSUPPORTED_TYPE', message, offset);
  }
}

/** A length beyond a configured limit (hostile or oversized input). */
export class RdbLimitError extends RdbError {
  override name = 'RdbLimitError';
  constructor(
    readonly limitName: string,
    readonly limit: number,
    readonly requested: number,
    offset = -1,
  ) {
    super('ERR_RDB_LIMIT', `${limitName} limit exceeded: ${requested} > ${limit}`, offset);
  }
}

/** The writer was given a value it cannot write (empty collection, duplicate key/member, bad score ...). */
export class RdbWriteError extends RdbError {
  override name = 'RdbWriteError';
  constructor(message: string) {
    super('ERR_RDB_WRITE', message);
  }
}

/** A DUMP payload whose footer (version + CRC64) is wrong; RESTORE answers "ERR DUMP payload version or checksum are wrong". */
export class RdbDumpPayloadError extends RdbError {
  override name = 'RdbDumpPayloadError';
  constructor(message: string) {
    super('ERR_RDB_DUMP_PAYLOAD', message);
  }
}
