/**
 * LZF, the compression of RDB strings encoded as 0xC3 (protocol.md §9.11).
 *
 * Exports: `lzfDecompress(input, ulen, offset?)`, `lzfDecompressInto` (into a caller's buffer) and
 * `lzfCompress(input, maxOut?)`.
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
  lzfDecompressInto(input, 0, input.length, out, 0, ulen, offset);
  return out;
}

/**
 * lzfDecompress of `input[inStart, inEnd)` into `out[outStart, outStart + ulen)` (which must fit):
 * no Buffer is made. `offset` is the absolute position of `input[inStart]` for error messages.
 */
export function lzfDecompressInto(input: Uint8Array, inStart: number, inEnd: number, out: Uint8Array, outStart: number, ulen: number, offset = -1): void {
  const outEnd = outStart + ulen;
  let ip = inStart;
  let op = outStart;
  while (ip < inEnd) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      // literal run: at most 32 bytes, a plain loop beats a native copy call
      const run = ctrl + 1;
      if (op + run > outEnd) throw lzfError('LZF literal run past the declared length', offset, ip - 1 - inStart);
      if (ip + run > inEnd) throw lzfError('LZF literal run past the compressed data', offset, ip - 1 - inStart);
      const stop = ip + run;
      while (ip < stop) out[op++] = input[ip++];
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= inEnd) throw lzfError('LZF back reference past the compressed data', offset, ip - 1 - inStart);
        len += input[ip++];
      }
      if (ip >= inEnd) throw lzfError('LZF back reference past the compressed data', offset, ip - 1 - inStart);
      let ref = op - (((ctrl & 0x1f) << 8) + input[ip++] + 1);
      len += 2;
      if (op + len > outEnd) throw lzfError('LZF back reference past the declared length', offset, ip - 1 - inStart);
      if (ref < outStart) throw lzfError('LZF back reference before the start of the output', offset, ip - 1 - inStart);
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
  if (op !== outEnd) throw lzfError(`LZF data decompresses to ${op - outStart} bytes, expected ${ulen}`, offset, inEnd - inStart);
}

function lzfError(message: string, offset: number, p: number): RdbCorruptError {
  return new RdbCorruptError(message, offset >= 0 ? offset + p : -1);
}

const HLOG = 14;
const HSHIFT = 32 - HLOG;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3); // 264
/** After 2^SKIP_TRIGGER positions without a match, look only at every 2nd, 3rd ... position. */
const SKIP_TRIGGER = 5;
const SKIP_AFTER = 2 << SKIP_TRIGGER;
const MAX_STEP = 16;
/** Scratch buffers up to this size are kept for the next call; bigger ones are one-offs. */
const KEEP_SCRATCH = 1 << 20;

/**
 * The hash table of 3-byte prefixes, shared by every call and never cleared: a slot holds
 * `base + position`, and `base` moves past the previous input at each call, so an entry from an
 * earlier call reads as a negative position (stale) at no cost. Cleared only when `base` would
 * overflow (every ~2 GB of input).
 */
const htab = new Int32Array(1 << HLOG);
let base = 1;
/** Output scratch, grown on demand and reused (see lzfCompressToScratch). */
let scratch = Buffer.allocUnsafe(64 * 1024);
let lastOut = scratch;

/**
 * Compresses `input` into a reused scratch buffer and returns the compressed length, or -1 when the
 * result would be longer than `maxOut` (checked as it goes: it gives up as soon as the output is
 * bound to pass `maxOut`, so an incompressible value costs one pass of copying). The bytes are
 * `lzfScratch().subarray(0, length)`, valid until the next call: copy them before compressing
 * anything else. This is the writer's path (no allocation per string).
 *
 * Like liblzf: a hash of the next 3 bytes finds the last position with the same hash, a match is
 * confirmed byte for byte and extended up to 264 bytes within 8 KiB back. Like LZ4's acceleration,
 * long stretches without a match are scanned with a growing step (the skipped bytes are literals),
 * so random data does not pay a hash lookup per byte. The output is a valid LZF stream whatever the
 * table held before.
 */
export function lzfCompressToScratch(input: Uint8Array, maxOut = input.length - 4): number {
  return lzfCompressRangeToScratch(input, 0, input.length, maxOut);
}

