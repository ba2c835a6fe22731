/**
 * Opening a file of format 1, the layout of earlier builds: one LMDB record per key in keyed tables
 * (`db<slot>` keyed by the key's bytes, `long<slot>` keyed by the SHA-256 of keys longer than 1024
 * bytes, the full key inside the record) plus a `journal` of entries not yet merged into them,
 * keyed by 8-byte big-endian sequence numbers. The committed state is the keyed tables with the
 * journal replayed over them in sequence order. Journal entry:
 * `[kind u8][slot u16 LE][key length u32 LE][key][record]` (kind 0 SET with the record of the new
 * value and TTL, 1 DEL, 2 CLEAR: every key of the slot dropped). Records are record-codec.ts's.
 *
 * The migration reads that state into the working set, then one write transaction writes it as a
 * format-2 base (bulk-write.ts), drops the format-1 tables and sets the format to 2 with the SWAPDB
 * mapping and the replication position format 1 kept. A process killed before that transaction
 * commits leaves the format-1 file as it was (the next open migrates again); after it, a complete
 * format-2 file.
 */
import type { MemoryDbStore, ReplicationPosition, StoredValue } from '@replikit/keyspace';
import type { Database, RootDatabase } from 'lmdb';
import { newBulkWrite, writeBulkSlice } from './bulk-write';
import type { LmdbDbStore } from './db-store';
import { LmdbCorruptRecordError, LmdbOpenError } from './errors';
import { BLOB_TABLE, journalSeq } from './journal';
import { type LoadResult, loadStore, readMeta, type StoreLayout, type StoreTables } from './load';
import { decodeRecord, decodeRecordAt } from './record-codec';

const V1_DEL = 1;
const V1_CLEAR = 2;
const V1_HEAD = 7;

/** What a migration did, for the adapter's counters. */
export interface MigrationResult extends LoadResult {
  /** keys written to the new base */
  keys: number;
  /** the format-1 file held a load-in-progress marker: its data and position were discarded */
  discarded: boolean;
}

/** The LMDB named databases a format-1 file of `databases` slots holds besides `meta`. */
export function v1TableCount(databases: number): number {
  return 2 * databases + 1;
}

function setRecord(mem: MemoryDbStore, key: string, value: StoredValue, expireAt: number): void {
  mem.set(key, value);
  if (expireAt >= 0) mem.setExpire(key, expireAt);
  else mem.deleteExpire(key);
}

/** Reads the keyed tables of one slot into `mem`. */
function loadSlotV1(slot: number, mem: MemoryDbStore, inline: Database<Buffer, Buffer>, long: Database<Buffer, Buffer>): void {
  const corrupt = (err: unknown) => new LmdbCorruptRecordError(slot, (err as Error).message, { cause: err });
  for (const { key, value } of inline.getRange({})) {
    let r: { value: StoredValue; expireAt: number };
    try {
      r = decodeRecordAt(value, 0, value.length);
    } catch (err) {
      throw corrupt(err);
    }
    setRecord(mem, key.toString('latin1'), r.value, r.expireAt);
  }
  for (const { value } of long.getRange({})) {
    let r: ReturnType<typeof decodeRecord>;
    try {
      r = decodeRecord(value);
    } catch (err) {
      throw corrupt(err);
    }
    if (r.key === undefined) throw new LmdbCorruptRecordError(slot, 'a long-key record without its key');
    setRecord(mem, r.key, r.value, r.expireAt);
  }
}

