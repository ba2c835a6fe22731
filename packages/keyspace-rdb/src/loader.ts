/**
 * Loading an RDB stream into a keyspace, like rdbLoad(): push-based (a replica feeds it the
 * payload chunks of a full sync as they arrive; files and streams go through the same path).
 * Keys whose TTL already passed are dropped on a master and kept on a replica (its master will
 * send the DELs), keys with an empty collection are skipped, a SELECTDB beyond the keyspace's
 * databases fails, and the replication aux fields are returned when all three are valid
 * (Redis's rsi rule). Decoding errors are @replikit/rdb's typed RdbErrors with the byte offset.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { BytesLoadStore, Keyspace } from '@replikit/keyspace';
import { type RdbEndInfo, type RdbEntry, RdbReader } from '@replikit/rdb';
import { DatabaseCountError, FunctionLibraryLoadError, LoaderStateError } from './errors';
import { type RdbFunctionHost, type RdbFunctionLoad, rdbFunctionsOf } from './functions';
import { rdbValueToStored } from './values';

/** The replication identity an RDB carried (`repl-id`, `repl-offset`, `repl-stream-db`). */
export interface RdbReplicationAux {
  replId: string;
  offset: number;
  streamDb: number;
}

export interface RdbLoadResult {
  keysLoaded: number;
  /** keys dropped because their TTL had passed (master only) */
  keysExpired: number;
  /** keys whose collection was empty (Redis skips them too) */
  emptyKeysSkipped: number;
  /** bytes of the RDB, from "REDIS" through the checksum */
  bytes: number;
  /** present only when `repl-id` (40 chars), `repl-offset` and `repl-stream-db` were all there */
  replication: RdbReplicationAux | undefined;
  /** `used-mem` aux field, -1 when absent */
  usedMem: number;
  /** RDB format version of the input */
  rdbVersion: number;
  /** the file has a zero checksum (saved with `rdbchecksum no`): nothing could be verified */
  checksumDisabled: boolean;
  /** FUNCTION2 records handed to the function host (0 without one) */
  functionsLoaded: number;
}

export interface RdbLoaderProgress {
  keys: number;
  bytes: number;
}

export interface RdbKeyspaceLoaderOptions {
  /** a master drops keys whose TTL already passed; a replica keeps them @default 'master' */
  role?: 'master' | 'replica';
  /** verify the CRC64 (`rdbchecksum`) @default true */
  verifyChecksum?: boolean;
  /** unix ms; read once, when the loader is created @default Date.now */
  clock?: () => number;
  /** every aux field, as latin1 strings, in file order (Redis logs some of them) */
  onAux?(key: string, value: string): void;
  /** after each written chunk */
  onProgress?(p: RdbLoaderProgress): void;
  /** a key dropped because its TTL had passed (a restarted master propagates these as DEL) */
  onExpired?(db: number, key: Buffer): void;
  /**
   * where the FUNCTION libraries go: by default the host attached to the target keyspace
   * (attachRdbFunctions); null ignores them. A swapdb load into a staging keyspace passes the
   * host of the keyspace it will replace.
   */
  functions?: RdbFunctionHost | null;
}

export class RdbKeyspaceLoader {
  private readonly reader: RdbReader;
  private readonly now: number;
  private readonly dropExpired: boolean;
  private loaded = 0;
  private expired = 0;
  private usedMem = -1;
  private replId = '';
  private replOffset = -1;
  private streamDb = -1;
  private endInfo: RdbEndInfo | undefined;
  private failure: unknown;
  private finished = false;
  private readonly functionHost: RdbFunctionHost | undefined;
  private functionLoad: RdbFunctionLoad | undefined;
  private functionsLoaded = 0;
  /** database selected by the last SELECTDB (RESIZEDB applies to it) */
  private db = 0;
  /**
   * per database: the store string records are written to directly (BytesLoadStore), null when
   * they go through Keyspace.load; asked again at each write(), since what else watches the
   * keyspace (a snapshot, a WATCH, a listener) can change between chunks, never during one
   */
  private readonly direct: Array<BytesLoadStore | null | undefined>;
  /** databases written through a direct store since the last directLoadDone round */
  private directDbs: number[] = [];

