/**
 * Conveniences over `RdbReader`:
 *  - `readRdbStream(source, options?)`: an async iterator of `RdbEvent`s over any async iterable of
 *    chunks (a `Readable`, a socket, a file stream); pulls a chunk only after the events of the
 *    previous one were consumed (backpressure), holds only the current record.
 *  - `readRdbBuffer(buf, options?)` / `readRdbFile(path, options?)`: the whole RDB as an `RdbFile`
 *    (every entry in memory: for tests, tools and small snapshots).
 *
 * Exports: `readRdbStream`, `readRdbBuffer`, `readRdbFile`, `RdbEvent`, `RdbFile`.
 */
import { createReadStream } from 'node:fs';
import type { RdbEntry } from '../model';
import { type RdbEndInfo, RdbReader, type RdbReaderHandler, type RdbReaderOptions } from './rdb-reader';

export type RdbEvent =
  | { kind: 'header'; version: number }
  | { kind: 'aux'; key: Buffer; value: Buffer }
  | { kind: 'module-aux'; moduleId: bigint; when: number; raw: Buffer }
  | { kind: 'function'; source: Buffer }
  | { kind: 'select-db'; db: number }
  | { kind: 'resize-db'; dbSize: number; expiresSize: number }
  | { kind: 'slot-info'; slot: number; slotSize: number; expiresSlotSize: number }
  | { kind: 'entry'; entry: RdbEntry; typeId: number }
  | { kind: 'end'; info: RdbEndInfo };

function eventCollector(events: RdbEvent[]): RdbReaderHandler {
  return {
    header: (version) => events.push({ kind: 'header', version }),
    aux: (key, value) => events.push({ kind: 'aux', key, value }),
    moduleAux: (moduleId, when, raw) => events.push({ kind: 'module-aux', moduleId, when, raw }),
    function: (source) => events.push({ kind: 'function', source }),
    selectDb: (db) => events.push({ kind: 'select-db', db }),
    resizeDb: (dbSize, expiresSize) => events.push({ kind: 'resize-db', dbSize, expiresSize }),
    slotInfo: (slot, slotSize, expiresSlotSize) => events.push({ kind: 'slot-info', slot, slotSize, expiresSlotSize }),
    entry: (entry, typeId) => events.push({ kind: 'entry', entry, typeId }),
    end: (info) => events.push({ kind: 'end', info }),
  };
}

/** Parses an RDB from an async iterable of chunks, yielding events as records complete. */
export async function* readRdbStream(
  source: AsyncIterable<Uint8Array | string>,
  options: RdbReaderOptions = {},
): AsyncGenerator<RdbEvent, void, undefined> {
  const events: RdbEvent[] = [];
  const reader = new RdbReader(eventCollector(events), options);
  for await (const chunk of source) {
    reader.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    if (events.length > 0) {
      const batch = events.splice(0);
      yield* batch;
    }
  }
  reader.end();
  yield* events.splice(0);
}

/** A whole RDB, decoded. */
export interface RdbFile {
  version: number;
  aux: Array<[Buffer, Buffer]>;
  moduleAux: Array<{ moduleId: bigint; when: number; raw: Buffer }>;
  functions: Buffer[];
  resizeHints: Array<{ db: number; dbSize: number; expiresSize: number }>;
  entries: RdbEntry[];
  /** on-disk type id of each entry (same index as `entries`) */
  typeIds: number[];
  info: RdbEndInfo;
}

function fileCollector(file: RdbFile): RdbReaderHandler {
  let db = 0;
  return {
    header: (version) => {
      file.version = version;
    },
    aux: (key, value) => file.aux.push([key, value]),
    moduleAux: (moduleId, when, raw) => file.moduleAux.push({ moduleId, when, raw }),
    function: (source) => file.functions.push(source),
    selectDb: (d) => {
      db = d;
    },
    resizeDb: (dbSize, expiresSize) => file.resizeHints.push({ db, dbSize, expiresSize }),
    entry: (entry, typeId) => {
      file.entries.push(entry);
      file.typeIds.push(typeId);
    },
    end: (info) => {
      file.info = info;
    },
  };
}

function emptyFile(): RdbFile {
  return { version: 0, aux: [], moduleAux: [], functions: [], resizeHints: [], entries: [], typeIds: [], info: undefined as unknown as RdbEndInfo };
}

/** Decodes a complete RDB held in memory. Raw strings are views into `buf` unless `copyStrings`. */
export function readRdbBuffer(buf: Uint8Array, options: RdbReaderOptions = {}): RdbFile {
  const file = emptyFile();
  const reader = new RdbReader(fileCollector(file), { totalBytes: buf.length, ...options });
  reader.write(buf);
  reader.end();
  file.info = reader.info();
  return file;
}

/** Reads and decodes an RDB file (streamed from disk in 1 MiB chunks). */
export async function readRdbFile(path: string, options: RdbReaderOptions = {}): Promise<RdbFile> {
  const file = emptyFile();
  const reader = new RdbReader(fileCollector(file), options);
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  for await (const chunk of stream) reader.write(chunk as Buffer);
  reader.end();
  file.info = reader.info();
  return file;
}
