/**
 * A keyspace snapshot as an RDB v10 byte stream: the entries of each snapshot batch are converted
 * and encoded at once (a batch may hold live collection objects, which must not be read after the
 * event loop ran), then the batch's chunks are handed out. The next batch is taken only when the
 * consumer asks for more, so memory stays at about one batch of output whatever the keyspace size,
 * and a slow consumer (a socket to a replica, a file) paces the whole pipeline.
 */
import type { Writable } from 'node:stream';
import type { Keyspace, Snapshot, SnapshotBatchLimits, SnapshotEntry, SnapshotSink } from '@replikit/keyspace';
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

/**
 * Encodes the snapshot's entries as the snapshot hands them over: a string value the store holds
 * as bytes goes from the store's memory into the output (no JS string, Buffer or value object per
 * key), everything else through storedToRdbValue. The bytes are those of writeEntry(toWriteEntry(e)).
 */
function encoderSink(enc: RdbEncoder): SnapshotSink {
  return {
    entry: (e) => enc.writeEntry(toWriteEntry(e)),
    stringBytes: (db, kb, ks, ke, vb, vs, ve, expireAt) => enc.writeStringBytes(db, kb, ks, ke, vb, vs, ve, expireAt),
  };
}

/**
 * One batch taken and encoded: how many keys, and the chunks it completed (the encoder keeps a
 * partial chunk for the next batch). 0 keys: the snapshot is complete.
 */
function encodeBatch(enc: RdbEncoder, sink: SnapshotSink, snapshot: Snapshot, limits: SnapshotBatchLimits): { keys: number; chunks: Buffer[] } {
  const keys = snapshot.nextInto(limits, sink);
  return { keys, chunks: enc.out.pendingBytes > 0 ? enc.out.takeChunks() : [] };
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
      const sink = encoderSink(enc);
      enc.writeHeader();
      for (;;) {
        checkAbort(o?.signal);
        const batch = encodeBatch(enc, sink, snapshot, limits);
        if (batch.keys === 0) break;
        progress.keys += batch.keys;
        for (const c of batch.chunks) {
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
    const sink = encoderSink(enc);
    enc.writeHeader();
    for (;;) {
      const batch = encodeBatch(enc, sink, snapshot, limits);
      if (batch.keys === 0) break;
      progress.keys += batch.keys;
      for (const c of batch.chunks) {
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
