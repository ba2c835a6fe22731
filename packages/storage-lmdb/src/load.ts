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
import { decodeRecordAt, F_TTL } from './record-codec';

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

/**
 * Table options for reading blobs without a copy: lmdb hands a decoder its shared read buffer
 * (valid until the iterator's next step) instead of copying each value into a Buffer of its own,
 * which at open is most of what a load allocates (a base of 100 MB is 100 MB of garbage otherwise).
 * The view must be used before the loop moves on; nothing keeps it (the working set copies bytes).
 */
const VIEW_TABLE = {
  keyEncoding: 'binary',
  encoder: {
    encode: (v: Buffer): Buffer => v,
    decode: (b: Buffer, size: number): Buffer => b.subarray(0, size),
  },
} as const;

/**
 * Opens the file at `path` (creating `dir`) and its tables; `maxDbs`: ours and those of a format-1
 * file. overlappingSync off: with `always` a commit returns once on disk. useWritemap: a commit
 * makes no write(2) of its pages (docs/storage-adapters.md).
 */
export function openTables(dir: string, path: string, fsync: LmdbFsyncPolicy, maxDbs: number): { env: RootDatabase; tables: StoreTables } {
  try {
    mkdirSync(dir, { recursive: true });
    const env = open({ path, maxDbs, noSync: fsync !== 'always', overlappingSync: false, useWritemap: true });
    const table = (name: string) => env.openDB(name, BLOB_TABLE) as unknown as Database<Buffer, Buffer>;
    const view = (name: string) => env.openDB(name, VIEW_TABLE as unknown as typeof BLOB_TABLE) as unknown as Database<Buffer, Buffer>;
    const views = { log: view('log'), bases: [view('base0'), view('base1')] as [Database<Buffer, Buffer>, Database<Buffer, Buffer>] };
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
  views: { log: Database<Buffer, Buffer>; bases: [Database<Buffer, Buffer>, Database<Buffer, Buffer>] };
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
): { map: number[]; position: ReplicationPosition | undefined; layout: StoreLayout; discarded: boolean; sizes: number[] } {
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
    return { map: identity, position: undefined, layout: empty(), discarded: false, sizes: [] };
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
    });
    return { map: identity, position: undefined, layout: empty(), discarded: true, sizes: [] };
  }
  const p = meta.get('position') as ReplicationPosition | null;
  const position = p === null || p === undefined ? undefined : { replid: p.replid, offset: p.offset, streamDb: p.streamDb ?? 0 };
  const l = meta.get('layout') as StoreLayout;
  const sizes = meta.get('sizes') as unknown;
  return { map: [...(meta.get('map') as number[])], position, layout: { base: l.base, from: l.from }, discarded: false, sizes: Array.isArray(sizes) ? sizes : [] };
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

/** Walks one blob, reporting a malformed entry with `where`. */
function applyBlob(blob: Buffer, apply: (e: JournalEntry, blob: Buffer) => void, where: () => string): void {
  try {
    forEachEntry(blob, (e) => apply(e, blob));
  } catch (err) {
    if (err instanceof LmdbCorruptRecordError) throw err;
    throw new LmdbCorruptRecordError(-1, `${where()}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads the committed state into `mems`: the base's chunks, then the log from `layout.from`. `sizes`
 * (keys per slot when the file was last closed or rewritten; a hint, possibly stale) sizes each
 * table once before the load.
 */
export function loadStore(t: StoreTables, layout: StoreLayout, mems: MemoryDbStore[], sizes: readonly number[] = []): LoadResult {
  const out: LoadResult = { baseBytes: 0, logBytes: 0, logEntries: 0, lastSeq: 0 };
  for (let s = 0; s < mems.length; s++) {
    const n = sizes[s];
    if (typeof n === 'number' && n > 0) mems[s].reserve(n);
  }
  // the blob being read, named only when an error reports it
  let what = 'base chunk';
  let current: Uint8Array | undefined;
  const at = () => `${what} ${current === undefined ? '?' : journalSeq(current)}`;
  const apply = applier(mems, at);
  if (layout.base >= 0) {
    for (const { key, value } of t.views.bases[layout.base].getRange({})) {
      current = key;
      applyBlob(value, apply, at);
      out.baseBytes += value.length;
    }
  }
  what = 'log entry';
  for (const { key, value } of t.views.log.getRange({ start: journalKey(layout.from) })) {
    current = key;
    applyBlob(value, apply, at);
    out.logBytes += value.length;
    out.logEntries++;
  }
  if (out.logEntries !== 0 && current !== undefined) out.lastSeq = journalSeq(current);
  return out;
}

/** The last sequence number of the log (0 when it is empty). */
export function lastLogSeq(log: Database<Buffer, Buffer>): number {
  for (const key of log.getKeys({ reverse: true, limit: 1 })) return journalSeq(key);
  return 0;
}
