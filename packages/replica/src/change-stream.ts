/**
 * A change stream: a replica with no keyspace that follows any Redis 7.0 master (redis-server or
 * replikit) and hands the application the snapshot of a full sync, entry by entry, then every
 * command of the stream with its db and replication offset. Events and an async iterator (which
 * pauses the master link while the application lags). Save `position` to resume later: the next
 * stream continues with a partial resync when the master still holds the bytes after it.
 */
import { type RdbEntry, RdbReader, type RdbValue } from '@replikit/rdb';
import type { PayloadPreamble } from '@replikit/resp';
import EventEmitter from 'eventemitter3';
import { DEFAULT_CHANGE_STREAM_HIGH_WATER } from './defaults';
import type { ReplicaError } from './errors';
import type { ReplicaOptions } from './options';
import type { PayloadSink } from './payload-sink';
import { Replica } from './replica';
import type { StreamApplier } from './stream-applier';
import type { ReplicaConnector } from './tcp-connector';

/** One item of a change stream. Keys and argv are binary (argv as latin1 binary strings). */
export type ChangeEvent =
  | { readonly type: 'snapshot:start'; readonly replid: string; readonly offset: number }
  | { readonly type: 'snapshot:entry'; readonly db: number; readonly key: Buffer; readonly value: RdbValue; readonly expireAt: number }
  | { readonly type: 'snapshot:end'; readonly keys: number; readonly replid: string; readonly offset: number }
  | { readonly type: 'command'; readonly argv: string[]; readonly db: number; readonly offset: number };

export interface ChangeStreamEvents {
  'snapshot:start': [replid: string, offset: number];
  /** `expireAt`: absolute unix ms, -1 without a TTL */
  'snapshot:entry': [db: number, key: Buffer, value: RdbValue, expireAt: number];
  'snapshot:end': [keys: number, replid: string, offset: number];
  command: [argv: string[], db: number, offset: number];
  'link:up': [];
  'link:down': [reason: ReplicaError];
  error: [err: ReplicaError];
}

export interface ChangeStreamOptions extends Omit<ReplicaOptions, 'replDisklessLoad' | 'dir' | 'dbfilename' | 'from'> {
  /** events buffered for the async iterator before the master link is paused @default 1024 */
  highWaterMark?: number;
}

export interface ChangeStreamDeps {
  connect: ReplicaConnector;
  /** a saved position: the last offset handled, in the history `replid` */
  from?: { replid: string; offset: number };
}

/** Every command takes effect as it arrives: MULTI/EXEC are handed on as commands. */
const passThrough: StreamApplier = { apply: () => 'applied', reset() {}, discardTransaction() {} };

export class ChangeStream extends EventEmitter<ChangeStreamEvents> implements AsyncIterable<ChangeEvent> {
  /** the syncer underneath (state, info(), events of the link) */
  readonly replica: Replica;
  private queue: ChangeEvent[] | null = null;
  private head = 0;
  private waiter: ((r: IteratorResult<ChangeEvent>) => void) | null = null;
  private readonly highWater: number;
  private done = false;

  constructor(deps: ChangeStreamDeps, options: ChangeStreamOptions = {}) {
    super();
    this.highWater = options.highWaterMark ?? DEFAULT_CHANGE_STREAM_HIGH_WATER;
    this.replica = new Replica({ connect: deps.connect, applier: passThrough, payload: (p) => this.snapshotSink(p) }, { ...options, from: deps.from });
    this.replica.on('sync:start', (i) => {
      if (i.kind === 'full') this.push({ type: 'snapshot:start', replid: i.replid, offset: i.offset }, () => this.emit('snapshot:start', i.replid, i.offset));
    });
    this.replica.on('sync:done', (i) => {
      if (i.kind === 'full') this.push({ type: 'snapshot:end', keys: i.keys, replid: i.replid, offset: i.offset }, () => this.emit('snapshot:end', i.keys, i.replid, i.offset));
    });
    this.replica.on('command:applied', (argv, db, offset) => this.push({ type: 'command', argv, db, offset }, () => this.emit('command', argv, db, offset)));
    this.replica.on('link:up', () => this.emit('link:up'));
    this.replica.on('link:down', (e) => this.emit('link:down', e));
    this.replica.on('error', (e) => this.emit('error', e));
  }

  /** Where the stream stands: save it to resume (undefined before the first sync). */
  get position(): { replid: string; offset: number } | undefined {
    const replid = this.replica.masterReplid;
    return replid === '' || replid === '?' ? undefined : { replid, offset: this.replica.offset };
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
          this.push({ type: 'snapshot:entry', db: e.db, key: e.key, value: e.value, expireAt: e.expireAtMs }, () => this.emit('snapshot:entry', e.db, e.key, e.value, e.expireAtMs));
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
      w({ value: ev, done: false });
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
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiter = resolve;
        });
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  /** Stops following the master; a waiting iterator ends. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    const w = this.waiter;
    this.waiter = null;
    w?.({ value: undefined, done: true });
    await this.replica.close();
  }
}

/** Follows a Redis 7.0 master as a stream of snapshot entries and commands. */
export function createChangeStream(deps: ChangeStreamDeps, options?: ChangeStreamOptions): ChangeStream {
  return new ChangeStream(deps, options);
}
