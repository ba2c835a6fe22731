/**
 * Local exceptions of @replikit/replica. Match on `code` (stable), not on `instanceof`: two builds
 * of this package can coexist in one process. Background faults of a running replica are emitted
 * as `error` events carrying these; the link is then dropped and retried.
 *
 * | code | class | when |
 * |---|---|---|
 * | `ERR_REPLICA_HANDSHAKE` | {@link ReplicaHandshakeError} | the master refused a handshake step (PING, AUTH) or answered it strangely |
 * | `ERR_REPLICA_TRY_LATER` | {@link ReplicaTryLaterError} | the master answered PSYNC with `-LOADING` / `-NOMASTERLINK` |
 * | `ERR_REPLICA_LINK_CLOSED` | {@link ReplicaLinkClosedError} | the master link closed or failed |
 * | `ERR_REPLICA_TIMEOUT` | {@link ReplicaTimeoutError} | nothing received from the master for `replTimeoutMs` |
 * | `ERR_REPLICA_LOAD` | {@link ReplicaLoadError} | the snapshot could not be stored or loaded (bad RDB, file error) |
 * | `ERR_REPLICA_CLOSED` | {@link ReplicaClosedError} | the replica (or change stream) was closed |
 * | `ERR_REPLICA_INVALID_OPTION` | {@link ReplicaInvalidOptionError} | an option out of range |
 * | `ERR_REPLICA_CURSOR_CORRUPT` | {@link ReplicaCursorCorruptError} | a saved change-stream cursor cannot be read back (torn, garbage, another format) |
 * | `ERR_REPLICA_CURSOR_STORE` | {@link ReplicaCursorStoreError} | a cursor store failed to load or save (I/O error) |
 * | `ERR_REPLICA_CURSOR_ACK` | {@link ReplicaCursorAckError} | an ack of an offset the change stream never handed out, or an ack without a cursor |
 */
export class ReplicaError extends Error {
  override name = 'ReplicaError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class ReplicaHandshakeError extends ReplicaError {
  override name = 'ReplicaHandshakeError';
  constructor(
    /** the handshake step that failed (`ping`, `auth`, `psync`, ...) */
    readonly step: string,
    /** the master's reply, as text */
    readonly reply: string,
  ) {
    super('ERR_REPLICA_HANDSHAKE', `handshake step ${step} failed: ${reply}`);
  }
}

export class ReplicaTryLaterError extends ReplicaError {
  override name = 'ReplicaTryLaterError';
  constructor(readonly reply: string) {
    super('ERR_REPLICA_TRY_LATER', `master is not ready for PSYNC: ${reply}`);
  }
}

export class ReplicaLinkClosedError extends ReplicaError {
  override name = 'ReplicaLinkClosedError';
  constructor(reason: string, options?: { cause?: unknown }) {
    super('ERR_REPLICA_LINK_CLOSED', `master link lost: ${reason}`, options);
  }
}

/**
 * A ReplicaLinkClosedError without a stack trace: a lost link is an expected event (CLIENT KILL, a
 * master restart) whose stack says nothing, and capturing one costs tens of µs on the path from
 * the lost link to the next connection.
 */
export function linkLostError(reason: string, options?: { cause?: unknown }): ReplicaLinkClosedError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ReplicaLinkClosedError(reason, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export class ReplicaTimeoutError extends ReplicaError {
  override name = 'ReplicaTimeoutError';
  constructor(
    /** the link state when the timeout fired */
    readonly state: string,
    /** the timeout, ms */
    readonly timeoutMs: number,
  ) {
    super('ERR_REPLICA_TIMEOUT', `no data from the master for more than ${timeoutMs} ms (state ${state})`);
  }
}

export class ReplicaLoadError extends ReplicaError {
  override name = 'ReplicaLoadError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_REPLICA_LOAD', message, options);
  }
}

export class ReplicaClosedError extends ReplicaError {
  override name = 'ReplicaClosedError';
  constructor() {
    super('ERR_REPLICA_CLOSED', 'the replica is closed');
  }
}

export class ReplicaInvalidOptionError extends ReplicaError {
  override name = 'ReplicaInvalidOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super('ERR_REPLICA_INVALID_OPTION', `invalid option ${option}=${String(value)}: ${reason}`);
  }
}

export class ReplicaCursorCorruptError extends ReplicaError {
  override name = 'ReplicaCursorCorruptError';
  constructor(
    /** where the cursor was read from (a file path, a store name) */
    readonly source: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_REPLICA_CURSOR_CORRUPT', `the change-stream cursor in ${source} cannot be read: ${reason}`, options);
  }
}

export class ReplicaCursorStoreError extends ReplicaError {
  override name = 'ReplicaCursorStoreError';
  constructor(
    /** 'load' or 'save' */
    readonly operation: 'load' | 'save',
    /** where the cursor lives (a file path, a store name) */
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_REPLICA_CURSOR_STORE', `cannot ${operation} the change-stream cursor in ${source}: ${(options?.cause as Error | undefined)?.message ?? 'unknown error'}`, options);
  }
}

export class ReplicaCursorAckError extends ReplicaError {
  override name = 'ReplicaCursorAckError';
  constructor(
    /** the offset acknowledged (-1 when no cursor is configured) */
    readonly offset: number,
    reason: string,
  ) {
    super('ERR_REPLICA_CURSOR_ACK', `cannot acknowledge offset ${offset}: ${reason}`);
  }
}
