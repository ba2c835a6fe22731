/**
 * Opening the LMDB adapter's file: every slot's keyed tables into the in-memory working set, then
 * the journal replayed over them in sequence order (journal.ts), which is the committed state.
 */
import type { MemoryDbStore, ReplicationPosition } from '@replikit/keyspace';
import type { Database, RootDatabase } from 'lmdb';
import { LmdbCorruptRecordError, LmdbOpenError } from './errors';
import { decodeJournalEntry, J_CLEAR, J_DEL, type JournalTables, journalSeq } from './journal';
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

/**
 * Replays the journal over the loaded slots; returns the entry count and the last sequence number
 * (0 when empty).
 */
export function replayJournal(journal: Database<Buffer, Buffer>, mems: MemoryDbStore[]): { entries: number; lastSeq: number } {
  let entries = 0;
  let lastSeq = 0;
  for (const { key, value } of journal.getRange({})) {
    let slot = -1;
    try {
      const e = decodeJournalEntry(value);
      slot = e.slot;
      const mem = mems[e.slot];
      if (mem === undefined) throw new Error('a journal entry of a database slot the file does not have');
      if (e.kind === J_CLEAR) mem.clear();
      else if (e.kind === J_DEL) mem.delete(e.key);
      else {
        const r = decodeRecord(e.record);
        mem.set(e.key, r.value);
        if (r.expireAt >= 0) mem.setExpire(e.key, r.expireAt);
        else mem.deleteExpire(e.key);
      }
    } catch (err) {
      throw new LmdbCorruptRecordError(slot, `journal entry ${journalSeq(key)}: ${(err as Error).message}`, { cause: err });
    }
    entries++;
    lastSeq = journalSeq(key);
  }
  return { entries, lastSeq };
}
