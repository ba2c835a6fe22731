/**
 * Where a full sync's snapshot goes, following `repl-diskless-load`:
 * - `disabled`: the payload is written to `temp-<unixtime>.<pid>.rdb` in `dir`, then the old data is
 *   flushed, the file loaded and renamed to `dbfilename` (what Redis does by default). When the
 *   keyspace is empty there is no old data to keep serving, so the payload is loaded as it arrives
 *   as well as written to the file: the load overlaps the transfer instead of following it, and the
 *   file ends up the same;
 * - `on-empty-db`: loaded into the keyspace as it streams when the keyspace is empty, else as `disabled`;
 * - `swapdb`: loaded as it streams into a separate keyspace while the old data keeps serving, and
 *   only once the snapshot is complete does it replace the old contents (a failed transfer leaves
 *   the old data untouched).
 * Every sink reports load progress so the syncer can send its `\n` to the master during long loads.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { loadRdbFileSync, RdbKeyspaceLoader, type RdbLoadResult, rdbFunctionsOf } from '@replikit/keyspace-rdb';
import { ReplicaLoadError } from './errors';

/** `repl-diskless-load` */
export type DisklessLoad = 'disabled' | 'on-empty-db' | 'swapdb';

/** What the syncer needs from a loaded snapshot (an RdbLoadResult is one). */
export interface PayloadLoadResult {
  readonly keysLoaded: number;
  /** `repl-stream-db`: the db the stream continues in */
  readonly replication: { readonly streamDb: number } | undefined;
}

/** The snapshot as the syncer feeds it. */
export interface PayloadSink {
  /** how the data is being stored: `disk` (temp file first) or `memory` (as it streams) */
  readonly kind: 'disk' | 'memory';
  write(chunk: Buffer): void;
  /** the payload is complete: loads it (synchronously) and returns what the RDB carried */
  end(): PayloadLoadResult;
  /** the transfer failed: drops what was received */
  abort(): void;
  /** keys loaded so far */
  readonly keys: number;
}

export interface PayloadSinkOptions {
  readonly mode: DisklessLoad;
  /** `dir` */
  readonly dir: string;
  /** `dbfilename` */
  readonly dbfilename: string;
  /** after each loaded chunk (also during the load of a temp file) */
  readonly onLoadProgress?: (p: { keys: number; bytes: number }) => void;
}

function totalKeys(keyspace: Keyspace): number {
  let n = 0;
  for (let i = 0; i < keyspace.databases; i++) n += keyspace.size(i);
  return n;
}

/** Chooses and opens the sink for one transfer (Redis's useDisklessLoad). */
export function openPayloadSink(keyspace: Keyspace, o: PayloadSinkOptions): PayloadSink {
  if (o.mode === 'swapdb') return swapSink(keyspace, o);
  const empty = totalKeys(keyspace) === 0;
  if (o.mode === 'on-empty-db' && empty) return streamSink(keyspace, o);
  return empty ? diskLoadingSink(keyspace, o) : diskSink(keyspace, o);
}

function loaderOptions(o: PayloadSinkOptions) {
  return { role: 'replica' as const, onProgress: o.onLoadProgress };
}

function streamSink(keyspace: Keyspace, o: PayloadSinkOptions): PayloadSink {
  keyspace.flushAll();
  const loader = new RdbKeyspaceLoader(keyspace, loaderOptions(o));
  return {
    kind: 'memory',
    write: (chunk) => loader.write(chunk),
    end: () => loader.end(),
    // a half-loaded snapshot is not a dataset: Redis empties the databases after a failed diskless load
    abort: () => keyspace.flushAll(),
    get keys() {
      return loader.keysLoaded;
    },
  };
}

function swapSink(keyspace: Keyspace, o: PayloadSinkOptions): PayloadSink {
  const staging = createKeyspace({ databases: keyspace.databases, role: 'replica' });
  // the snapshot's FUNCTION libraries are staged by the live keyspace's host, installed when the load completes
  const loader = new RdbKeyspaceLoader(staging, { ...loaderOptions(o), functions: rdbFunctionsOf(keyspace) ?? null });
  return {
    kind: 'memory',
    write: (chunk) => loader.write(chunk),
    end: () => {
      try {
        const result = loader.end();
        replaceContents(keyspace, staging);
        return result;
      } finally {
        staging.close();
      }
    },
    abort: () => {
      loader.abandon();
      staging.close();
    },
    get keys() {
      return loader.keysLoaded;
    },
  };
}

