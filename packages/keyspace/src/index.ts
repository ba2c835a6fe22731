/** @replikit/keyspace: Redis 7.0 databases, commands, propagation, expiry, snapshots, storage adapters. */
export { createKeyspace, Keyspace } from './keyspace';
export type { KeyspaceOptions, KeyspaceCommits, KeyspaceRole, ExecResult, TransactionResult, PropagateListener, DbInfo, LoadOptions } from './keyspace';
export type { PropagatedCommand, Session, KeyModifiedListener } from './context';
export type { KeyspaceStatsCounters } from './db';
export {
  NOTIFY_ALL,
  NOTIFY_EVICTED,
  NOTIFY_EXPIRED,
  NOTIFY_GENERIC,
  NOTIFY_HASH,
  NOTIFY_KEY_MISS,
  NOTIFY_KEYEVENT,
  NOTIFY_KEYSPACE,
  NOTIFY_LIST,
  NOTIFY_MODULE,
  NOTIFY_NEW,
  NOTIFY_SET,
  NOTIFY_STREAM,
  NOTIFY_STRING,
  NOTIFY_ZSET,
  formatKeyspaceEvents,
  parseKeyspaceEvents,
} from './notify';
export type { KeyspaceEventListener } from './notify';
export { CommandTable } from './command-table';
export type { CommandEntry } from './command-table';
export type {
  BinaryString,
  ValueType,
  CollectionValue,
  StoredValue,
  Db,
  CommandFlag,
  CommandContext,
  CommandSpec,
  KeySpec,
} from './command-api';
export { aclCategoriesOf } from './commands/meta';
export type { Snapshot, SnapshotEntry, SnapshotBatchLimits, SnapshotSink } from './snapshot/snapshot';
export type { ActiveExpireOptions } from './expiry/active-expire';
export { KeyspaceEviction } from './eviction/keyspace-eviction';
export type { EvictionScoreKind } from './eviction/keyspace-eviction';
export { AccessClock, LFU_INIT_VAL, lfuLogIncr, lfuDecayed, estimateIdleMs } from './eviction/access-clock';
export type { AccessPolicy, AccessClockOptions } from './eviction/access-clock';
export type { StorageAdapter, StorageAdapterFactory, DbStore, PinnedIterator, PinnedEntry, ReplicationPosition, StorageCapabilities } from './storage/adapter';
export { MemoryStorageAdapter, MemoryDbStore, createMemoryStorage } from './storage/memory-adapter';
export type { BytesLoadStore, PinnedRecordVisitor, RecordsPinnedIterator } from './storage/memory-adapter';
export { runStorageAdapterConformance } from './storage/conformance';
export type { ConformanceHooks, ConformanceOptions } from './storage/conformance';
export { RecordingStorageAdapter } from './storage/recording-adapter';
export type { StorageChange } from './storage/recording-adapter';
export { toPlain, fromPlain, supportedPlainTypes } from './types/plain';
export type { PlainValue, PlainOf, ValueCodec } from './types/plain';
export { streamFromPlain, streamToPlain } from './types/stream';
export type { PlainStream, PlainStreamId } from './types/stream';
export { StreamValue } from './types/stream-value';
export {
  KeyspaceError,
  InvalidOptionError,
  DbIndexError,
  UnknownValueTypeError,
  KeyspaceClosedError,
  SnapshotClosedError,
  DuplicateCommandError,
} from './errors';
export type { KeyspaceErrorCode } from './errors';
