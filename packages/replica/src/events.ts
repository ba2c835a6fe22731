import type { ReplicaError } from './errors';

/** Redis's repl_state names as INFO/ROLE show them. */
export type ReplicaState = 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected';

export interface SyncStartInfo {
  readonly kind: 'full' | 'partial';
  /** the master's replication id (for a legacy SYNC: '?') */
  readonly replid: string;
  /** `+FULLRESYNC` offset, or for a partial sync the offset the stream continues after */
  readonly offset: number;
}

export interface SyncProgress {
  /** snapshot bytes received */
  readonly bytes: number;
  /** keys loaded so far */
  readonly keys: number;
  /** 0..100 when the snapshot length is known (`$<len>`), else undefined (`$EOF:`) */
  readonly percent: number | undefined;
}

export interface SyncDoneInfo extends SyncStartInfo {
  /** keys loaded (0 for a partial sync) */
  readonly keys: number;
  /** snapshot bytes (0 for a partial sync) */
  readonly bytes: number;
}

/** The replica's events (eventemitter3 typed map). `error` never throws when unheard. */
export interface ReplicaEvents {
  /** the stream is flowing (after a loaded full sync or a `+CONTINUE`) */
  'link:up': [];
  /** an established link was lost; the replica reconnects and tries a partial resync */
  'link:down': [reason: ReplicaError];
  'sync:start': [info: SyncStartInfo];
  'sync:progress': [progress: SyncProgress];
  'sync:done': [info: SyncDoneInfo];
  /** one stream command took effect (MULTI blocks: each command at EXEC); `offset` is the replication offset after it */
  'command:applied': [argv: string[], db: number, offset: number];
  /** a background fault: the link is dropped and retried */
  error: [err: ReplicaError];
}

/** What INFO replication and ROLE show about the upstream link. */
export interface ReplicaLinkInfo {
  readonly state: ReplicaState;
  readonly masterLinkStatus: 'up' | 'down';
  /** seconds since the last byte from the master, -1 when the link is not up */
  readonly masterLastIoSecondsAgo: number;
  readonly masterSyncInProgress: boolean;
  /** during a transfer: the snapshot length (-1 for `$EOF:`), bytes read, bytes left, seconds since the last byte */
  readonly masterSyncTotalBytes: number;
  readonly masterSyncReadBytes: number;
  readonly masterSyncLeftBytes: number;
  readonly masterSyncLastIoSecondsAgo: number;
  /** seconds since the link went down, -1 when up */
  readonly masterLinkDownSinceSeconds: number;
  /** the applied offset (`slave_repl_offset`) and the read offset (`slave_read_repl_offset`) */
  readonly replOffset: number;
  readonly readReplOffset: number;
  /** the master's replication id as last seen, '' before the first sync */
  readonly masterReplid: string;
}
