/** @replikit/server: a Redis 7.0-compatible server over @replikit/keyspace. */
export { createServer, ReplikitServer } from './server';
export type { ServerState, ServerAddress, ServerEvents, ServerDeps } from './server';
export { SERVER_DEFAULTS, REDIS_VERSION, resolveServerOptions } from './defaults';
export type { ServerOptions, ResolvedServerOptions, OutputBufferLimit, ServerUser } from './defaults';
export { createKeyspaceBridge } from './dispatch/keyspace-adapter';
export type { KeyspaceBridge, KeyspaceResult } from './dispatch/keyspace-bridge';
export { standaloneMasterState } from './dispatch/replication-state';
export type { ReplicationState, PropagationSink, ReplicaRoleEntry } from './dispatch/replication-state';
export { NO_REPLY, spec, containerSpec } from './dispatch/command-spec';
export type { ServerCommandSpec, CommandContext, CommandResult, ServerCommandFlag } from './dispatch/command-spec';
export type { ServerRuntime } from './dispatch/server-runtime';
export type { PauseMode, PausePurpose } from './blocking/pause-manager';
export type { ServerClient, ClientKind, ClientBlock, MultiState } from './connection/server-client';
export { parseUserDirective } from './auth/user-directory';
export {
  ServerError,
  ServerOptionsError,
  ServerListenError,
  ServerStateError,
  CommandExistsError,
  CommandFailedError,
  UserDirectiveError,
  ConfigValueError,
  ConfigUnknownDirectiveError,
  ConfigFileError,
  RdbLoadError,
  RdbSaveError,
  AofLoadError,
  AofWriteError,
  TlsConfigError,
  UnsupportedValueError,
} from './errors';
export type { ServerErrorCode } from './errors';

// --- operator surface: configuration, composition from a config, persistence, logging ---
export { ServerConfig } from './config/server-config';
export { loadConfigFromArgs } from './config/load-config';
export type { LoadedConfig } from './config/load-config';
export { DIRECTIVES, lookupDirective } from './config/directives';
export type { DirectiveSpec, DirectiveKind, DirectiveValue } from './config/directives';
export { createServerFromConfig, REPLIKIT_VERSION } from './config-binding-server';
export type { ConfiguredServer, ConfiguredServerOptions } from './config-binding-server';
export { ServerTls } from './tls/server-tls';
export { tlsClientOptions, tlsServerOptions, tlsSettingsFromConfig } from './tls/tls-settings';
export type { TlsAuthClients, TlsSettings } from './tls/tls-settings';
export type { ReplicationInfoProvider, UpstreamView, InfoField } from './info/replication-info';
export { ServerReplication, masterOptionsFromConfig } from './replication/server-replication';
export type { ServerReplicationDeps } from './replication/server-replication';
export { replicationCommands } from './replication/replication-commands';
export { MasterStreamClient } from './connection/master-client';
export { RdbPersistence } from './persistence/rdb-persistence';
export type { RdbPersistenceDeps, PersistenceReplicationHooks } from './persistence/rdb-persistence';
export { AofPersistence } from './persistence/aof/aof-persistence';
export type { AofPersistenceDeps, AofState, RewriteStart } from './persistence/aof/aof-persistence';
export type { AofLoadResult } from './persistence/aof/aof-loader';
export { Logger } from './logger';
export type { LoggerOptions, LogLevel, LogRole } from './logger';
