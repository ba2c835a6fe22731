/** The option and result types of createKeyspace / Keyspace. */
import type { RespValue } from '@replikit/resp';
import type { PropagatedCommand } from './context';
import type { ActiveExpireOptions } from './expiry/active-expire';
import type { StorageAdapter, StorageAdapterFactory } from './storage/adapter';

export type KeyspaceRole = 'master' | 'replica';

export interface KeyspaceOptions {
  /** number of databases (`databases`) @default 16 */
  databases?: number;
  /** storage: an adapter or a factory `(databases) => adapter` @default in-memory Maps */
  storage?: StorageAdapter | StorageAdapterFactory;
  /** @default 'master' */
  role?: KeyspaceRole;
  /** `lazyfree-lazy-user-del`: GETDEL propagates UNLINK @default false */
  lazyfreeLazyUserDel?: boolean;
  /** `lazyfree-lazy-expire`: expiry deletions propagate UNLINK @default false */
  lazyfreeLazyExpire?: boolean;
  /** `stream-node-max-bytes`: a stream node's listpack bytes before XADD opens a new one (0: no limit) @default 4096 */
  streamNodeMaxBytes?: number;
  /** `stream-node-max-entries`: entries of a stream node before XADD opens a new one (0: no limit) @default 100 */
  streamNodeMaxEntries?: number;
  /** `proto-max-bulk-len` @default 536870912 */
  protoMaxBulkLen?: number;
  /** active expiry cycle tuning (`hz`) @default { hz: 10, budgetMs: 2 } */
  activeExpire?: ActiveExpireOptions;
  /** clock in unix ms @default Date.now */
  clock?: () => number;
  /**
   * When the storage adapter's commit points fall (see {@link KeyspaceCommits}) @default 'auto'
   */
  commits?: KeyspaceCommits;
}

/**
 * `auto`: the keyspace ends a unit (StorageAdapter.commit) after each command, MULTI/EXEC block,
 * expiry cycle, load and flush. `manual`: the owner calls {@link Keyspace.commit} itself, with the
 * replication position the data stands at (a replica after each applied chunk of its master's stream).
 */
export type KeyspaceCommits = 'auto' | 'manual';

export interface ExecResult {
  readonly reply: RespValue;
  /** the exact commands to send to replicas, in order, MULTI/EXEC included; SELECTs are the master's job */
  readonly propagate: ReadonlyArray<PropagatedCommand>;
}

export interface TransactionResult {
  readonly replies: RespValue[];
  readonly propagate: ReadonlyArray<PropagatedCommand>;
  /** the selected database after the transaction (SELECT inside MULTI) */
  readonly db: number;
}

/** Commands propagated outside any client command (active expiry). */
export type PropagateListener = (commands: ReadonlyArray<PropagatedCommand>) => void;

export interface LoadOptions {
  /** count the store as one change in `stats.dirty` (RESTORE) @default false */
  countChange?: boolean;
}

export interface DbInfo {
  readonly keys: number;
  readonly expires: number;
}
