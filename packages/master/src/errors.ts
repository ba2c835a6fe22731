/**
 * Local exceptions of @replikit/master. Match on `code` (stable), not on `instanceof`: two builds
 * of this package can coexist in one process. Replies a replica sees (`-ERR ...`, `-NOAUTH ...`)
 * are RESP error replies with Redis's text, not these.
 *
 * | code | class | when |
 * |---|---|---|
 * | `ERR_MASTER_CLOSED` | {@link MasterClosedError} | a call on a closed node |
 * | `ERR_MASTER_INVALID_OPTION` | {@link MasterInvalidOptionError} | an option out of range |
 * | `ERR_MASTER_SYNC_FAILED` | {@link MasterSyncFailedError} | a full sync could not produce or send its snapshot (emitted as `error`) |
 * | `ERR_REPLICATION_ACK_TIMEOUT` | {@link ReplicationAckTimeoutError} | a sync or semi-sync write was not acknowledged in time |
 */
export class ReplicationError extends Error {
  override name = 'ReplicationError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class MasterClosedError extends ReplicationError {
  override name = 'MasterClosedError';
  constructor() {
    super('ERR_MASTER_CLOSED', 'the replication node is closed');
  }
}

export class MasterInvalidOptionError extends ReplicationError {
  override name = 'MasterInvalidOptionError';
  constructor(
    /** the option's name */
    readonly option: string,
    /** the value given */
    readonly value: unknown,
    reason: string,
  ) {
    super('ERR_MASTER_INVALID_OPTION', `invalid option ${option}=${String(value)}: ${reason}`);
  }
}

export class MasterSyncFailedError extends ReplicationError {
  override name = 'MasterSyncFailedError';
  constructor(
    /** `disk` or `socket` */
    readonly target: 'disk' | 'socket',
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_MASTER_SYNC_FAILED', message, options);
  }
}

/**
 * A write under the synchronous or semi-synchronous mode (with `onTimeout: 'fail'`) was not
 * acknowledged by enough replicas in time. The write itself took effect on the master and is in
 * the stream: the error says how far it got, it does not undo anything.
 * Code `ERR_REPLICATION_ACK_TIMEOUT`.
 */
export class ReplicationAckTimeoutError extends ReplicationError {
  override name = 'ReplicationAckTimeoutError';
  constructor(
    /** replicas whose ACK had to cover the write */
    readonly required: number,
    /** replicas whose ACK covered it at the timeout */
    readonly acked: number,
    /** the replication offset the ACKs had to reach */
    readonly offset: number,
    /** ms waited */
    readonly timeoutMs: number,
  ) {
    super('ERR_REPLICATION_ACK_TIMEOUT', `${acked} of ${required} replicas acknowledged offset ${offset} within ${timeoutMs} ms`);
  }
}
