/**
 * Stream entry ids as 16-character latin1 "keys": the 128-bit id (ms, seq) written as two big-endian
 * uint64, one byte per char, exactly like the radix-tree keys of Redis's t_stream.c. Plain string
 * comparison of two keys is the numeric comparison of the ids (char codes are bytes), keys are
 * usable as Map keys, and the whole uint64 range is exact without bigints on the hot paths.
 */

/** A stream id in its 16-char big-endian form. */
export type IdKey = string;

const TWO32 = 4294967296;
const U64_MAX = 18446744073709551615n;

/** The 8 big-endian bytes of a uint64 into `out` at `at`. */
function u64bytes(v: number | bigint, out: number[], at: number): void {
  let hi: number;
  let lo: number;
  if (typeof v === 'number') {
    hi = Math.floor(v / TWO32);
    lo = v - hi * TWO32;
  } else {
    hi = Number((v >> 32n) & 0xffffffffn);
    lo = Number(v & 0xffffffffn);
  }
  out[at] = (hi >>> 24) & 255;
  out[at + 1] = (hi >>> 16) & 255;
  out[at + 2] = (hi >>> 8) & 255;
  out[at + 3] = hi & 255;
  out[at + 4] = (lo >>> 24) & 255;
  out[at + 5] = (lo >>> 16) & 255;
  out[at + 6] = (lo >>> 8) & 255;
  out[at + 7] = lo & 255;
}

const scratch: number[] = new Array<number>(16).fill(0);

/**
 * One flat 16-char string from the scratch bytes. A single fromCharCode call yields a flat
 * one-byte string: concatenations would give rope strings that every Map lookup and comparison
 * flattens again.
 */
function fromScratch(b: number[]): IdKey {
  return String.fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/** The key of (ms, seq); numbers must be safe non-negative integers. */
export function idKey(ms: number | bigint, seq: number | bigint): IdKey {
  u64bytes(ms, scratch, 0);
  u64bytes(seq, scratch, 8);
  return fromScratch(scratch);
}

export const MIN_ID: IdKey = idKey(0, 0);
export const MAX_ID: IdKey = idKey(U64_MAX, U64_MAX);

function word(k: IdKey, at: number): number {
  return ((k.charCodeAt(at) << 24) | (k.charCodeAt(at + 1) << 16) | (k.charCodeAt(at + 2) << 8) | k.charCodeAt(at + 3)) >>> 0;
}

/** One uint64 half (0: ms, 8: seq) as a number when exact, else a bigint. */
export function idPart(k: IdKey, at: 0 | 8): number | bigint {
  const hi = word(k, at);
  const lo = word(k, at + 4);
  if (hi < 0x200000) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function idPartBig(k: IdKey, at: 0 | 8): bigint {
  return (BigInt(word(k, at)) << 32n) | BigInt(word(k, at + 4));
}

/** `ms-seq` as Redis prints it. */
export function formatId(k: IdKey): string {
  return `${idPart(k, 0)}-${idPart(k, 8)}`;
}

/** streamIncrID: the next id, or null past the last possible one. */
export function incrId(k: IdKey): IdKey | null {
  if (k === MAX_ID) return null;
  const codes = scratch;
  for (let i = 0; i < 16; i++) codes[i] = k.charCodeAt(i);
  for (let i = 15; i >= 0; i--) {
    if (codes[i] === 255) codes[i] = 0;
    else {
      codes[i]++;
      break;
    }
  }
  return fromScratch(codes);
}

/** streamDecrID: the previous id, or null before 0-0. */
export function decrId(k: IdKey): IdKey | null {
  if (k === MIN_ID) return null;
  const codes = scratch;
  for (let i = 0; i < 16; i++) codes[i] = k.charCodeAt(i);
  for (let i = 15; i >= 0; i--) {
    if (codes[i] === 0) codes[i] = 255;
    else {
      codes[i]--;
      break;
    }
  }
  return fromScratch(codes);
}

const CANONICAL = /^(0|[1-9][0-9]{0,19})$/;
const SPACE = /^[ \t\n\v\f\r]*/;

/**
 * Redis's string2ull: a canonical integer (string2ll) that is not negative, else what strtoull
 * accepts in full (leading spaces, a sign, leading zeros; '-' negates modulo 2^64), below 2^64.
 */
export function parseU64(s: string): bigint | null {
  if (CANONICAL.test(s)) {
    const v = BigInt(s);
    if (s.length < 20 || v <= 9223372036854775807n) return v;
  }
  const m = SPACE.exec(s);
  let i = m === null ? 0 : m[0].length;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const digits = s.slice(i);
  if (!/^[0-9]+$/.test(digits)) return null;
  // string2ll accepted a negative canonical number: string2ull rejects it before strtoull
  if (neg && /^[1-9][0-9]*$/.test(digits) && s === `-${digits}` && BigInt(digits) <= 9223372036854775808n) return null;
  const v = BigInt(digits);
  if (v > U64_MAX) return null;
  return neg ? (U64_MAX + 1n - v) & U64_MAX : v;
}

export interface ParsedId {
  key: IdKey;
  /** false for the `ms-*` form (XADD only) */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply: `-`/`+` (unless strict), `ms`, `ms-seq`, and `ms-*` when allowed;
 * null when invalid. `missingSeq` fills a bare `ms`.
 */
export function parseId(s: string, missingSeq: 0 | 'max', strict: boolean, allowStar = false): ParsedId | null {
  if (s.length > 127) return null;
  // the C code works on a NUL-terminated copy: an embedded NUL ends the string
  const nul = s.indexOf('\0');
  const str = nul >= 0 ? s.slice(0, nul) : s;
  if (str === '-' || str === '+') {
    if (strict) return null;
    return { key: str === '-' ? MIN_ID : MAX_ID, seqGiven: true };
  }
  const dot = str.indexOf('-');
  const msStr = dot >= 0 ? str.slice(0, dot) : str;
  const ms = parseU64(msStr);
  if (ms === null) return null;
  if (dot < 0) return { key: idKey(ms, missingSeq === 0 ? 0n : U64_MAX), seqGiven: true };
  const seqStr = str.slice(dot + 1);
  if (allowStar && seqStr === '*') return { key: idKey(ms, 0n), seqGiven: false };
  const seq = parseU64(seqStr);
  if (seq === null) return null;
  return { key: idKey(ms, seq), seqGiven: true };
}

/** The 64-bit difference a - b of two id halves as an int64 (what listpack delta encoding stores). */
export function int64Delta(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return BigInt.asIntN(64, BigInt(a) - BigInt(b));
}
