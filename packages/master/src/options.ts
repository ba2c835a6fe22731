import type { Keyspace } from '@replikit/keyspace';
import {
  DEFAULT_DBFILENAME,
  DEFAULT_DIR,
  DEFAULT_MIN_REPLICAS_MAX_LAG,
  DEFAULT_RDB_CHECKSUM,
  DEFAULT_RDB_COMPRESSION,
  DEFAULT_REPL_BACKLOG_SIZE,
  DEFAULT_REPL_BACKLOG_TTL,
  DEFAULT_REPL_DISKLESS_SYNC,
  DEFAULT_REPL_DISKLESS_SYNC_DELAY,
  DEFAULT_REPL_DISKLESS_SYNC_MAX_REPLICAS,
  DEFAULT_REPL_PING_REPLICA_PERIOD,
  DEFAULT_REPL_TIMEOUT,
  DEFAULT_REPLICA_OUTPUT_HARD_LIMIT,
  DEFAULT_REPLICA_OUTPUT_SOFT_LIMIT,
  DEFAULT_REPLICA_OUTPUT_SOFT_SECONDS,
} from './defaults';
import { MasterInvalidOptionError } from './errors';

/** What the node works on. */
export interface MasterDeps {
  /** the dataset full syncs snapshot */
  keyspace: Keyspace;
  /**
   * On a replica: the db its master's stream is in (the master client's selected db). A
   * sub-replica's full-sync RDB and `rdbSaveInfo()` carry it as `repl-stream-db`, because the
   * forwarded stream goes on in that db without a SELECT.
   * @default () => 0
   */
  upstreamStreamDb?: () => number;
  /**
   * Called each time bytes enter the stream (the offset moved: propagated writes, the PING to
   * replicas, `REPLCONF GETACK *`), before they are written to any replica. A store that keeps
   * the replication position with its data commits both here, so no replica can ever hold bytes
   * the store's position does not cover.
   */
  onStreamAppend?: () => void;
}

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** Options, named like redis.conf keys (`replBacklogSize` is `repl-backlog-size`). */
export interface MasterOptions {
  /** starting role @default 'master' */
  role?: 'master' | 'replica';
  /** `repl-backlog-size` in bytes (below 16 KiB is raised to 16 KiB) @default 1048576 */
  replBacklogSize?: number;
  /** `repl-backlog-ttl` in seconds; 0 keeps the backlog forever @default 3600 */
  replBacklogTtl?: number;
  /** `repl-diskless-sync`: send the snapshot straight to replicas with `capa eof` @default true */
  replDisklessSync?: boolean;
  /** `repl-diskless-sync-delay` in seconds: wait this long for more replicas to share one snapshot @default 5 */
  replDisklessSyncDelay?: number;
  /** `repl-diskless-sync-max-replicas`: start at once when this many replicas wait (0: delay only) @default 0 */
  replDisklessSyncMaxReplicas?: number;
  /** `repl-ping-replica-period` in seconds @default 10 */
  replPingReplicaPeriod?: number;
  /** `repl-timeout` in seconds @default 60 */
  replTimeout?: number;
  /** `dir`: directory of the disk-based sync RDB @default '.' */
  dir?: string;
  /** `dbfilename`: the disk-based sync RDB is written to a temp file in `dir` and renamed to this @default 'dump.rdb' */
  dbfilename?: string;
  /** `rdbcompression` for sync snapshots @default true */
  rdbCompression?: boolean;
  /** `rdbchecksum` for sync snapshots @default true */
  rdbChecksum?: boolean;
  /**
   * `client-output-buffer-limit replica <hard> <soft> <seconds>` in bytes and seconds; 0 disables a
   * limit. A hard limit below `replBacklogSize` is raised to it, as Redis does.
   * @default { hard: 268435456, soft: 67108864, softSeconds: 60 }
   */
  clientOutputBufferLimitReplica?: { hard: number; soft: number; softSeconds: number };
  /** `min-replicas-max-lag`: ACK lag in seconds after which `replica:lagging` fires @default 10 */
  minReplicasMaxLag?: number;
  /** `requirepass` of the default user, checked by `serve()`'s AUTH @default undefined (no password) */
  requirepass?: string;
  /**
   * ACL check for `AUTH <user> <password>` (and `AUTH <password>` as user `default`) in `serve()`.
   * When set, connections start unauthenticated and it replaces `requirepass`.
   * @default undefined
   */
  checkUser?: (user: string, password: string) => boolean;
  /** log sink (Redis's log lines) @default no logging */
  logger?: (level: LogLevel, message: string) => void;
  /** unix ms clock @default Date.now */
  clock?: () => number;
}

