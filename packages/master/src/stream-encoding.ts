import type { PropagatedCommand } from '@replikit/keyspace';
import { encodeCommandToBuffer } from '@replikit/resp';
import { decimalLength, writeDecimal, writeLatin1 } from '@replikit/resp/internal';

/** The heartbeat: lower case, as Redis sends it. */
export const PING_ARGV: readonly string[] = ['ping'];
/** Asks every replica for an ACK (WAIT). */
export const GETACK_ARGV: readonly string[] = ['REPLCONF', 'GETACK', '*'];

const selectCache = new Map<number, Buffer>();

/** `SELECT <db>` as stream bytes; one shared read-only Buffer per db. */
export function selectChunk(db: number): Buffer {
  let b = selectCache.get(db);
  if (b === undefined) {
    b = encodeCommandToBuffer(['SELECT', String(db)]);
    selectCache.set(db, b);
  }
  return b;
}

/** Bytes of one slab; a batch larger than this gets a slab of its own size. */
const SLAB_SIZE = 256 * 1024;

/** RESP size of `argv` as a command, arguments taken as latin1 (binary strings). */
function commandSize(argv: readonly string[]): number {
  const n = argv.length;
  let size = 3 + decimalLength(n);
  for (let i = 0; i < n; i++) {
    const len = (argv[i] as string).length;
    size += 5 + decimalLength(len) + len;
  }
  return size;
}

function writeCommand(out: Buffer, p: number, argv: readonly string[]): number {
  const n = argv.length;
  out[p++] = 42;
  p = writeDecimal(out, p, n);
  out[p++] = 13;
  out[p++] = 10;
  for (let i = 0; i < n; i++) {
    const a = argv[i] as string;
    out[p++] = 36;
    p = writeDecimal(out, p, a.length);
    out[p++] = 13;
    out[p++] = 10;
    p = writeLatin1(out, p, a);
    out[p++] = 13;
    out[p++] = 10;
  }
  return p;
}

/**
 * Encodes the stream into append-only slabs: each batch becomes one view into the current slab,
 * right after the previous batch's bytes, so the batches of one event-loop turn usually form one
 * contiguous range that a replica link sends with a single write (see ReplicaLink.queue). Bytes
 * of a slab are never overwritten: a full slab is left to the views that still hold it and a
 * new one is started.
 *
 * Two ways to use one: `encode` returns a view per batch (the replication stream, which hands
 * each batch to the backlog and the links), or `append`/`appendBytes` + `take` (the AOF, which
 * writes a turn's bytes at once): no view and no result object per batch, one view per slab
 * at `take`. An encoder is used one way only.
 */
export class StreamEncoder {
  #slab: Buffer = Buffer.allocUnsafeSlow(SLAB_SIZE);
  #pos = 0;
  /** where the bytes not yet taken start in the current slab (append/take) */
  #takeFrom = 0;
  /** views of untaken bytes of slabs left behind since the last take */
  #untaken: Buffer[] = [];
  #untakenBytes = 0;
  /** how many slabs were started before the current one */
  #slabNumber = 0;

  /**
   * A master's writes as stream bytes (protocol.md §4.2): `SELECT d` before a command whose db
   * is not the stream's (`streamDb`, -1 = none yet), then each command. Binary strings are
   * latin1. Returns one read-only view, and the stream's db afterwards.
   */
  encode(commands: readonly PropagatedCommand[], streamDb: number): { chunk: Buffer; streamDb: number } {
    const start = this.#reserve(batchSize(commands, streamDb));
    const db = this.#write(commands, streamDb, start);
    // handed out at once: never part of a later take
    this.#takeFrom = this.#pos;
    return { chunk: this.#slab.subarray(start, this.#pos), streamDb: db };
  }

  /** `encode` without a view: the bytes wait for `take`. Returns the stream's db afterwards. */
  append(commands: readonly PropagatedCommand[], streamDb: number): number {
    const start = this.#reserve(batchSize(commands, streamDb));
    return this.#write(commands, streamDb, start);
  }

  /** Appends bytes as they are (an AOF annotation); they wait for `take`. */
  appendBytes(bytes: Uint8Array): void {
    const start = this.#reserve(bytes.length);
    this.#slab.set(bytes, start);
    this.#pos = start + bytes.length;
  }

  /** Which slab the encoder writes into: a new number each time it starts a new one (not on `rewind`). */
  get slabNumber(): number {
    return this.#slabNumber;
  }

  /** Bytes appended and not yet taken. */
  get untakenBytes(): number {
    return this.#untakenBytes + this.#pos - this.#takeFrom;
  }

  /** The bytes appended since the last take, in order: one view per slab they span. */
  take(): Buffer[] {
    const out = this.#untaken;
    if (this.#pos > this.#takeFrom) out.push(this.#slab.subarray(this.#takeFrom, this.#pos));
    this.#takeFrom = this.#pos;
    this.#untaken = [];
    this.#untakenBytes = 0;
    return out;
  }

  /**
   * Starts the current slab over when every appended byte has been taken: for a user of
   * `append`/`take` that is done with the views `take` returned (the AOF, once they are written
   * to the file), so the next batches reuse the slab instead of filling new ones. Never after
   * `encode`, whose views outlive the call.
   */
  rewind(): void {
    if (this.#untakenBytes > 0 || this.#pos > this.#takeFrom) return;
    this.#pos = 0;
    this.#takeFrom = 0;
  }

  /** Room for `size` bytes after the current position (a new slab when the current one is full); the start. */
  #reserve(size: number): number {
    const start = this.#pos;
    if (start + size <= this.#slab.length) return start;
    if (start > this.#takeFrom) {
      this.#untaken.push(this.#slab.subarray(this.#takeFrom, start));
      this.#untakenBytes += start - this.#takeFrom;
    }
    this.#slab = Buffer.allocUnsafeSlow(Math.max(SLAB_SIZE, size));
    this.#slabNumber++;
    this.#pos = 0;
    this.#takeFrom = 0;
    return 0;
  }

  /** Writes the batch at `start` (room reserved); the stream's db afterwards. */
  #write(commands: readonly PropagatedCommand[], streamDb: number, start: number): number {
    const slab = this.#slab;
    let p = start;
    let db = streamDb;
    for (let i = 0; i < commands.length; i++) {
      const c = commands[i] as PropagatedCommand;
      if (c.db !== db) {
        const sel = selectChunk(c.db);
        sel.copy(slab, p);
        p += sel.length;
        db = c.db;
      }
      p = writeCommand(slab, p, c.argv);
    }
    this.#pos = p;
    return db;
  }
}

/** Bytes of the batch as stream bytes, SELECTs included. */
function batchSize(commands: readonly PropagatedCommand[], streamDb: number): number {
  let size = 0;
  let db = streamDb;
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i] as PropagatedCommand;
    if (c.db !== db) {
      size += selectChunk(c.db).length;
      db = c.db;
    }
    size += commandSize(c.argv);
  }
  return size;
}
