/**
 * Errors of @replikit/backlog. Match on `code` (stable), not on `instanceof`: two builds of this
 * package can coexist in one process.
 *
 * | code | class | when |
 * |---|---|---|
 * | `ERR_BACKLOG_OFFSET_OUT_OF_RANGE` | {@link BacklogOffsetOutOfRangeError} | `read`/`readCopy` of an offset the ring cannot serve |
 * | `ERR_BACKLOG_INVALID_SIZE` | {@link BacklogInvalidSizeError} | a size that is not an integer in `1 ..` {@link MAX_REPL_BACKLOG_SIZE} |
 * | `ERR_BACKLOG_INVALID_OFFSET` | {@link BacklogInvalidOffsetError} | a replication offset that is not a safe integer in range, or one that would pass 2^53 - 1 |
 * | `ERR_BACKLOG_INVALID_REPLID` | {@link BacklogInvalidReplidError} | a replication id that is not 40 hex characters |
 */
export class BacklogError extends Error {
  override name = 'BacklogError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The requested offset is outside the servable range `firstByteOffset <= offset <= limit`, where
 * `limit = masterReplOffset + 1` (asking for the next byte that does not exist yet is servable and
 * gives an empty list). A PSYNC for such an offset needs a full resync.
 */
export class BacklogOffsetOutOfRangeError extends BacklogError {
  override name = 'BacklogOffsetOutOfRangeError';
  constructor(
    /** the offset that was asked for */
    readonly offset: number,
    /** the oldest offset still held (`masterReplOffset - histlen + 1`) */
    readonly firstByteOffset: number,
    /** the highest servable offset: `masterReplOffset + 1` */
    readonly limit: number,
  ) {
    super(
      'ERR_BACKLOG_OFFSET_OUT_OF_RANGE',
      `replication offset ${offset} is not in the backlog (servable: ${firstByteOffset} .. ${limit})`,
    );
  }
}

/** A backlog size that is not an integer between 1 and `limit` bytes. */
export class BacklogInvalidSizeError extends BacklogError {
  override name = 'BacklogInvalidSizeError';
  constructor(
    /** what was asked for */
    readonly size: number,
    /** the largest size accepted (`buffer.constants.MAX_LENGTH`) */
    readonly limit: number,
  ) {
    super('ERR_BACKLOG_INVALID_SIZE', `invalid replication backlog size ${size}: must be an integer between 1 and ${limit}`);
  }
}

/**
 * A replication offset that is not a safe integer, is below its minimum, or would pass
 * `Number.MAX_SAFE_INTEGER` (2^53 - 1 bytes, about 8 PiB of stream) after an append.
 */
export class BacklogInvalidOffsetError extends BacklogError {
  override name = 'BacklogInvalidOffsetError';
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super('ERR_BACKLOG_INVALID_OFFSET', message);
  }
}

/** A replication id that is not exactly 40 hexadecimal characters. */
export class BacklogInvalidReplidError extends BacklogError {
  override name = 'BacklogInvalidReplidError';
  constructor(readonly replid: string) {
    super('ERR_BACKLOG_INVALID_REPLID', `invalid replication id ${JSON.stringify(replid)}: expected 40 hex characters`);
  }
}
