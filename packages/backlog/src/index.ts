export {
  CLEARED_REPLID,
  CLEARED_SECOND_REPL_OFFSET,
  DEFAULT_REPL_BACKLOG_SIZE,
  MAX_REPL_BACKLOG_SIZE,
  MIN_REPL_BACKLOG_SIZE,
  REPLID_LENGTH,
} from './defaults';
export {
  BacklogError,
  BacklogInvalidOffsetError,
  BacklogInvalidReplidError,
  BacklogInvalidSizeError,
  BacklogOffsetOutOfRangeError,
} from './errors';
export { normalizeBacklogSize, ReplicationBacklog } from './replication-backlog';
export type { BacklogRange, ReplicationBacklogOptions } from './replication-backlog';
export { generateReplid, isValidReplid, ReplicationIdentity, replidEquals } from './replication-identity';
export type { ReplicationIdentityInit, ReplicationIds } from './replication-identity';
export { decidePsync } from './decide-psync';
export type { FullResyncReason, PsyncContinue, PsyncDecision, PsyncFullResync, PsyncRequest } from './decide-psync';
