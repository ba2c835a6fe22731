/**
 * The LMDB storage adapter. The working set lives in memory (the keyspace's own Map store, so
 * commands and snapshots run at in-memory speed); LMDB holds the durable copy. Each write marks its
 * key dirty; at a commit point the unit is closed, and the dirty keys are written (their current
 * value and TTL, or a delete) in one LMDB write transaction together with the replication
 * position of that commit point and the SWAPDB mapping. A transaction only ever starts at a commit
 * point, so what LMDB holds is always the state after some unit, with that unit's position: a
 * process killed at any moment restarts from the last written unit, never from half of one.
 *
 * The unit's keys are appended to the journal (journal.ts: sequential inserts, about a tenth of
 * the cost of inserting random keys into the keyed tables); merge slices of at most
 * LMDB_MERGE_SLICE_MS move the oldest entries into the keyed tables in the background, every
 * LMDB_MERGE_GAP_MS while units keep coming and back to back when none came since the last slice.
 * Above LMDB_JOURNAL_MAX_ENTRIES the unit's own transaction merges as many entries as it appends.
 * Opening the file replays the journal over the keyed tables.
 *
 * `fsync` (like `appendfsync`):
 * - `always`: the transaction is written and fsynced inside commit(), before the command's reply;
 * - `everysec`: written at the end of the event-loop turn (the OS has it: a killed process loses
 *   nothing committed), fsynced once a second (a power loss loses up to about a second);
 * - `no`: written at the end of the turn, fsynced when the OS decides.
 *
 * Bulk units: a unit that rewrites a cleared slot of LMDB_BULK_MIN_KEYS keys or more (a replica's
 * full sync load) would block the event loop for seconds as one transaction. It is written in
 * slices instead: a first transaction stores the `loading` marker, drops the position and appends
 * a CLEAR entry of each cleared slot to the journal; then each event-loop turn appends up to
 * LMDB_BULK_SLICE_MS of entries from a pinned iterator; the last transaction writes every key changed meanwhile, the slot map and
 * the position, and removes the marker. A file opened with the marker is a half-written load: its
 * records and position are discarded (an empty store without a position: the replica full-syncs).
 * Until that last transaction, the position on disk is none: with `always`, commits made during
 * the slices are durable at its end.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BinaryString, DbStore, ReplicationPosition, StorageAdapter } from '@replikit/keyspace';
import { type Database, open, type RootDatabase } from 'lmdb';
import { type BulkWrite, writeBulkSlice } from './bulk-write';
import { LmdbDbStore, type UnitState } from './db-store';
import {
  DEFAULT_LMDB_FILENAME,
  DEFAULT_LMDB_FSYNC,
  LMDB_BULK_MIN_KEYS,
  LMDB_BULK_SLICE_MS,
  LMDB_FSYNC_INTERVAL_MS,
  LMDB_JOURNAL_MAX_ENTRIES,
  LMDB_MERGE_GAP_MS,
  LMDB_MERGE_SLICE_MS,
} from './defaults';
import { LmdbInvalidOptionError, LmdbOpenError, LmdbWriteError } from './errors';
import { JOURNAL_TABLE, type JournalTables, journalClear, journalDel, journalSet, mergeJournal } from './journal';
import { loadSlot, readMeta, replayJournal } from './load';
import type { LmdbFsyncPolicy, LmdbStorageOptions, LmdbStorageStats } from './options';
import { RECORD_TABLE } from './record-codec';

export type { LmdbFsyncPolicy, LmdbStorageOptions, LmdbStorageStats } from './options';

const APPEND = { append: true } as const;

/** A StorageAdapter persisted in one LMDB file; see the module comment. */
export class LmdbStorageAdapter implements StorageAdapter {
  readonly path: string;
  readonly fsync: LmdbFsyncPolicy;
  readonly journalMaxEntries: number;
  readonly stats: LmdbStorageStats = { keysLoaded: 0, transactions: 0, recordsWritten: 0, bytesWritten: 0, fsyncs: 0, bulkWrites: 0, bulkSlices: 0, discardedPartialLoad: false, journalEntries: 0, mergedEntries: 0, mergeSlices: 0 };
  private readonly env: RootDatabase;
  private readonly meta: Database;
  private readonly inline: Database<Buffer, Buffer>[] = [];
  private readonly long: Database<Buffer, Buffer>[] = [];
  private readonly journal: Database<Buffer, Buffer>;
  private readonly tables: JournalTables;
  /** the next journal sequence number; `jkey` holds its key while it is appended */
  private seq = 1;
  private readonly jkey = Buffer.alloc(8);
  private mergeTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  /** transactions of units since the last merge slice (none: the server is idle, merge back to back) */
  private unitsSinceMerge = 0;
  private readonly slots: LmdbDbStore[] = [];
  /** logical database -> slot (SWAPDB exchanges entries) */
  private map: number[];
  private mapDirty = false;
  private position: ReplicationPosition | undefined;
  private positionDirty = false;
  private readonly unit: UnitState = { open: false };
  /** committed units not yet written to LMDB */
  private pending = false;
  private flushTimer: NodeJS.Immediate | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private unsynced = false;
  private closed = false;
  private closing = false;
  private bulk: BulkWrite | null = null;
  /** the load-in-progress marker is in the file (removed by the next full transaction) */
  private markerOnDisk = false;