export interface ResolvedOptions {
  replBacklogSize: number;
  replBacklogTtl: number;
  replDisklessSync: boolean;
  replDisklessSyncDelay: number;
  replDisklessSyncMaxReplicas: number;
  replPingReplicaPeriod: number;
  replTimeout: number;
  dir: string;
  dbfilename: string;
  rdbCompression: boolean;
  rdbChecksum: boolean;
  outputLimit: { hard: number; soft: number; softSeconds: number };
  minReplicasMaxLag: number;
  requirepass: string | undefined;
  checkUser: ((user: string, password: string) => boolean) | undefined;
  log: (level: LogLevel, message: string) => void;
  clock: () => number;
}

function nonNegInt(name: string, v: number | undefined, def: number, min = 0): number {
  const value = v ?? def;
  if (!Number.isSafeInteger(value) || value < min) throw new MasterInvalidOptionError(name, value, `must be an integer >= ${min}`);
  return value;
}

export function resolveOptions(o: MasterOptions): ResolvedOptions {
  const limit = o.clientOutputBufferLimitReplica ?? {
    hard: DEFAULT_REPLICA_OUTPUT_HARD_LIMIT,
    soft: DEFAULT_REPLICA_OUTPUT_SOFT_LIMIT,
    softSeconds: DEFAULT_REPLICA_OUTPUT_SOFT_SECONDS,
  };
  return {
    replBacklogSize: nonNegInt('replBacklogSize', o.replBacklogSize, DEFAULT_REPL_BACKLOG_SIZE, 1),
    replBacklogTtl: nonNegInt('replBacklogTtl', o.replBacklogTtl, DEFAULT_REPL_BACKLOG_TTL),
    replDisklessSync: o.replDisklessSync ?? DEFAULT_REPL_DISKLESS_SYNC,
    replDisklessSyncDelay: nonNegInt('replDisklessSyncDelay', o.replDisklessSyncDelay, DEFAULT_REPL_DISKLESS_SYNC_DELAY),
    replDisklessSyncMaxReplicas: nonNegInt('replDisklessSyncMaxReplicas', o.replDisklessSyncMaxReplicas, DEFAULT_REPL_DISKLESS_SYNC_MAX_REPLICAS),
    replPingReplicaPeriod: nonNegInt('replPingReplicaPeriod', o.replPingReplicaPeriod, DEFAULT_REPL_PING_REPLICA_PERIOD, 1),
    replTimeout: nonNegInt('replTimeout', o.replTimeout, DEFAULT_REPL_TIMEOUT, 1),
    dir: o.dir ?? DEFAULT_DIR,
    dbfilename: o.dbfilename ?? DEFAULT_DBFILENAME,
    rdbCompression: o.rdbCompression ?? DEFAULT_RDB_COMPRESSION,
    rdbChecksum: o.rdbChecksum ?? DEFAULT_RDB_CHECKSUM,
    outputLimit: {
      hard: nonNegInt('clientOutputBufferLimitReplica.hard', limit.hard, 0),
      soft: nonNegInt('clientOutputBufferLimitReplica.soft', limit.soft, 0),
      softSeconds: nonNegInt('clientOutputBufferLimitReplica.softSeconds', limit.softSeconds, 0),
    },
    minReplicasMaxLag: nonNegInt('minReplicasMaxLag', o.minReplicasMaxLag, DEFAULT_MIN_REPLICAS_MAX_LAG),
    requirepass: o.requirepass,
    checkUser: o.checkUser,
    log: o.logger ?? (() => {}),
    clock: o.clock ?? Date.now,
  };
}