  constructor(
    private readonly target: Keyspace,
    private readonly o: RdbKeyspaceLoaderOptions = {},
  ) {
    this.now = (o.clock ?? Date.now)();
    this.dropExpired = (o.role ?? 'master') === 'master';
    const databases = target.databases;
    this.direct = new Array(databases).fill(undefined);
    this.functionHost = o.functions === null ? undefined : (o.functions ?? rdbFunctionsOf(target));
    this.reader = new RdbReader(
      {
        aux: (k, v) => this.aux(k.toString('latin1'), v.toString('latin1')),
        selectDb: (db) => {
          if (db >= databases) throw new DatabaseCountError(db, databases);
          this.db = db;
        },
        resizeDb: (size) => this.resizeDb(size),
        entry: (e) => this.entry(e),
        stringEntry: (db, k, ks, ke, v, vs, ve, at) => this.stringEntry(db, k, ks, ke, v, vs, ve, at),
        function: (source) => this.library(source),
        end: (info) => {
          this.endInfo = info;
        },
      },
      // values are converted to latin1 strings at once, so views into the chunks are never kept
      { verifyChecksum: o.verifyChecksum !== false, copyStrings: false },
    );
  }

  /** Keys stored in the keyspace so far. */
  get keysLoaded(): number {
    return this.loaded;
  }

  /** Bytes written so far. */
  get bytesRead(): number {
    return this.reader.bytesReceived;
  }

