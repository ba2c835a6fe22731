/**
 * A keyspace snapshot as an RDB v10 byte stream: the entries of each snapshot batch are converted
 * and encoded at once (a batch may hold live collection objects, which must not be read after the
 * event loop ran), then the batch's chunks are handed out. The next batch is taken only when the
 * consumer asks for more, so memory stays at about one batch of output whatever the keyspace size,
 * and a slow consumer (a socket to a replica, a file) paces the whole pipeline.
 */
import type { Writable } from 'node:stream';
import type { Keyspace, Snapshot, SnapshotBatchLimits, SnapshotEntry } from '@replikit/keyspace';
import { RdbEncoder, type RdbReplicationInfo, type RdbWriteEntry, type RdbWriterOptions } from '@replikit/rdb';
import { SnapshotOutputError } from './errors';
import { rdbFunctionSources } from './functions';
import { storedToRdbValue } from './values';

export interface SnapshotRdbProgress {
  /** keys encoded so far */
  keys: number;
  /** bytes handed out so far */
  bytes: number;
}

export interface SnapshotRdbOptions {
  /** `repl-stream-db`, `repl-id`, `repl-offset` aux fields (a full sync, or a dump in a replication chain) */
  replication?: RdbReplicationInfo;
  /** the `aof-base` aux field: 1 for the base file of a multi-part AOF @default 0 */
  aofBase?: 0 | 1;
  /** LZF-compress strings longer than 20 bytes (`rdbcompression`) @default true */
  compress?: boolean;
  /** write a real CRC64 (`rdbchecksum`; false writes 8 zero bytes) @default true */
  checksum?: boolean;
  /**
   * FUNCTION library sources written before the keys @default those of the function host
   * attached to the keyspace (attachRdbFunctions), read when the snapshot RDB starts
   */
  functions?: ReadonlyArray<Buffer>;
  /** snapshot batch size @default { maxKeys: 256, maxMs: 4 } (synchronous variant: 1024 keys, no time limit) */
  batch?: SnapshotBatchLimits;
  /** called after each batch */
  onProgress?(p: SnapshotRdbProgress): void;
  /** stops the output: the iterator / writeSnapshotRdb throws SnapshotOutputError */
  signal?: AbortSignal;
}

/**
 * The writer options the server has always used: Redis's compact encodings, RESIZEDB hints taken
 * from the keyspace when the snapshot starts, `used-mem` from the heap. Keys come from the
 * keyspace's per-db maps, unique by construction, so the writer's duplicate-key log is off.
 */
function writerOptions(keyspace: Keyspace, o: SnapshotRdbOptions | undefined): RdbWriterOptions {
  const dbSizes = new Map<number, { keys: number; expires: number }>();
  keyspace.info().forEach((d, i) => {
    if (d.keys > 0) dbSizes.set(i, { keys: d.keys, expires: d.expires });
  });
  return {
    encoding: 'compact',
    compress: o?.compress ?? true,
    checksum: o?.checksum ?? true,
    usedMem: process.memoryUsage().heapUsed,
    replication: o?.replication,
    aofBase: o?.aofBase ?? 0,
    databases: keyspace.databases,
    dbSizes,
    checkDuplicateKeys: false,
    functions: o?.functions ?? rdbFunctionSources(keyspace),
  };
}

function toWriteEntry(e: SnapshotEntry): RdbWriteEntry {
  return { db: e.db, key: Buffer.from(e.key, 'latin1'), value: storedToRdbValue(e.value), expireAtMs: e.expireAt };
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SnapshotOutputError('snapshot RDB output aborted', { cause: signal.reason });
}

/** One batch encoded: the chunks it completed (the encoder keeps a partial chunk for the next batch). */
function encodeBatch(enc: RdbEncoder, batch: readonly SnapshotEntry[]): Buffer[] {
  for (let i = 0; i < batch.length; i++) enc.writeEntry(toWriteEntry(batch[i]));
  return enc.out.pendingBytes > 0 ? enc.out.takeChunks() : [];
}

/**
 * Pull-based: the consumer awaits its own drains between chunks, so batches are paced by the
 * slowest consumer. The event loop gets a turn (setImmediate) between batches. The snapshot is
 * consumed and closed (also when the iterator is returned early or fails). Options and RESIZEDB
 * hints are fixed when this is called.
 */
