/** Internals for sibling packages (server, master, replica) and the command families. */
export {
  WRONGTYPE,
  SYNTAX_ERR,
  NOT_INTEGER,
  NOT_FLOAT,
  OUT_OF_RANGE_VALUE,
  MUST_BE_POSITIVE,
  OVERFLOW,
  DECR_OVERFLOW,
  NAN_OR_INFINITY,
  INDEX_OUT_OF_RANGE,
  NO_SUCH_KEY,
  SAME_OBJECT,
  DB_OUT_OF_RANGE,
  INVALID_CURSOR,
  STRING_TOO_LONG,
  OFFSET_OUT_OF_RANGE,
  BUSYKEY,
  NX_XX_GT_LT,
  GT_AND_LT,
  INVALID_FIRST_DB,
  INVALID_SECOND_DB,
  MULTI_NESTED,
  DISCARD_WITHOUT_MULTI,
  EXEC_WITHOUT_MULTI,
  WATCH_INSIDE_MULTI,
  EXECABORT,
  READONLY,
  wrongArity,
  unknownCommand,
  unknownSubcommand,
  invalidExpireTime,
  rangeError,
  unsupportedOption,
  errReply,
} from './reply-errors';
export {
  parseInt64,
  parseInt64Big,
  addInt64,
  compareInt64,
  normalizeInt64,
  isIntEncodable,
  parseDouble,
  formatDouble,
  parseLongDouble,
  addLongDouble,
  formatLongDouble,
  longDoubleFromInt,
  globMatch,
  compileGlob,
  ScanCursors,
  parseScanCursor,
  parseScanOptions,
} from './util/index';
export type { Int64, LongDouble, ScanOptions } from './util/index';
export {
  OK_REPLY,
  readTyped,
  writeTyped,
  readString,
  writeString,
  int64Arg,
  longArg,
  positiveLongArg,
  rangeLongArg,
  doubleArg,
  isError,
  typeOf,
} from './command-helpers';
export { meta, spec, aclCategoriesOf } from './commands/meta';
export { DOCS as COMMAND_DOCS } from './commands/meta-docs';
export type { CommandDocs } from './commands/meta-docs';
export type { CommandMeta } from './commands/meta';
export { encodingOf } from './commands/keys-basic';
export { DbImpl, cloneValue } from './db';
export { ExecContext } from './context';
export { allCommands } from './commands/index';
export { ListValue } from './types/list-value';
export { SetValue } from './types/set-value';
export { HashValue } from './types/hash-value';
export { ZSetValue } from './types/zset-value';
