/**
 * Opening the LMDB adapter's file: the metadata (format, database count, SWAPDB mapping, position,
 * layout), then the committed state into the in-memory working set: the base snapshot's chunks in
 * order, then the log from the layout's first sequence number (journal.ts gives the entries).
 */
import { mkdirSync } from 'node:fs';
import type { MemoryDbStore, ReplicationPosition } from '@replikit/keyspace';
import { type Database, open, type RootDatabase } from 'lmdb';
import { LmdbCorruptRecordError, LmdbOpenError } from './errors';
import { BLOB_TABLE, entryKey, forEachEntry, J_CLEAR, J_DEL, type JournalEntry, journalKey, journalSeq } from './journal';
import type { LmdbFsyncPolicy } from './options';
import { prefaultPages, sharedMemory } from './prefault';
import { decodeRecordAt, F_TTL } from './record-codec';
import { LMDB_PREFAULT_MIN_BYTES } from './defaults';

/** format 1 kept one LMDB record per key in keyed tables (migrated at open: migrate-v1.ts); format 2 is the base + log layout */
const FORMAT = 2;

/**
 * Which tables hold the committed state: the base table (`base`: 0 or 1, -1 for none) and the log
 * entries from sequence number `from` on (older ones are left over from before the last rewrite,
 * removed in the background).
 */
export interface StoreLayout {
  base: number;
  from: number;
}

/** The byte length of the value the view decoder returned last (the buffer it returns is longer). */
let viewLength = 0;

/**
 * Table options for reading blobs without a copy or an object per blob: lmdb hands the decoder its
 * shared read buffer (valid until the iterator's next step), which it returns as it is, the value's
 * length in `viewLength`; a key reads as its sequence number (journalKey's 8 bytes, big-endian). A
 * copy of each value would be most of what a load allocates (a base of 100 MB is 100 MB of garbage).
 * The buffer must be used before the loop moves on; nothing keeps it (the working set copies bytes).
 */
const VIEW_TABLE = {
  keyEncoder: {
    writeKey: (key: Buffer, target: Uint8Array, start: number): number => {
      target.set(key, start);
      return start + key.length;
    },
    readKey: (b: Uint8Array, start: number, end: number): number => {
      let seq = 0;
      for (let i = Math.max(start, end - 6); i < end; i++) seq = seq * 256 + b[i];
      return seq;
    },
  },
  encoder: {
    encode: (v: Buffer): Buffer => v,
    decode: (b: Buffer, size: number): Buffer => {
      viewLength = size;
      return b;
    },
  },
} as const;

/**
 * Opens the file at `path` (creating `dir`) and its tables; `maxDbs`: ours and those of a format-1
 * file. overlappingSync off: with `always` a commit returns once on disk. No useWritemap: a commit
 * writes its pages with write(2) from LMDB's reused page buffers; with the write map every page
 * written after the last fsync takes a page fault on the file's map (docs/storage-adapters.md).
 */
export function openTables(dir: string, path: string, fsync: LmdbFsyncPolicy, maxDbs: number): { env: RootDatabase; tables: StoreTables } {
  try {
    mkdirSync(dir, { recursive: true });
    const env = open({ path, maxDbs, noSync: fsync !== 'always', overlappingSync: false, useWritemap: false });
    const table = (name: string) => env.openDB(name, BLOB_TABLE) as unknown as Database<Buffer, Buffer>;
    const view = (name: string) => env.openDB(name, VIEW_TABLE as unknown as typeof BLOB_TABLE) as unknown as Database<Buffer, number>;
    const views = { log: view('log'), bases: [view('base0'), view('base1')] as [Database<Buffer, number>, Database<Buffer, number>] };
    return { env, tables: { meta: env.openDB('meta', {}), log: table('log'), bases: [table('base0'), table('base1')], views } };
  } catch (err) {
    throw new LmdbOpenError(path, (err as Error).message, { cause: err });
  }
}

/** The tables of one file. */
export interface StoreTables {
  meta: Database;
  log: Database<Buffer, Buffer>;
  bases: [Database<Buffer, Buffer>, Database<Buffer, Buffer>];
  /** the log and base tables again, read as views of lmdb's read buffer (VIEW_TABLE), for loads */
  views: { log: Database<Buffer, number>; bases: [Database<Buffer, number>, Database<Buffer, number>] };
}

