/**
 * Streaming RDB writer front ends. The source is pulled one key at a time and chunks of about
 * `chunkSize` bytes are yielded as soon as they are full, so a consumer that stops pulling (a
 * socket or file under backpressure) stops the writer: memory stays at a chunk or two, whatever
 * the keyspace size.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RdbEntry } from '../model';
import { RdbEncoder, type RdbWriteEntry, type RdbWriterOptions, type RdbWriteStats } from './rdb-encoder';

export type RdbWriteSource = Iterable<RdbWriteEntry | RdbEntry> | AsyncIterable<RdbWriteEntry | RdbEntry>;

function isAsync(src: RdbWriteSource): src is AsyncIterable<RdbWriteEntry> {
  return typeof (src as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** For an array source without `dbSizes`, the RESIZEDB hints Redis would write (keys, keys with a TTL per db). */
function withDbSizes(source: RdbWriteSource, options: RdbWriterOptions): RdbWriterOptions {
  if (options.dbSizes || !Array.isArray(source)) return options;
  const sizes = new Map<number, { keys: number; expires: number }>();
  for (const e of source as ReadonlyArray<RdbWriteEntry>) {
    const db = e.db ?? 0;
    let s = sizes.get(db);
    if (!s) sizes.set(db, (s = { keys: 0, expires: 0 }));
    s.keys++;
    if (e.expireAtMs !== undefined && e.expireAtMs !== -1) s.expires++;
  }
  return { ...options, dbSizes: sizes };
}

/**
 * Yields the RDB file for `source` (entries grouped by db) as Buffers of about `chunkSize` bytes
 * (a payload of 16 KiB or more passes through as its own chunk, uncopied). Synchronous: for a
 * source that is already in memory this is the fastest path. For an array source without
 * `dbSizes`, RESIZEDB hints are computed from it (Redis presizes its tables with them).
 */
export function* writeRdbChunks(source: Iterable<RdbWriteEntry | RdbEntry>, options: RdbWriterOptions = {}, stats?: RdbWriteStats): Generator<Buffer, RdbWriteStats> {
  const enc = new RdbEncoder(withDbSizes(source, options));
  const out = enc.out;
  enc.writeHeader();
  for (const e of source) {
    enc.writeEntry(e);
    if (out.pendingBytes > 0) yield* out.takeChunks();
  }
  enc.finish();
  yield* out.takeChunks();
  if (stats) Object.assign(stats, enc.stats);
  return enc.stats;
}

/**
 * Yields the RDB file for a sync or async `source` (entries grouped by db); see writeRdbChunks.
 * The source is read only as fast as the chunks are consumed.
 */
export async function* createRdbWriter(source: RdbWriteSource, options: RdbWriterOptions = {}, stats?: RdbWriteStats): AsyncGenerator<Buffer, RdbWriteStats> {
  if (!isAsync(source)) {
    const r = yield* writeRdbChunks(source, options, stats);
    return r;
  }
  const enc = new RdbEncoder(options);
  const out = enc.out;
  enc.writeHeader();
  for await (const e of source) {
    enc.writeEntry(e);
    if (out.pendingBytes > 0) yield* out.takeChunks();
  }
  enc.finish();
  yield* out.takeChunks();
  if (stats) Object.assign(stats, enc.stats);
  return enc.stats;
}

/** The RDB file as a Readable stream of Buffers (backpressure through the stream's highWaterMark). */
export function createRdbReadable(source: RdbWriteSource, options: RdbWriterOptions = {}): Readable {
  return Readable.from(createRdbWriter(source, options), { objectMode: false });
}

/**
 * Writes the RDB file for `source` to `path` (streaming); resolves with what was written. Like
 * Redis, it writes a temporary file next to `path` and renames it at the end, so `path` is never
 * left half-written (on error the temporary file is removed).
 */
export async function writeRdbFile(path: string, source: RdbWriteSource, options: RdbWriterOptions = {}): Promise<RdbWriteStats> {
  const stats: RdbWriteStats = { bytes: 0, keys: 0, dbs: new Map() };
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await pipeline(Readable.from(createRdbWriter(source, options, stats), { objectMode: false }), createWriteStream(tmp));
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return stats;
}

/** The whole RDB file in one Buffer (for tests, small keyspaces and DEBUG RELOAD-style uses). */
export function writeRdbToBuffer(source: Iterable<RdbWriteEntry | RdbEntry>, options: RdbWriterOptions = {}): Buffer {
  const chunks = [...writeRdbChunks(source, options)];
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** Like writeRdbToBuffer for an async source. */
export async function writeRdbToBufferAsync(source: RdbWriteSource, options: RdbWriterOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of createRdbWriter(source, options)) chunks.push(c);
  return Buffer.concat(chunks);
}
