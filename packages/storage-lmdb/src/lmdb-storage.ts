/**
 * The LMDB storage adapter. The working set lives in memory (the keyspace's own Map store, so
 * commands and snapshots run at in-memory speed); LMDB holds the durable copy. Each write marks its
 * key dirty; at a commit point the unit is closed, and the dirty keys are written (their current
 * value and TTL, or a delete) in one LMDB write transaction together with the replication
 * position of that commit point and the SWAPDB mapping. A transaction only ever starts at a commit
 * point, so what LMDB holds is always the state after some unit, with that unit's position: a
 * process killed at any moment restarts from the last written unit, never from half of one.
 *
 * `fsync` (like `appendfsync`):
 * - `always`: the transaction is written and fsynced inside commit(), before the command's reply;
 * - `everysec`: written at the end of the event-loop turn (the OS has it: a killed process loses
 *   nothing committed), fsynced once a second (a power loss loses up to about a second);
 * - `no`: written at the end of the turn, fsynced when the OS decides.
 *
 * Bulk units: a unit that rewrites a cleared slot of LMDB_BULK_MIN_KEYS keys or more (a replica's
 * full sync load) would block the event loop for seconds as one transaction. It is written in
 * slices instead: a first transaction stores the `loading` marker, drops the position and empties
 * the cleared slots' tables; then each event-loop turn writes up to LMDB_BULK_SLICE_MS of records
 * from a pinned iterator; the last transaction writes every key changed meanwhile, the slot map and
 * the position, and removes the marker. A file opened with the marker is a half-written load: its
 * records and position are discarded (an empty store without a position: the replica full-syncs).
 * Until that last transaction, the position on disk is none: with `always`, commits made during
 * the slices are durable at its end.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BinaryString, DbStore, ReplicationPosition, StorageAdapter } from '@replikit/keyspace';
import { type Database, open, type RootDatabase } from 'lmdb';
import { type BulkWrite, longKeyHash, writeBulkSlice } from './bulk-write';
import { LmdbDbStore, type UnitState } from './db-store';
import { DEFAULT_LMDB_FILENAME, DEFAULT_LMDB_FSYNC, LMDB_BULK_MIN_KEYS, LMDB_BULK_SLICE_MS, LMDB_FSYNC_INTERVAL_MS, MAX_INLINE_KEY_BYTES } from './defaults';
import { LmdbCorruptRecordError, LmdbInvalidOptionError, LmdbOpenError, LmdbWriteError } from './errors';
import { type DecodedRecord, encodeRecord, RECORD_TABLE } from './record-codec';

/** `appendfsync`-like durability policy. */
export type LmdbFsyncPolicy = 'always' | 'everysec' | 'no';

export interface LmdbStorageOptions {
  /** the directory of the files (the server's `dir`); created if missing */
  dir: string;
  /** the LMDB file inside `dir` @default 'replikit.lmdb' */
  filename?: string;
  /** durability of committed units (see the module comment) @default 'everysec' */
  fsync?: LmdbFsyncPolicy;
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
}

const FORMAT = 1;

