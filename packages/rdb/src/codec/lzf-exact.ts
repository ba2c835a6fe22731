/**
 * LZF compression producing the same bytes as the liblzf 3.6 that Redis 7.0 builds (lzfP.h
 * defaults: HLOG 16, VERY_FAST, not ULTRA_FAST), for payloads that must be byte-identical to
 * redis-server's (FUNCTION DUMP). The writer's lzf.ts is faster and emits other, equally valid
 * streams.
 *
 * Redis does not clear the hash table between calls (INIT_HTAB 0): a slot left by an earlier call
 * can, rarely, offer a match a fresh table would not. This table starts empty at every call, which
 * is the output Redis gives whenever no such stale slot is hit.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

let htab = new Int32Array(HSIZE);

/** liblzf's IDX for VERY_FAST, on a 32-bit hval. */
function idx(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1);
}

/**
 * lzf_compress(in, n, out, outLen): the compressed bytes, or null where liblzf returns 0 (the
 * output would not fit `outLen`). Redis calls it with outLen = n - 4 and stores the string raw on null.
 */
export function lzfCompressExact(input: Uint8Array, outLen: number): Buffer | null {
  const n = input.length;
  if (n === 0 || outLen <= 0) return null;
  htab.fill(0);
  // slots hold position + 1 (0: empty), so position 0 is never a reference, like `ref > in_data`
  const out = Buffer.allocUnsafe(outLen + 3);
  const outEnd = outLen;
  const inEnd = n;
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // start run
  let hval = ((input[0] as number) << 8) | (input[1] ?? 0);
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
    const slot = idx(hval);
    const stored = htab[slot] as number;
    htab[slot] = ip + 1;
    const ref = stored - 1;
    if (stored !== 0 && ip - ref - 1 < MAX_OFF && ref > 0 && input[ref + 2] === input[ip + 2] && input[ref] === input[ip] && input[ref + 1] === input[ip + 1]) {
      const off = ip - ref - 1;
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return null;
      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero
      // liblzf's unrolled scan: 16 comparisons without a bound check when more than 16 may match
      let stopped = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            stopped = true;
            break;
          }
        }
      }
      if (!stopped) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2; // octets - 1
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      // VERY_FAST: the two positions before the new ip enter the table
      ip -= 2;
      hval = (((input[ip] as number) << 8) | (input[ip + 1] as number)) >>> 0;
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
      htab[idx(hval)] = ip + 1;
      ip++;
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
      htab[idx(hval)] = ip + 1;
      ip++;
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++] as number;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1; // stop run
        lit = 0;
        op++; // start run
      }
    }
  }
  if (op + 3 > outEnd) return null;
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++] as number;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--;
  return Buffer.from(out.subarray(0, op));
}

/** Releases the 256 KiB table (tests; the next call allocates it again). */
export function resetLzfExactTable(): void {
  htab = new Int32Array(HSIZE);
}
