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
