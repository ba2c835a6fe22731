/**
 * Redis's strict integer syntax (`string2ll` in util.c): optional `-`, no `+`, no leading zeros
 * (except `0` itself), no spaces, at most 20 characters, within the signed 64-bit range.
 * Returns the value (exact up to 2^53, rounded above; only used against limits that are far
 * smaller) or NaN when Redis would reject the text.
 */
export function parseRedisInteger(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len <= 0 || len >= 21) return Number.NaN;
  if (len === 1 && buf[start] === 48) return 0;
  let p = start;
  let negative = false;
  if (buf[p] === 45) {
    negative = true;
    p++;
    if (p === end) return Number.NaN;
  }
  const first = buf[p];
  if (first < 49 || first > 57) return Number.NaN;
  let v = first - 48;
  p++;
  for (; p < end; p++) {
    const c = buf[p];
    if (c < 48 || c > 57) return Number.NaN;
    v = v * 10 + (c - 48);
  }
  if (end - start >= 19 && v >= 9e18) {
    // Near the 64-bit bound: decide overflow exactly.
    let big = 0n;
    for (let q = negative ? start + 1 : start; q < end; q++) big = big * 10n + BigInt(buf[q] - 48);
    if (negative ? big > 9223372036854775808n : big > 9223372036854775807n) return Number.NaN;
  }
  return negative ? -v : v;
}