/**
 * The SWAPDB mapping, position and layout of an existing file (checking its format and database
 * count); writes them to a new one. A file holding the load-in-progress marker (killed while a bulk
 * unit was written: no complete state to restart from) is emptied, without a position (`discarded`).
 */
export function readMeta(
  env: RootDatabase,
  t: StoreTables,
  databases: number,
  path: string,
): { map: number[]; position: ReplicationPosition | undefined; layout: StoreLayout; discarded: boolean; sizes: number[]; slabBytes: number[] } {
  const meta = t.meta;
  const format = meta.get('format') as number | undefined;
  const identity = Array.from({ length: databases }, (_, i) => i);
  const empty = (): StoreLayout => ({ base: -1, from: 1 });
  if (format === undefined) {
    env.transactionSync(() => {
      meta.putSync('format', FORMAT);
      meta.putSync('databases', databases);
      meta.putSync('map', identity);
      meta.putSync('position', null);
      meta.putSync('layout', empty());
    });
    return { map: identity, position: undefined, layout: empty(), discarded: false, sizes: [], slabBytes: [] };
  }
  if (format !== FORMAT) throw new LmdbOpenError(path, `format ${format} is not ${FORMAT}`);
  const n = meta.get('databases') as number;
  if (n !== databases) throw new LmdbOpenError(path, `it holds ${n} databases, ${databases} were asked for`);
  if (meta.get('loading') === true) {
    env.transactionSync(() => {
      t.bases[0].clearSync();
      t.bases[1].clearSync();
      t.log.clearSync();
      meta.putSync('map', identity);
      meta.putSync('position', null);
      meta.putSync('layout', empty());
      meta.removeSync('loading');
      meta.removeSync('sizes');
      meta.removeSync('slabBytes');
    });
    return { map: identity, position: undefined, layout: empty(), discarded: true, sizes: [], slabBytes: [] };
  }
  const p = meta.get('position') as ReplicationPosition | null;
  const position = p === null || p === undefined ? undefined : { replid: p.replid, offset: p.offset, streamDb: p.streamDb ?? 0 };
  const l = meta.get('layout') as StoreLayout;
  const sizes = meta.get('sizes') as unknown;
  const slabBytes = meta.get('slabBytes') as unknown;
  return {
    map: [...(meta.get('map') as number[])],
    position,
    layout: { base: l.base, from: l.from },
    discarded: false,
    sizes: Array.isArray(sizes) ? sizes : [],
    slabBytes: Array.isArray(slabBytes) ? slabBytes : [],
  };
}

/** What a load read: bytes of the base and of the live log, the log's entries and last sequence number (0: empty). */
export interface LoadResult {
  baseBytes: number;
  logBytes: number;
  logEntries: number;
  lastSeq: number;
}

/** Applies one entry to the working set. */
function applier(mems: MemoryDbStore[], where: () => string): (e: JournalEntry, blob: Buffer) => void {
  return (e, blob) => {
    const mem = mems[e.slot];
    if (mem === undefined) throw new LmdbCorruptRecordError(e.slot, `${where()}: a database slot the file does not have`);
    if (e.kind === J_CLEAR) mem.clear();
    else if (e.kind === J_DEL) mem.delete(entryKey(blob, e));
    else if ((blob[e.recordStart] & ~F_TTL) === 0) {
      // a string record: its bytes go into the table as they are, with no JS string on the way
      const ttl = blob[e.recordStart] === F_TTL;
      if (ttl && e.recordEnd - e.recordStart < 9) throw new Error('truncated TTL');
      const expireAt = ttl ? blob.readDoubleLE(e.recordStart + 1) : -1;
      mem.setStringBytes(blob, e.keyStart, e.keyEnd, blob, e.recordStart + (ttl ? 9 : 1), e.recordEnd, expireAt);
    } else {
      const key = entryKey(blob, e);
      const r = decodeRecordAt(blob, e.recordStart, e.recordEnd);
      mem.set(key, r.value);
      if (r.expireAt >= 0) mem.setExpire(key, r.expireAt);
      else mem.deleteExpire(key);
    }
  };
}

