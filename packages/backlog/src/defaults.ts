import { constants } from 'node:buffer';

/** `repl-backlog-size` default: 1 MiB, as in Redis 7.0. */
export const DEFAULT_REPL_BACKLOG_SIZE = 1024 * 1024;

/**
 * Smallest ring: 16 KiB (`CONFIG_REPL_BACKLOG_MIN_SIZE`). Like Redis, a smaller (positive) size is
 * raised to this, not rejected.
 */
export const MIN_REPL_BACKLOG_SIZE = 16 * 1024;

/** Largest ring: one Buffer (`buffer.constants.MAX_LENGTH`, 4 GiB on Node 20). */
export const MAX_REPL_BACKLOG_SIZE: number = constants.MAX_LENGTH;

/** Length of a replication id (`CONFIG_RUN_ID_SIZE`). */
export const REPLID_LENGTH = 40;

/** `replid2` when cleared: 40 × '0' (`clearReplicationId2`). */
export const CLEARED_REPLID = '0'.repeat(REPLID_LENGTH);

/** `second_repl_offset` when `replid2` is cleared. */
export const CLEARED_SECOND_REPL_OFFSET = -1;
