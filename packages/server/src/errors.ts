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
  | 'ERR_SERVER_USER_DIRECTIVE';

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
