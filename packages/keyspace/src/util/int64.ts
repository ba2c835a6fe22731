/**
 * Strict 64-bit integer parsing with Redis's `string2ll` rules: optional `-`, no `+`, no leading
 * zeros (except `0` itself), no spaces, no `-0`, fewer than 21 characters, within int64.
 * Results are plain numbers when they are safe integers (the common, fast case) and bigints
 * otherwise, so no precision is ever lost.
 */

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** A parsed int64: a number when |v| <= 2^53-1, a bigint otherwise. */
export type Int64 = number | bigint;

/**
 * Parses `s` like Redis's string2ll. Returns null when `s` is not a canonical int64.
 * Safe integers come back as numbers, larger ones as bigints.
 */
export function parseInt64(s: string): Int64 | null {
  const len = s.length;
  if (len === 0 || len >= 21) return null;
  let i = 0;
  let neg = false;
  let c = s.charCodeAt(0);
  if (c === 48 /* 0 */) return len === 1 ? 0 : null;
  if (c === 45 /* - */) {
    if (len === 1) return null;
    neg = true;
    i = 1;
    c = s.charCodeAt(1);
  }
  if (c < 49 || c > 57) return null; // first digit 1-9
  if (len - i <= 15) {
    let v = 0;
    for (; i < len; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      v = v * 10 + (c - 48);
    }
    return neg ? -v : v;
  }
  for (let j = i; j < len; j++) {
    c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return normalizeInt64(big);
}

/** A bigint in the safe range becomes a number; any other value is returned as is. */
export function normalizeInt64(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** Parses like parseInt64 and always returns a bigint (or null). */
export function parseInt64Big(s: string): bigint | null {
  const v = parseInt64(s);
  return v === null ? null : BigInt(v);
}

/**
 * `a + b` when the result fits int64, else null (Redis's "increment or decrement would overflow").
 */
export function addInt64(a: Int64, b: Int64): Int64 | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (r <= 9007199254740991 && r >= -9007199254740991) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r > INT64_MAX || r < INT64_MIN) return null;
  return normalizeInt64(r);
}

/** Compares two Int64 values: negative, zero or positive. */
export function compareInt64(a: Int64, b: Int64): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** True when `s` is what Redis would store with the `int` encoding (string2l on <= 20 chars). */
export function isIntEncodable(s: string): boolean {
  return s.length <= 20 && parseInt64(s) !== null;
}
