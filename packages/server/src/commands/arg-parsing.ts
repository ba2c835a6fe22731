/** Redis's string2ll: an optional '-', no leading zeros, no '+', no spaces; null when not a 64-bit integer. */
export function parseStrictInt(s: string): number | null {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(s)) return null;
  const n = Number(s);
  if (!Number.isSafeInteger(n)) {
    const b = BigInt(s);
    if (b > 9223372036854775807n || b < -9223372036854775808n) return null;
    return Number(b);
  }
  return n;
}

/** getIntFromObject: a 32-bit signed integer or null. */
export function parseInt32(s: string): number | null {
  const n = parseStrictInt(s);
  return n === null || n > 2147483647 || n < -2147483648 ? null : n;
}

export function eqi(a: string | undefined, b: string): boolean {
  return a !== undefined && a.length === b.length && a.toLowerCase() === b;
}
