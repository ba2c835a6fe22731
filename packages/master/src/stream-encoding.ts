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
 */
export class StreamEncoder {
  #slab: Buffer = Buffer.allocUnsafeSlow(SLAB_SIZE);
  #pos = 0;

  /**
   * A master's writes as stream bytes (protocol.md §4.2): `SELECT d` before a command whose db
   * is not the stream's (`streamDb`, -1 = none yet), then each command. Binary strings are
   * latin1. Returns one read-only view, and the stream's db afterwards.
   */
  encode(commands: readonly PropagatedCommand[], streamDb: number): { chunk: Buffer; streamDb: number } {
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
    let slab = this.#slab;
    let start = this.#pos;
    if (start + size > slab.length) {
      slab = Buffer.allocUnsafeSlow(Math.max(SLAB_SIZE, size));
      this.#slab = slab;
      start = 0;
    }
    let p = start;
    db = streamDb;
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
    return { chunk: slab.subarray(start, p), streamDb: db };
  }

}

