/**
 * Loading the dump into the keyspace, like rdbLoad(), through @replikit/keyspace-rdb's loader:
 * aux fields are logged the way Redis logs them, keys already expired are dropped on a master
 * (kept on a replica), the replication aux fields (`repl-stream-db`, `repl-id`, `repl-offset`)
 * are returned for the replication layer. Failures become RdbLoadError with Redis's log lines.
 * The same loader runs synchronously (DEBUG RELOAD) or streamed from the file (startup).
 */
import type { Keyspace } from '@replikit/keyspace';
import {
  type RdbKeyspaceLoaderOptions,
  type RdbLoadResult,
  type RdbReplicationAux,
  loadRdbFile as loadFile,
  loadRdbFileSync as loadFileSync,
} from '@replikit/keyspace-rdb';
import type { Logger } from '../logger';
import { RdbLoadError } from '../errors';

export { RdbLoadError };
export type { RdbLoadResult, RdbReplicationAux };

export interface RdbLoadOptions {
  keyspace: Keyspace;
  logger?: Logger;
  /** a master drops keys whose TTL already passed; a replica keeps them @default 'master' */
  role?: 'master' | 'replica';
  /** verify the CRC64 (`rdbchecksum`) @default true */
  verifyChecksum?: boolean;
  clock?: () => number;
  /** a key dropped on a master because its TTL had passed */
  onExpired?: (db: number, key: Buffer) => void;
}

/** The loader options, with the aux fields logged like rdbLoadRioWithLoadingCtx does. */
function loaderOptions(o: RdbLoadOptions): RdbKeyspaceLoaderOptions {
  const log = o.logger;
  const now = (o.clock ?? Date.now)();
  return {
    role: o.role ?? 'master',
    verifyChecksum: o.verifyChecksum !== false,
    clock: () => now,
    onExpired: o.onExpired,
    onAux: (key, value) => {
      const k = key.toLowerCase();
      if (key.startsWith('%')) log?.notice(`RDB '${key}': ${value}`);
      else if (k === 'redis-ver') log?.notice(`Loading RDB produced by version ${value}`);
      else if (k === 'ctime') log?.notice(`RDB age ${Math.max(0, Math.floor(now / 1000) - Number.parseInt(value, 10))} seconds`);
      else if (k === 'used-mem') log?.notice(`RDB memory usage when created ${(Number(value) / (1024 * 1024)).toFixed(2)} Mb`);
      else if (k === 'aof-preamble') {
        if (Number(value)) log?.notice('RDB has an AOF tail');
      } else if (k === 'aof-base') {
        if (Number(value)) log?.notice('RDB is base AOF');
      }
    },
  };
}

function finished(r: RdbLoadResult, o: RdbLoadOptions): RdbLoadResult {
  if (r.checksumDisabled && o.verifyChecksum !== false) o.logger?.warning('RDB file was saved with checksum disabled: no check performed.');
  o.logger?.notice(`Done loading RDB, keys loaded: ${r.keysLoaded}, keys expired: ${r.keysExpired}.`);
  return r;
}

/** Turns a loader failure into Redis's log lines ("Short read ...", "Wrong RDB checksum ..."). */
function toLoadError(err: unknown, keyspace: Keyspace): RdbLoadError {
  if (err instanceof RdbLoadError) return err;
  const e = err as { code?: string; message?: string; offset?: number; expected?: bigint; actual?: bigint };
  if (e.code === 'ERR_KEYSPACE_RDB_DB_COUNT') {
    const msg = `FATAL: Data file was created with a Redis server configured to handle more than ${keyspace.databases} databases. Exiting\n`;
    return new RdbLoadError(msg, [msg], { cause: err });
  }
  const offset = e.offset !== undefined && e.offset >= 0 ? e.offset : 0;
  const lines: string[] = [];
  let reason: string;
  if (e.code === 'ERR_KEYSPACE_RDB_FUNCTION') {
    // rdbLoad logs the library's error, then fails like a short read (goto eoferr)
    lines.push(e.message ?? String(err), 'Short read or OOM loading DB. Unrecoverable error, aborting now.');
    reason = 'Unexpected EOF reading RDB file';
  } else if (e.code === 'ERR_RDB_TRUNCATED') {
    lines.push('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    reason = 'Unexpected EOF reading RDB file';
  } else if (e.code === 'ERR_RDB_CHECKSUM' && e.expected !== undefined && e.actual !== undefined) {
    lines.push(`Wrong RDB checksum expected: (${e.actual.toString(16)}) but got (${e.expected.toString(16)}). Aborting now.`);
    reason = 'RDB CRC error';
  } else if (e.code === 'ERR_RDB_UNSUPPORTED_VERSION') {
    reason = e.message ?? String(err);
    lines.push(reason);
  } else {
    reason = e.message ?? String(err);
  }
  lines.push(`Internal error in RDB reading offset ${offset} -> ${reason}`);
  return new RdbLoadError(reason, lines, { cause: err });
}

/** Loads `path` synchronously (DEBUG RELOAD). The keyspace should be empty. ENOENT errors pass through. */
export function loadRdbFileSync(path: string, o: RdbLoadOptions): RdbLoadResult {
  let r: RdbLoadResult;
  try {
    r = loadFileSync(path, o.keyspace, loaderOptions(o));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    throw toLoadError(err, o.keyspace);
  }
  return finished(r, o);
}

/** Loads `path` streaming from disk (startup). Rejects with RdbLoadError; ENOENT errors pass through. */
export async function loadRdbFile(path: string, o: RdbLoadOptions): Promise<RdbLoadResult> {
  let r: RdbLoadResult;
  try {
    r = await loadFile(path, o.keyspace, loaderOptions(o));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    throw toLoadError(err, o.keyspace);
  }
  return finished(r, o);
}
