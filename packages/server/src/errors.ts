import { REDIS_VERSION } from './redis-version';

/**
 * Local exceptions of @replikit/server. What a Redis client sees is never one of these: client
 * errors are `ErrorReply` values with Redis 7.0's exact text (see `dispatch/reply-texts.ts`).
 * Match on `code`, not on `instanceof` (two builds of the package can coexist).
 */
export type ServerErrorCode =
  | 'ERR_SERVER_OPTIONS'
  | 'ERR_SERVER_LISTEN'
  | 'ERR_SERVER_STATE'
  | 'ERR_SERVER_COMMAND_EXISTS'
  | 'ERR_SERVER_COMMAND_FAILED'
  | 'ERR_SERVER_USER_DIRECTIVE'
  | 'ERR_SERVER_CONFIG_VALUE'
  | 'ERR_SERVER_CONFIG_UNKNOWN'
  | 'ERR_SERVER_CONFIG_FILE'
  | 'ERR_SERVER_RDB_LOAD'
  | 'ERR_SERVER_RDB_SAVE'
  | 'ERR_SERVER_AOF_LOAD'
  | 'ERR_SERVER_AOF_WRITE'
  | 'ERR_SERVER_UNSUPPORTED_VALUE'
  | 'ERR_SERVER_TLS_CONFIG';

/** Base class of every error thrown or emitted by @replikit/server. */
export class ServerError extends Error {
  override name = 'ServerError';
  readonly code: ServerErrorCode;
  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An option has an invalid value (`option` names it, Redis-style: `maxclients`). */
export class ServerOptionsError extends ServerError {
  override name = 'ServerOptionsError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('ERR_SERVER_OPTIONS', `${option}: ${message}`);
  }
}

/** `listen()` failed (address in use, permission denied, bad unix socket path). */
export class ServerListenError extends ServerError {
  override name = 'ServerListenError';
  constructor(
    readonly address: string,
    cause: unknown,
  ) {
    super('ERR_SERVER_LISTEN', `cannot listen on ${address}: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/** A method was called in a state that does not allow it (listen twice, listen after close). */
export class ServerStateError extends ServerError {
  override name = 'ServerStateError';
  constructor(
    readonly state: string,
    message: string,
  ) {
    super('ERR_SERVER_STATE', message);
  }
}

/** `registerCommand` was given a name that is already taken and `replace` was not set. */
export class CommandExistsError extends ServerError {
  override name = 'CommandExistsError';
  constructor(readonly command: string) {
    super('ERR_SERVER_COMMAND_EXISTS', `command '${command}' is already registered`);
  }
}

/**
 * A command handler threw. The client got `-ERR` with the message; the server emits this as
 * `command:error` and keeps serving.
 */
export class CommandFailedError extends ServerError {
  override name = 'CommandFailedError';
  constructor(
    readonly command: string,
    cause: unknown,
  ) {
    super('ERR_SERVER_COMMAND_FAILED', `command '${command}' threw: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/** A `user` directive (redis.conf ACL syntax subset) could not be parsed. */
export class UserDirectiveError extends ServerError {
  override name = 'UserDirectiveError';
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super('ERR_SERVER_USER_DIRECTIVE', message);
  }
}

/** A value that a config directive refuses; `reason` is Redis's text ("argument must be 'yes' or 'no'"). */
export class ConfigValueError extends ServerError {
  override name = 'ConfigValueError';
  constructor(
    readonly directive: string,
    readonly reason: string,
  ) {
    super('ERR_SERVER_CONFIG_VALUE', reason);
  }
}

/** A config directive that does not exist, or a wrong number of arguments. */
export class ConfigUnknownDirectiveError extends ServerError {
  override name = 'ConfigUnknownDirectiveError';
  constructor(readonly directive: string) {
    super('ERR_SERVER_CONFIG_UNKNOWN', 'Bad directive or wrong number of arguments');
  }
}

/** A fatal configuration error, its message formatted exactly like redis-server's "FATAL CONFIG FILE ERROR". */
export class ConfigFileError extends ServerError {
  override name = 'ConfigFileError';
  constructor(
    readonly line: number,
    readonly lineText: string,
    readonly reason: string,
    readonly file: string | null,
  ) {
    super(
      'ERR_SERVER_CONFIG_FILE',
      `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n` +
        `Reading the configuration file, at line ${line}\n>>> '${lineText}'\n${reason}`,
    );
  }
}

/** The dump could not be loaded (corrupt, truncated, unreadable); `logLines` are what Redis would log before exiting. */
export class RdbLoadError extends ServerError {
  override name = 'RdbLoadError';
  constructor(
    message: string,
    readonly logLines: readonly string[],
    options?: { cause?: unknown },
  ) {
    super('ERR_SERVER_RDB_LOAD', message, options);
  }
}

/** SAVE / BGSAVE / a save point failed (`op` says which). */
export class RdbSaveError extends ServerError {
  override name = 'RdbSaveError';
  constructor(
    readonly op: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_SERVER_RDB_SAVE', message, options);
  }
}

/** An RDB value the keyspace cannot hold (a module value). */
export class UnsupportedValueError extends ServerError {
  override name = 'UnsupportedValueError';
  constructor(readonly valueType: string) {
    super('ERR_SERVER_UNSUPPORTED_VALUE', `values of type ${valueType} cannot be stored by replikit-server`);
  }
}

/** The AOF could not be loaded at start-up (bad manifest, corrupt or truncated file); `logLines` are Redis's log lines before it exits 1. */
export class AofLoadError extends ServerError {
  override name = 'AofLoadError';
  constructor(
    message: string,
    readonly logLines: readonly string[],
    options?: { cause?: unknown },
  ) {
    super('ERR_SERVER_AOF_LOAD', message, options);
  }
}

/** Writing, syncing or rewriting the AOF failed (`op`: open, write, fsync, rewrite, manifest). */
export class AofWriteError extends ServerError {
  override name = 'AofWriteError';
  constructor(
    readonly op: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_SERVER_AOF_WRITE', message, options);
  }
}

/**
 * The `tls-*` directives do not make a usable TLS context (no certificate, an unreadable file, a
 * wrong key passphrase, no CA where one is required); the message is Redis's log line.
 */
export class TlsConfigError extends ServerError {
  override name = 'TlsConfigError';
  constructor(message: string, cause?: unknown) {
    super('ERR_SERVER_TLS_CONFIG', message, { cause });
  }
}
