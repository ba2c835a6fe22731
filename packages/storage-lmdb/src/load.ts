/**
 * Opening the LMDB adapter's file: every slot's keyed tables into the in-memory working set, then
 * the journal replayed over them in sequence order (journal.ts), which is the committed state.
 */
import type { MemoryDbStore, ReplicationPosition } from '@replikit/keyspace';
import type { Database, RootDatabase, RootDatabaseOptions } from 'lmdb';
import { LmdbCorruptRecordError, LmdbOpenError } from './errors';
import { decodeJournalEntry, J_CLEAR, J_DEL, J_SET, type JournalTables, journalSeq } from './journal';
import { type DecodedRecord, decodeRecord } from './record-codec';

const FORMAT = 1;

/**
 * The SWAPDB mapping and position of an existing file (checking its format and database count);
 * writes them to a new one. A file holding the load-in-progress marker (killed while a bulk unit
 * was written: no complete state to restart from) is emptied, without a position (`discarded`).
 */
export function readMeta(
  env: RootDatabase,
  meta: Database,
  t: JournalTables,
  databases: number,
  path: string,
): { map: number[]; position: ReplicationPosition | undefined; discarded: boolean } {
  const format = meta.get('format') as number | undefined;
  const identity = Array.from({ length: databases }, (_, i) => i);
  if (format === undefined) {
    env.transactionSync(() => {
      meta.putSync('format', FORMAT);
      meta.putSync('databases', databases);
      meta.putSync('map', identity);
      meta.putSync('position', null);
    });
    return { map: identity, position: undefined, discarded: false };
  }
  if (format !== FORMAT) throw new LmdbOpenError(path, `format ${format} is not ${FORMAT}`);
  const n = meta.get('databases') as number;
  if (n !== databases) throw new LmdbOpenError(path, `it holds ${n} databases, ${databases} were asked for`);
  if (meta.get('loading') === true) {
    env.transactionSync(() => {
      for (let s = 0; s < databases; s++) {
        t.inline[s].clearSync();
        t.long[s].clearSync();
      }
      t.journal.clearSync();
      meta.putSync('map', identity);
      meta.putSync('position', null);
      meta.removeSync('loading');
    });
    return { map: identity, position: undefined, discarded: true };
  }
  const p = meta.get('position') as ReplicationPosition | null;
  const position = p === null || p === undefined ? undefined : { replid: p.replid, offset: p.offset, streamDb: p.streamDb ?? 0 };
  return { map: [...(meta.get('map') as number[])], position, discarded: false };
}

/** Reads the keyed tables of one slot into `mem`. */
export function loadSlot(slot: number, mem: MemoryDbStore, inlineTable: Database<Buffer, Buffer>, longTable: Database<Buffer, Buffer>): void {
  const put = (key: string | undefined, r: DecodedRecord | Error) => {
    if (r instanceof Error) throw new LmdbCorruptRecordError(slot, r.message, { cause: r });
    const k = key ?? r.key;
    if (k === undefined) throw new LmdbCorruptRecordError(slot, 'a long-key record without its key');
    mem.set(k, r.value);
    if (r.expireAt >= 0) mem.setExpire(k, r.expireAt);
  };
  const inline = inlineTable as unknown as Database<DecodedRecord | Error, Buffer>;
  const long = longTable as unknown as Database<DecodedRecord | Error, Buffer>;
  for (const { key, value } of inline.getRange({})) put(key.toString('latin1'), value);
  for (const { value } of long.getRange({})) put(undefined, value);
}

/** One journal entry decoded for the replay. */
interface ReplayEntry {
  kind: number;
  slot: number;
  key: string;
  record: DecodedRecord | undefined;
}

/**
 * The replay's value encoding of the journal: each entry decoded straight from lmdb's shared read
 * buffer (no Buffer copy per entry; nothing of the buffer is kept), a malformed one returned as
 * its Error. Writes go through the journal's own handle (journal.ts), never this one.
 */
const REPLAY = {
  encode: (entry: Buffer): Buffer => entry,
  decode(buf: Uint8Array, size: number): ReplayEntry | Error {
    try {
      const whole = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      const e = decodeJournalEntry(size === whole.length ? whole : whole.subarray(0, size));
      return { kind: e.kind, slot: e.slot, key: e.key, record: e.kind === J_SET ? decodeRecord(e.record) : undefined };
    } catch (err) {
      return err as Error;
    }
  },
};

/**
 * Replays the journal over the loaded slots; returns the entry count and the last sequence number
 * (0 when empty).
 */
export function replayJournal(env: RootDatabase, mems: MemoryDbStore[]): { entries: number; lastSeq: number } {
  const journal = env.openDB('journal', { keyEncoding: 'binary', encoder: REPLAY } as RootDatabaseOptions) as unknown as Database<ReplayEntry | Error, Buffer>;
  let entries = 0;
  let lastSeq = 0;
  for (const { key, value } of journal.getRange({})) {
    if (value instanceof Error) throw new LmdbCorruptRecordError(-1, `journal entry ${journalSeq(key)}: ${value.message}`, { cause: value });
    const e = value;
    const mem = mems[e.slot];
    if (mem === undefined) throw new LmdbCorruptRecordError(e.slot, `journal entry ${journalSeq(key)}: a database slot the file does not have`);
    if (e.kind === J_CLEAR) mem.clear();
    else if (e.kind === J_DEL) mem.delete(e.key);
    else {
      const r = e.record as DecodedRecord;
      mem.set(e.key, r.value);
      if (r.expireAt >= 0) mem.setExpire(e.key, r.expireAt);
      else mem.deleteExpire(e.key);
    }
    entries++;
    lastSeq = journalSeq(key);
  }
  return { entries, lastSeq };
}
