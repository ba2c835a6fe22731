/**
 * The imperative core of the RDB writer: header, aux fields, functions, SELECTDB/RESIZEDB, one
 * key at a time, EOF + CRC64, into an OutputBuffer whose full chunks the caller takes. The
 * streaming front ends (rdb-writer.ts) drive it; a master can drive it directly.
 */
import type { RdbEntry, RdbValue } from '../model';
import {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_DATABASES,
  DEFAULT_RDB_VERSION,
  DEFAULT_REDIS_VER,
  MAX_WRITE_RDB_VERSION,
  MIN_WRITE_RDB_VERSION,
} from './defaults';
import { DuplicateKeyLog } from './duplicate-keys';
import { OutputBuffer } from './output-buffer';
import { RDB_TYPE_STRING } from './plain-writer';
import { writeRdbString, writeRdbStringRange } from './string-writer';
import { fail, show } from './validate';
import { type RdbWriteEncoding, valueTypeId, writeValueBody } from './value-writer';

/** One key to write. `db` defaults to 0, `expireAtMs` to -1 (no TTL). */
export interface RdbWriteEntry {
  db?: number;
  key: Buffer;
  value: RdbValue;
  /** absolute unix time in ms, or -1 / undefined for no TTL */
  expireAtMs?: number;
  /** LRU idle seconds, written as 0xF8 (Redis uses it only under an LRU maxmemory-policy) */
  idleSeconds?: number;
  /** LFU counter 0..255, written as 0xF9 (used only under an LFU policy) */
  lfuFreq?: number;
}

/** The replication aux fields of a snapshot sent to (or kept by) a replica. */
export interface RdbReplicationInfo {
  /** the DB selected in the replication stream (`repl-stream-db`) */
  streamDb: number;
  /** the 40-character replication id (`repl-id`) */
  replId: string;
  /** the master offset (`repl-offset`); for a full sync the `+FULLRESYNC` offset */
  offset: number | bigint;
}

export interface RdbWriterOptions {
  /** RDB version (10 is Redis 7.0's and the highest 7.0 loads; 11/12 for 7.2/7.4 peers) @default 10 */
  rdbVersion?: number;
  /** encodings: `plain` or `compact` (see RdbWriteEncoding and the README's numbers) @default 'plain' */
  encoding?: RdbWriteEncoding;
  /** LZF-compress strings longer than 20 bytes (Redis's `rdbcompression`) @default false */
  compress?: boolean;
  /** write a real CRC64 (false: 8 zero bytes, which Redis accepts without checking) @default true */
  checksum?: boolean;
  /** `redis-ver` aux field @default '7.0.15' */
  redisVer?: string;
  /** `redis-bits` @default 64 */
  redisBits?: number;
  /** `ctime`, unix seconds @default now */
  ctime?: number;
  /** `used-mem` in bytes @default 0 */
  usedMem?: number;
  /** adds `repl-stream-db`, `repl-id`, `repl-offset` (so a restarted replica can PSYNC) */
  replication?: RdbReplicationInfo;
  /** `aof-base` @default 0 */
  aofBase?: 0 | 1;
  /** more aux fields, written after the standard ones */
  extraAux?: ReadonlyArray<readonly [string | Buffer, string | Buffer]>;
  /** FUNCTION libraries, each the full source (`#!lua name=lib\n...`), written as FUNCTION2 */
  functions?: ReadonlyArray<string | Buffer>;
  /** RESIZEDB hints per db (keys, keys with a TTL); dbs without a hint get none */
  dbSizes?: ReadonlyMap<number, { keys: number; expires: number }> | Readonly<Record<number, { keys: number; expires: number }>>;
  /** Redis's `databases`: a db index at or above it is refused @default 16 */
  databases?: number;
  /**
   * refuse a key written twice in one db: the keys of the db are logged and checked in bulk when the
   * db ends, so the error (ERR_RDB_WRITE) comes before the next SELECTDB or the EOF opcode, not at
   * the duplicate itself; the output never gets its EOF and checksum. Costs a copy of the db's keys
   * @default true
   */
  checkDuplicateKeys?: boolean;
  /** output chunk size in bytes (at least 64) @default 65536 */
  chunkSize?: number;
}

export interface RdbWriteStats {
  bytes: number;
  keys: number;
  /** keys per db */
  dbs: Map<number, number>;
}

