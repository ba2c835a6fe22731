/**
 * Writing the keyspace as an RDB file, like rdbSave(): into `temp-<pid>.rdb` in `dir`, fsync,
 * then rename over `dbfilename`, so a crash never leaves a half-written dump in place.
 *
 * - `saveRdbFileSync` (SAVE, SHUTDOWN, DEBUG RELOAD) blocks the event loop, as Redis's SAVE does.
 * - `saveRdbFileInBackground` (BGSAVE) never blocks it: a point-in-time keyspace snapshot is read
 *   in small batches between event-loop turns and streamed through the rdb writer into the temp
 *   file with backpressure. Writes that happen meanwhile do not reach the file (copy-on-write).
 */
import { closeSync, createWriteStream, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { type Keyspace, type SnapshotEntry, toPlain } from '@replikit/keyspace';
import { type RdbReplicationInfo, type RdbWriteEntry, type RdbWriterOptions, createRdbWriter, writeRdbChunks } from '@replikit/rdb';
import { plainToRdb } from './rdb-values';
import { RdbSaveError } from '../errors';

export { RdbSaveError };

export interface RdbSaveOptions {
  keyspace: Keyspace;
  /** directory of the dump (`dir`) */
  dir: string;
  /** file name (`dbfilename`) */
  filename: string;
  /** `rdbcompression` @default true */
  compress?: boolean;
  /** `rdbchecksum` @default true */
  checksum?: boolean;
  /** replication aux fields (protocol.md §5.4), when in a replication chain */
  replication?: RdbReplicationInfo;
  /** temp file name @default `temp-<pid>.rdb` */
  tempName?: string;
}

export interface RdbSaveResult {
  keys: number;
  bytes: number;
}


function entryOf(e: SnapshotEntry): RdbWriteEntry {
  return { db: e.db, key: Buffer.from(e.key, 'latin1'), value: plainToRdb(toPlain(e.value)), expireAtMs: e.expireAt };
}

function writerOptions(o: RdbSaveOptions, ks: Keyspace): RdbWriterOptions {
  const dbSizes = new Map<number, { keys: number; expires: number }>();
  ks.info().forEach((d, i) => {
    if (d.keys > 0) dbSizes.set(i, { keys: d.keys, expires: d.expires });
  });
  return {
    encoding: 'compact',
    compress: o.compress ?? true,
    checksum: o.checksum ?? true,
    usedMem: process.memoryUsage().heapUsed,
    replication: o.replication,
    databases: ks.databases,
    dbSizes,
    // keys come from the keyspace's per-db Maps, unique by construction: the writer's duplicate
    // check (every key kept and compared per db) would only cost time and memory here
    checkDuplicateKeys: false,
  };
}

function errnoText(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

function finishFile(tmp: string, target: string): void {
  try {
    renameSync(tmp, target);
  } catch (err) {
    safeUnlink(tmp);
    throw new RdbSaveError('rename', `Error moving temp DB file ${tmp} on the final destination ${target}: ${errnoText(err)}`, { cause: err });
  }
}

function safeUnlink(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    /* already gone */
  }
}

/** SAVE: writes the whole keyspace now, blocking. */
export function saveRdbFileSync(o: RdbSaveOptions): RdbSaveResult {
  const ks = o.keyspace;
  const tmp = join(o.dir, o.tempName ?? `temp-${process.pid}.rdb`);
  const target = join(o.dir, o.filename);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (err) {
    throw new RdbSaveError('open', `Failed opening the temp RDB file ${tmp} (in server root dir ${o.dir}) for saving: ${errnoText(err)}`, { cause: err });
  }
  const snap = ks.snapshot();
  let bytes = 0;
  let keys = 0;
  try {
    const entries = function* (): Generator<RdbWriteEntry> {
      for (;;) {
        const batch = snap.nextBatch({ maxKeys: 1024, maxMs: Number.POSITIVE_INFINITY });
        if (batch.length === 0) return;
        for (const e of batch) {
          keys++;
          yield entryOf(e);
        }
      }
    };
    for (const chunk of writeRdbChunks(entries(), writerOptions(o, ks))) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off);
      bytes += chunk.length;
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    safeUnlink(tmp);
    throw err instanceof RdbSaveError ? err : new RdbSaveError('rdbSaveRio', `Write error saving DB on disk(rdbSaveRio): ${errnoText(err)}`, { cause: err });
  } finally {
    snap.close();
  }
  closeSync(fd);
  finishFile(tmp, target);
  return { keys, bytes };
}

/** Progress of a background save (INFO `current_save_keys_processed`). */
export interface BackgroundSaveProgress {
  keysProcessed: number;
  keysTotal: number;
}

/**
 * BGSAVE: snapshot now, stream to disk without blocking the event loop. `signal` aborts it (the
 * temp file is removed). Resolves once the dump is renamed into place.
 */
export async function saveRdbFileInBackground(o: RdbSaveOptions, progress?: BackgroundSaveProgress, signal?: AbortSignal): Promise<RdbSaveResult> {
  const ks = o.keyspace;
  const tmp = join(o.dir, o.tempName ?? `temp-bgsave-${process.pid}.rdb`);
  const target = join(o.dir, o.filename);
  const options = writerOptions(o, ks);
  const snap = ks.snapshot();
  if (progress) {
    progress.keysProcessed = 0;
    progress.keysTotal = ks.info().reduce((n, d) => n + d.keys, 0);
  }
  let keys = 0;
  async function* entries(): AsyncGenerator<RdbWriteEntry> {
    for await (const batch of snap.batches({ maxKeys: 256, maxMs: 4 })) {
      // convert the whole batch before yielding: the snapshot's values may be live objects
      const converted = batch.map(entryOf);
      keys += converted.length;
      if (progress) progress.keysProcessed = keys;
      yield* converted;
      if (signal?.aborted) return;
    }
  }
  const out = createWriteStream(tmp);
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    for await (const chunk of createRdbWriter(entries(), options)) {
      if (signal?.aborted) throw new RdbSaveError('aborted', 'Background saving aborted');
      bytes += chunk.length;
      if (!out.write(chunk)) {
        await new Promise<void>((resolve, reject) => {
          const onErr = (e: Error) => reject(e);
          out.once('error', onErr);
          out.once('drain', () => {
            out.off('error', onErr);
            resolve();
          });
        });
      }
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    snap.close();
    out.destroy();
    await new Promise<void>((r) => (out.closed ? r() : out.once('close', () => r())));
    safeUnlink(tmp);
    throw err instanceof RdbSaveError ? err : new RdbSaveError('rdbSaveRio', `Write error saving DB on disk(rdbSaveRio): ${errnoText(err)}`, { cause: err });
  }
  snap.close();
  await new Promise<void>((r) => (out.closed ? r() : out.once('close', () => r())));
  await fsyncPath(tmp);
  finishFile(tmp, target);
  return { keys, bytes };
}

async function fsyncPath(p: string): Promise<void> {
  try {
    const fh = await open(p, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort, like fsyncFileDir on filesystems that refuse it */
  }
}
