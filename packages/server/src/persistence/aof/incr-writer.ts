/**
 * The open incremental AOF file: propagated writes are appended in RESP form with the file's own
 * SELECT rules (a SELECT before the first command of the file and whenever the database changes),
 * `#TS:` annotations when the second changes (`aof-timestamp-enabled`), written to the kernel
 * before the command's reply leaves (so a crash of the process loses nothing written), and synced
 * per `appendfsync`: `always` fsyncs before returning, `everysec` is synced off the event loop once
 * a second by the owner, `no` leaves it to the kernel.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync, writevSync } from 'node:fs';
import type { PropagatedCommand } from '@replikit/keyspace';
import { StreamEncoder } from '@replikit/master/internal';
import { timestampAnnotation } from './aof-format';

export interface IncrWriterOptions {
  /** `aof-timestamp-enabled`, read on every write */
  timestamps: () => boolean;
  clock?: () => number;
}

export class IncrWriter {
  private fd: number;
  private selectedDb = -1;
  private lastTimestamp = 0;
  /** bytes in the file */
  size: number;
  /** bytes written since the last completed fsync */
  unsynced = 0;
  /**
   * After a failed `write`: how many of its bytes stayed in the file (a short write that could
   * not be truncated away); a retry writes only the rest. 0 otherwise.
   */
  keptOfFailedWrite = 0;
  /** an fsync running off the event loop (aof_pending_bio_fsync) */
  fsyncInFlight = false;
  private closed = false;
  private readonly clock: () => number;
  /** the replication stream's encoder: same RESP and SELECT rule, batches land contiguously in its slab */
  private readonly encoder = new StreamEncoder();

  constructor(
    readonly path: string,
    private readonly o: IncrWriterOptions,
  ) {
    this.clock = o.clock ?? Date.now;
    this.fd = openSync(path, 'a', 0o644);
    this.size = fstatSync(this.fd).size;
  }

  /**
   * Appends the bytes for `writes` (SELECTs and annotations included) to what waits for `take`;
   * the SELECT state moves on. No allocation per batch: the bytes go straight into the
   * encoder's slab, back to back.
   */
  append(writes: readonly PropagatedCommand[]): void {
    if (this.o.timestamps()) {
      const now = Math.floor(this.clock() / 1000);
      if (now > this.lastTimestamp) {
        this.encoder.appendBytes(timestampAnnotation(now));
        this.lastTimestamp = now;
      }
    }
    if (writes.length > 0) this.selectedDb = this.encoder.append(writes, this.selectedDb);
  }

  /** Bytes appended and not yet taken (part of aof_buffer_length). */
  get bufferedBytes(): number {
    return this.encoder.untakenBytes;
  }

  /** The bytes appended since the last take, one view per encoder slab they span. */
  take(): Buffer[] {
    return this.encoder.take();
  }

  /**
   * Writes the bytes to the file (blocking write(2), no fsync). Throws the system error. `chunks`
   * are what `take` returned, and they are dead once this returns: after a complete write the
   * encoder's slab is reused for the next turn (no new slab per 256 KB of writes, and a turn's
   * bytes rarely span two slabs, so one write(2) rather than a writev).
   */
  write(chunks: readonly Buffer[]): void {
    const ranges = chunks.length === 1 ? (chunks as Buffer[]) : joinChunks(chunks);
    let total = 0;
    for (let i = 0; i < ranges.length; i++) total += (ranges[i] as Buffer).length;
    let off = 0;
    this.keptOfFailedWrite = 0;
    try {
      // writev when the turn's bytes span several slabs; a short write finishes with plain writes
      if (ranges.length > 1) off = writevSync(this.fd, ranges);
      if (off < total) {
        const buf = ranges.length === 1 ? (ranges[0] as Buffer) : Buffer.concat(ranges);
        while (off < total) off += writeSync(this.fd, buf, off);
      }
    } catch (err) {
      // like Redis: the file goes back to its last complete write, or, when it cannot, keeps
      // the written part and the caller retries only the rest (no command written twice)
      if (off > 0) {
        try {
          ftruncateSync(this.fd, this.size);
        } catch {
          this.keptOfFailedWrite = off;
          this.size += off;
          this.unsynced += off;
        }
      }
      throw err;
    }
    this.size += total;
    this.unsynced += total;
    this.encoder.rewind();
  }

  /** fdatasync now (appendfsync always, shutdown). */
  syncNow(): void {
    if (this.closed) return;
    fdatasyncSync(this.fd);
    this.unsynced = 0;
  }

  /** fdatasync on the thread pool (appendfsync everysec); `done` gets the error, if any. */
  syncInBackground(done: (err: Error | null) => void): void {
    if (this.fsyncInFlight || this.closed) return;
    this.fsyncInFlight = true;
    const pending = this.unsynced;
    fdatasync(this.fd, (err) => {
      this.fsyncInFlight = false;
      if (this.closed) {
        closeSync(this.fd);
        return;
      }
      if (!err) this.unsynced = Math.max(0, this.unsynced - pending);
      done(err);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // an fsync on the thread pool still uses the descriptor: its callback closes it
    if (!this.fsyncInFlight) closeSync(this.fd);
  }
}

/** The chunks with every run of back-to-back chunks (batches of one encoder slab) merged into one view. */
function joinChunks(chunks: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let first = chunks[0] as Buffer;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < chunks.length; i++) {
    const c = chunks[i] as Buffer;
    if (c.buffer === first.buffer && c.byteOffset === end) {
      end += c.length;
      continue;
    }
    out.push(Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset));
    first = c;
    end = c.byteOffset + c.length;
  }
  out.push(Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset));
  return out;
}

/** `chunks` without their first `n` bytes (views, no copy). */
export function skipBytes(chunks: Buffer[], n: number): Buffer[] {
  if (n === 0) return chunks;
  const out: Buffer[] = [];
  let left = n;
  for (const c of chunks) {
    if (left >= c.length) {
      left -= c.length;
      continue;
    }
    out.push(left > 0 ? c.subarray(left) : c);
    left = 0;
  }
  return out;
}
