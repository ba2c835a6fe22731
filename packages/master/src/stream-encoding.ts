import type { PropagatedCommand } from '@replikit/keyspace';
import { encodeCommand, encodeCommandToBuffer } from '@replikit/resp';

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

/**
 * A master's writes as stream bytes (protocol.md §4.2): `SELECT d` before a command whose db is
 * not the stream's (`streamDb`, -1 = none yet), then each command, encoded once. Binary strings
 * are latin1. Returns the chunk list, its byte count and the stream's db afterwards.
 */
export function encodePropagated(
  commands: readonly PropagatedCommand[],
  streamDb: number,
): { chunks: Uint8Array[]; bytes: number; streamDb: number } {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let db = streamDb;
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i];
    if (c.db !== db) {
      const sel = selectChunk(c.db);
      chunks.push(sel);
      bytes += sel.length;
      db = c.db;
    }
    const enc = encodeCommand(c.argv, 'latin1');
    for (let k = 0; k < enc.length; k++) {
      chunks.push(enc[k]);
      bytes += enc[k].length;
    }
  }
  return { chunks, bytes, streamDb: db };
}