/** lzfCompressToScratch of `input[start, end)`, without a view of the range. */
export function lzfCompressRangeToScratch(input: Uint8Array, start: number, end: number, maxOut = end - start - 4): number {
  const n = end - start;
  if (n <= 4 || maxOut <= 0) return -1;
  // the output never exceeds the input plus one control byte per 32 literals, whatever maxOut says
  const need = Math.min(maxOut, n + (n >> 5) + 2) + MAX_STEP + 8;
  let out = scratch;
  if (out.length < need) {
    out = Buffer.allocUnsafe(Math.max(need, out.length * 2));
    if (out.length <= KEEP_SCRATCH) scratch = out;
  }
  lastOut = out;
  if (base > 0x7fffffff - n) {
    htab.fill(0);
    base = 1;
  }
  // positions are indices into `input`: an entry of this call is `b + ip` with ip >= start
  const b = base - start;
  base += n;
  // a small input uses only the start of the table (fewer cache lines touched; the window is 8 KiB anyway)
  const shift = n < 1024 ? 32 - 10 : n < 4096 ? 32 - 12 : HSHIFT;
  const limit = maxOut;
  const hashEnd = end - 2;
  let ip = start;
  let op = 1; // room for the first literal run's control byte
  let lit = 0;
  let miss = 0;
  let v = (input[start] << 8) | input[start + 1]; // the 2 bytes at ip; the loop shifts in the 3rd
  while (ip < hashEnd) {
    v = ((v << 8) | input[ip + 2]) & 0xffffff;
    const h = Math.imul(v, 0x9e3779b1) >>> shift;
    const ref = htab[h] - b;
    htab[h] = b + ip;
    let off: number;
    if (ref >= start && (off = ip - ref - 1) < MAX_OFF && ((input[ref] << 16) | (input[ref + 1] << 8) | input[ref + 2]) === v) {
      // a match of at least 3 bytes at distance off + 1: extend it
      let len = 3;
      const maxLen = Math.min(end - ip, MAX_REF);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      if (lit > 0) out[op - lit - 1] = lit - 1; // close the literal run
      else op--; // no literal before: give back its reserved control byte
      if (op + 3 > limit) return -1;
      const l = len - 2;
      if (l < 7) out[op++] = (off >> 8) + (l << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      op++; // reserve the next literal run's control byte
      lit = 0;
      miss = 0;
      ip += len;
      // hash the last two positions inside the match (liblzf's "very fast" mode does the same)
      for (let p = ip - 2; p < ip && p < hashEnd; p++) {
        const w = (input[p] << 16) | (input[p + 1] << 8) | input[p + 2];
        htab[Math.imul(w, 0x9e3779b1) >>> shift] = b + p;
      }
      if (ip < hashEnd) v = (input[ip] << 8) | input[ip + 1];
      continue;
    }
    // no match: this byte is a literal
    if (op >= limit) return -1; // the bytes passed cannot be matched any more: the output will not fit
    out[op++] = input[ip++];
    if (++lit === MAX_LIT) {
      out[op - MAX_LIT - 1] = MAX_LIT - 1;
      lit = 0;
      op++;
    }
    if (++miss >= SKIP_AFTER) {
      // after many misses, the next few bytes too, without looking them up
      let step = (miss >> SKIP_TRIGGER) - 1;
      if (step > MAX_STEP) step = MAX_STEP;
      if (step > hashEnd - ip) step = hashEnd - ip;
      if (op + step > limit) return -1;
      for (let k = 0; k < step; k++) {
        out[op++] = input[ip++];
        if (++lit === MAX_LIT) {
          out[op - MAX_LIT - 1] = MAX_LIT - 1;
          lit = 0;
          op++;
        }
      }
      if (ip < hashEnd) v = (input[ip] << 8) | input[ip + 1];
    }
  }
  while (ip < end) {
    if (op >= limit) return -1;
    out[op++] = input[ip++];
    if (++lit === MAX_LIT) {
      out[op - MAX_LIT - 1] = MAX_LIT - 1;
      lit = 0;
      op++;
    }
  }
  if (lit > 0) out[op - lit - 1] = lit - 1;
  else op--; // drop the unused control byte
  return op > limit ? -1 : op;
}

/** Tests only: move the table's `base` (to reach its overflow reset without compressing 2 GB). */
export function setLzfBaseForTests(value: number): void {
  base = value;
}

/** The buffer the last `lzfCompressToScratch` wrote into (valid until its next call). */
export function lzfScratch(): Buffer {
  return lastOut;
}

/**
 * Compresses `input` with LZF. Returns null when the result would be longer than `maxOut`
 * (by default `input.length - 4`, Redis's rule: compression must save at least 4 bytes), or when
 * the input is too short to be worth it (≤ 4 bytes). Redis itself only tries strings longer than
 * 20 bytes; that policy is the caller's. The output is valid for Redis's `lzf_decompress`.
 */
export function lzfCompress(input: Uint8Array, maxOut = input.length - 4): Buffer | null {
  const len = lzfCompressToScratch(input, maxOut);
  return len < 0 ? null : Buffer.from(lastOut.subarray(0, len));
}
