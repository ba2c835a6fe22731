/** Defaults of @replikit/replica, named after Redis's config keys where one exists. */

/** `repl-timeout` (60 s) */
export const DEFAULT_REPL_TIMEOUT_MS = 60_000;
/** the replica sends `REPLCONF ACK` once a second (replicationCron) */
export const ACK_INTERVAL_MS = 1_000;
/** at most one `\n` a second to the master while flushing or loading */
export const NEWLINE_INTERVAL_MS = 1_000;
/** first retry delay after a failed handshake (Redis retries from its once-a-second cron) */
export const DEFAULT_RETRY_MIN_MS = 1_000;
/** the retry delay doubles up to this */
export const DEFAULT_RETRY_MAX_MS = 5_000;
/** `repl-diskless-load` */
export const DEFAULT_REPL_DISKLESS_LOAD = 'disabled' as const;
/** `dbfilename`: where a disk-loaded snapshot is kept */
export const DEFAULT_DBFILENAME = 'dump.rdb';
/** longest reply line accepted during the handshake (Redis reads lines into a 256-byte buffer) */
export const MAX_HANDSHAKE_REPLY = 64 * 1024;
/** change stream: events buffered before the master link is paused */
export const DEFAULT_CHANGE_STREAM_HIGH_WATER = 1024;
/** change stream with a cursor: the acknowledged position is saved at least this often, ms */
export const DEFAULT_CURSOR_SAVE_INTERVAL_MS = 1_000;
/** change stream with a cursor: ... and after this many acknowledgements */
export const DEFAULT_CURSOR_SAVE_EVERY_ACKS = 1_000;
/** the longest cursor file read back (a valid one is under 200 bytes) */
export const MAX_CURSOR_FILE_BYTES = 4_096;
