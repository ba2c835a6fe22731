// Test helpers (not exported by the package).
import type { RequestDecoder } from '../request-decoder';
import type { RespProtocolError } from '../errors';

export interface DecodeOutcome {
  commands: string[][];
  bytes: number[];
  emptyLines: number;
  error: { replyText: string; reason: string; limit: string | null; silent: boolean; offset: number } | null;
}

/** Feeds `chunks` one by one, draining commands after each; stops at the first error. */
export function feed(decoder: RequestDecoder, chunks: Buffer[]): DecodeOutcome {
  const out: DecodeOutcome = { commands: [], bytes: [], emptyLines: 0, error: null };
  try {
    for (const c of chunks) {
      decoder.write(c);
      for (let argv = decoder.next(); argv !== undefined; argv = decoder.next()) {
        out.commands.push(argv);
        out.bytes.push(decoder.lastCommandBytes);
      }
    }
  } catch (err) {
    const e = err as RespProtocolError;
    if (e?.code !== 'ERR_RESP_PROTOCOL') throw err;
    out.error = { replyText: e.replyText, reason: e.reason, limit: e.limit?.name ?? null, silent: e.silent, offset: e.offset };
  }
  out.emptyLines = decoder.emptyLines;
  return out;
}

/** Splits `buf` at the given cut points (sorted, deduplicated, within range). */
export function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(buf.length, c))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    if (p > prev) out.push(buf.subarray(prev, p));
    prev = p;
  }
  if (prev < buf.length) out.push(buf.subarray(prev));
  return out;
}

/** One chunk per byte. */
export function bytewise(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i++) out.push(buf.subarray(i, i + 1));
  return out;
}

/** Binary string to Buffer. */
export function bin(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}
