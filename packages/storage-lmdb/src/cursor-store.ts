/**
 * A change-stream cursor store in LMDB (it fits @replikit/replica's `CursorStore` contract). Either
 * in a file of its own, or in a table of an environment the application already writes its data
 * to: then `putSync(position)` inside the application's own `env.transactionSync(...)` stores the
 * position in the same transaction as the data derived from the items, which makes the
 * application's effects exactly-once (after a crash, the data and the position agree).
 *
 * Each cursor is one record named `name` in the table `replikit-cursors`, a small JSON value; a
 * record that does not decode to a valid position is reported as ERR_STORAGE_LMDB_CURSOR_CORRUPT.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { LmdbCursorCorruptError, LmdbInvalidOptionError, LmdbOpenError, LmdbWriteError } from './errors';

/** The position of a change stream (the same shape as @replikit/replica's CursorPosition). */
export interface LmdbCursorPosition {
  readonly replid: string;
  /** the last replication offset handled, or -1 inside an unfinished snapshot */
  readonly offset: number;
  /** the db the master's stream has selected after `offset` */
  readonly db: number;
}

export interface LmdbCursorStoreOptions {
  /** a directory for a file of the store's own (created if missing); or give `env` */
  dir?: string;
  /** the file inside `dir` @default 'cursor.lmdb' */
  filename?: string;
  /** an LMDB environment the application already uses (it stays the application's to close) */
  env?: RootDatabase;
  /** the cursor's name: several streams can keep their cursors in one table @default 'default' */
  name?: string;
}

/** The table of the cursors inside the environment. */
export const LMDB_CURSOR_TABLE = 'replikit-cursors';
/** the longest cursor record read back (a valid one is under 200 bytes) */
const MAX_RECORD_BYTES = 4096;
const REPLID = /^[0-9A-Za-z]{1,64}$/;

function problem(p: unknown): string | undefined {
  if (typeof p !== 'object' || p === null) return 'not an object';
  const { replid, offset, db } = p as Record<string, unknown>;
  if (typeof replid !== 'string' || !REPLID.test(replid)) return `replid ${JSON.stringify(replid)} is not 1 to 64 letters and digits`;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < -1) return `offset ${String(offset)} is not an integer >= -1`;
  if (typeof db !== 'number' || !Number.isInteger(db) || db < 0 || db > 0x7fffffff) return `db ${String(db)} is not an integer >= 0`;
  return undefined;
}

export class LmdbCursorStore {
  readonly name: string;
  /** the store's own file, or a description of the application's environment */
  readonly path: string;
  private readonly env: RootDatabase;
  private readonly table: Database<Buffer, string>;
  private readonly owned: boolean;
  private closed = false;

  constructor(options: LmdbCursorStoreOptions) {
    this.name = options.name ?? 'default';
    if (this.name === '' || Buffer.byteLength(this.name) > 511) throw new LmdbInvalidOptionError('name', options.name, 'must be 1 to 511 bytes');
    if (options.env !== undefined) {
      this.env = options.env;
      this.owned = false;
      this.path = 'the application environment';
    } else {
      if (typeof options.dir !== 'string' || options.dir === '') throw new LmdbInvalidOptionError('dir', options.dir, 'a directory (or an env) is required');
      const path = join(options.dir, options.filename ?? 'cursor.lmdb');
      try {
        mkdirSync(options.dir, { recursive: true });
        // overlappingSync off: a write's promise resolves once it is on disk
        this.env = open({ path, maxDbs: 4, overlappingSync: false });
      } catch (err) {
        throw new LmdbOpenError(path, (err as Error).message, { cause: err });
      }
      this.owned = true;
      this.path = path;
    }
    this.table = this.env.openDB(LMDB_CURSOR_TABLE, { encoding: 'binary' }) as unknown as Database<Buffer, string>;
  }

  /** The saved position, or undefined when none was saved; rejects with ERR_STORAGE_LMDB_CURSOR_CORRUPT on a bad record. */
  async load(): Promise<LmdbCursorPosition | undefined> {
    const raw = this.table.get(this.name);
    if (raw === undefined) return undefined;
    return this.decode(raw);
  }

  /** Saves `position`; resolves once the write is committed and flushed to disk. */
  async save(position: LmdbCursorPosition): Promise<void> {
    const value = this.encode(position);
    try {
      await this.table.put(this.name, value);
      await this.table.flushed;
    } catch (err) {
      throw new LmdbWriteError(this.path, { cause: err });
    }
  }

  /**
   * Writes `position` in the current write transaction: call it inside `env.transactionSync(...)`
   * together with the data derived from the items, so both commit or neither does.
   */
  putSync(position: LmdbCursorPosition): void {
    this.table.putSync(this.name, this.encode(position));
  }

  /** Closes the file when the store opened it (an application's env stays open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.owned) await this.env.close();
  }

  private encode(p: LmdbCursorPosition): Buffer {
    const why = problem(p);
    if (why !== undefined) throw new LmdbCursorCorruptError(this.name, `the position to save is invalid: ${why}`);
    return Buffer.from(JSON.stringify({ replid: p.replid, offset: p.offset, db: p.db }), 'utf8');
  }

  private decode(raw: Buffer): LmdbCursorPosition {
    if (raw.length > MAX_RECORD_BYTES) throw new LmdbCursorCorruptError(this.name, `${raw.length} bytes, more than ${MAX_RECORD_BYTES}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new LmdbCursorCorruptError(this.name, 'not a JSON record', { cause: err });
    }
    const why = problem(parsed);
    if (why !== undefined) throw new LmdbCursorCorruptError(this.name, why);
    const { replid, offset, db } = parsed as LmdbCursorPosition;
    return { replid, offset, db };
  }
}

/** A change-stream cursor store in LMDB: `{ dir }` for a file of its own, `{ env }` to share the application's. */
export function createLmdbCursorStore(options: LmdbCursorStoreOptions): LmdbCursorStore {
  return new LmdbCursorStore(options);
}
