/**
 * Exact emulation of the x86-64 `long double` (x87 80-bit extended: 64-bit significand, 15-bit
 * exponent) arithmetic that HINCRBYFLOAT does in Redis 7.0: `strtold` to parse (string2ld), one
 * `+`, and `%.17Lf` with trailing zeros trimmed to print (ld2string LD_STR_HUMAN).
 *
 * JS doubles cannot do this (Redis happily stores 2.7e308 in a hash field, and 0.1 + 0.2 prints
 * as 0.30000000000000000 there), so values are exact BigInt rationals rounded to the 80-bit format
 * with round-half-even, which is what glibc and the x87 FPU do.
 */
import type { BinaryString } from '../command-api';

/** A finite long double: (-1)^neg * mant * 2^exp, mant < 2^64 (0 for zero). */
export interface LongDouble {
  readonly neg: boolean;
  readonly mant: bigint;
  readonly exp: number;
}

const SIG_BITS = 64;
/** smallest exponent of the unit in the last place (subnormals): 2^-16445 */
const MIN_EXP = -16445;
/** largest finite value is (2^64 - 1) * 2^(16383 - 63) */
const MAX_EXP = 16383 - 63;
/** MAX_LONG_DOUBLE_CHARS in Redis: longer inputs are rejected by string2ld */
const MAX_CHARS = 5 * 1024;

const ZERO: LongDouble = { neg: false, mant: 0n, exp: 0 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds the exact value num / den * 2^exp2 (num, den > 0) to a long double. Returns null on
 * overflow (the result would be infinite).
 */
function roundRational(neg: boolean, num: bigint, den: bigint, exp2: number): LongDouble | null {
  if (num === 0n) return { neg, mant: 0n, exp: 0 };
  // choose a shift so that the integer quotient has SIG_BITS + 2 bits at least
  const est = bitLength(num) - bitLength(den);
  let shift = SIG_BITS + 2 - est; // q = num * 2^shift / den
  // do not go below the subnormal unit
  if (exp2 - shift < MIN_EXP) shift = exp2 - MIN_EXP;
  let n = num;
  let d = den;
  if (shift >= 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  let q = n / d;
  const rem = n - q * d;
  let e = exp2 - shift;
  // reduce q to at most SIG_BITS bits, folding the dropped bits into the remainder
  let extra = bitLength(q) - SIG_BITS;
  if (extra < 0) extra = 0;
  let half: boolean;
  let sticky: boolean;
  if (extra > 0) {
    const halfBit = 1n << BigInt(extra - 1);
    const dropped = q & ((1n << BigInt(extra)) - 1n);
    q >>= BigInt(extra);
    e += extra;
    half = (dropped & halfBit) !== 0n;
    sticky = rem !== 0n || (dropped & (halfBit - 1n)) !== 0n;
  } else {
    // the remainder alone decides: compare 2*rem with d
    const twice = rem * 2n;
    half = twice >= d;
    sticky = twice !== d;
  }
  if (half && (sticky || (q & 1n) === 1n)) {
    q += 1n;
    if (bitLength(q) > SIG_BITS) {
      q >>= 1n;
      e += 1;
    }
  }
  if (q === 0n) return { neg, mant: 0n, exp: 0 };
  if (e > MAX_EXP) return null;
  return { neg, mant: q, exp: e };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

const DEC_RE = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;

/**
 * string2ld: parses like glibc's strtold and rejects what Redis rejects (empty, leading space,
 * trailing garbage, NaN, overflow, underflow to zero). Returns a LongDouble, 'inf' / '-inf', or
 * null when Redis would answer "not a valid float".
 */
export function parseLongDouble(s: BinaryString): LongDouble | 'inf' | '-inf' | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  let m = INF_RE.exec(s);
  if (m) return m[1] === '-' ? '-inf' : 'inf';
  m = HEX_RE.exec(s);
  if (m) {
    const neg = m[1] === '-';
    const intPart = m[2] ?? '';
    const frac = m[3] ?? m[4] ?? '';
    const p = m[5] === undefined ? 0 : clampExp(m[5]);
    const mant = BigInt(`0x${intPart}${frac}`);
    const r = roundRational(neg, mant, 1n, p - 4 * frac.length);
    if (r === null) return neg ? '-inf' : 'inf';
    return underflowCheck(mant, r);
  }
  m = DEC_RE.exec(s);
  if (!m) return null;
  const neg = m[1] === '-';
  let digits = (m[2] ?? '') + (m[3] ?? m[4] ?? '');
  let e10 = (m[5] === undefined ? 0 : clampExp(m[5])) - (m[3] ?? m[4] ?? '').length;
  digits = digits.replace(/^0+/, '');
  if (digits === '') return { neg, mant: 0n, exp: 0 };
  const trimmed = digits.replace(/0+$/, '');
  e10 += digits.length - trimmed.length;
  digits = trimmed;
  // magnitude is in [10^(len-1+e10), 10^(len+e10))
  if (digits.length - 1 + e10 > 4933) return neg ? '-inf' : 'inf';
  if (digits.length + e10 < -4952) return null; // underflows to zero: ERANGE, rejected
  const d = BigInt(digits);
  const r = e10 >= 0 ? roundRational(neg, d * pow10(e10), 1n, 0) : roundRational(neg, d, pow10(-e10), 0);
  if (r === null) return neg ? '-inf' : 'inf';
  return underflowCheck(d, r);
}

/** a non-zero input that rounds to zero is an ERANGE underflow: string2ld rejects it */
function underflowCheck(input: bigint, r: LongDouble): LongDouble | null {
  if (input !== 0n && r.mant === 0n) return null;
  return r;
}

/** exponents beyond any meaningful range saturate (strtold treats them as huge/tiny) */
function clampExp(s: string): number {
  const v = Number.parseInt(s, 10);
  if (v > 100000) return 100000;
  if (v < -100000) return -100000;
  return v;
}

/** a + b rounded to a long double; null on overflow (infinity). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.mant === 0n && b.mant === 0n) return { neg: a.neg && b.neg, mant: 0n, exp: 0 };
  const e = Math.min(a.exp, b.exp);
  const av = (a.neg ? -a.mant : a.mant) << BigInt(a.exp - e);
  const bv = (b.neg ? -b.mant : b.mant) << BigInt(b.exp - e);
  const sum = av + bv;
  if (sum === 0n) return ZERO; // x + (-x) is +0 in round-to-nearest
  return roundRational(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

/** ld2string(LD_STR_HUMAN): `%.17Lf`, trailing zeros (and a bare '.') trimmed, "-0" -> "0". */
export function formatLongDoubleHuman(v: LongDouble): string {
  // exact value * 10^17, rounded half-even to an integer
  let num = v.mant * pow10(17);
  let den = 1n;
  if (v.exp >= 0) num <<= BigInt(v.exp);
  else den <<= BigInt(-v.exp);
  let q = num / den;
  const rem = num - q * den;
  const twice = rem * 2n;
  if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  let s = q.toString().padStart(18, '0');
  s = `${s.slice(0, -17)}.${s.slice(-17)}`;
  s = s.replace(/0+$/, '');
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (v.neg && s !== '0') s = `-${s}`;
  return s;
}
