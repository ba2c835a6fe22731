/**
 * LZF, the compression of RDB strings encoded as 0xC3 (protocol.md §9.11).
 *
 * Exports: `lzfDecompress(input, ulen, offset?)` and `lzfCompress(input, maxOut?)`.
 *
 * Format: a control byte `ctrl`; `ctrl < 32` is a literal run of `ctrl + 1` bytes; otherwise a back
 * reference of length `(ctrl >> 5) + 2` (7 means: add the next byte) at distance
 * `((ctrl & 0x1f) << 8) + next byte + 1`, copied byte by byte (source may overlap the output).
 */
import { RdbCorruptError } from '../errors';

/**
 * Decompresses `input` into exactly `ulen` bytes. Any inconsistency (reference before the start,
 * output past `ulen`, input not consumed exactly, output shorter than `ulen`) is an
 * `ERR_RDB_CORRUPT` error; `offset` is the absolute position of `input[0]` for error messages.
 */
export function lzfDecompress(input: Uint8Array, ulen: number, offset = -1): Buffer {
  const out = Buffer.allocUnsafe(ulen);
  const inEnd = input.length;
  let ip = 0;
  let op = 0;
  while (ip < inEnd) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      // literal run: at most 32 bytes, a plain loop beats a native copy call
      const run = ctrl + 1;
      if (op + run > ulen) throw lzfError('LZF literal run past the declared length', offset, ip - 1);
      if (ip + run > inEnd) throw lzfError('LZF literal run past the compressed data', offset, ip - 1);
      const stop = ip + run;
      while (ip < stop) out[op++] = input[ip++];
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= inEnd) throw lzfError('LZF back reference past the compressed data', offset, ip - 1);
        len += input[ip++];
      }
      if (ip >= inEnd) throw lzfError('LZF back reference past the compressed data', offset, ip - 1);
      let ref = op - (((ctrl & 0x1f) << 8) + input[ip++] + 1);
      len += 2;
      if (op + len > ulen) throw lzfError('LZF back reference past the declared length', offset, ip - 1);
      if (ref < 0) throw lzfError('LZF back reference before the start of the output', offset, ip - 1);
      if (len >= 64 && ref + len <= op) {
        out.copyWithin(op, ref, ref + len); // long and not overlapping: one block copy
        op += len;
      } else if (len >= 24 && ref === op - 1) {
        out.fill(out[ref], op, op + len); // a run of one repeated byte
        op += len;
      } else {
        const stop = op + len;
        while (op < stop) out[op++] = out[ref++]; // byte by byte: the source may overlap the output
      }
    }
  }
  if (op !== ulen) throw lzfError(`LZF data decompresses to ${op} bytes, expected ${ulen}`, offset, inEnd);
  return out;
}

function lzfError(message: string, offset: number, p: number): RdbCorruptError {
  return new RdbCorruptError(message, offset >= 0 ? offset + p : -1);
}

const HLOG = 14;
const HSIZE = 1 << HLOG;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3); // 264
let hashTable: Int32Array | null = null;

/**
 * Compresses `input` with LZF. Returns null when the result would be longer than `maxOut`
 * (by default `input.length - 4`, Redis's rule: compression must save at least 4 bytes), or when
 * the input is too short to be worth it (≤ 4 bytes). Redis itself only tries strings longer than
 * 20 bytes; that policy is the caller's.
 */
export function lzfCompress(input: Uint8Array, maxOut = input.length - 4): Buffer | null {
  const n = input.length;
  if (n <= 4 || maxOut <= 0) return null;
  const out = Buffer.allocUnsafe(maxOut + MAX_LIT + 2);
  if (!hashTable) hashTable = new Int32Array(HSIZE);
  const htab = hashTable;
  htab.fill(-1);
  let ip = 0;
  let op = 1; // room for the first literal control byte
  let lit = 0;
  const limit = maxOut;
  while (ip < n - 2) {
    const v = (input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2];
    const h = (((v >>> 8) ^ (v * 0x9e37)) >>> 0) & (HSIZE - 1);
    const ref = htab[h];
    htab[h] = ip;
    const off = ip - ref - 1;
    if (
      ref >= 0 &&
      off < MAX_OFF &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      // match of at least 3 bytes
      let len = 2;
      const maxLen = Math.min(MAX_REF, n - ip) - len;
      do len++;
      while (len < maxLen + 2 && input[ref + len] === input[ip + len]);
      len -= 2; // encoded length
      // close the pending literal run
      if (lit > 0) {
        out[op - lit - 1] = lit - 1;
      } else {
        op--; // no literal: drop the reserved control byte
      }
      if (op + 3 > limit) return null;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      op++; // reserve the next literal control byte
      lit = 0;
      const end = ip + len + 2;
      ip++;
      // update the hash for the bytes inside the match (cheap approximation of lzf's ULTRA_FAST=0)
      while (ip < end && ip < n - 2) {
        const w = (input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2];
        htab[(((w >>> 8) ^ (w * 0x9e37)) >>> 0) & (HSIZE - 1)] = ip;
        ip++;
      }
      ip = end;
      continue;
    }
    if (op >= limit) return null;
    out[op++] = input[ip++];
    lit++;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = MAX_LIT - 1;
      lit = 0;
      op++;
    }
  }
  while (ip < n) {
    if (op >= limit) return null;
    out[op++] = input[ip++];
    lit++;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = MAX_LIT - 1;
      lit = 0;
      op++;
    }
  }
  if (lit > 0) out[op - lit - 1] = lit - 1;
  else op--; // drop the unused control byte
  if (op > limit) return null;
  return Buffer.from(out.subarray(0, op));
}
