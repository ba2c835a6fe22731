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
import type { Keyspace } from '@replikit/keyspace';
import { type SnapshotRdbOptions, snapshotToRdbChunksSync, writeSnapshotRdb } from '@replikit/keyspace-rdb';
import type { RdbReplicationInfo } from '@replikit/rdb';
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


function snapshotOptions(o: RdbSaveOptions): SnapshotRdbOptions {
  return { compress: o.compress ?? true, checksum: o.checksum ?? true, replication: o.replication };
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
    const chunks = snapshotToRdbChunksSync(ks, snap, snapshotOptions(o));
    for (;;) {
      const r = chunks.next();
      if (r.done) {
        keys = r.value.keys;
        break;
      }
      const chunk = r.value;
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
    // the chunk generator closes it too; close() is idempotent and covers a failed open of the generator
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
  const out = createWriteStream(tmp);
  // an open or write error after writeSnapshotRdb returned must not go unhandled
  let outError: Error | undefined;
  out.on('error', (e) => {
    outError ??= e;
  });
  const snap = ks.snapshot();
  if (progress) {
    progress.keysProcessed = 0;
    progress.keysTotal = ks.info().reduce((n, d) => n + d.keys, 0);
  }
  let written: { keys: number; bytes: number };
  try {
    // called synchronously after the snapshot: the RESIZEDB hints are those of the snapshot's moment
    written = await writeSnapshotRdb(ks, snap, out, {
      ...snapshotOptions(o),
      batch: { maxKeys: 256, maxMs: 4 },
      signal,
      onProgress: (p) => {
        if (progress) progress.keysProcessed = p.keys;
      },
    });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (outError) throw outError;
  } catch (err) {
    snap.close();
    out.destroy();
    await new Promise<void>((r) => (out.closed ? r() : out.once('close', () => r())));
    safeUnlink(tmp);
    if (signal?.aborted) throw new RdbSaveError('aborted', 'Background saving aborted', { cause: err });
    const cause = (err as { code?: string; cause?: unknown }).code === 'ERR_KEYSPACE_RDB_OUTPUT' && (err as Error).cause ? (err as Error).cause : err;
    throw err instanceof RdbSaveError ? err : new RdbSaveError('rdbSaveRio', `Write error saving DB on disk(rdbSaveRio): ${errnoText(cause)}`, { cause: err });
  }
  await new Promise<void>((r) => (out.closed ? r() : out.once('close', () => r())));
  await fsyncPath(tmp);
  finishFile(tmp, target);
  return written;
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