/** Walks one blob (`blob[0, end)`), reporting a malformed entry with `where`. */
function applyBlob(blob: Buffer, end: number, apply: (e: JournalEntry, blob: Buffer) => void, where: () => string): void {
  try {
    forEachEntry(blob, (e) => apply(e, blob), end);
  } catch (err) {
    if (err instanceof LmdbCorruptRecordError) throw err;
    throw new LmdbCorruptRecordError(-1, `${where()}: ${(err as Error).message}`, { cause: err });
  }
}

/** The size hints of a load: keys and bytes of slab records per slot when the file was last closed or rewritten (possibly stale). */
export interface LoadHints {
  sizes?: readonly number[];
  slabBytes?: readonly number[];
  /** slabs are made ahead and faulted in by a worker thread (prefault.ts) from this many hinted bytes on @default LMDB_PREFAULT_MIN_BYTES */
  prefaultMinBytes?: number;
}

/**
 * Sizes each table once from `sizes`; from `slabBytes`, when they add up to prefaultMinBytes, makes
 * the slabs ahead on shared memory and has a worker thread fault them in (prefault.ts).
 */
function presize(mems: MemoryDbStore[], hints: LoadHints): { read(bytes: number): void; stop(): void } {
  const { sizes = [], slabBytes = [], prefaultMinBytes = LMDB_PREFAULT_MIN_BYTES } = hints;
  const hint = (xs: readonly number[], s: number) => (typeof xs[s] === 'number' && xs[s] > 0 ? xs[s] : 0);
  let total = 0;
  for (let s = 0; s < mems.length; s++) total += hint(slabBytes, s);
  if (total < prefaultMinBytes) {
    for (let s = 0; s < mems.length; s++) if (hint(sizes, s) > 0) mems[s].reserve(hint(sizes, s));
    return { read() {}, stop() {} };
  }
  const slabs: ArrayBufferLike[] = [];
  const entries: ArrayBufferLike[] = [];
  for (let s = 0; s < mems.length; s++) {
    // bounded by what a store can hold (MAX_RESERVE keys, the slab limit): a stale hint allocates no more
    const r = mems[s].reserveForLoad(hint(sizes, s), hint(slabBytes, s), sharedMemory);
    if (r.entries !== undefined) entries.push(r.entries);
    slabs.push(...r.slabs);
  }
  const pre = prefaultPages(slabs, entries);
  return {
    read: pre.read,
    stop() {
      pre.stop();
      // slabs the hint over-counted are dropped now rather than kept for later writes
      for (const m of mems) m.releaseSpareSlabs();
    },
  };
}

/** Reads the committed state into `mems`: the base's chunks, then the log from `layout.from`, tables presized from `hints`. */
export function loadStore(t: StoreTables, layout: StoreLayout, mems: MemoryDbStore[], hints: LoadHints = {}): LoadResult {
  const out: LoadResult = { baseBytes: 0, logBytes: 0, logEntries: 0, lastSeq: 0 };
  const pre = presize(mems, hints);
  try {
    readCommitted(t, layout, mems, out, pre.read);
  } finally {
    pre.stop();
  }
  return out;
}

/** The base then the log into `mems`; `read(bytes)` after each blob. */
function readCommitted(t: StoreTables, layout: StoreLayout, mems: MemoryDbStore[], out: LoadResult, read: (bytes: number) => void): void {
  // the blob being read, named only when an error reports it
  let what = 'base chunk';
  let current = -1;
  const at = () => `${what} ${current < 0 ? '?' : current}`;
  const apply = applier(mems, at);
  if (layout.base >= 0) {
    // an explicit start: lmdb reads nothing from a range without one through a custom key encoder
    for (const { key, value } of t.views.bases[layout.base].getRange({ start: journalKey(0) })) {
      current = key;
      const n = viewLength;
      applyBlob(value, n, apply, at);
      out.baseBytes += n;
      read(out.baseBytes);
    }
  }
  what = 'log entry';
  for (const { key, value } of t.views.log.getRange({ start: journalKey(layout.from) })) {
    current = key;
    const n = viewLength;
    applyBlob(value, n, apply, at);
    out.logBytes += n;
    read(out.baseBytes + out.logBytes);
    out.logEntries++;
  }
  if (out.logEntries !== 0) out.lastSeq = current;
}

/** The last sequence number of the log (0 when it is empty). */
export function lastLogSeq(log: Database<Buffer, Buffer>): number {
  for (const key of log.getKeys({ reverse: true, limit: 1 })) return journalSeq(key);
  return 0;
}