  constructor(
    readonly databases: number,
    options: LmdbStorageOptions,
  ) {
    if (!Number.isInteger(databases) || databases < 1) throw new LmdbInvalidOptionError('databases', databases, 'must be an integer >= 1');
    const fsync = options.fsync ?? DEFAULT_LMDB_FSYNC;
    if (fsync !== 'always' && fsync !== 'everysec' && fsync !== 'no') throw new LmdbInvalidOptionError('fsync', fsync, "must be 'always', 'everysec' or 'no'");
    if (typeof options.dir !== 'string' || options.dir === '') throw new LmdbInvalidOptionError('dir', options.dir, 'must be a directory path');
    this.fsync = fsync;
    const max = options.journalMaxEntries ?? LMDB_JOURNAL_MAX_ENTRIES;
    if (!Number.isInteger(max) || max < 0) throw new LmdbInvalidOptionError('journalMaxEntries', max, 'must be an integer >= 0');
    this.journalMaxEntries = max;
    this.path = join(options.dir, options.filename ?? DEFAULT_LMDB_FILENAME);
    try {
      mkdirSync(options.dir, { recursive: true });
      // overlappingSync off: with fsync 'always' a commit returns once the transaction is on disk.
      // useWritemap: pages are changed in the shared mapping, so a commit makes no write(2) of its
      // pages (5x cheaper for the small transactions of one event-loop turn, measured in
      // docs/benchmarks.md); a killed process loses nothing (the pages are the kernel's), and what
      // reaches the disk when stays the fsync policy's (msync on commit with 'always').
      this.env = open({ path: this.path, maxDbs: 2 * databases + 2, noSync: fsync !== 'always', overlappingSync: false, useWritemap: true });
      this.meta = this.env.openDB('meta', {});
      for (let s = 0; s < databases; s++) {
        this.inline.push(this.env.openDB(`db${s}`, RECORD_TABLE) as unknown as Database<Buffer, Buffer>);
        this.long.push(this.env.openDB(`long${s}`, RECORD_TABLE) as unknown as Database<Buffer, Buffer>);
      }
      this.journal = this.env.openDB('journal', JOURNAL_TABLE) as unknown as Database<Buffer, Buffer>;
    } catch (err) {
      throw new LmdbOpenError(this.path, (err as Error).message, { cause: err });
    }
    this.tables = { journal: this.journal, inline: this.inline, long: this.long };
    const meta = readMeta(this.env, this.meta, this.tables, this.databases, this.path);
    this.map = meta.map;
    this.position = meta.position;
    this.stats.discardedPartialLoad = meta.discarded;
    for (let s = 0; s < databases; s++) this.slots.push(new LmdbDbStore(s, this.unit));
    for (const s of this.slots) loadSlot(s.slot, s.mem, this.inline[s.slot], this.long[s.slot]);
    const j = replayJournal(this.env, this.slots.map((s) => s.mem));
    this.seq = j.lastSeq + 1;
    this.stats.journalEntries = j.entries;
    this.stats.keysLoaded = this.slots.reduce((n, s) => n + s.mem.size(), 0);
    this.scheduleMerge();
    if (fsync === 'everysec') {
      this.syncTimer = setInterval(() => this.syncNow(), LMDB_FSYNC_INTERVAL_MS);
      this.syncTimer.unref();
    }
  }

  db(index: number): DbStore {
    return this.slots[this.map[index]];
  }

  swap(a: number, b: number): void {
    const t = this.map[a];
    this.map[a] = this.map[b];
    this.map[b] = t;
    this.mapDirty = true;
    this.unit.open = true;
  }

