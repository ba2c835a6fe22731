/**
 * Loading an RDB file into the keyspace, like rdbLoad(): aux fields are logged the way Redis logs
 * them, keys already expired are dropped on a master (kept on a replica), the replication aux
 * fields (`repl-stream-db`, `repl-id`, `repl-offset`) are returned for the replication wave.
 * The same loader runs synchronously (DEBUG RELOAD) or streamed from the file (startup).
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { Keyspace } from '@replikit/keyspace';
import { type RdbEntry, RdbReader, type RdbReaderHandler } from '@replikit/rdb';
import type { Logger } from '../logger';
import { rdbToPlain } from './rdb-values';
import { RdbLoadError } from '../errors';

export { RdbLoadError };

/** The replication identity an RDB carried (protocol.md §5.4); -1 / '' when absent. */
export interface RdbReplicationAux {
  replId: string;
  offset: number;
  streamDb: number;
}

export interface RdbLoadResult {
  keysLoaded: number;
  keysExpired: number;
  emptyKeysSkipped: number;
  bytes: number;
  /** present only when all three replication aux fields were valid (Redis's rsi_is_valid rule) */
  replication: RdbReplicationAux | undefined;
  /** `used-mem` aux field, -1 when absent */
  usedMem: number;
}


export interface RdbLoadOptions {
  keyspace: Keyspace;
  logger?: Logger;
  /** a master drops keys whose TTL already passed; a replica keeps them @default 'master' */
  role?: 'master' | 'replica';
  /** verify the CRC64 (`rdbchecksum`) @default true */
  verifyChecksum?: boolean;
  clock?: () => number;
}

class LoadSink {
  readonly result: RdbLoadResult = { keysLoaded: 0, keysExpired: 0, emptyKeysSkipped: 0, bytes: 0, replication: undefined, usedMem: -1 };
  private replId = '';
  private replOffset = -1;
  private streamDb = -1;
  private readonly now: number;
  readonly handler: RdbReaderHandler;

  constructor(private readonly o: RdbLoadOptions) {
    this.now = (o.clock ?? Date.now)();
    const log = o.logger;
    this.handler = {
      aux: (k, v) => this.aux(k.toString('latin1'), v.toString('latin1')),
      selectDb: (db) => {
        if (db >= o.keyspace.databases) {
          const msg = `FATAL: Data file was created with a Redis server configured to handle more than ${o.keyspace.databases} databases. Exiting\n`;
          throw new RdbLoadError(msg, [msg]);
        }
      },
      entry: (e) => this.entry(e),
      end: (info) => {
        this.result.bytes = info.bytes;
        this.result.emptyKeysSkipped = info.emptyKeysSkipped;
        if (info.checksum === 0n && info.version >= 5 && o.verifyChecksum !== false) {
          log?.warning('RDB file was saved with checksum disabled: no check performed.');
        }
      },
    };
  }

  private aux(key: string, value: string): void {
    const log = this.o.logger;
    const k = key.toLowerCase();
    if (key.startsWith('%')) log?.notice(`RDB '${key}': ${value}`);
    else if (k === 'repl-stream-db') this.streamDb = Number.parseInt(value, 10);
    else if (k === 'repl-id') {
      if (value.length === 40) this.replId = value;
    } else if (k === 'repl-offset') this.replOffset = Number.parseInt(value, 10);
    else if (k === 'redis-ver') log?.notice(`Loading RDB produced by version ${value}`);
    else if (k === 'ctime') log?.notice(`RDB age ${Math.max(0, Math.floor(this.now / 1000) - Number.parseInt(value, 10))} seconds`);
    else if (k === 'used-mem') {
      this.result.usedMem = Number(value);
      log?.notice(`RDB memory usage when created ${(Number(value) / (1024 * 1024)).toFixed(2)} Mb`);
    } else if (k === 'aof-preamble') {
      if (Number(value)) log?.notice('RDB has an AOF tail');
    } else if (k === 'aof-base') {
      if (Number(value)) log?.notice('RDB is base AOF');
    }
  }

  private entry(e: RdbEntry): void {
    const role = this.o.role ?? 'master';
    if (role === 'master' && e.expireAtMs !== -1 && e.expireAtMs < this.now) {
      this.result.keysExpired++;
      return;
    }
    this.o.keyspace.load(e.db, e.key.toString('latin1'), rdbToPlain(e.value), e.expireAtMs);
    this.result.keysLoaded++;
  }

  finish(): RdbLoadResult {
    if (this.replId !== '' && this.replOffset !== -1 && this.streamDb !== -1 && Number.isFinite(this.replOffset)) {
      this.result.replication = { replId: this.replId, offset: this.replOffset, streamDb: this.streamDb };
    }
    this.o.logger?.notice(`Done loading RDB, keys loaded: ${this.result.keysLoaded}, keys expired: ${this.result.keysExpired}.`);
    return this.result;
  }
}

function readerOptions(o: RdbLoadOptions) {
  return { verifyChecksum: o.verifyChecksum !== false, copyStrings: false };
}

/** Turns a reader failure into Redis's log lines ("Short read ...", "Wrong RDB checksum ..."). */
function toLoadError(err: unknown, reader: RdbReader): RdbLoadError {
  if (err instanceof RdbLoadError) return err;
  const e = err as { code?: string; message?: string; offset?: number; expected?: bigint; actual?: bigint };
  const offset = e.offset !== undefined && e.offset >= 0 ? e.offset : reader.bytesReceived;
  const lines: string[] = [];
  let reason: string;
  if (e.code === 'ERR_RDB_TRUNCATED') {
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

/** Loads `path` synchronously (DEBUG RELOAD). The keyspace should be empty. */
export function loadRdbFileSync(path: string, o: RdbLoadOptions): RdbLoadResult {
  const sink = new LoadSink(o);
  const reader = new RdbReader(sink.handler, readerOptions(o));
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      reader.write(Buffer.from(buf.subarray(0, n)));
    }
    reader.end();
  } catch (err) {
    throw toLoadError(err, reader);
  } finally {
    closeSync(fd);
  }
  return sink.finish();
}

/** Loads `path` streaming from disk (startup). Rejects with RdbLoadError; ENOENT errors pass through. */
export async function loadRdbFile(path: string, o: RdbLoadOptions): Promise<RdbLoadResult> {
  const sink = new LoadSink(o);
  const reader = new RdbReader(sink.handler, readerOptions(o));
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) reader.write(chunk as Buffer);
    reader.end();
  } catch (err) {
    stream.destroy();
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    throw toLoadError(err, reader);
  }
  return sink.finish();
}
