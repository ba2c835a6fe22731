/** @replikit/master: the replication state of a node (ids, offsets, backlog, downstream replicas) and the master side of the protocol. */
export { ReplicationNode, createMaster } from './replication-node';
export type { RdbReplicationAux } from './replication-state';
export type { MasterDeps, MasterOptions, LogLevel } from './options';
export type { MasterEvents, ReplicaInfo, FullSyncInfo, FullSyncResult, SyncCounters } from './events';
export type { ReplicaState } from './replica-link';
export { createWriteConcern, WriteConcern, DEFAULT_WRITE_CONCERN } from './write-concern';
export type { ReplicationMode, WriteConcernOptions, WriteAck } from './write-concern';
export { createReadWriteRouter, ReadWriteRouter } from './read-write-router';
export type { ReadPolicy, RouterMode, ReadWriteRouterOptions, ReadRoute } from './read-write-router';
export { ReplicaLagMonitor } from './replica-lag';
export type { ReplicaLag } from './replica-lag';
export { duplexTransport } from './transport';
export type { ReplicaTransport } from './transport';
export { ReplicationError, MasterClosedError, MasterInvalidOptionError, MasterSyncFailedError, ReplicationAckTimeoutError } from './errors';
export {
  DEFAULT_REPL_BACKLOG_SIZE,
  DEFAULT_REPL_BACKLOG_TTL,
  DEFAULT_REPL_DISKLESS_SYNC,
  DEFAULT_REPL_DISKLESS_SYNC_DELAY,
  DEFAULT_REPL_DISKLESS_SYNC_MAX_REPLICAS,
  DEFAULT_REPL_PING_REPLICA_PERIOD,
  DEFAULT_REPL_TIMEOUT,
  DEFAULT_DIR,
  DEFAULT_DBFILENAME,
  DEFAULT_REPLICA_OUTPUT_HARD_LIMIT,
  DEFAULT_REPLICA_OUTPUT_SOFT_LIMIT,
  DEFAULT_REPLICA_OUTPUT_SOFT_SECONDS,
  DEFAULT_MIN_REPLICAS_MAX_LAG,
} from './defaults';
