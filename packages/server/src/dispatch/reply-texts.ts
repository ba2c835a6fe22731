/** Error replies with Redis 7.0's exact text (server.c, networking.c, multi.c, acl.c, pubsub.c). */
import { ErrorReply } from '@replikit/resp';

export const NOAUTH = new ErrorReply('NOAUTH Authentication required.');
export const WRONGPASS = new ErrorReply('WRONGPASS invalid username-password pair or user is disabled.');
export const AUTH_NOPASS = new ErrorReply(
  'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
);
export const NOREPLICAS = new ErrorReply('NOREPLICAS Not enough good replicas to write.');
export const READONLY = new ErrorReply("READONLY You can't write against a read only replica.");
export const MASTERDOWN = new ErrorReply("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
export const LOADING = new ErrorReply('LOADING Redis is loading the dataset in memory');
export const MONITOR_KEYSPACE = new ErrorReply("ERR Replica can't interact with the keyspace");
export const SYNTAX = new ErrorReply('ERR syntax error');
export const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
export const DB_OUT_OF_RANGE = new ErrorReply('ERR DB index is out of range');
export const MULTI_NESTED = new ErrorReply('ERR MULTI calls can not be nested');
export const EXEC_WITHOUT_MULTI = new ErrorReply('ERR EXEC without MULTI');
export const DISCARD_WITHOUT_MULTI = new ErrorReply('ERR DISCARD without MULTI');
export const WATCH_IN_MULTI = new ErrorReply('ERR WATCH inside MULTI is not allowed');
export const EXECABORT = new ErrorReply('EXECABORT Transaction discarded because of previous errors.');
export const NOT_IN_MULTI = new ErrorReply('ERR Command not allowed inside a transaction');
export const MAX_CLIENTS = new ErrorReply('ERR max number of clients reached');
export const TIMEOUT_NOT_FLOAT = new ErrorReply('ERR timeout is not a float or out of range');
export const TIMEOUT_NEGATIVE = new ErrorReply('ERR timeout is negative');
export const TIMEOUT_OUT_OF_RANGE = new ErrorReply('ERR timeout is out of range');
export const NO_SUCH_CLIENT = new ErrorReply('ERR No such client');
export const CLIENT_NAME_CHARS = new ErrorReply('ERR Client names cannot contain spaces, newlines or special characters.');
export const NOPROTO = new ErrorReply('NOPROTO unsupported protocol version');
export const PROTOVER_NOT_INT = new ErrorReply('ERR Protocol version is not an integer or out of range');

/** rejectCommandFormat: newlines in client-provided text become spaces so the reply stays one line. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/** `ERR unknown command 'foo', with args beginning with: 'a' 'b' ` */
export function unknownCommand(argv: readonly string[]): ErrorReply {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${(argv[i] as string).slice(0, 128 - args.length)}' `;
  }
  return new ErrorReply(oneLine(`ERR unknown command '${(argv[0] as string).slice(0, 128)}', with args beginning with: ${args}`));
}

/** `ERR unknown subcommand 'foo'. Try CLIENT HELP.` */
export function unknownSubcommand(argv: readonly string[]): ErrorReply {
  return new ErrorReply(oneLine(`ERR unknown subcommand '${(argv[1] as string).slice(0, 128)}'. Try ${(argv[0] as string).toUpperCase()} HELP.`));
}

/** `ERR wrong number of arguments for 'client|setname' command` */
export function wrongArity(fullname: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${fullname}' command`);
}

export function pubsubContext(fullname: string): ErrorReply {
  return new ErrorReply(
    `ERR Can't execute '${fullname}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  );
}

/** execCommandAbort: the reason is the rejection's text. */
export function execAbort(reason: ErrorReply): ErrorReply {
  return new ErrorReply(`EXECABORT Transaction discarded because of: ${reason.message}`);
}

/** shared.bgsaveerr: writes (and PING) while the last background save failed and `stop-writes-on-bgsave-error` is yes */
export const MISCONF = new ErrorReply(
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
);