/** A StorageAdapter persisted in one LMDB file; see the module comment. */
export class LmdbStorageAdapter implements StorageAdapter {
  readonly path: string;
  readonly fsync: LmdbFsyncPolicy;
  readonly stats: LmdbStorageStats = { keysLoaded: 0, transactions: 0, recordsWritten: 0, bytesWritten: 0, fsyncs: 0, bulkWrites: 0, bulkSlices: 0, discardedPartialLoad: false };
  private readonly env: RootDatabase;
  private readonly meta: Database;
  private readonly inline: Database<Buffer, Buffer>[] = [];
  private readonly long: Database<Buffer, Buffer>[] = [];
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
    this.path = join(options.dir, options.filename ?? DEFAULT_LMDB_FILENAME);
    try {
      mkdirSync(options.dir, { recursive: true });
      // overlappingSync off: with fsync 'always' a commit returns once the transaction is on disk.
      // useWritemap: pages are changed in the shared mapping, so a commit makes no write(2) of its
      // pages (5x cheaper for the small transactions of one event-loop turn, measured in
      // docs/benchmarks.md); a killed process loses nothing (the pages are the kernel's), and what
      // reaches the disk when stays the fsync policy's (msync on commit with 'always').
      this.env = open({ path: this.path, maxDbs: 2 * databases + 1, noSync: fsync !== 'always', overlappingSync: false, useWritemap: true });
      this.meta = this.env.openDB('meta', {});
      for (let s = 0; s < databases; s++) {
        this.inline.push(this.env.openDB(`db${s}`, RECORD_TABLE) as unknown as Database<Buffer, Buffer>);
        this.long.push(this.env.openDB(`long${s}`, RECORD_TABLE) as unknown as Database<Buffer, Buffer>);
      }
    } catch (err) {
      throw new LmdbOpenError(this.path, (err as Error).message, { cause: err });
    }
    this.map = this.readMeta();
    for (let s = 0; s < databases; s++) this.slots.push(new LmdbDbStore(s, this.unit));
    for (let s = 0; s < databases; s++) this.load(s);
    if (fsync === 'everysec') {
      this.syncTimer = setInterval(() => this.syncNow(), LMDB_FSYNC_INTERVAL_MS);
      this.syncTimer.unref();
    }
  }

  /** The format, database count, SWAPDB mapping and position of an existing file; writes them to a new one. */
  private readMeta(): number[] {
    const format = this.meta.get('format') as number | undefined;
    if (format === undefined) {
      const map = Array.from({ length: this.databases }, (_, i) => i);
      this.env.transactionSync(() => {
        this.meta.putSync('format', FORMAT);
        this.meta.putSync('databases', this.databases);
        this.meta.putSync('map', map);
        this.meta.putSync('position', null);
      });
      return map;
    }
    if (format !== FORMAT) throw new LmdbOpenError(this.path, `format ${format} is not ${FORMAT}`);
    const n = this.meta.get('databases') as number;
    if (n !== this.databases) throw new LmdbOpenError(this.path, `it holds ${n} databases, ${this.databases} were asked for`);
    if (this.meta.get('loading') === true) {
      // killed while a bulk unit was written: no complete state to restart from
      const map = Array.from({ length: this.databases }, (_, i) => i);
      this.env.transactionSync(() => {
        for (let s = 0; s < this.databases; s++) {
          this.inline[s].clearSync();
          this.long[s].clearSync();
        }
        this.meta.putSync('map', map);
        this.meta.putSync('position', null);
        this.meta.removeSync('loading');
      });
      this.stats.discardedPartialLoad = true;
      return map;
    }
    const map = this.meta.get('map') as number[];
    const p = this.meta.get('position') as ReplicationPosition | null;
    this.position = p === null || p === undefined ? undefined : { replid: p.replid, offset: p.offset, streamDb: p.streamDb ?? 0 };
    return [...map];
  }

  private load(slot: number): void {
    const mem = this.slots[slot].mem;
    const put = (key: string | undefined, r: DecodedRecord | Error) => {
      if (r instanceof Error) throw new LmdbCorruptRecordError(slot, r.message, { cause: r });
      const k = key ?? r.key;
      if (k === undefined) throw new LmdbCorruptRecordError(slot, 'a long-key record without its key');
      mem.set(k, r.value);
      if (r.expireAt >= 0) mem.setExpire(k, r.expireAt);
      this.stats.keysLoaded++;
    };
    const inline = this.inline[slot] as unknown as Database<DecodedRecord | Error, Buffer>;
    const long = this.long[slot] as unknown as Database<DecodedRecord | Error, Buffer>;
    for (const { key, value } of inline.getRange({})) put(key.toString('latin1'), value);
    for (const { value } of long.getRange({})) put(undefined, value);
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

  /** Writes every committed change and the position in one transaction (or starts a bulk write). */
  private flush(): void {
    if (!this.pending || this.bulk !== null) return;
    if (!this.closing && this.startBulk()) return;
    let records = 0;
    let bytes = 0;
    try {
      this.env.transactionSync(() => {
        for (const s of this.slots) {
          if (s.cleared) {
            this.inline[s.slot].clearSync();
            this.long[s.slot].clearSync();
          }
          if (s.dirty.size === 0 && !s.cleared) continue;
          const inline = this.inline[s.slot];
          const long = this.long[s.slot];
          // after a clear (a full sync's load, FLUSHDB) the whole slot is written: no per-key set to keep
          const keys: Iterable<BinaryString> = s.cleared ? { [Symbol.iterator]: () => s.mem.keys() } : s.dirty;
          for (const key of keys) {
            const isLong = key.length > MAX_INLINE_KEY_BYTES;
            const table = isLong ? long : inline;
            const k = isLong ? longKeyHash(key) : Buffer.from(key, 'latin1');
            const v = s.mem.get(key);
            records++;
            if (v === undefined) {
              table.removeSync(k);
              continue;
            }
            const rec = encodeRecord(key, v, s.mem.getExpire(key) ?? -1, isLong);
            bytes += rec.length;
            table.putSync(k, rec);
          }
        }
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
        for (const s of slots) {
          this.inline[s.slot].clearSync();
          this.long[s.slot].clearSync();
        }
      });
    } catch (err) {
      throw new LmdbWriteError(this.path, { cause: err });
    }
    this.markerOnDisk = true;
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
      written = this.env.transactionSync(() => writeBulkSlice(b, this.inline, this.long, deadline));
    } catch (err) {
      throw new LmdbWriteError(this.path, { cause: err });
    }
    this.stats.transactions++;
    this.stats.bulkSlices++;
    this.stats.recordsWritten += written.records;
    this.stats.bytesWritten += written.bytes;
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
