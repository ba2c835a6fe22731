/**
 * Point-in-time snapshots without fork: copy-on-write of a key's old value on its first change
 * after the snapshot began, plus pinned store iterators (see storage/adapter.ts). Extra memory is
 * proportional to the keys written while the snapshot is open. A store with the
 * `pointInTimeReads` capability (an MVCC read transaction) needs no copy-on-write: its pinned
 * iterators already yield the entries as they were when opened.
 */
import type { BinaryString, StoredValue } from '../command-api';
import { cloneValue, type DbImpl, exposed, type SnapshotObserver } from '../db';
import type { DbStore, PinnedIterator } from '../storage/adapter';
import { binarySlice } from '@replikit/resp/internal';
import { hashKey, hashKeyBytes } from '../storage/key-hash';
import { hasPinnedRecords, type PinnedRecordVisitor } from '../storage/memory-adapter';

/** One key of a snapshot. */
export interface SnapshotEntry {
  readonly db: number;
  readonly key: BinaryString;
  /**
   * The value at the snapshot's moment. Collections may be the live objects: consume (serialize)
   * a batch before returning to the event loop, or clone what you keep.
   */
  readonly value: StoredValue;
  /** absolute unix ms, or -1 */
  readonly expireAt: number;
}

/**
 * Receives the entries of Snapshot.nextInto. A string value the store holds as bytes (the in-memory
 * store's slab records) comes to `stringBytes` with no JS string made for its key or value; the
 * Buffers are the store's memory, valid only during the call. Every other entry comes to `entry`.
 */
export interface SnapshotSink {
  entry(e: SnapshotEntry): void;
  /** db `db`, key `kb[ks, ke)`, string value `vb[vs, ve)`, TTL absolute unix ms or -1 */
  stringBytes(db: number, kb: Buffer, ks: number, ke: number, vb: Buffer, vs: number, ve: number, expireAt: number): void;
}

export interface SnapshotBatchLimits {
  /** at most this many entries @default 1000 */
  maxKeys?: number;
  /** stop after about this many ms @default 5 */
  maxMs?: number;
}

/** A point-in-time view of every database, iterated incrementally while writes continue. */
export interface Snapshot {
  /** unix ms when it was taken */
  readonly createdAt: number;
  /** true once every entry was returned (or after close) */
  readonly done: boolean;
  /** old values currently held for copy-on-write */
  readonly retainedCount: number;
  /** The next entries (db by db); never empty before the snapshot is complete, empty once it is. */
  nextBatch(limits?: SnapshotBatchLimits): SnapshotEntry[];
  /**
   * nextBatch(limits) handed to `sink` entry by entry (the same entries in the same order, string
   * values possibly as bytes); the number of entries handed, 0 once complete.
   */
  nextInto(limits: SnapshotBatchLimits | undefined, sink: SnapshotSink): number;
  /** Batches, yielding to the event loop (setImmediate) between them. */
  batches(limits?: SnapshotBatchLimits): AsyncIterableIterator<SnapshotEntry[]>;
  /** Releases everything it holds; idempotent. */
  close(): void;
}

const ABSENT = 0;
const DONE = 1;
interface Saved {
  value: StoredValue;
  expireAt: number;
}
type SavedState = Saved | typeof ABSENT | typeof DONE;

class DbObserver implements SnapshotObserver {
  readonly saved = new Map<BinaryString, SavedState>();
  /**
   * The key hashes of `saved` (30 bits, small integers): a record whose hash is not here was not
   * written since the snapshot began, so its key string is never made to look it up in `saved`.
   */
  readonly savedHashes = new Set<number>();
  iter: PinnedIterator | null;
  constructor(
    readonly index: number,
    store: DbStore,
  ) {
    this.iter = store.size() === 0 ? null : store.pinnedEntries();
  }
  beforeWrite(store: DbStore, key: BinaryString): void {
    if (this.saved.has(key)) return;
    const v = store.get(key);
    this.saved.set(key, v === undefined ? ABSENT : { value: cloneValue(v), expireAt: store.getExpire(key) ?? -1 });
    this.savedHashes.add(hashKey(key) & 0x3fffffff);
  }
}

export class PointInTimeSnapshot implements Snapshot {
  readonly createdAt: number;
  private readonly observers: DbObserver[] = [];
  private cur = 0;
  private closed = false;

  constructor(
    private readonly dbs: readonly DbImpl[],
    now: number,
    private readonly onClose: (s: PointInTimeSnapshot) => void,
    pointInTime = false,
  ) {
    this.createdAt = now;
    for (const d of dbs) {
      const o = new DbObserver(d.index, d.store);
      this.observers.push(o);
      // a store whose pinned iterators read the moment they were opened keeps the old values itself
      if (o.iter && !pointInTime) d.addObserver(o);
    }
  }

