/**
 * The LMDB storage adapter. The working set lives in memory (the keyspace's own store, so commands
 * and snapshots run at in-memory speed); LMDB holds the durable copy. Each write marks its key
 * dirty; at a commit point the dirty keys (their current value and TTL, or a delete) are written in
 * one LMDB transaction with the position of that commit point and the SWAPDB mapping. A
 * transaction only ever starts at a commit point, so a process killed at any moment restarts from
 * the last written unit with its position, never from half of one.
 *
 * Layout (like Redis's AOF with an RDB preamble): a base snapshot in chunks plus a log. A
 * transaction appends its entries to the log as one blob (journal.ts: one put, LMDB's append flag).
 * Once the log holds rewriteMinBytes and rewritePercentage % of the base, a rewrite writes a new
 * base into the other base table in slices of LMDB_BULK_SLICE_MS (bulk-write.ts), reading the
 * committed working set through pinned iterators between units; one transaction then makes it the
 * base, with the log from the sequence number the rewrite started at (older entries are deleted in
 * the background). Entries carry whole values, so replaying one over a base that already holds its
 * effect changes nothing: base plus log is always the committed state, and open reads exactly that.
 *
 * `fsync` (like `appendfsync`): `always` writes and fsyncs inside commit(), before the reply;
 * `everysec` writes at the end of the event-loop turn (a killed process loses nothing committed)
 * and fsyncs once a second; `no` writes at the end of the turn and leaves fsync to the OS.
 *
 * Bulk units (a replica's full sync load, written as a rewrite under a marker): see bulk-write.ts.
 * An open sizes its tables from the key counts the last rewrite or close recorded (`sizes`).
 */
import { join } from 'node:path';
import type { DbStore, ReplicationPosition, StorageAdapter } from '@replikit/keyspace';
import type { RootDatabase } from 'lmdb';
import { AuxRecords } from './aux-records';
import { abandonBulkWrite, type BulkWrite, hasOlderEntries, newBulkWrite, trimLog, writeBulkSlice } from './bulk-write';
import { LmdbDbStore, type UnitState, writeSlotChanges } from './db-store';
import { DEFAULT_LMDB_FILENAME, LMDB_BLOB_BYTES, LMDB_BULK_MIN_KEYS, LMDB_BULK_SLICE_MS } from './defaults';
import { EverysecSync } from './everysec-sync';
import { LmdbWriteError } from './errors';
import { blobEnd, EntryWriter, journalKey } from './journal';
import { lastLogSeq, openTables, type StoreLayout, type StoreTables } from './load';
import { readFile, v1TableCount } from './migrate-v1';
import { type LmdbFsyncPolicy, type LmdbStorageOptions, type LmdbStorageStats, resolveOptions } from './options';

export type { LmdbFsyncPolicy, LmdbStorageOptions, LmdbStorageStats } from './options';

const APPEND = { append: true } as const;

/** A StorageAdapter persisted in one LMDB file; see the module comment. */
export class LmdbStorageAdapter implements StorageAdapter {
  readonly path: string;
  readonly fsync: LmdbFsyncPolicy;
  readonly rewriteMinBytes: number;
  readonly rewritePercentage: number;
  readonly stats: LmdbStorageStats = { keysLoaded: 0, transactions: 0, recordsWritten: 0, bytesWritten: 0, fsyncs: 0, bulkWrites: 0, bulkSlices: 0, discardedPartialLoad: false, logBytes: 0, baseBytes: 0, rewrites: 0, rewriteSlices: 0, migratedKeys: -1 };
  private readonly env: RootDatabase;
  private readonly t: StoreTables;
  private layout: StoreLayout;
  /** the next log sequence number */
  private seq = 1;
  /** the layout the next flush switches to (the last transaction of a bulk unit) */
  private switchTo: StoreLayout | null = null;
  private trimTimer: NodeJS.Immediate | null = null;
  private readonly slots: LmdbDbStore[] = [];
  /** logical database -> slot (SWAPDB exchanges entries) */
  private map: number[];
  private mapDirty = false;
  private position: ReplicationPosition | undefined;
  private positionDirty = false;
  private readonly unit: UnitState = { open: false, writer: new EntryWriter() };
  /** StorageAdapter.putAux records (aux-records.ts) */
  private readonly aux = new AuxRecords();
  /** committed units not yet written to LMDB */
  private pending = false;
  private flushTimer: NodeJS.Immediate | null = null;
  private readonly everysec: EverysecSync;
  private closed = false;
  private closing = false;
  /** the rewrite in progress (a bulk unit or a background rewrite) */
  private bulk: BulkWrite | null = null;
  /** the load-in-progress marker is in the file (removed by the next full transaction) */
  private markerOnDisk = false;
  private readonly log: ((line: string) => void) | undefined;