const MAGIC_PREFIX = 'REDIS';

export class RdbEncoder {
  readonly out: OutputBuffer;
  readonly version: number;
  private readonly encoding: RdbWriteEncoding;
  private readonly compress: boolean;
  private readonly checksum: boolean;
  private readonly databases: number;
  private readonly checkKeys: boolean;
  private readonly options: RdbWriterOptions;
  private currentDb = -1;
  private readonly doneDbs = new Set<number>();
  private keysInDb: DuplicateKeyLog | null = null;
  private keysThisDb = 0;
  private state: 'new' | 'body' | 'done' = 'new';
  readonly stats: RdbWriteStats = { bytes: 0, keys: 0, dbs: new Map() };

  constructor(options: RdbWriterOptions = {}) {
    this.options = options;
    this.version = options.rdbVersion ?? DEFAULT_RDB_VERSION;
    if (!Number.isInteger(this.version) || this.version < MIN_WRITE_RDB_VERSION || this.version > MAX_WRITE_RDB_VERSION) {
      fail(`cannot write RDB version ${this.version} (supported: ${MIN_WRITE_RDB_VERSION}..${MAX_WRITE_RDB_VERSION})`);
    }
    this.encoding = options.encoding ?? 'plain';
    if (this.encoding !== 'plain' && this.encoding !== 'compact') fail(`unknown encoding ${String(this.encoding)}`);
    this.compress = options.compress ?? false;
    this.checksum = options.checksum ?? true;
    this.databases = options.databases ?? DEFAULT_DATABASES;
    this.checkKeys = options.checkDuplicateKeys ?? true;
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize < 64) fail(`chunkSize must be an integer of at least 64, got ${chunkSize}`);
    this.out = new OutputBuffer({ chunkSize, checksum: this.checksum });
  }

  private aux(key: string | Buffer, value: string | Buffer): void {
    this.out.u8(0xfa);
    writeRdbString(this.out, typeof key === 'string' ? Buffer.from(key) : key, false);
    writeRdbString(this.out, typeof value === 'string' ? Buffer.from(value) : value, false);
  }

  /** Magic, aux fields and functions. */
  writeHeader(): void {
    if (this.state !== 'new') fail('header already written');
    this.state = 'body';
    const o = this.options;
    this.out.latin1(`${MAGIC_PREFIX}${String(this.version).padStart(4, '0')}`);
    this.aux('redis-ver', o.redisVer ?? DEFAULT_REDIS_VER);
    this.aux('redis-bits', String(o.redisBits ?? 64));
    this.aux('ctime', String(o.ctime ?? Math.floor(Date.now() / 1000)));
    this.aux('used-mem', String(o.usedMem ?? 0));
    if (o.replication) {
      const r = o.replication;
      if (!Number.isInteger(r.streamDb) || r.streamDb < 0) fail(`bad repl-stream-db ${r.streamDb}`);
      if (r.replId.length !== 40) fail(`repl-id must be 40 characters, got ${r.replId.length}`);
      this.aux('repl-stream-db', String(r.streamDb));
      this.aux('repl-id', r.replId);
      this.aux('repl-offset', String(r.offset));
    }
    this.aux('aof-base', String(o.aofBase ?? 0));
    for (const [k, v] of o.extraAux ?? []) this.aux(k, v);
    for (const f of o.functions ?? []) {
      this.out.u8(0xf5);
      // a library source is an RDB string like any other: LZF under `rdbcompression`, as rdbSaveFunctions writes it
      writeRdbString(this.out, typeof f === 'string' ? Buffer.from(f) : f, this.compress);
    }
  }

  private selectDb(db: number): void {
    if (!Number.isInteger(db) || db < 0 || db >= this.databases) fail(`db ${db} out of range 0..${this.databases - 1}`);
    if (this.doneDbs.has(db)) fail(`db ${db} appears again after db ${this.currentDb}: entries must be grouped by db`);
    if (this.currentDb >= 0) {
      this.checkDuplicates();
      this.doneDbs.add(this.currentDb);
      this.stats.dbs.set(this.currentDb, this.keysThisDb);
    }
    this.keysThisDb = 0;
    this.currentDb = db;
    const sizes = this.options.dbSizes;
    const hint = sizes instanceof Map ? sizes.get(db) : (sizes as Record<number, { keys: number; expires: number }> | undefined)?.[db];
    // presized from the RESIZEDB hint when there is one
    this.keysInDb = this.checkKeys ? new DuplicateKeyLog(Math.min(hint?.keys ?? 1024, 1 << 24)) : null;
    this.out.u8(0xfe);
    this.out.len(db);
    if (hint) {
      this.out.u8(0xfb);
      this.out.len(hint.keys);
      this.out.len(hint.expires);
    }
  }

  /** Fails when a key of the current db was written twice (before anything ends the db). */
  private checkDuplicates(): void {
    const log = this.keysInDb;
    if (!log) return;
    this.keysInDb = null;
    const dup = log.findDuplicate();
    if (dup) {
      this.state = 'done';
      fail(`duplicate key ${show(dup)} in db ${this.currentDb}`);
    }
  }

  /** Writes one key (type byte, key, value, preceded by its expiry / LRU / LFU opcodes). */
  writeEntry(e: RdbWriteEntry | RdbEntry): void {
    if (this.state !== 'body') fail(this.state === 'new' ? 'writeHeader() first' : 'already finished');
    const db = e.db ?? 0;
    if (db !== this.currentDb) this.selectDb(db);
    const key = e.key;
    if (!Buffer.isBuffer(key)) fail('a key must be a Buffer');
    if (this.keysInDb) this.keysInDb.add(key);
    const typeId = valueTypeId(e.value, this.encoding);
    const out = this.out;
    const exp = e.expireAtMs ?? -1;
    if (exp !== -1) {
      if (!Number.isSafeInteger(exp) || exp < 0) fail(`bad expireAtMs ${exp} for key ${show(key)}`);
      out.u8(0xfc);
      out.u64le(exp);
    }
    if (e.idleSeconds !== undefined) {
      out.u8(0xf8);
      out.len(e.idleSeconds);
    }
    if (e.lfuFreq !== undefined) {
      if (!Number.isInteger(e.lfuFreq) || e.lfuFreq < 0 || e.lfuFreq > 255) fail(`bad lfuFreq ${e.lfuFreq}`);
      out.u8(0xf9);
      out.u8(e.lfuFreq);
    }
    out.u8(typeId);
    writeRdbString(out, key, this.compress);
    writeValueBody(out, typeId, e.value, this.compress);
    this.stats.keys++;
    this.keysThisDb++;
  }

  /**
   * writeEntry of a string value given as bytes: key `kb[ks, ke)`, value `vb[vs, ve)`, TTL
   * `expireAtMs` (absolute unix ms, or -1). The same output as writeEntry({ db, key, value:
   * { type: 'string', value }, expireAtMs }) with copies of the ranges; the buffers are not kept.
   */
  writeStringBytes(db: number, kb: Buffer, ks: number, ke: number, vb: Buffer, vs: number, ve: number, expireAtMs: number): void {
    if (this.state !== 'body') fail(this.state === 'new' ? 'writeHeader() first' : 'already finished');
    if (db !== this.currentDb) this.selectDb(db);
    if (this.keysInDb) this.keysInDb.add(Buffer.from(kb.subarray(ks, ke)));
    const out = this.out;
    if (expireAtMs !== -1) {
      if (!Number.isSafeInteger(expireAtMs) || expireAtMs < 0) fail(`bad expireAtMs ${expireAtMs} for key ${show(kb.subarray(ks, ke))}`);
      out.u8(0xfc);
      out.u64le(expireAtMs);
    }
    out.u8(RDB_TYPE_STRING);
    writeRdbStringRange(out, kb, ks, ke, this.compress);
    writeRdbStringRange(out, vb, vs, ve, this.compress);
    this.stats.keys++;
    this.keysThisDb++;
  }

  /** EOF opcode and checksum; everything is then in `out.takeChunks()`. */
  finish(): void {
    if (this.state === 'new') this.writeHeader();
    if (this.state === 'done') return;
    this.checkDuplicates();
    this.state = 'done';
    if (this.currentDb >= 0) this.stats.dbs.set(this.currentDb, this.keysThisDb);
    this.out.u8(0xff);
    this.out.sealWithChecksum(!this.checksum);
    this.stats.bytes = this.out.length;
  }
}
