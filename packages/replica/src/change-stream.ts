/**
 * A change stream: a replica with no keyspace that follows any Redis 7.0 master (redis-server or
 * replikit) and hands the application the snapshot of a full sync, entry by entry, then every
 * command of the stream with its db and replication offset. Events and an async iterator (which
 * pauses the master link while the application lags). Save `position` to resume later: the next
 * stream continues with a partial resync when the master still holds the bytes after it.
 *
 * With a cursor store the stream keeps that position itself: the application acknowledges the
 * items it handled (`ack`), the stream saves the acknowledged position in batches (cursor-saver)
 * and starts from the saved one; what an ack of each kind of item means is in cursor-ledger.
 */
import { type RdbEntry, RdbReader, type RdbValue } from '@replikit/rdb';
import type { PayloadPreamble } from '@replikit/resp';
import EventEmitter from 'eventemitter3';
import { CursorLedger } from './cursor-ledger';
import { CursorSaver } from './cursor-saver';
import { type CursorPosition, type CursorStore, cursorPositionProblem } from './cursor-store';
import { DEFAULT_CHANGE_STREAM_HIGH_WATER, DEFAULT_CURSOR_SAVE_EVERY_ACKS, DEFAULT_CURSOR_SAVE_INTERVAL_MS } from './defaults';
import { ReplicaClosedError, ReplicaCursorAckError, ReplicaCursorStoreError, type ReplicaError, ReplicaInvalidOptionError } from './errors';
import type { ReplicaOptions, UpstreamNode } from './options';
import type { PayloadSink } from './payload-sink';
import { Replica } from './replica';
import type { StreamApplier } from './stream-applier';
import type { ReplicaConnector } from './tcp-connector';

/**
 * One item of a change stream. Keys and argv are binary (argv as latin1 binary strings). Every item
 * carries a replication offset: a command the offset after it, snapshot items the snapshot's offset
 * (the `+FULLRESYNC` one: the stream continues after it).
 */
export type ChangeEvent =
  /** `reset`: this snapshot replaces a history the stream had a position in (see `sync:reset`) */
  | { readonly type: 'snapshot:start'; readonly replid: string; readonly offset: number; readonly reset: boolean }
  | { readonly type: 'snapshot:entry'; readonly db: number; readonly key: Buffer; readonly value: RdbValue; readonly expireAt: number; readonly offset: number }
  | { readonly type: 'snapshot:end'; readonly keys: number; readonly replid: string; readonly offset: number }
  | { readonly type: 'command'; readonly argv: string[]; readonly db: number; readonly offset: number };

/** A saved position of a change stream (see cursor-store). */
export type ChangeStreamPosition = CursorPosition;

export interface ChangeStreamEvents {
  /**
   * A full sync is replacing the history the stream had a position in (the master no longer
   * covers it, or holds another history): everything derived from earlier items must be dropped.
   * Emitted right before the `snapshot:start` of that sync (whose `reset` is true).
   */
  'sync:reset': [previous: ChangeStreamPosition, replid: string, offset: number];
  'snapshot:start': [replid: string, offset: number];
  /** `expireAt`: absolute unix ms, -1 without a TTL; `offset`: the snapshot's */
  'snapshot:entry': [db: number, key: Buffer, value: RdbValue, expireAt: number, offset: number];
  'snapshot:end': [keys: number, replid: string, offset: number];
  command: [argv: string[], db: number, offset: number];
  'link:up': [];
  'link:down': [reason: ReplicaError];
  error: [err: ReplicaError];
}

export interface ChangeStreamOptions extends Omit<ReplicaOptions, 'replDisklessLoad' | 'dir' | 'dbfilename' | 'from'> {
  /** events buffered for the async iterator before the master link is paused @default 1024 */
  highWaterMark?: number;
  /** with a cursor: the acknowledged position is saved at least this often, ms @default 1000 */
  cursorSaveIntervalMs?: number;
  /** with a cursor: ... and after this many acknowledgements @default 1000 */
  cursorSaveEveryAcks?: number;
}