  commit(position?: ReplicationPosition | null): void {
    if (this.closed) return;
    if (position === null) {
      if (this.position !== undefined) {
        this.position = undefined;
        this.positionDirty = true;
      }
    } else if (position !== undefined) {
      this.position = { replid: position.replid, offset: position.offset, streamDb: position.streamDb ?? 0 };
      this.positionDirty = true;
    }
    if (this.unit.open) {
      this.unit.open = false;
      this.pending = true;
    } else if (this.positionDirty) this.pending = true;
    if (!this.pending) return;
    if (this.fsync === 'always') this.flush();
    else if (this.flushTimer === null) this.flushTimer = setImmediate(() => this.flushNow());
  }

  committedPosition(): ReplicationPosition | undefined {
    return this.position === undefined ? undefined : { ...this.position };
  }

  private flushNow(): void {
    this.flushTimer = null;
    // a unit still in progress (writes made outside any commit point) waits for its commit
    if (!this.closed && !this.unit.open) this.flush();
  }

  /** Appends one journal entry inside the caller's transaction. */
  private append(entry: Buffer): void {
    this.jkey.writeUIntBE(this.seq++, 2, 6);
    this.journal.putSync(this.jkey, entry, APPEND);
  }

  /** Writes every committed change and the position in one transaction (or starts a bulk write). */
  private flush(): void {
    if (!this.pending || this.bulk !== null) return;
    if (!this.closing && this.startBulk()) return;
    let records = 0;
    let bytes = 0;
    let merged = 0;
    let clears = 0;
    try {
      this.env.transactionSync(() => {
        for (const s of this.slots) {
          if (s.cleared) {
            this.append(journalClear(s.slot));
            clears++;
          }
          if (s.dirty.size === 0 && !s.cleared) continue;
          // after a clear (a full sync's load, FLUSHDB) the whole slot is written: no per-key set to keep
          const keys: Iterable<BinaryString> = s.cleared ? { [Symbol.iterator]: () => s.mem.keys() } : s.dirty;
          for (const key of keys) {
            const v = s.mem.get(key);
            const entry = v === undefined ? journalDel(s.slot, key) : journalSet(s.slot, key, v, s.mem.getExpire(key) ?? -1);
            this.append(entry);
            records++;
            bytes += entry.length;
          }
        }
        // a journal past its bound: this unit merges as many entries as it appends
        const over = this.stats.journalEntries + records + clears - this.journalMaxEntries;
        if (over > 0) merged = mergeJournal(this.tables, over, Number.POSITIVE_INFINITY);
        if (this.mapDirty) this.meta.putSync('map', this.map);
        if (this.positionDirty) this.meta.putSync('position', this.position ?? null);
        if (this.markerOnDisk) this.meta.removeSync('loading');
      });
    } catch (err) {
      // the transaction was aborted: the dirty keys stay dirty and are written with the next unit
      throw new LmdbWriteError(this.path, { cause: err });
    }
    // only now: an aborted transaction leaves every change dirty for the next one
    for (const s of this.slots) {
      s.cleared = false;
      if (s.dirty.size !== 0) s.dirty = new Set();
    }
    this.mapDirty = false;
    this.positionDirty = false;
    this.markerOnDisk = false;
    this.pending = false;
    this.unsynced = this.fsync === 'everysec';
    this.stats.transactions++;
    this.stats.recordsWritten += records;
    this.stats.bytesWritten += bytes;
    this.stats.journalEntries += records + clears - merged;
    this.stats.mergedEntries += merged;
    this.unitsSinceMerge++;
    this.scheduleMerge();
  }

  /**
   * Starts the next background merge transaction when the journal holds entries: at once when no
   * unit came since the previous one started (`idle`), else after LMDB_MERGE_GAP_MS.
   */
  private scheduleMerge(idle = this.unitsSinceMerge === 0): void {
    if (this.mergeTimer !== null || this.stats.journalEntries === 0 || this.closing || this.closed) return;
    if (idle) this.mergeTimer = setImmediate(() => this.mergeSlice());
    else {
      this.mergeTimer = setTimeout(() => this.mergeSlice(), LMDB_MERGE_GAP_MS);
      this.mergeTimer.unref();
    }
  }

  /** One background merge transaction of at most LMDB_MERGE_SLICE_MS. */
  private mergeSlice(): void {
    this.mergeTimer = null;
    // units written since the previous slice: the server is busy, the next slice waits for the gap
    const idle = this.unitsSinceMerge === 0;
    this.unitsSinceMerge = 0;
    if (this.closed || this.closing || this.bulk !== null || this.stats.journalEntries === 0) return;
    const deadline = performance.now() + LMDB_MERGE_SLICE_MS;
    let merged: number;
    try {
      merged = this.env.transactionSync(() => mergeJournal(this.tables, Number.POSITIVE_INFINITY, deadline));
    } catch (err) {
      throw new LmdbWriteError(this.path, { cause: err });
    }
    this.stats.journalEntries -= merged;
    this.stats.mergedEntries += merged;
    this.stats.mergeSlices++;
    this.unsynced ||= this.fsync === 'everysec';
    this.scheduleMerge(idle);
  }

