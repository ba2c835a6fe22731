/**
 * Error replies a Redis client sees, with Redis 7.0's exact text (server.c shared objects,
 * object.c, t_string.c, db.c, expire.c, multi.c). These are `ErrorReply` values returned as
 * replies, never thrown. Local exceptions live in errors.ts.
 */
import { ErrorReply } from '@replikit/resp';

export const WRONGTYPE = new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value');
export const SYNTAX_ERR = new ErrorReply('ERR syntax error');
export const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
export const NOT_FLOAT = new ErrorReply('ERR value is not a valid float');
export const OUT_OF_RANGE_VALUE = new ErrorReply('ERR value is out of range');
export const MUST_BE_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');
export const OVERFLOW = new ErrorReply('ERR increment or decrement would overflow');
export const DECR_OVERFLOW = new ErrorReply('ERR decrement would overflow');
export const NAN_OR_INFINITY = new ErrorReply('ERR increment would produce NaN or Infinity');
export const INDEX_OUT_OF_RANGE = new ErrorReply('ERR index out of range');
export const NO_SUCH_KEY = new ErrorReply('ERR no such key');
export const SAME_OBJECT = new ErrorReply('ERR source and destination objects are the same');
export const DB_OUT_OF_RANGE = new ErrorReply('ERR DB index is out of range');
export const INVALID_CURSOR = new ErrorReply('ERR invalid cursor');
export const STRING_TOO_LONG = new ErrorReply('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
export const OFFSET_OUT_OF_RANGE = new ErrorReply('ERR offset is out of range');
export const BUSYKEY = new ErrorReply('BUSYKEY Target key name already exists.');
export const NX_XX_GT_LT = new ErrorReply('ERR NX and XX, GT or LT options at the same time are not compatible');
export const GT_AND_LT = new ErrorReply('ERR GT and LT options at the same time are not compatible');
export const INVALID_FIRST_DB = new ErrorReply('ERR invalid first DB index');
export const INVALID_SECOND_DB = new ErrorReply('ERR invalid second DB index');
export const MULTI_NESTED = new ErrorReply('ERR MULTI calls can not be nested');
export const DISCARD_WITHOUT_MULTI = new ErrorReply('ERR DISCARD without MULTI');
export const EXEC_WITHOUT_MULTI = new ErrorReply('ERR EXEC without MULTI');
export const WATCH_INSIDE_MULTI = new ErrorReply('ERR WATCH inside MULTI is not allowed');
export const EXECABORT = new ErrorReply('EXECABORT Transaction discarded because of previous errors.');
export const READONLY = new ErrorReply("READONLY You can't write against a read only replica.");

/** `ERR wrong number of arguments for '<name>' command` (name: the table's lower-case full name). */
export function wrongArity(fullName: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${fullName}' command`);
}

/** processCommand's reply to an unknown command, with Redis's 128-char limits and CR/LF as spaces. */
export function unknownCommand(argv: readonly string[]): ErrorReply {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${cstr(argv[i]).slice(0, 128 - args.length)}' `;
  }
  return new ErrorReply(clean(`ERR unknown command '${cstr(argv[0]).slice(0, 128)}', with args beginning with: ${args}`));
}

/** `ERR unknown subcommand 'x'. Try OBJECT HELP.` (container commands). */
export function unknownSubcommand(sub: string, container: string): ErrorReply {
  return new ErrorReply(clean(`ERR unknown subcommand '${cstr(sub).slice(0, 128)}'. Try ${cstr(container).replace(/[a-z]+/g, (m) => m.toUpperCase())} HELP.`));
}

/** `ERR invalid expire time in 'set' command` (the table's lower-case full name). */
export function invalidExpireTime(commandName: string): ErrorReply {
  return new ErrorReply(`ERR invalid expire time in '${commandName}' command`);
}

/** `ERR value is out of range, value must between <min> and <max>` (getRangeLongFromObjectOrReply). */
export function rangeError(min: number | bigint, max: number | bigint): ErrorReply {
  return new ErrorReply(`ERR value is out of range, value must between ${min} and ${max}`);
}

/** `ERR Unsupported option <opt>` (EXPIRE family). */
export function unsupportedOption(opt: string): ErrorReply {
  return new ErrorReply(clean(`ERR Unsupported option ${opt}`));
}

/** An `ERR <text>` reply with CR/LF replaced by spaces, as addReplyError does. */
export function errReply(text: string): ErrorReply {
  return new ErrorReply(clean(`ERR ${text}`));
}

function clean(s: string): string {
  return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace(/[\r\n]/g, ' ');
}

/** printf's `%s` stops at the first NUL byte. */
function cstr(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}