/**
 * Replaces every database of `target` with the contents of `source` in one synchronous step, so no
 * client ever sees a mix of old and new. Goes through flushAll/load so that WATCH versions,
 * key-modified listeners and open snapshots of `target` see the change like any flush and store.
 */
function replaceContents(target: Keyspace, source: Keyspace): void {
  target.flushAll();
  for (let db = 0; db < source.databases; db++) {
    const d = source.database(db);
    const keys = d.keys();
    for (let k = keys.next(); k.done !== true; k = keys.next()) {
      const key = k.value;
      const entry = source.peek(db, key);
      if (entry !== undefined) target.load(db, key, entry.value, entry.expireAt);
    }
  }
}

function openTempFile(o: PayloadSinkOptions): { tmp: string; fd: number } {
  const tmp = join(o.dir, `temp-${Math.floor(Date.now() / 1000)}.${process.pid}.rdb`);
  try {
    return { tmp, fd: openSync(tmp, 'w') };
  } catch (err) {
    throw new ReplicaLoadError(`cannot open ${tmp} to store the snapshot: ${(err as Error).message}`, { cause: err });
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
}

/**
 * `disabled` into an empty keyspace: every chunk goes to the temp file and to a loader into the
 * keyspace at once. A load failure is kept and reported by end(), as the file load would; the file
 * is removed and the keyspace emptied again (it held nothing before), so a failed or aborted
 * transfer leaves the replica as it was.
 */
function diskLoadingSink(keyspace: Keyspace, o: PayloadSinkOptions): PayloadSink {
  const { tmp, fd } = openTempFile(o);
  keyspace.flushAll();
  const loader = new RdbKeyspaceLoader(keyspace, loaderOptions(o));
  let failure: unknown;
  let open = true;
  const close = (): void => {
    if (open) {
      open = false;
      closeSync(fd);
    }
  };
  const fail = (err: unknown): never => {
    close();
    keyspace.flushAll();
    safeUnlink(tmp);
    throw new ReplicaLoadError(`the snapshot from the master could not be loaded: ${(err as Error).message}`, { cause: err });
  };
  return {
    kind: 'disk',
    write: (chunk) => {
      writeAll(fd, chunk);
      if (failure !== undefined) return;
      try {
        loader.write(chunk);
      } catch (err) {
        failure = err;
      }
    },
    end: () => {
      close();
      if (failure !== undefined) return fail(failure);
      let result: RdbLoadResult;
      try {
        result = loader.end();
      } catch (err) {
        return fail(err);
      }
      renameSync(tmp, join(o.dir, o.dbfilename));
      return result;
    },
    abort: () => {
      loader.abandon();
      close();
      safeUnlink(tmp);
      keyspace.flushAll();
    },
    get keys() {
      return loader.keysLoaded;
    },
  };
}

function diskSink(keyspace: Keyspace, o: PayloadSinkOptions): PayloadSink {
  const { tmp, fd } = openTempFile(o);
  let open = true;
  let keys = 0;
  const close = (): void => {
    if (open) {
      open = false;
      closeSync(fd);
    }
  };
  return {
    kind: 'disk',
    write: (chunk) => writeAll(fd, chunk),
    end: () => {
      close();
      keyspace.flushAll();
      let result: RdbLoadResult;
      try {
        result = loadRdbFileSync(tmp, keyspace, {
          ...loaderOptions(o),
          onProgress: (p) => {
            keys = p.keys;
            o.onLoadProgress?.(p);
          },
        });
      } catch (err) {
        keyspace.flushAll();
        safeUnlink(tmp);
        throw new ReplicaLoadError(`the snapshot from the master could not be loaded: ${(err as Error).message}`, { cause: err });
      }
      keys = result.keysLoaded;
      renameSync(tmp, join(o.dir, o.dbfilename));
      return result;
    },
    abort: () => {
      close();
      safeUnlink(tmp);
    },
    get keys() {
      return keys;
    },
  };
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
