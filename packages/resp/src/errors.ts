/** Base class of every error thrown by @replikit/resp. Match on `code`, not on `instanceof`. */
export class RespError extends Error {
  override name = 'RespError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Names of the configurable protocol limits (Redis config names where one exists). */
export type RespLimitName =
  | 'proto-max-bulk-len'
  | 'multibulk-length'
  | 'proto-inline-max-size'
  | 'client-query-buffer-limit'
  | 'unauthenticated-multibulk-length'
  | 'unauthenticated-bulk-length';

/** The limit that was exceeded: its name and the value in force. */
export interface RespLimit {
  readonly name: RespLimitName;
  readonly value: number;
}

/**
 * Malformed input, or a protocol limit exceeded, while decoding requests or a replication stream.
 * `replyText` is what redis-server 7.0 replies for the same bytes, without the leading `-`
 * (e.g. `ERR Protocol error: invalid bulk length`); when `silent` is true Redis sends no reply at
 * all and just closes the connection (query buffer limit, errors on a master link).
 * `reason` is the short text Redis logs (`Protocol error (<reason>) from client: ...`).
 */
export class RespProtocolError extends RespError {
  override name = 'RespProtocolError';
  declare readonly code: 'ERR_RESP_PROTOCOL';
  readonly replyText: string;
  readonly reason: string;
  /** absolute offset in the decoded stream of the first byte of the offending line/command */
  readonly offset: number;
  /** the limit that was hit, or null when the input is simply malformed */
  readonly limit: RespLimit | null;
  /** true when Redis closes the connection without sending `replyText` */
  readonly silent: boolean;
  constructor(replyText: string, reason: string, offset: number, limit: RespLimit | null = null, silent = false) {
    super('ERR_RESP_PROTOCOL', replyText.startsWith('ERR ') ? replyText.slice(4) : replyText);
    this.replyText = replyText;
    this.reason = reason;
    this.offset = offset;
    this.limit = limit;
    this.silent = silent;
  }
}

/** A {@link RespProtocolError} caused by a limit (same `code`); `limit` is always set. */
export class RespLimitError extends RespProtocolError {
  override name = 'RespLimitError';
  declare readonly limit: RespLimit;
  constructor(replyText: string, reason: string, offset: number, limit: RespLimit, silent = false) {
    super(replyText, reason, offset, limit, silent);
  }
}

/**
 * The master answered with an error line (`-ERR ...`) where the snapshot preamble was expected
 * ("MASTER aborted replication with an error"). `replyText` is the line without the `-`.
 */
export class RespMasterAbortedError extends RespError {
  override name = 'RespMasterAbortedError';
  declare readonly code: 'ERR_RESP_MASTER_ABORTED';
  constructor(readonly replyText: string) {
    super('ERR_RESP_MASTER_ABORTED', `MASTER aborted replication with an error: ${replyText}`);
  }
}

/** A value that cannot be encoded (a non-integer `number`, a verbatim format that is not 3 chars ...). */
export class RespEncodeError extends RespError {
  override name = 'RespEncodeError';
  declare readonly code: 'ERR_RESP_ENCODE';
  constructor(message: string) {
    super('ERR_RESP_ENCODE', message);
  }
}

/** An API used in the wrong state (e.g. writing to a framer before choosing its mode). */
export class RespStateError extends RespError {
  override name = 'RespStateError';
  declare readonly code: 'ERR_RESP_STATE';
  constructor(message: string) {
    super('ERR_RESP_STATE', message);
  }
}
