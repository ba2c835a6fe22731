/**
 * A cursor store in one small file, replaced atomically: the new position is written to
 * `<path>.tmp`, fsynced, renamed over `<path>`, and the directory is fsynced, so after a crash or
 * power loss the file holds either the previous position or the new one, never half of either.
 *
 * The file is one JSON line with a checksum over the fields (a file cut short, edited by hand or
 * overwritten with something else is reported as ERR_REPLICA_CURSOR_CORRUPT rather than trusted):
 * `{"format":"replikit-cursor/1","replid":"…","offset":1234,"db":0,"check":"…"}`.
 *
 * Saves are serialised: a save called while another is writing waits for it, and saves queued
 * meanwhile are merged into one write of the newest position (each caller's promise resolves once
 * a write that started after its call is durable).
 */
import { createHash } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkCursorPosition, type CursorPosition, type CursorStore } from './cursor-store';
import { MAX_CURSOR_FILE_BYTES } from './defaults';
import { ReplicaCursorCorruptError, ReplicaCursorStoreError } from './errors';

const FORMAT = 'replikit-cursor/1';

export interface FileCursorStoreOptions {
  /** fsync the file and its directory on every save (off: faster, survives a process crash but not a power loss) @default true */
  fsync?: boolean;
}

function checksum(p: CursorPosition): string {
  return createHash('sha256').update(`${FORMAT} ${p.replid} ${p.offset} ${p.db}`).digest('hex').slice(0, 16);
}

/** The file's bytes for `p`. */
export function encodeCursorFile(p: CursorPosition): Buffer {
  return Buffer.from(`${JSON.stringify({ format: FORMAT, replid: p.replid, offset: p.offset, db: p.db, check: checksum(p) })}\n`, 'utf8');
}

/** Parses a cursor file's bytes; anything but a whole, checksummed record is a typed error. */
export function decodeCursorFile(data: Buffer, source: string): CursorPosition {
  if (data.length > MAX_CURSOR_FILE_BYTES) throw new ReplicaCursorCorruptError(source, `${data.length} bytes, more than ${MAX_CURSOR_FILE_BYTES}`);
  const text = data.toString('utf8');
  if (!text.endsWith('\n')) throw new ReplicaCursorCorruptError(source, data.length === 0 ? 'the file is empty' : 'the record is cut short (no final newline)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ReplicaCursorCorruptError(source, 'not a JSON record', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { format?: unknown }).format !== FORMAT) {
    throw new ReplicaCursorCorruptError(source, `not a ${FORMAT} record`);
  }
  const p = checkCursorPosition(parsed, source);
  if ((parsed as { check?: unknown }).check !== checksum(p)) throw new ReplicaCursorCorruptError(source, 'the checksum does not match the fields');
  return p;
}

export class FileCursorStore implements CursorStore {
  private readonly fsync: boolean;
  private readonly tmp: string;
  /** the newest position asked for and not yet being written */
  private next: CursorPosition | undefined;
  /** the write that will take `next` (callers arriving before it starts share it) */
  private queued: Promise<void> | null = null;
  /** the last write, settled or not (never rejects: a queued write runs after a failed one) */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    options: FileCursorStoreOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
    this.tmp = `${path}.tmp`;
  }

  async load(): Promise<CursorPosition | undefined> {
    let data: Buffer;
    try {
      const st = await stat(this.path);
      // bounded read: a huge file is not a cursor, and is not read into memory
      if (st.size > MAX_CURSOR_FILE_BYTES) throw new ReplicaCursorCorruptError(this.path, `${st.size} bytes, more than ${MAX_CURSOR_FILE_BYTES}`);
      data = await readFile(this.path);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      if ((err as { code?: string }).code === 'ERR_REPLICA_CURSOR_CORRUPT') throw err;
      throw new ReplicaCursorStoreError('load', this.path, { cause: err });
    }
    return decodeCursorFile(data, this.path);
  }

  save(position: CursorPosition): Promise<void> {
    let p: CursorPosition;
    try {
      p = checkCursorPosition(position, 'the position to save');
    } catch (err) {
      return Promise.reject(err);
    }
    this.next = p;
    if (this.queued === null) {
      const run = this.tail.then(() => {
        this.queued = null;
        const target = this.next as CursorPosition;
        this.next = undefined;
        return this.write(target);
      });
      this.queued = run;
      this.tail = run.catch(() => {});
    }
    return this.queued;
  }

  private async write(p: CursorPosition): Promise<void> {
    try {
      const fh = await open(this.tmp, 'w', 0o644);
      try {
        await fh.writeFile(encodeCursorFile(p));
        if (this.fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(this.tmp, this.path);
      if (this.fsync) await syncDir(dirname(this.path));
    } catch (err) {
      await unlink(this.tmp).catch(() => {});
      throw new ReplicaCursorStoreError('save', this.path, { cause: err });
    }
  }
}

/** fsync of a directory makes a rename in it durable (not supported everywhere: EISDIR/EINVAL/EPERM are ignored). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync().catch((err: { code?: string }) => {
      if (err.code !== 'EISDIR' && err.code !== 'EINVAL' && err.code !== 'EPERM') throw err;
    });
  } finally {
    await fh.close();
  }
}

/** A cursor store in the file `path` (created at the first save; its directory must exist). */
export function createFileCursorStore(path: string, options?: FileCursorStoreOptions): FileCursorStore {
  return new FileCursorStore(path, options);
}