export interface ChangeStreamDeps {
  connect: ReplicaConnector;
  /**
   * A saved position: the last offset handled, in the history `replid`, and the db the stream had
   * selected there (default 0). With a cursor it is used only when the cursor holds none.
   */
  from?: { replid: string; offset: number; db?: number };
  /** Where the acknowledged position is kept: loaded at start, saved as the application acks. */
  cursor?: CursorStore;
}

/** Every command takes effect as it arrives: MULTI/EXEC are handed on as commands. */
const passThrough: StreamApplier = { apply: () => 'applied', reset() {}, discardTransaction() {} };

export class ChangeStream extends EventEmitter<ChangeStreamEvents> implements AsyncIterable<ChangeEvent> {
  /** the syncer underneath (state, info(), events of the link) */
  readonly replica: Replica;
  private queue: ChangeEvent[] | null = null;
  private head = 0;
  private waiter: { resolve: (r: IteratorResult<ChangeEvent>) => void; reject: (err: Error) => void } | null = null;
  private readonly highWater: number;
  private done = false;
  /** the cursor could not be loaded: the stream stopped, the iterator rejects with this */
  private failure: ReplicaError | null = null;
  /** where the stream started (the cursor's position, else `from`); set once the cursor is loaded */
  private start: CursorPosition | undefined;
  /** the db the stream has selected, and the offset of the last item handed out */
  private db = 0;
  private lastOffset = -1;
  private snapshotOffset = -1;
  private readonly ledger: CursorLedger | null;
  private readonly saver: CursorSaver | null;
  /** resolves once the cursor is loaded (false: it failed and the stream stopped) */
  private readonly ready: Promise<boolean>;

  constructor(deps: ChangeStreamDeps, options: ChangeStreamOptions = {}) {
    super();
    this.highWater = options.highWaterMark ?? DEFAULT_CHANGE_STREAM_HIGH_WATER;
    const from = deps.from === undefined ? undefined : { replid: deps.from.replid, offset: deps.from.offset, db: deps.from.db ?? 0 };
    const problem = from === undefined ? undefined : cursorPositionProblem(from);
    if (problem !== undefined) throw new ReplicaInvalidOptionError('deps.from', JSON.stringify(deps.from), problem);
    const cursor = deps.cursor;
    const { cursorSaveIntervalMs, cursorSaveEveryAcks, ...replicaOptions } = options;
    if (cursor === undefined) {
      this.ledger = null;
      this.saver = null;
      this.start = from;
      this.db = from?.db ?? 0;
      this.ready = Promise.resolve(true);
      this.replica = new Replica({ connect: deps.connect, applier: passThrough, payload: (p) => this.snapshotSink(p) }, { ...replicaOptions, from: from !== undefined && from.offset >= 0 ? from : undefined });
    } else {
      const intervalMs = cursorSaveIntervalMs ?? DEFAULT_CURSOR_SAVE_INTERVAL_MS;
      const everyAcks = cursorSaveEveryAcks ?? DEFAULT_CURSOR_SAVE_EVERY_ACKS;
      if (!(intervalMs > 0)) throw new ReplicaInvalidOptionError('cursorSaveIntervalMs', intervalMs, 'must be > 0');
      if (!Number.isInteger(everyAcks) || everyAcks < 1) throw new ReplicaInvalidOptionError('cursorSaveEveryAcks', everyAcks, 'must be an integer >= 1');
      this.ledger = new CursorLedger();
      this.saver = new CursorSaver(cursor, { intervalMs, everyAcks, onError: (e) => this.emit('error', e) });
      this.ready = this.loadCursor(cursor, from);
      // the position is asked for at each connect, once the cursor is loaded
      const node: UpstreamNode = { psyncTarget: () => this.psyncTarget(), upstreamFullSync() {}, upstreamContinue() {}, feedUpstream() {} };
      const connect: ReplicaConnector = async (signal) => {
        if (!(await this.ready)) throw new ReplicaClosedError();
        return deps.connect(signal);
      };
      this.replica = new Replica({ connect, node, applier: passThrough, payload: (p) => this.snapshotSink(p) }, replicaOptions);
    }
    this.replica.on('sync:start', (i) => this.syncStart(i.kind, i.replid, i.offset));
    this.replica.on('sync:done', (i) => {
      if (i.kind !== 'full') return;
      this.db = this.replica.streamDb;
      this.lastOffset = i.offset;
      const ev: ChangeEvent = { type: 'snapshot:end', keys: i.keys, replid: i.replid, offset: i.offset };
      this.ledger?.snapshotEnd(ev, this.db);
      this.push(ev, () => this.emit('snapshot:end', i.keys, i.replid, i.offset));
    });
    this.replica.on('command:applied', (argv, _db, offset) => this.command(argv, offset));
    this.replica.on('link:up', () => this.emit('link:up'));
    this.replica.on('link:down', (e) => this.emit('link:down', e));
    this.replica.on('error', (e) => this.emit('error', e));
  }