  /** Feeds the next chunk; throws the first error again on every later call. */
  write(chunk: Buffer): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.finished) throw new LoaderStateError('write() after end()');
    this.direct.fill(undefined);
    try {
      this.reader.write(chunk);
    } catch (err) {
      this.fail(err);
      throw err;
    } finally {
      this.directDone();
    }
    this.o.onProgress?.({ keys: this.loaded, bytes: this.reader.bytesReceived });
  }

  /** The input is complete: throws RdbTruncatedError (code ERR_RDB_TRUNCATED) when the RDB is not. */
  end(): RdbLoadResult {
    if (this.failure !== undefined) throw this.failure;
    if (this.finished) throw new LoaderStateError('end() called twice');
    this.direct.fill(undefined);
    try {
      this.reader.end();
      this.directDone();
      // the libraries are installed with the data: an RDB without any still replaces the old ones
      if (this.functionHost !== undefined) (this.functionLoad ?? this.functionHost.beginLoad()).commit();
    } catch (err) {
      this.directDone();
      this.fail(err);
      throw err;
    }
    this.functionLoad = undefined;
    this.finished = true;
    const info = this.endInfo as RdbEndInfo;
    const valid = this.replId !== '' && this.replOffset !== -1 && this.streamDb !== -1 && Number.isFinite(this.replOffset) && Number.isFinite(this.streamDb);
    return {
      keysLoaded: this.loaded,
      keysExpired: this.expired,
      emptyKeysSkipped: info.emptyKeysSkipped,
      bytes: info.bytes,
      replication: valid ? { replId: this.replId, offset: this.replOffset, streamDb: this.streamDb } : undefined,
      usedMem: this.usedMem,
      rdbVersion: info.version,
      checksumDisabled: info.checksum === 0n && info.version >= 5,
      functionsLoaded: this.functionsLoaded,
    };
  }

  /** Drops the staged libraries of a load that cannot finish (also for a caller abandoning the loader). */
  abandon(): void {
    this.functionLoad?.discard();
    this.functionLoad = undefined;
  }

  /** Tells the keyspace which databases were written directly (WATCHes, listeners), once per chunk. */
  private directDone(): void {
    const dbs = this.directDbs;
    if (dbs.length === 0) return;
    this.directDbs = [];
    for (const db of dbs) this.target.directLoadDone(db);
  }

  private fail(err: unknown): void {
    this.failure = err;
    this.abandon();
  }

  private library(source: Buffer): void {
    if (this.functionHost === undefined) return;
    this.functionLoad ??= this.functionHost.beginLoad();
    try {
      this.functionLoad.add(source);
    } catch (err) {
      throw new FunctionLibraryLoadError((err as Error)?.message ?? String(err), { cause: err });
    }
    this.functionsLoaded++;
  }

  private aux(key: string, value: string): void {
    switch (key.toLowerCase()) {
      case 'repl-stream-db':
        this.streamDb = Number.parseInt(value, 10);
        break;
      case 'repl-id':
        if (value.length === 40) this.replId = value;
        break;
      case 'repl-offset':
        this.replOffset = Number.parseInt(value, 10);
        break;
      case 'used-mem':
        this.usedMem = Number(value);
        break;
    }
    this.o.onAux?.(key, value);
  }

  /**
   * RESIZEDB: the database's size, announced before its keys. A store that can (the in-memory one)
   * makes room for them at once instead of growing along the load; the hint is bounded there.
   */
  private resizeDb(size: number): void {
    const store = this.target.database(this.db).store as Partial<BytesLoadStore>;
    if (typeof store.reserve === 'function') store.reserve(size);
  }

  /**
   * A string key, as bytes (the common record of a dataset): written from those bytes into the
   * store when nothing else must see the write (Keyspace.directLoadStore), else through load() as
   * binary strings. Either way the stored key, value and TTL are the same.
   */
  private stringEntry(db: number, key: Buffer, keyStart: number, keyEnd: number, value: Buffer, valueStart: number, valueEnd: number, expireAt: number): void {
    if (this.dropExpired && expireAt !== -1 && expireAt < this.now) {
      this.expired++;
      // the key may sit in the reader's scratch: the listener gets its own copy
      this.o.onExpired?.(db, Buffer.from(key.subarray(keyStart, keyEnd)));
      return;
    }
    let store = this.direct[db];
    if (store === undefined) {
      const s = this.target.directLoadStore(db) as Partial<BytesLoadStore> | undefined;
      store = this.direct[db] = s !== undefined && typeof s.setStringBytes === 'function' ? (s as BytesLoadStore) : null;
      if (store !== null) this.directDbs.push(db);
    }
    if (store !== null) store.setStringBytes(key, keyStart, keyEnd, value, valueStart, valueEnd, expireAt);
    else this.target.load(db, key.toString('latin1', keyStart, keyEnd), value.toString('latin1', valueStart, valueEnd), expireAt);
    this.loaded++;
  }

  private entry(e: RdbEntry): void {
    if (this.dropExpired && e.expireAtMs !== -1 && e.expireAtMs < this.now) {
      this.expired++;
      this.o.onExpired?.(e.db, e.key);
      return;
    }
    const key = e.key.toString('latin1');
    this.target.load(e.db, key, rdbValueToStored(e.value), e.expireAtMs);
    // 0xF8 / 0xF9: the saved idle time or LFU counter, used when the matching maxmemory policy is on
    if (e.idleSeconds !== undefined || e.lfuFreq !== undefined) this.target.eviction.restoreAccess(e.db, key, e.idleSeconds ?? -1, e.lfuFreq ?? -1);
    this.loaded++;
  }
}

/** Loads a whole stream (file, socket, anything Readable); `src` is destroyed on failure. */
export async function loadRdbStream(src: Readable, keyspace: Keyspace, o?: RdbKeyspaceLoaderOptions): Promise<RdbLoadResult> {
  const loader = new RdbKeyspaceLoader(keyspace, o);
  try {
    for await (const chunk of src) loader.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : (chunk as Buffer));
  } catch (err) {
    src.destroy();
    throw err;
  }
  return loader.end();
}

/** Loads a file, streamed from disk. File-system errors (ENOENT ...) pass through unchanged. */
export function loadRdbFile(path: string, keyspace: Keyspace, o?: RdbKeyspaceLoaderOptions): Promise<RdbLoadResult> {
  return loadRdbStream(createReadStream(path, { highWaterMark: 1 << 20 }), keyspace, o);
}

/** Loads a file synchronously (DEBUG RELOAD blocks like Redis's). */
export function loadRdbFileSync(path: string, keyspace: Keyspace, o?: RdbKeyspaceLoaderOptions): RdbLoadResult {
  const loader = new RdbKeyspaceLoader(keyspace, o);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      // the reader may keep a view of an unfinished record: hand it a copy, the buffer is reused
      loader.write(Buffer.from(buf.subarray(0, n)));
    }
  } finally {
    closeSync(fd);
  }
  return loader.end();
}