  /**
   * A unit clearing slots that now hold LMDB_BULK_MIN_KEYS keys or more: the marker transaction,
   * then the slices (see the module comment). The cleared slots track their changes from here on,
   * so the last transaction rewrites whatever changes after a slice wrote it.
   */
  private startBulk(): boolean {
    const slots = this.slots.filter((s) => s.cleared);
    if (slots.reduce((n, s) => n + s.mem.size(), 0) < LMDB_BULK_MIN_KEYS) return false;
    try {
      this.env.transactionSync(() => {
        this.meta.putSync('loading', true);
        this.meta.putSync('position', null);
        for (const s of slots) this.append(journalClear(s.slot));
      });
    } catch (err) {
      throw new LmdbWriteError(this.path, { cause: err });
    }
    this.markerOnDisk = true;
    this.stats.journalEntries += slots.length;
    // the last transaction writes the position again (the file holds none meanwhile)
    this.positionDirty = true;
    for (const s of slots) s.cleared = false;
    this.bulk = { slots, index: 0, entries: null, timer: null };
    this.stats.transactions++;
    this.stats.bulkWrites++;
    this.bulk.timer = setImmediate(() => this.bulkSlice(LMDB_BULK_SLICE_MS));
    return true;
  }

  /** One slice of the bulk write (`budgetMs` Infinity: the rest at once); the last transaction after the last slice. */
  private bulkSlice(budgetMs: number): void {
    const b = this.bulk as BulkWrite;
    b.timer = null;
    const deadline = performance.now() + budgetMs;
    let written: { records: number; bytes: number };
    try {
      written = this.env.transactionSync(() => writeBulkSlice(b, (entry) => this.append(entry), deadline));
    } catch (err) {
      throw new LmdbWriteError(this.path, { cause: err });
    }
    this.stats.transactions++;
    this.stats.bulkSlices++;
    this.stats.recordsWritten += written.records;
    this.stats.bytesWritten += written.bytes;
    this.stats.journalEntries += written.records;
    if (b.index < b.slots.length) {
      if (budgetMs !== Number.POSITIVE_INFINITY) b.timer = setImmediate(() => this.bulkSlice(LMDB_BULK_SLICE_MS));
      return;
    }
    this.bulk = null;
    // a unit in progress waits for its commit, which writes the last transaction
    if (!this.closing && !this.unit.open) this.flush();
  }

  private syncNow(): void {
    if (!this.unsynced || this.closed) return;
    this.unsynced = false;
    this.stats.fsyncs++;
    // LMDB's mdb_env_sync(force) on a thread of its own; the next tick of the timer covers a failure
    (this.env as unknown as { sync(done: (err?: Error) => void): void }).sync((err) => {
      if (err) this.unsynced = true;
    });
  }

  /**
   * Writes what was committed and closes the file. Writes made after the last commit point are
   * written too, without a replication position (a restart then full-syncs rather than trusting it).
   */
  close(): void {
    if (this.closed) return;
    this.closing = true;
    if (this.flushTimer !== null) clearImmediate(this.flushTimer);
    if (this.bulk !== null) {
      if (this.bulk.timer !== null) clearImmediate(this.bulk.timer);
      while (this.bulk !== null) this.bulkSlice(Number.POSITIVE_INFINITY);
    }
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    if (this.mergeTimer !== null) {
      clearTimeout(this.mergeTimer as NodeJS.Timeout);
      clearImmediate(this.mergeTimer as NodeJS.Immediate);
    }
    this.mergeTimer = null;
    this.flushTimer = null;
    this.syncTimer = null;
    if (this.unit.open) {
      this.unit.open = false;
      this.pending = true;
      if (this.position !== undefined) {
        this.position = undefined;
        this.positionDirty = true;
      }
    }
    try {
      this.flush();
    } finally {
      this.closed = true;
      void this.env.close();
    }
  }
}

/** Opens (or creates) the LMDB storage of `databases` databases. */
export function openLmdbStorage(databases: number, options: LmdbStorageOptions): LmdbStorageAdapter {
  return new LmdbStorageAdapter(databases, options);
}

/** A factory for `createKeyspace({ storage })`: the keyspace passes its database count. */
export function lmdbStorage(options: LmdbStorageOptions): (databases: number) => LmdbStorageAdapter {
  return (databases) => new LmdbStorageAdapter(databases, options);
}