  /** Where the stream stands (the last item handed out): save it to resume (undefined before the first sync). */
  get position(): ChangeStreamPosition | undefined {
    const replid = this.replica.masterReplid;
    return replid === '' || replid === '?' ? undefined : { replid, offset: this.replica.offset, db: this.db };
  }

  /** With a cursor: the position the acknowledgements reached (saved or not yet). */
  get ackedPosition(): ChangeStreamPosition | undefined {
    return this.saver?.acked;
  }

  /** With a cursor: the last position the cursor store confirmed (or the one loaded at start). */
  get savedPosition(): ChangeStreamPosition | undefined {
    return this.saver?.saved;
  }

  /**
   * Acknowledges an item (or the command at `offset`) and every item handed out before it: the
   * cursor moves to the position it gives (cursor-ledger) and is saved with the next batch.
   * Acknowledging a snapshot entry changes nothing; `snapshot:end` moves the cursor to the snapshot.
   */
  ack(item: ChangeEvent | number): void {
    const ledger = this.ledger;
    const saver = this.saver;
    if (ledger === null || saver === null) throw new ReplicaCursorAckError(typeof item === 'number' ? item : item.offset, 'the change stream has no cursor store');
    if (typeof item === 'number' || item.type === 'command') {
      const p = ledger.ackOffset(typeof item === 'number' ? item : item.offset);
      if (p !== undefined) saver.ack(p, false);
      return;
    }
    const p = ledger.ackItem(item.type, item);
    // a cursor that must stop resuming the dropped history is saved at once
    if (p !== undefined) saver.ack(p, item.type === 'snapshot:start');
  }

  /** With a cursor: saves the acknowledged position now; resolves once it is durable. */
  async flushCursor(): Promise<void> {
    await this.saver?.flush();
  }

  private async loadCursor(cursor: CursorStore, from: CursorPosition | undefined): Promise<boolean> {
    let loaded: CursorPosition | undefined;
    // settles after the constructor returned, even for a store that throws synchronously
    await Promise.resolve();
    try {
      loaded = await cursor.load();
      if (loaded !== undefined) {
        const problem = cursorPositionProblem(loaded);
        if (problem !== undefined) throw new ReplicaCursorStoreError('load', 'the cursor store', { cause: new Error(`it returned an invalid position: ${problem}`) });
      }
    } catch (err) {
      const e = err as ReplicaError;
      this.stopWith(typeof e?.code === 'string' ? e : new ReplicaCursorStoreError('load', 'the cursor store', { cause: err }));
      return false;
    }
    const start = loaded ?? from;
    this.start = start;
    this.db = start?.db ?? 0;
    if (loaded !== undefined && this.saver !== null) this.saver.saved = loaded;
    if (start !== undefined && start.offset >= 0) this.ledger?.resumed(start);
    return !this.done;
  }

  /** PSYNC arguments: the history followed in this process, else the cursor's position. */
  private psyncTarget(): { replid: string; offset: number } | undefined {
    const replid = this.replica.masterReplid;
    if (replid !== '' && replid !== '?') return { replid, offset: this.replica.offset + 1 };
    const s = this.start;
    return s !== undefined && s.offset >= 0 ? { replid: s.replid, offset: s.offset + 1 } : undefined;
  }

