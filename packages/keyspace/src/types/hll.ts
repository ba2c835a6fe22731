/**
 * HyperLogLog values byte for byte as Redis 7.0 stores them (hyperloglog.c), so GET, DUMP and
 * RDB show redis-server's bytes: a 16-byte header ("HYLL", encoding 0 dense / 1 sparse, 3 zero
 * bytes, cached cardinality little endian whose top bit marks it stale) followed by either 16384
 * 6-bit registers (dense, 12288 bytes) or the sparse opcodes ZERO (00xxxxxx), XZERO
 * (01xxxxxx xxxxxxxx) and VAL (1vvvvvxx). The sparse edits, their merging of neighbouring VAL
 * opcodes and the promotion rules follow Redis's hllSparseSet step by step, which is what makes
 * the bytes identical.
 *
 * Opcodes that run past register 16383 make the value corrupt wherever they are read (merge,
 * promotion, count), as Debian's redis-server 7.0.15 (with the CVE-2025-32023 fix) answers; the
 * upstream 7.0.15 source stopped at the overflowing VAL opcode instead.
 */

export const HLL_P = 14;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_Q = 64 - HLL_P;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * 6 + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
/** hll-sparse-max-bytes (Redis's default) */
export const HLL_SPARSE_MAX_BYTES = 3000;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;

const isZero = (b: number) => (b & 0xc0) === 0;
const isXZero = (b: number) => (b & 0xc0) === 0x40;
const isVal = (b: number) => (b & 0x80) !== 0;
const zeroLen = (b: number) => (b & 0x3f) + 1;
const xzeroLen = (b0: number, b1: number) => (((b0 & 0x3f) << 8) | b1) + 1;
const valValue = (b: number) => ((b >> 2) & 0x1f) + 1;
const valLen = (b: number) => (b & 3) + 1;
const valOp = (val: number, len: number) => (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;
const xzeroOps = (len: number): number[] => [((len - 1) >> 8) | 0x40, (len - 1) & 0xff];

// ---- MurmurHash64A (the 64-bit MurmurHash2 Redis uses, little-endian words) ----
// 64-bit words as two uint32 halves: exact, and no BigInt allocation per element.
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
/**
 * Results of mul64 ([0] high word, [1] low word) and murmur64 ([2] high, [3] low). A typed array,
 * not module-level `let`s: a uint32 above 2^30 stored in a variable is boxed as a heap number,
 * which was one allocation per multiply (about 100 bytes of garbage per PFADD element).
 */
const words = new Uint32Array(4);

/**
 * (aHi:aLo * bHi:bLo) mod 2^64 into words[0]:words[1]. The low word is Math.imul's; the high word
 * of aLo * bLo is summed from 16-bit partial products (each below 2^32, so `>>> 16` is exact and
 * every sum stays an exact integer below 2^53; no division).
 */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  words[1] = Math.imul(aLo, bLo);
  words[0] = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi);
}