export function snapshotToRdbChunks(keyspace: Keyspace, snapshot: Snapshot, o?: SnapshotRdbOptions): AsyncIterableIterator<Buffer> {
  const options = writerOptions(keyspace, o);
  const limits = o?.batch ?? { maxKeys: 256, maxMs: 4 };
  return (async function* chunks(): AsyncGenerator<Buffer> {
    const progress: SnapshotRdbProgress = { keys: 0, bytes: 0 };
    try {
      const enc = new RdbEncoder(options);
      enc.writeHeader();
      for (;;) {
        checkAbort(o?.signal);
        const batch = snapshot.nextBatch(limits);
        if (batch.length === 0) break;
        const out = encodeBatch(enc, batch);
        progress.keys += batch.length;
        for (const c of out) {
          progress.bytes += c.length;
          yield c;
          checkAbort(o?.signal);
        }
        o?.onProgress?.({ ...progress });
        await new Promise<void>((r) => setImmediate(r));
      }
      enc.finish();
      for (const c of enc.out.takeChunks()) {
        progress.bytes += c.length;
        yield c;
      }
      o?.onProgress?.({ ...progress });
    } finally {
      snapshot.close();
    }
  })();
}

/**
 * The synchronous variant for blocking saves (SAVE, SHUTDOWN, DEBUG RELOAD): the same bytes as
 * snapshotToRdbChunks for the same keyspace, without event-loop turns. Returns the totals.
 */
export function* snapshotToRdbChunksSync(keyspace: Keyspace, snapshot: Snapshot, o?: SnapshotRdbOptions): Generator<Buffer, SnapshotRdbProgress> {
  const options = writerOptions(keyspace, o);
  const limits = o?.batch ?? { maxKeys: 1024, maxMs: Number.POSITIVE_INFINITY };
  const progress: SnapshotRdbProgress = { keys: 0, bytes: 0 };
  try {
    const enc = new RdbEncoder(options);
    enc.writeHeader();
    for (;;) {
      const batch = snapshot.nextBatch(limits);
      if (batch.length === 0) break;
      progress.keys += batch.length;
      for (const c of encodeBatch(enc, batch)) {
        progress.bytes += c.length;
        yield c;
      }
      o?.onProgress?.({ ...progress });
    }
    enc.finish();
    for (const c of enc.out.takeChunks()) {
      progress.bytes += c.length;
      yield c;
    }
    o?.onProgress?.({ ...progress });
  } finally {
    snapshot.close();
  }
  return progress;
}

/** Resolves once `out` can take more, rejects when it fails or closes first. */
function drained(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (e: Error) => done(new SnapshotOutputError(`snapshot RDB output failed: ${e.message}`, { cause: e }));
    const onClose = () => done(new SnapshotOutputError('snapshot RDB output closed before the RDB was written'));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

/**
 * Writes the snapshot's RDB to any Writable (a socket to a replica, a file), honouring its
 * backpressure. `out` is not ended: a replication link goes on with the command stream, a file
 * is ended (and synced) by the caller. A file stream may still be opening: writes queue until it
 * is open, and an open error rejects. Options and RESIZEDB hints are fixed synchronously, at the
 * call. Resolves with the keys and bytes written; rejects with SnapshotOutputError when `out`
 * fails or closes first (the cause is the stream's error).
 */
export async function writeSnapshotRdb(keyspace: Keyspace, snapshot: Snapshot, out: Writable, o?: SnapshotRdbOptions): Promise<SnapshotRdbProgress> {
  let keys = 0;
  let bytes = 0;
  let failure: Error | undefined;
  const onError = (e: Error) => {
    failure ??= e;
  };
  out.on('error', onError);
  const chunks = snapshotToRdbChunks(keyspace, snapshot, {
    ...o,
    onProgress: (p) => {
      keys = p.keys;
      o?.onProgress?.(p);
    },
  });
  try {
    // leaving the loop early (an error) returns the iterator, which closes the snapshot
    for await (const c of chunks) {
      if (failure) throw new SnapshotOutputError(`snapshot RDB output failed: ${failure.message}`, { cause: failure });
      if (out.destroyed || out.writableEnded) throw new SnapshotOutputError('snapshot RDB output closed before the RDB was written');
      bytes += c.length;
      if (!out.write(c)) await drained(out);
    }
    if (failure) throw new SnapshotOutputError(`snapshot RDB output failed: ${failure.message}`, { cause: failure });
  } finally {
    out.off('error', onError);
  }
  return { keys, bytes };
}