  private syncStart(kind: 'full' | 'partial', replid: string, offset: number): void {
    if (kind === 'partial') {
      // the master does not repeat its SELECT after +CONTINUE: the stream goes on in this.db (the
      // saved position's db on the first resume, else the db of the last command handed out)
      this.lastOffset = offset;
      this.ledger?.replidChanged(replid);
      return;
    }
    // a reset replaces a position: one reached in this process, or the one the stream started from
    const previous = this.position ?? this.start;
    const reset = previous !== undefined;
    this.snapshotOffset = offset;
    this.lastOffset = -1;
    if (previous !== undefined) this.emit('sync:reset', previous, replid, offset);
    const ev: ChangeEvent = { type: 'snapshot:start', replid, offset, reset };
    this.ledger?.snapshotStart(ev, replid, offset);
    this.push(ev, () => this.emit('snapshot:start', replid, offset));
  }

  private command(argv: string[], offset: number): void {
    const db = this.db;
    if (argv.length === 2 && argv[0].toLowerCase() === 'select') {
      const n = Number(argv[1]);
      if (Number.isInteger(n) && n >= 0) this.db = n;
    }
    this.ledger?.command(argv, this.lastOffset, offset);
    this.lastOffset = offset;
    this.push({ type: 'command', argv, db, offset }, () => this.emit('command', argv, db, offset));
  }

  /** The snapshot of a full sync, parsed as it streams, one event per key. */
  private snapshotSink(p: PayloadPreamble): PayloadSink {
    let keys = 0;
    let streamDb: number | undefined;
    const reader = new RdbReader(
      {
        aux: (k, v) => {
          if (k.toString('latin1') === 'repl-stream-db') streamDb = Number.parseInt(v.toString('latin1'), 10);
        },
        entry: (e: RdbEntry) => {
          keys++;
          const offset = this.snapshotOffset;
          this.push({ type: 'snapshot:entry', db: e.db, key: e.key, value: e.value, expireAt: e.expireAtMs, offset }, () =>
            this.emit('snapshot:entry', e.db, e.key, e.value, e.expireAtMs, offset),
          );
        },
      },
      { copyStrings: true, totalBytes: p.kind === 'length' ? p.length : undefined },
    );
    return {
      kind: 'memory',
      write: (chunk) => reader.write(chunk),
      end: () => {
        reader.end();
        return { keysLoaded: keys, replication: streamDb !== undefined && Number.isFinite(streamDb) ? { streamDb } : undefined };
      },
      abort: () => {},
      get keys() {
        return keys;
      },
    };
  }

  private push(ev: ChangeEvent, emit: () => void): void {
    emit();
    const q = this.queue;
    if (q === null || this.done) return;
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w.resolve({ value: ev, done: false });
      return;
    }
    q.push(ev);
    if (q.length - this.head >= this.highWater) this.replica.pauseLink();
  }

  [Symbol.asyncIterator](): AsyncIterator<ChangeEvent> {
    if (this.queue === null) this.queue = [];
    return {
      next: () => {
        const q = this.queue as ChangeEvent[];
        if (this.head < q.length) {
          const value = q[this.head++];
          if (this.head > 1024 && this.head * 2 > q.length) {
            this.queue = q.slice(this.head);
            this.head = 0;
          }
          if ((this.queue as ChangeEvent[]).length - this.head < this.highWater / 2) this.replica.resumeLink();
          return Promise.resolve({ value, done: false });
        }
        if (this.failure !== null) return Promise.reject(this.failure);
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiter = { resolve, reject };
        });
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  /** A fault the stream cannot continue after (the cursor cannot be loaded): stop, report, reject the iterator. */
  private stopWith(err: ReplicaError): void {
    if (this.done) return;
    this.failure = err;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(err);
    this.emit('error', err);
    this.close().catch((e: ReplicaError) => this.emit('error', e));
  }

  /**
   * Stops following the master; a waiting iterator ends. With a cursor, the acknowledged position
   * is saved first (rejects when that save fails; the stream is closed either way). The cursor
   * store itself stays open: it belongs to the application.
   */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    const w = this.waiter;
    this.waiter = null;
    w?.resolve({ value: undefined, done: true });
    await this.replica.close();
    await this.saver?.close();
  }
}

/** Follows a Redis 7.0 master as a stream of snapshot entries and commands. */
export function createChangeStream(deps: ChangeStreamDeps, options?: ChangeStreamOptions): ChangeStream {
  return new ChangeStream(deps, options);
}