  constructor(
    readonly databases: number,
    options: LmdbStorageOptions,
  ) {
    const o = resolveOptions(databases, options);
    this.fsync = o.fsync;
    this.rewriteMinBytes = o.rewriteMinBytes;
    this.rewritePercentage = o.rewritePercentage;
    this.log = options.log;
    this.path = join(options.dir, options.filename ?? DEFAULT_LMDB_FILENAME);
    ({ env: this.env, tables: this.t } = openTables(options.dir, this.path, o.fsync, 4 + v1TableCount(databases)));
    for (let s = 0; s < databases; s++) this.slots.push(new LmdbDbStore(s, this.unit));
    let opened: ReturnType<typeof readFile>;
    try {
      opened = readFile(this.env, this.t, this.slots, this.path, options.log);
    } catch (err) {
      // lmdb keeps one handle per path in a process: a file refused here must not stay open
      void this.env.close();
      throw err;
    }
    const { meta, loaded } = opened;
    this.map = meta.map;
    this.position = meta.position;
    this.layout = meta.layout;
    this.stats.discardedPartialLoad = meta.discarded || opened.migrated?.discarded === true;
    this.stats.migratedKeys = opened.migrated?.keys ?? -1;
    this.aux.open(this.env, this.t.meta, this.stats.discardedPartialLoad);
    this.seq = Math.max(lastLogSeq(this.t.log), this.layout.from - 1) + 1;
    this.stats.logBytes = loaded.logBytes;
    this.stats.baseBytes = loaded.baseBytes;
    this.stats.keysLoaded = this.slots.reduce((n, s) => n + s.mem.size(), 0);
    this.scheduleTrim();
    this.maybeRewrite();
    this.everysec = new EverysecSync(this.env, o.fsync, () => this.stats.fsyncs++);
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

  putAux(name: string, value: Uint8Array | null): void {
    this.aux.put(name, value);
    this.unit.open = true;
  }

  getAux(name: string): Uint8Array | undefined {
    return this.aux.get(name);
  }

  private flushNow(): void {
    this.flushTimer = null;
    // a unit still in progress (writes made outside any commit point) waits for its commit
    if (!this.closed && !this.unit.open) this.flush();
  }

  /** Runs `fn` in a write transaction; a failure aborts it and throws LmdbWriteError. */
  private tx<T>(fn: () => T): T {
    try {
      return this.env.transactionSync(fn);
    } catch (err) {
      throw new LmdbWriteError(this.path, { cause: err });
    }
  }

  /** Writes every committed change and the position in one transaction (or starts a bulk unit). */
  private flush(): void {
    if (!this.pending || this.bulk?.bulk === true) return;
    if (!this.closing && this.startBulk()) return;
    const to = this.switchTo;
    const w = this.unit.writer;
    const mark = w.length;
    const marked = w.count;
    let seq = this.seq;
    try {
      this.env.transactionSync(() => {
        for (const s of this.slots) writeSlotChanges(s, w);
        // the unit's entries in values of about LMDB_BLOB_BYTES (LMDB copies them: the writer is reused)
        const all = w.blob();
        for (let p = 0; p < all.length; ) {
          const end = blobEnd(all, p, LMDB_BLOB_BYTES);
          this.t.log.putSync(journalKey(seq++), all.subarray(p, end), APPEND);
          p = end;
        }
        if (this.mapDirty) this.t.meta.putSync('map', this.map);
        if (this.positionDirty) this.t.meta.putSync('position', this.position ?? null);
        this.aux.write(this.t.meta);
        if (to !== null) this.switchLayout(to);
        else if (this.closing) this.writeSizes();
        if (this.markerOnDisk) this.t.meta.removeSync('loading');
      });
    } catch (err) {
      // the transaction was aborted: the entries and dirty keys stay for the next one
      w.truncate(mark, marked);
      throw new LmdbWriteError(this.path, { cause: err });
    }
    const records = w.count;
    const bytes = w.length;
    this.seq = seq;
    w.reset();
    // only now: an aborted transaction leaves every change dirty for the next one
    for (const s of this.slots) {
      s.cleared = false;
      if (s.dirty.size !== 0) s.dirty = new Set();
    }
    this.mapDirty = false;
    this.positionDirty = false;
    this.aux.written();
    this.markerOnDisk = false;
    this.pending = false;
    this.everysec.written();
    this.stats.transactions++;
    this.stats.recordsWritten += records;
    this.stats.bytesWritten += bytes;
    this.stats.logBytes += bytes;
    if (to !== null) this.switched(to);
    this.maybeRewrite();
  }

  /** Inside a transaction: `to` becomes the layout; the previous base is dropped. */
  private switchLayout(to: StoreLayout): void {
    this.t.meta.putSync('layout', to);
    if (this.layout.base >= 0 && this.layout.base !== to.base) this.t.bases[this.layout.base].clearSync();
    this.writeSizes();
  }

  /** Inside a transaction: the keys and slab bytes per slot, the hints an open sizes its tables and slabs with. */
  private writeSizes(): void {
    this.t.meta.putSync('sizes', this.slots.map((s) => s.mem.size()));
    this.t.meta.putSync('slabBytes', this.slots.map((s) => s.mem.slabBytes()));
  }

  /** After the transaction that switched to `to` (written by the rewrite `b`). */
  private switched(to: StoreLayout, b?: BulkWrite): void {
    this.layout = to;
    this.switchTo = null;
    this.stats.rewrites++;
    if (b !== undefined) this.stats.baseBytes = b.bytes;
    this.scheduleTrim();
  }

  /** Starts a background rewrite once the log outgrew the base (see the module comment). */
  private maybeRewrite(): void {
    const log = this.stats.logBytes;
    if (this.bulk !== null || this.closing || this.closed || this.rewritePercentage === 0 || log === 0 || log < this.rewriteMinBytes || log * 100 < this.stats.baseBytes * this.rewritePercentage) return;
    this.bulk = newBulkWrite(false, this.layout.base === 0 ? 1 : 0, this.seq, this.stats.logBytes, [...this.slots]);
    this.log?.(`Background rewrite of the lmdb base started (log ${log} bytes, base ${this.stats.baseBytes} bytes)`);
    this.bulk.timer = setImmediate(() => this.bulkSlice(LMDB_BULK_SLICE_MS));
  }

  /**
   * A unit clearing slots that now hold LMDB_BULK_MIN_KEYS keys or more: the marker transaction,
   * then the slices of a rewrite (see the module comment). The cleared slots track their changes
   * from here on, so the last transaction writes whatever changes after a slice wrote it.
   */
  private startBulk(): boolean {
    const cleared = this.slots.filter((s) => s.cleared);
    if (cleared.length === 0 || cleared.reduce((n, s) => n + s.mem.size(), 0) < LMDB_BULK_MIN_KEYS) return false;
    // a background rewrite gives way: its base would hold the dataset before the load
    if (this.bulk !== null) abandonBulkWrite(this.bulk);
    this.switchTo = null;
    const target = this.layout.base === 0 ? 1 : 0;
    this.tx(() => {
      this.t.meta.putSync('loading', true);
      this.t.meta.putSync('position', null);
      this.t.bases[target].clearSync();
    });
    this.markerOnDisk = true;
    // the new base holds every change so far: the entries written until now are not needed
    this.unit.writer.reset();
    // the last transaction writes the position again (the file holds none meanwhile)
    this.positionDirty = true;
    for (const s of cleared) s.cleared = false;
    this.bulk = newBulkWrite(true, target, this.seq, this.stats.logBytes, [...this.slots]);
    this.stats.transactions++;
    this.stats.bulkWrites++;
    this.bulk.timer = setImmediate(() => this.bulkSlice(LMDB_BULK_SLICE_MS));
    return true;
  }

  /** One slice of the rewrite (`budgetMs` Infinity: the rest at once); then its last transaction. */
  private bulkSlice(budgetMs: number): void {
    const b = this.bulk as BulkWrite;
    b.timer = null;
    if (!b.bulk) {
      // a background rewrite reads the committed state only: no unit open, every unit written
      if (this.unit.open) {
        b.timer = setImmediate(() => this.bulkSlice(budgetMs));
        return;
      }
      if (this.pending) this.flush();
      if (this.bulk !== b) return;
    }
    const deadline = performance.now() + budgetMs;
    const table = this.t.bases[b.target];
    this.tx(() => {
      if (!b.bulk && !b.started) table.clearSync();
      b.started = true;
      writeBulkSlice(b, table, deadline);
    });
    this.stats.transactions++;
    this.stats[b.bulk ? 'bulkSlices' : 'rewriteSlices']++;
    this.everysec.written();
    if (b.index < b.slots.length) {
      if (budgetMs !== Number.POSITIVE_INFINITY) b.timer = setImmediate(() => this.bulkSlice(LMDB_BULK_SLICE_MS));
      return;
    }
    this.bulk = null;
    const to: StoreLayout = { base: b.target, from: b.from };
    if (b.bulk) {
      // the last transaction is the next flush (a unit in progress waits for its commit)
      this.switchTo = to;
      this.pending = true;
      this.stats.baseBytes = b.bytes;
      this.stats.logBytes = 0;
      if (!this.closing && !this.unit.open) this.flush();
      return;
    }
    this.tx(() => this.switchLayout(to));
    this.stats.transactions++;
    // the log entries the rewrite started with are in the base now
    this.stats.logBytes = Math.max(0, this.stats.logBytes - b.logBytesAtStart);
    this.switched(to, b);
    this.log?.(`Background rewrite of the lmdb base finished: ${b.records} keys, ${b.bytes} bytes in ${b.slices} slices`);
  }

  /** Deletes, in the background, log entries older than the layout's first one (a rewrite covers them). */
  private scheduleTrim(): void {
    if (this.trimTimer === null && !this.closing && !this.closed && hasOlderEntries(this.t.log, this.layout.from)) {
      this.trimTimer = setImmediate(() => this.trimSlice());
    }
  }

  private trimSlice(): void {
    this.trimTimer = null;
    if (this.closing || this.closed) return;
    this.tx(() => trimLog(this.t.log, this.layout.from, 4096));
    this.stats.transactions++;
    this.everysec.written();
    this.scheduleTrim();
  }

  /**
   * Writes what was committed and closes the file. Writes made after the last commit point are
   * written too, without a replication position (a restart then full-syncs rather than trusting it).
   */
  close(): void {
    if (this.closed) return;
    this.closing = true;
    if (this.flushTimer !== null) clearImmediate(this.flushTimer);
    if (this.trimTimer !== null) clearImmediate(this.trimTimer);
    if (this.bulk !== null && !this.bulk.bulk) {
      // a background rewrite is dropped: the base and log it started from are still the state
      abandonBulkWrite(this.bulk);
      this.bulk = null;
    }
    if (this.bulk !== null) {
      if (this.bulk.timer !== null) clearImmediate(this.bulk.timer);
      while (this.bulk !== null) this.bulkSlice(Number.POSITIVE_INFINITY);
    }
    this.everysec.stop();
    this.trimTimer = this.flushTimer = null;
    if (this.unit.open) {
      this.unit.open = false;
      this.pending = true;
      if (this.position !== undefined) {
        this.position = undefined;
        this.positionDirty = true;
      }
    }
    // the last transaction also records the table sizes for the next open
    this.pending = true;
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