  get done(): boolean {
    return this.closed || this.cur >= this.observers.length;
  }

  get retainedCount(): number {
    let n = 0;
    for (const o of this.observers) n += o.saved.size;
    return n;
  }

  nextBatch(limits?: SnapshotBatchLimits): SnapshotEntry[] {
    if (this.closed) return [];
    const maxKeys = limits?.maxKeys ?? 1000;
    const maxMs = limits?.maxMs ?? 5;
    const start = performance.now();
    const out: SnapshotEntry[] = [];
    while (this.cur < this.observers.length && out.length < maxKeys) {
      const o = this.observers[this.cur];
      if (!o.iter) {
        this.finishDb(o);
        continue;
      }
      const chunk = o.iter.next(Math.min(128, maxKeys - out.length));
      if (chunk.length === 0) {
        this.finishDb(o);
        continue;
      }
      for (const e of chunk) {
        const s = o.saved.get(e.key);
        if (s !== undefined) {
          if (s === DONE) continue;
          o.saved.set(e.key, DONE);
          if (s !== ABSENT) out.push({ db: o.index, key: e.key, value: s.value, expireAt: s.expireAt });
        } else if (e.value !== undefined) {
          // a string edited in place is held as a MutableString (db.ts): entries carry its string
          out.push({ db: o.index, key: e.key, value: exposed(e.value), expireAt: e.expireAt });
        }
      }
      // the time limit ends a batch only once it has an entry: a chunk of keys already returned or
      // deleted since the snapshot began yields nothing, and [] means "complete"
      if (out.length > 0 && performance.now() - start >= maxMs) break;
    }
    if (this.cur >= this.observers.length) this.close();
    return out;
  }

  nextInto(limits: SnapshotBatchLimits | undefined, sink: SnapshotSink): number {
    if (this.closed) return 0;
    const maxKeys = limits?.maxKeys ?? 1000;
    const maxMs = limits?.maxMs ?? 5;
    const start = performance.now();
    let n = 0;
    let o: DbObserver = this.observers[this.cur];
    // the copy-on-write rules of nextBatch, for the entry the store hands over
    const take = (key: BinaryString, value: StoredValue | undefined, expireAt: number): void => {
      const s = o.saved.get(key);
      if (s !== undefined) {
        if (s === DONE) return;
        o.saved.set(key, DONE);
        if (s !== ABSENT) {
          n++;
          sink.entry({ db: o.index, key, value: s.value, expireAt: s.expireAt });
        }
      } else if (value !== undefined) {
        n++;
        sink.entry({ db: o.index, key, value: exposed(value), expireAt });
      }
    };
    const visitor: PinnedRecordVisitor = {
      record(kb, ks, ke, vb, vs, ve, expireAt) {
        // a key written since the snapshot began has its old value saved: only then is its string needed
        if (o.saved.size !== 0 && o.savedHashes.has(hashKeyBytes(kb, ks, ke) & 0x3fffffff)) {
          const key = binarySlice(kb, ks, ke);
          if (o.saved.has(key)) return take(key, undefined, -1);
        }
        n++;
        sink.stringBytes(o.index, kb, ks, ke, vb, vs, ve, expireAt);
      },
      entry: take,
    };
    while (this.cur < this.observers.length && n < maxKeys) {
      o = this.observers[this.cur];
      if (!o.iter) {
        this.finishDb(o);
        continue;
      }
      const iter = o.iter;
      const want = Math.min(128, maxKeys - n);
      let seen: number;
      if (hasPinnedRecords(iter)) seen = iter.nextRecords(want, visitor);
      else {
        const chunk = iter.next(want);
        seen = chunk.length;
        for (const e of chunk) take(e.key, e.value, e.expireAt);
      }
      if (seen === 0) {
        this.finishDb(o);
        continue;
      }
      // as in nextBatch: the time limit ends a call only once it handed an entry
      if (n > 0 && performance.now() - start >= maxMs) break;
    }
    if (this.cur >= this.observers.length) this.close();
    return n;
  }

  private finishDb(o: DbObserver): void {
    o.iter?.close();
    o.iter = null;
    o.saved.clear();
    o.savedHashes.clear();
    for (const d of this.dbs) d.removeObserver(o);
    this.cur++;
  }

  async *batches(limits?: SnapshotBatchLimits): AsyncIterableIterator<SnapshotEntry[]> {
    try {
      for (;;) {
        if (this.closed) return;
        const b = this.nextBatch(limits);
        if (b.length === 0 && this.done) return;
        if (b.length) yield b;
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let i = this.cur; i < this.observers.length; i++) {
      const o = this.observers[i];
      o.iter?.close();
      o.iter = null;
      o.saved.clear();
      o.savedHashes.clear();
      for (const d of this.dbs) d.removeObserver(o);
    }
    this.cur = this.observers.length;
    this.onClose(this);
  }
}
