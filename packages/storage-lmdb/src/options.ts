/** Options and counters of the LMDB adapter (lmdb-storage.ts). */
import { DEFAULT_LMDB_FSYNC, LMDB_REWRITE_MIN_BYTES, LMDB_REWRITE_PERCENTAGE } from './defaults';
import { LmdbInvalidOptionError } from './errors';

/** `appendfsync`-like durability policy. */
export type LmdbFsyncPolicy = 'always' | 'everysec' | 'no';

export interface LmdbStorageOptions {
  /** the directory of the files (the server's `dir`); created if missing */
  dir: string;
  /** the LMDB file inside `dir` @default 'replikit.lmdb' */
  filename?: string;
  /** durability of committed units (see the module comment) @default 'everysec' */
  fsync?: LmdbFsyncPolicy;
  /** log bytes since the base from which a background rewrite may start @default LMDB_REWRITE_MIN_BYTES (64 MiB) */
  rewriteMinBytes?: number;
  /** the log must also hold this many percent of the base's bytes (0: no background rewrite) @default LMDB_REWRITE_PERCENTAGE (100) */
  rewritePercentage?: number;
  /** notice lines (a file of format 1 migrated at open, background rewrites), as Redis logs them @default none */
  log?: (line: string) => void;
}

/** Counters of the writes to LMDB. */
export interface LmdbStorageStats {
  /** keys loaded from the file at open */
  keysLoaded: number;
  /** write transactions */
  transactions: number;
  /** records written or deleted */
  recordsWritten: number;
  /** bytes of the records written */
  bytesWritten: number;
  /** fsyncs requested by `everysec` */
  fsyncs: number;
  /** bulk units written in slices (see the module comment) */
  bulkWrites: number;
  /** slice transactions of those units */
  bulkSlices: number;
  /** opened a file with the load-in-progress marker, whose data and position were discarded */
  discardedPartialLoad: boolean;
  /** bytes of the log since the base (what a restart replays after the base) */
  logBytes: number;
  /** bytes of the base (at its rewrite, or read at open) */
  baseBytes: number;
  /** rewrites completed (background ones and bulk units) */
  rewrites: number;
  /** slice transactions of background rewrites */
  rewriteSlices: number;
  /** keys written by the migration of a format-1 file at open (-1: the file was not of format 1) */
  migratedKeys: number;
}

function integerOption(name: string, v: unknown, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min) throw new LmdbInvalidOptionError(name, v, `must be an integer >= ${min}`);
  return v as number;
}

/** The options checked, with their defaults. */
export function resolveOptions(databases: number, options: LmdbStorageOptions): { fsync: LmdbFsyncPolicy; rewriteMinBytes: number; rewritePercentage: number } {
  integerOption('databases', databases, 1);
  const fsync = options.fsync ?? DEFAULT_LMDB_FSYNC;
  if (fsync !== 'always' && fsync !== 'everysec' && fsync !== 'no') throw new LmdbInvalidOptionError('fsync', fsync, "must be 'always', 'everysec' or 'no'");
  if (typeof options.dir !== 'string' || options.dir === '') throw new LmdbInvalidOptionError('dir', options.dir, 'must be a directory path');
  return {
    fsync,
    rewriteMinBytes: integerOption('rewriteMinBytes', options.rewriteMinBytes ?? LMDB_REWRITE_MIN_BYTES, 0),
    rewritePercentage: integerOption('rewritePercentage', options.rewritePercentage ?? LMDB_REWRITE_PERCENTAGE, 0),
  };
}
