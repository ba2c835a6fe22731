/** Options and counters of the LMDB adapter (lmdb-storage.ts). */

/** `appendfsync`-like durability policy. */
export type LmdbFsyncPolicy = 'always' | 'everysec' | 'no';

export interface LmdbStorageOptions {
  /** the directory of the files (the server's `dir`); created if missing */
  dir: string;
  /** the LMDB file inside `dir` @default 'replikit.lmdb' */
  filename?: string;
  /** durability of committed units (see the module comment) @default 'everysec' */
  fsync?: LmdbFsyncPolicy;
  /** journal entries past which units merge as many as they append @default LMDB_JOURNAL_MAX_ENTRIES */
  journalMaxEntries?: number;
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
  /** journal entries not merged into the keyed tables yet */
  journalEntries: number;
  /** journal entries merged into the keyed tables */
  mergedEntries: number;
  /** background merge transactions */
  mergeSlices: number;
}
