import type { ReplicaState } from './replica-link';

/** One downstream replica as `replicas()` and the events report it. */
export interface ReplicaInfo {
  /** node-local id, unique for the node's lifetime */
  id: number;
  /** `REPLCONF ip-address`, else the peer address */
  ip: string;
  /** `REPLCONF listening-port` (0 if not sent) */
  port: number;
  state: ReplicaState;
  /** the last offset it acknowledged (INFO's `offset=`) */
  offset: number;
  /** seconds since its last ACK (0 unless online) */
  lag: number;
}

/** A full sync served to one or more replicas sharing one snapshot. */
export interface FullSyncInfo {
  /** `socket` for `$EOF:` (diskless), `disk` for `$<len>` through a file in `dir` */
  target: 'disk' | 'socket';
  /** the `+FULLRESYNC` offset: the stream offset the snapshot was taken at */
  offset: number;
  replid: string;
  /** ids of the replicas served by this snapshot */
  replicas: number[];
}

export interface FullSyncResult extends FullSyncInfo {
  /** RDB payload bytes */
  bytes: number;
  /** keys in the snapshot */
  keys: number;
}

/** Typed events of {@link ReplicationNode} (eventemitter3, `noun:verb`). */
export interface MasterEvents {
  /** a replica started receiving the live stream */
  'replica:online': [replica: ReplicaInfo];
  /** `REPLCONF ACK <offset>` from a replica */
  'replica:ack': [replica: ReplicaInfo, offset: number];
  /** an online replica's ACK lag passed `minReplicasMaxLag` seconds (once per episode) */
  'replica:lagging': [replica: ReplicaInfo];
  /** a replica link went away (closed by the peer, timed out, over its output limit, ...) */
  'replica:offline': [replica: ReplicaInfo, reason: string];
  /** a snapshot was taken for a full sync */
  'sync:start': [sync: FullSyncInfo];
  /** a full sync's payload was completely written */
  'sync:done': [sync: FullSyncResult];
  /** a background fault (a failed snapshot, a failed file write) */
  error: [error: Error];
}

/** Full/partial sync counters (INFO stats `sync_full`, `sync_partial_ok`, `sync_partial_err`). */
export interface SyncCounters {
  syncFull: number;
  syncPartialOk: number;
  syncPartialErr: number;
}