/** MurmurHash64A of a binary string's bytes into words[2]:words[3]. */
function murmur64(key: string, seed: number): void {
  const w = words;
  const len = key.length;
  mul64(0, len, M_HI, M_LO);
  let hHi = w[0];
  let hLo = (w[1] ^ seed) >>> 0;
  const nblocks = len - (len & 7);
  for (let i = 0; i < nblocks; i += 8) {
    let kLo = (key.charCodeAt(i) | (key.charCodeAt(i + 1) << 8) | (key.charCodeAt(i + 2) << 16) | (key.charCodeAt(i + 3) << 24)) >>> 0;
    let kHi = (key.charCodeAt(i + 4) | (key.charCodeAt(i + 5) << 8) | (key.charCodeAt(i + 6) << 16) | (key.charCodeAt(i + 7) << 24)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    kHi = w[0];
    kLo = (w[1] ^ (kHi >>> 15)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    hHi = (hHi ^ w[0]) >>> 0;
    hLo = (hLo ^ w[1]) >>> 0;
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = w[0];
    hLo = w[1];
  }
  const rem = len & 7;
  if (rem > 0) {
    for (let b = rem - 1; b >= 0; b--) {
      const c = key.charCodeAt(nblocks + b);
      if (b >= 4) hHi = (hHi ^ (c << (8 * (b - 4)))) >>> 0;
      else hLo = (hLo ^ (c << (8 * b))) >>> 0;
    }
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = w[0];
    hLo = w[1];
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mul64(hHi, hLo, M_HI, M_LO);
  w[2] = w[0];
  w[3] = w[1] ^ (w[0] >>> 15);
}

/** MurmurHash64A(key, seed) of a binary string, as an unsigned 64-bit bigint (tests, diagnostics). */
export function murmurHash64A(key: string, seed: number): bigint {
  murmur64(key, seed);
  return (BigInt(words[2]) << 32n) | BigInt(words[3]);
}

let patIndex = 0;

/**
 * hllPatLen of a binary string: returns the run length of the 000..1 pattern (1..Q+1) and leaves
 * the register index in `patIndex` (read it with `lastPatIndex()`), so the hot path allocates nothing.
 */
export function hllPatLenOf(ele: string): number {
  murmur64(ele, 0xadc83b19);
  const hashHi = words[2];
  const hashLo = words[3];
  patIndex = hashLo & (HLL_REGISTERS - 1);
  // the hash shifted right by P, with bit Q set so the loop ends
  const restLo = ((hashLo >>> HLL_P) | (hashHi << (32 - HLL_P))) >>> 0;
  const restHi = (hashHi >>> HLL_P) | (1 << (HLL_Q - 32));
  if (restLo !== 0) return 1 + (31 - Math.clz32(restLo & -restLo));
  return 33 + (31 - Math.clz32(restHi & -restHi));
}

/** The register index of the last `hllPatLenOf` call. */
export function lastPatIndex(): number {
  return patIndex;
}

/** hllPatLen: [register index, run length of the 000..1 pattern (1..Q+1)]. */
export function hllPatLen(ele: string): [number, number] {
  const count = hllPatLenOf(ele);
  return [patIndex, count];
}

// ---- dense registers ----
export function denseGet(regs: Uint8Array, base: number, i: number): number {
  const byte = base + ((i * 6) >> 3);
  const fb = (i * 6) & 7;
  const b0 = regs[byte];
  const b1 = regs[byte + 1] ?? 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & 63;
}

export function denseSet(regs: Uint8Array, base: number, i: number, val: number): void {
  const byte = base + ((i * 6) >> 3);
  const fb = (i * 6) & 7;
  regs[byte] = (regs[byte] & ~(63 << fb)) | ((val << fb) & 0xff);
  if (byte + 1 < regs.length) regs[byte + 1] = (regs[byte + 1] & ~(63 >> (8 - fb))) | (val >> (8 - fb));
}

/** A new HLL: sparse, one XZERO opcode for all registers, cached cardinality 0 (valid). */
export function createHll(): Uint8Array {
  const out = new Uint8Array(HLL_HDR_SIZE + 2);
  out.set([0x48, 0x59, 0x4c, 0x4c, HLL_SPARSE]);
  out.set(xzeroOps(HLL_REGISTERS), HLL_HDR_SIZE);
  return out;
}

/** isHLLObjectOrReply's format check of a string value. */
export function isValidHll(s: Uint8Array): boolean {
  if (s.length < HLL_HDR_SIZE) return false;
  if (s[0] !== 0x48 || s[1] !== 0x59 || s[2] !== 0x4c || s[3] !== 0x4c) return false;
  if (s[4] > 1) return false;
  return !(s[4] === HLL_DENSE && s.length !== HLL_DENSE_SIZE);
}

export function invalidateCache(h: Uint8Array): void {
  h[15] |= 0x80;
}

/** hllSparseToDense: the dense copy (header kept, encoding changed), or null when the opcodes do not cover exactly 16384 registers. */
export function sparseToDense(h: Uint8Array): Uint8Array | null {
  if (h[4] === HLL_DENSE) return h;
  const d = new Uint8Array(HLL_DENSE_SIZE);
  d.set(h.subarray(0, HLL_HDR_SIZE));
  d[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < h.length) {
    const b = h[p];
    const run = isZero(b) ? zeroLen(b) : isXZero(b) ? xzeroLen(b, h[p + 1] ?? 0) : valLen(b);
    if (run + idx > HLL_REGISTERS) return null;
    if (isVal(b)) for (let k = 0; k < run; k++) denseSet(d, HLL_HDR_SIZE, idx + k, valValue(b));
    idx += run;
    p += isXZero(b) ? 2 : 1;
  }
  return idx === HLL_REGISTERS ? d : null;
}

/** The result of a register update: the (possibly new) bytes, and 1 changed / 0 unchanged / -1 corrupt. */
export interface HllUpdate {
  bytes: Uint8Array;
  result: 1 | 0 | -1;
}

function promote(h: Uint8Array, index: number, count: number): HllUpdate {
  const d = sparseToDense(h);
  if (d === null) return { bytes: h, result: -1 };
  const old = denseGet(d, HLL_HDR_SIZE, index);
  if (count > old) denseSet(d, HLL_HDR_SIZE, index, count);
  return { bytes: d, result: 1 };
}

/** hllSparseSet: raises register `index` to `count` in a sparse HLL, promoting it when needed. */
export function sparseSet(h: Uint8Array, index: number, count: number, maxBytes = HLL_SPARSE_MAX_BYTES): HllUpdate {
  if (count > VAL_MAX_VALUE) return promote(h, index, count);
  const end = h.length;
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const b = h[p];
    let oplen = 1;
    if (isZero(b)) span = zeroLen(b);
    else if (isVal(b)) span = valLen(b);
    else {
      span = xzeroLen(b, h[p + 1] ?? 0);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return { bytes: h, result: -1 };
  const b = h[p];
  const zero = isZero(b);
  const xzero = isXZero(b);
  const runlen = zero ? zeroLen(b) : xzero ? xzeroLen(b, h[p + 1]) : valLen(b);
  let out = h;
  let done = false;
  if (!zero && !xzero) {
    if (valValue(b) >= count) return { bytes: h, result: 0 };
    if (runlen === 1) {
      out = h.slice();
      out[p] = valOp(count, 1);
      done = true;
    }
  }
  if (!done && zero && runlen === 1) {
    out = h.slice();
    out[p] = valOp(count, 1);
    done = true;
  }
  if (!done) {
    // replace the opcode with up to three: what is left of it before, the new value, what is left after
    const seq: number[] = [];
    const last = first + span - 1;
    const gap = (len: number) => (len > ZERO_MAX_LEN ? xzeroOps(len) : [len - 1]);
    if (zero || xzero) {
      if (index !== first) seq.push(...gap(index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(...gap(last - index));
    } else {
      const cur = valValue(b);
      if (index !== first) seq.push(valOp(cur, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(cur, last - index));
    }
    const oldlen = xzero ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && h.length + delta > maxBytes) return promote(h, index, count);
    out = new Uint8Array(h.length + delta);
    out.set(h.subarray(0, p));
    out.set(seq, p);
    out.set(h.subarray(p + oldlen), p + seq.length);
  }
  return { bytes: mergeVals(out, prev < 0 ? HLL_HDR_SIZE : prev), result: 1 };
}

/** Step 4 of hllSparseSet: from `start`, over up to 5 opcodes, joins neighbouring VALs of equal value. */
function mergeVals(h: Uint8Array, start: number): Uint8Array {
  let bytes = h;
  let end = bytes.length;
  let p = start;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const b = bytes[p];
    if (isXZero(b)) {
      p += 2;
      continue;
    }
    if (isZero(b)) {
      p++;
      continue;
    }
    if (p + 1 < end && isVal(bytes[p + 1])) {
      const v1 = valValue(b);
      const v2 = valValue(bytes[p + 1]);
      if (v1 === v2) {
        const len = valLen(b) + valLen(bytes[p + 1]);
        if (len <= VAL_MAX_LEN) {
          const next = new Uint8Array(end - 1);
          next.set(bytes.subarray(0, p));
          next[p] = valOp(v1, len);
          next.set(bytes.subarray(p + 2), p + 1);
          bytes = next;
          end--;
          continue;
        }
      }
    }
    p++;
  }
  return bytes;
}

/** hllMerge: raises `max` (one byte per register) to the HLL's registers; false when corrupt. */
export function mergeInto(max: Uint8Array, h: Uint8Array): boolean {
  if (h[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(h, HLL_HDR_SIZE, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < h.length) {
    const b = h[p];
    const run = isZero(b) ? zeroLen(b) : isXZero(b) ? xzeroLen(b, h[p + 1] ?? 0) : valLen(b);
    if (run + i > HLL_REGISTERS) return false;
    if (isVal(b)) {
      const v = valValue(b);
      for (let k = i; k < i + run; k++) if (v > max[k]) max[k] = v;
    }
    i += run;
    p += isXZero(b) ? 2 : 1;
  }
  return i === HLL_REGISTERS;
}

/** The register histogram of an HLL (or of raw one-byte registers); null when a sparse one is corrupt. */
export function histogram(h: Uint8Array | null, raw?: Uint8Array): number[] | null {
  const histo = new Array<number>(64).fill(0);
  if (raw) {
    for (let i = 0; i < HLL_REGISTERS; i++) histo[raw[i]]++;
    return histo;
  }
  if (h === null) return histo;
  if (h[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) histo[denseGet(h, HLL_HDR_SIZE, i)]++;
    return histo;
  }
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < h.length) {
    const b = h[p];
    if (isZero(b)) {
      histo[0] += zeroLen(b);
      idx += zeroLen(b);
      p++;
    } else if (isXZero(b)) {
      const n = xzeroLen(b, h[p + 1] ?? 0);
      histo[0] += n;
      idx += n;
      p += 2;
    } else {
      histo[valValue(b)] += valLen(b);
      idx += valLen(b);
      p++;
    }
  }
  return idx === HLL_REGISTERS ? histo : null;
}

function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (zPrime !== z);
  return z / 3;
}

/** hllCount: Ertl's improved estimator over a register histogram. */
export function estimate(histo: readonly number[]): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  return Math.round((0.7213475204444817 * m * m) / z);
}