/** Replays the format-1 journal over the loaded slots, in sequence order. */
function replayJournalV1(journal: Database<Buffer, Buffer>, mems: MemoryDbStore[]): void {
  for (const { key, value: b } of journal.getRange({})) {
    const seq = journalSeq(key);
    const fail = (reason: string, slot = -1, cause?: unknown) => new LmdbCorruptRecordError(slot, `journal entry ${seq}: ${reason}`, { cause });
    if (b.length < V1_HEAD) throw fail('truncated journal entry');
    const kind = b[0];
    if (kind > V1_CLEAR) throw fail(`unknown journal entry kind ${kind}`);
    const slot = b.readUInt16LE(1);
    const n = b.readUInt32LE(3);
    if (b.length < V1_HEAD + n) throw fail('truncated journal key', slot);
    const mem = mems[slot];
    if (mem === undefined) throw fail('a database slot the file does not have', slot);
    const k = b.toString('latin1', V1_HEAD, V1_HEAD + n);
    if (kind === V1_CLEAR) mem.clear();
    else if (kind === V1_DEL) mem.delete(k);
    else {
      if (b.length === V1_HEAD + n) throw fail('a journal SET without its record', slot);
      // a SET's record embeds the key again when it is long: decodeRecord skips that field
      let r: ReturnType<typeof decodeRecord>;
      try {
        r = decodeRecord(b.subarray(V1_HEAD + n));
      } catch (err) {
        throw fail((err as Error).message, slot, err);
      }
      setRecord(mem, k, r.value, r.expireAt);
    }
  }
}

/**
 * Migrates a format-1 file to format 2 (see the module comment), loading its state into `slots`;
 * returns null, touching nothing, when the file is not of format 1. `log` gets one notice line.
 */
export function migrateFormat1(env: RootDatabase, t: StoreTables, slots: LmdbDbStore[], path: string, log: ((line: string) => void) | undefined): MigrationResult | null {
  if (t.meta.get('format') !== 1) return null;
  const databases = slots.length;
  const n = t.meta.get('databases') as number;
  if (n !== databases) throw new LmdbOpenError(path, `it holds ${n} databases, ${databases} were asked for`);
  const table = (name: string) => env.openDB(name, BLOB_TABLE) as unknown as Database<Buffer, Buffer>;
  const inline = slots.map((s) => table(`db${s.slot}`));
  const long = slots.map((s) => table(`long${s.slot}`));
  const journal = table('journal');
  const mems = slots.map((s) => s.mem);
  // a file killed while a bulk unit was written holds no complete state: discarded, as format 2 does
  const discarded = t.meta.get('loading') === true;
  let position: ReplicationPosition | null = null;
  let map = slots.map((_, i) => i);
  if (!discarded) {
    for (const s of slots) loadSlotV1(s.slot, s.mem, inline[s.slot], long[s.slot]);
    replayJournalV1(journal, mems);
    const p = t.meta.get('position') as ReplicationPosition | null | undefined;
    if (p !== null && p !== undefined) position = { replid: p.replid, offset: p.offset, streamDb: p.streamDb ?? 0 };
    map = [...(t.meta.get('map') as number[])];
  }
  const b = newBulkWrite(false, 0, 1, 0, slots);
  const layout: StoreLayout = { base: 0, from: 1 };
  env.transactionSync(() => {
    t.bases[0].clearSync();
    t.bases[1].clearSync();
    t.log.clearSync();
    writeBulkSlice(b, t.bases[0], Number.POSITIVE_INFINITY);
    for (const d of [...inline, ...long, journal]) d.dropSync();
    t.meta.putSync('format', 2);
    t.meta.putSync('databases', databases);
    t.meta.putSync('map', map);
    t.meta.putSync('position', position);
    t.meta.putSync('layout', layout);
    t.meta.removeSync('loading');
  });
  log?.(`Migrated LMDB storage from format 1 to format 2: ${b.records} keys${discarded ? ' (a partial load was discarded)' : ''}`);
  return { baseBytes: b.bytes, logBytes: 0, logEntries: 0, lastSeq: 0, keys: b.records, discarded };
}

/**
 * The state of the file at open: a format-1 file migrated first (its state loaded on the way),
 * then the meta of the format-2 file and, unless the migration loaded it, its base and log.
 */
export function readFile(env: RootDatabase, t: StoreTables, slots: LmdbDbStore[], path: string, log: ((line: string) => void) | undefined) {
  const migrated = migrateFormat1(env, t, slots, path, log);
  const meta = readMeta(env, t, slots.length, path);
  const loaded = migrated ?? loadStore(t, meta.layout, slots.map((s) => s.mem), { sizes: meta.sizes, slabBytes: meta.slabBytes });
  return { migrated, meta, loaded };
}
