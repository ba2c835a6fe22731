/**
 * An exact software model of the x86-64 80-bit `long double` Redis uses for INCRBYFLOAT and
 * HINCRBYFLOAT: a 64-bit significand, round-half-even, parsed like `strtold` (string2ld) and
 * printed like `%.17Lf` with trailing zeros trimmed (ld2string LD_STR_HUMAN).
 *
 * A finite value is `sign * m * 2^e` with `m < 2^64`. Denormals of the 80-bit format are not
 * modelled (values below 2^-16382 keep a full 64-bit significand); nothing user-visible relies on them.
 */

export interface LongDouble {
  readonly neg: boolean;
  /** significand, < 2^64; 0n for zero */
  readonly m: bigint;
  readonly e: number;
  /** true for +/-infinity (m and e are then meaningless) */
  readonly inf: boolean;
}

const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;
/** 2^16384 is the first value that overflows an 80-bit long double */
const MAX_EXP2 = 16384;
/** below 2^-16445 an 80-bit long double underflows to zero */
const MIN_EXP2 = -16445;

const DEC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;

export const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds sign * n * 2^e (n >= 0 bigint) to a 64-bit significand; null on overflow/underflow. */
function round(neg: boolean, n: bigint, e: number): LongDouble | null {
  if (n === 0n) return { neg, m: 0n, e: 0, inf: false };
  const bl = bitLength(n);
  if (bl > 64) {
    const shift = bl - 64;
    let q = n >> BigInt(shift);
    const r = n - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
    e += shift;
    if (q === TWO64) {
      q = TWO63;
      e += 1;
    }
    n = q;
  }
  const top = e + bitLength(n);
  if (top > MAX_EXP2) return null;
  if (top <= MIN_EXP2) return null;
  return { neg, m: n, e, inf: false };
}

/** Rounds sign * num / den to a 64-bit significand. */
function roundRatio(neg: boolean, num: bigint, den: bigint): LongDouble | null {
  if (num === 0n) return { neg, m: 0n, e: 0, inf: false };
  // choose k so that (num << k) / den has 65..66 bits, then round with the remainder as sticky bit
  let k = 66 - (bitLength(num) - bitLength(den));
  let q: bigint;
  let r: bigint;
  for (;;) {
    const nn = k >= 0 ? num << BigInt(k) : num;
    const dd = k >= 0 ? den : den << BigInt(-k);
    q = nn / dd;
    r = nn - q * dd;
    if (bitLength(q) >= 65) break;
    k += 1;
  }
  // fold the remainder into a sticky bit so round() sees an exact "above half" when r != 0
  const sticky = r === 0n ? 0n : 1n;
  return round(neg, (q << 1n) | sticky, -k - 1);
}

/**
 * Parses like Redis's string2ld (strtold on the whole string): decimal or hex floats, `inf`;
 * rejects NaN, leading spaces, empty strings, trailing garbage, overflow and underflow to zero,
 * and strings of 5120 characters or more. Returns null when invalid.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  const d = DEC_RE.exec(s);
  if (d) {
    const intPart = d[2];
    const frac = d[3] ?? '';
    if (intPart.length === 0 && frac.length === 0) return null;
    const neg = d[1] === '-';
    let digits = (intPart + frac).replace(/^0+/, '');
    if (digits.length === 0) return { neg, m: 0n, e: 0, inf: false };
    let exp10 = (d[4] === undefined ? 0 : clampExp(d[4])) - frac.length;
    const tz = digits.length - digits.replace(/0+$/, '').length;
    if (tz > 0) {
      digits = digits.slice(0, digits.length - tz);
      exp10 += tz;
    }
    const mag = digits.length + exp10; // value < 10^mag
    if (mag > 4934) return null; // > LDBL_MAX
    if (mag < -4952) return null; // underflows to zero
    const D = BigInt(digits);
    if (exp10 >= 0) return round(neg, D * 10n ** BigInt(exp10), 0);
    return roundRatio(neg, D, 10n ** BigInt(-exp10));
  }
  const inf = INF_RE.exec(s);
  if (inf) return { neg: inf[1] === '-', m: 0n, e: 0, inf: true };
  const h = HEX_RE.exec(s);
  if (h) {
    const intPart = h[2];
    const frac = h[3] ?? '';
    if (intPart.length === 0 && frac.length === 0) return null;
    const neg = h[1] === '-';
    const mant = BigInt(`0x${intPart}${frac}`);
    const e = (h[4] === undefined ? 0 : clampExp(h[4])) - 4 * frac.length;
    if (mant === 0n) return { neg, m: 0n, e: 0, inf: false };
    return round(neg, mant, e);
  }
  return null;
}

function clampExp(s: string): number {
  const v = Number(s);
  return Math.min(1e6, Math.max(-1e6, v));
}

/** a + b rounded like an x87 addition; null when the result is infinite or NaN. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) return null; // inf + x is inf, inf - inf is NaN: Redis rejects both
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0, inf: false } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const A = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const B = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const S = A + B;
  if (S === 0n) return { neg: false, m: 0n, e: 0, inf: false };
  return round(S < 0n, S < 0n ? -S : S, e);
}

/** A long double from an int64 (exact for |v| < 2^64). */
export function longDoubleFromInt(v: number | bigint): LongDouble {
  const b = BigInt(v);
  return round(b < 0n, b < 0n ? -b : b, 0) ?? LD_ZERO;
}

const TEN17 = 10n ** 17n;

/** `%.17Lf` with trailing zeros (and a trailing dot) removed, `-0` printed as `0` (LD_STR_HUMAN). */
export function formatLongDouble(v: LongDouble): string {
  if (v.inf) return v.neg ? '-inf' : 'inf';
  let q: bigint;
  if (v.e >= 0) {
    q = (v.m << BigInt(v.e)) * TEN17;
  } else {
    const sh = BigInt(-v.e);
    const scaled = v.m * TEN17;
    q = scaled >> sh;
    const r = scaled - (q << sh);
    const half = 1n << (sh - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
  }
  const intPart = (q / TEN17).toString();
  let frac = (q % TEN17).toString().padStart(17, '0').replace(/0+$/, '');
  let out = frac.length ? `${intPart}.${frac}` : intPart;
  if (v.neg) out = `-${out}`;
  if (out === '-0') out = '0';
  frac = '';
  return out;
}
