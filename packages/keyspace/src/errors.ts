/**
 * Local exceptions of @replikit/keyspace (programming errors, bad options, adapter faults).
 * Errors a Redis client sees are never thrown: they are ErrorReply values (see reply-errors.ts).
 * Match on `code`, not `instanceof`.
 */

export type KeyspaceErrorCode =
  | 'ERR_KEYSPACE'
  | 'ERR_KEYSPACE_INVALID_OPTION'
  | 'ERR_KEYSPACE_DB_INDEX'
  | 'ERR_KEYSPACE_UNKNOWN_TYPE'
  | 'ERR_KEYSPACE_CLOSED'
  | 'ERR_KEYSPACE_SNAPSHOT_CLOSED'
  | 'ERR_KEYSPACE_DUPLICATE_COMMAND';

export class KeyspaceError extends Error {
  readonly code: KeyspaceErrorCode;
  constructor(message: string, options?: { cause?: unknown; code?: KeyspaceErrorCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeyspaceError';
    this.code = options?.code ?? 'ERR_KEYSPACE';
  }
}

/** An option passed to createKeyspace (or an adapter) is invalid. */
export class InvalidOptionError extends KeyspaceError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`invalid option ${option}: ${message}`, { code: 'ERR_KEYSPACE_INVALID_OPTION' });
    this.name = 'InvalidOptionError';
  }
}

/** A database index outside 0..databases-1 was passed to an API call. */
export class DbIndexError extends KeyspaceError {
  constructor(readonly index: number, readonly databases: number) {
    super(`database index ${index} is out of range 0..${databases - 1}`, { code: 'ERR_KEYSPACE_DB_INDEX' });
    this.name = 'DbIndexError';
  }
}

/** A plain value (RDB glue) has a type no registered value codec handles. */
export class UnknownValueTypeError extends KeyspaceError {
  constructor(readonly valueType: string) {
    super(`no value codec is registered for type '${valueType}'`, { code: 'ERR_KEYSPACE_UNKNOWN_TYPE' });
    this.name = 'UnknownValueTypeError';
  }
}

/** The keyspace was closed. */
export class KeyspaceClosedError extends KeyspaceError {
  constructor() {
    super('the keyspace is closed', { code: 'ERR_KEYSPACE_CLOSED' });
    this.name = 'KeyspaceClosedError';
  }
}

/** A snapshot was used after close(). */
export class SnapshotClosedError extends KeyspaceError {
  constructor() {
    super('the snapshot is closed', { code: 'ERR_KEYSPACE_SNAPSHOT_CLOSED' });
    this.name = 'SnapshotClosedError';
  }
}

/** Two command modules registered the same name. */
export class DuplicateCommandError extends KeyspaceError {
  constructor(readonly command: string) {
    super(`command '${command}' is registered twice`, { code: 'ERR_KEYSPACE_DUPLICATE_COMMAND' });
    this.name = 'DuplicateCommandError';
  }
}
