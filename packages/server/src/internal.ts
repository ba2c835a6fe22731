/**
 * Internals for sibling packages and the operator surface (config, INFO, persistence): not a
 * stable API. See src/README-internals.md.
 */
export { UserDirectory } from './auth/user-directory';
export { BlockingManager } from './blocking/blocking-manager';
export type { BlockedRequest } from './blocking/blocking-manager';
export { parseBlockingTimeout } from './blocking/parse-timeout';
export { PauseManager } from './blocking/pause-manager';
export type { PauseMode, PausePurpose } from './blocking/pause-manager';
export { ClientConnection } from './connection/client-connection';
export { ClientRegistry } from './connection/client-registry';
export { clientInfoLine } from './connection/client-info';
export { CommandTable } from './dispatch/command-table';
export type { TableEntry } from './dispatch/command-table';
export { Dispatcher } from './dispatch/dispatcher';
export { ServerStats } from './dispatch/server-stats';
export type { CommandStat } from './dispatch/server-stats';
export {
  NOAUTH,
  WRONGPASS,
  NOREPLICAS,
  READONLY,
  MASTERDOWN,
  LOADING,
  SYNTAX,
  NOT_INTEGER,
  EXECABORT,
  NOT_IN_MULTI,
  MAX_CLIENTS,
  unknownCommand,
  unknownSubcommand,
  wrongArity,
  execAbort,
} from './dispatch/reply-texts';
export { NO_REPLY, spec, containerSpec } from './dispatch/command-spec';
export type { ServerRuntime } from './dispatch/server-runtime';
export { unwatchAll } from './commands/transaction-commands';
export { resetClientState, validClientName } from './commands/connection-commands';
export { PubSubHub } from './pubsub/pubsub-hub';
export { globMatch } from '@replikit/keyspace/internal';
export { commandInfo } from './commands/command-command';
export { parseStrictInt, parseInt32 } from './commands/arg-parsing';
