/** Defaults of {@link MasterOptions}: redis-server 7.0's values for the config keys of the same name. */

/** `repl-backlog-size`: 1 MiB. */
export const DEFAULT_REPL_BACKLOG_SIZE = 1024 * 1024;
/** `repl-backlog-ttl`: seconds a top-level master keeps its backlog with no replica (0 = forever). */
export const DEFAULT_REPL_BACKLOG_TTL = 3600;
/** `repl-diskless-sync`: stream the snapshot to sockets of replicas with `capa eof`. */
export const DEFAULT_REPL_DISKLESS_SYNC = true;
/** `repl-diskless-sync-delay`: seconds to wait for more replicas before a diskless snapshot. */
export const DEFAULT_REPL_DISKLESS_SYNC_DELAY = 5;
/** `repl-diskless-sync-max-replicas`: start as soon as this many replicas wait (0 = only the delay counts). */
export const DEFAULT_REPL_DISKLESS_SYNC_MAX_REPLICAS = 0;
/** `repl-ping-replica-period`: seconds between `ping`s in the stream. */
export const DEFAULT_REPL_PING_REPLICA_PERIOD = 10;
/** `repl-timeout`: seconds. */
export const DEFAULT_REPL_TIMEOUT = 60;
/** `dir`: where a disk-based full sync writes its RDB. */
export const DEFAULT_DIR = '.';
/** `dbfilename`: the name the disk-based sync RDB is renamed to. */
export const DEFAULT_DBFILENAME = 'dump.rdb';
/** `client-output-buffer-limit replica` hard limit: 256 MiB. */
export const DEFAULT_REPLICA_OUTPUT_HARD_LIMIT = 256 * 1024 * 1024;
/** `client-output-buffer-limit replica` soft limit: 64 MiB ... */
export const DEFAULT_REPLICA_OUTPUT_SOFT_LIMIT = 64 * 1024 * 1024;
/** ... held for this many seconds. */
export const DEFAULT_REPLICA_OUTPUT_SOFT_SECONDS = 60;
/** `min-replicas-max-lag`: seconds of ACK lag after which a replica counts as lagging. */
export const DEFAULT_MIN_REPLICAS_MAX_LAG = 10;
/** `rdbcompression`. */
export const DEFAULT_RDB_COMPRESSION = true;
/** `rdbchecksum`. */
export const DEFAULT_RDB_CHECKSUM = true;

/** Replication cron period in ms (Redis's replicationCron runs once a second). */
export const CRON_PERIOD_MS = 1000;
/** Bytes read from the sync RDB file per chunk sent to replicas (Redis uses PROTO_IOBUF_LEN, 16 KiB). */
export const RDB_FILE_CHUNK = 64 * 1024;
/** `NET_HOST_STR_LEN`: `REPLCONF ip-address` must be shorter. */
export const NET_HOST_STR_LEN = 256;
/** Length of the `$EOF:` mark (`RDB_EOF_MARK_SIZE`). */
export const EOF_MARK_SIZE = 40;
