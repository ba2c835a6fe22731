/**
 * Formats a double exactly like C's `printf("%.17g")` in glibc, which is what redis-server 7.0's
 * `addReplyDouble` writes (RESP2 bulk string and RESP3 `,` reply): 17 significant digits, exact
 * decimal rounding with ties to even, `%e` form when the exponent is < -4 or >= 17, trailing zeros
 * removed, `inf`/`-inf`, `-0` for negative zero and `nan` for NaN (JS cannot tell a negative NaN).
 */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const negative = d < 0;
  const x = negative ? -d : d;
  // JS rounds exactly too, but ties away from zero; glibc ties to even. A tie needs the exact
  // expansion to stop at an 18th significant digit 5, so only then is the exact path taken.
  let digits: string;
  let exp: number;
  // An exact tie has exactly 18 significant digits, ending in 5: x = n / 2^k with an odd n and
  // 1 <= k <= 27 (more binary fraction digits give more decimal digits). Most doubles skip this.
  const e18 = !Number.isInteger(x) && Number.isInteger(x * 134217728) ? x.toExponential(17) : '';
  if (e18.length > 0 && e18.charCodeAt(18) === 53 /* 5 */ && isExactTie(x)) {
    [digits, exp] = roundHalfEven(e18);
  } else {
    const e17 = x.toExponential(16);
    const ePos = e17.indexOf('e');
    digits = e17[0] + e17.slice(2, ePos);
    exp = Number(e17.slice(ePos + 1));
  }
  return (negative ? '-' : '') + layout(digits, exp);
}

/** `%g` layout of 17 significant digits `digits` (no point) with decimal exponent `exp`. */
function layout(digits: string, exp: number): string {
  if (exp < -4 || exp >= 17) {
    const frac = trimZeros(digits.slice(1));
    const e = Math.abs(exp);
    return digits[0] + (frac.length > 0 ? `.${frac}` : '') + (exp < 0 ? 'e-' : 'e+') + (e < 10 ? `0${e}` : `${e}`);
  }
  if (exp >= 0) {
    const frac = trimZeros(digits.slice(exp + 1));
    return digits.slice(0, exp + 1) + (frac.length > 0 ? `.${frac}` : '');
  }
  return `0.${'0'.repeat(-exp - 1)}${trimZeros(digits)}`;
}

function trimZeros(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 48) end--;
  return s.slice(0, end);
}

/** Whether the exact decimal expansion of `x` (> 0) has exactly 18 significant digits. */
function isExactTie(x: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) {
    e2 = -1074;
  } else {
    mantissa |= 1n << 52n;
    e2 = biased - 1075;
  }
  const exact = e2 >= 0 ? (mantissa << BigInt(e2)).toString() : (mantissa * 5n ** BigInt(-e2)).toString();
  const significant = trimZeros(exact.replace(/^0+/, ''));
  return significant.length === 18 && significant.endsWith('5');
}

/** Rounds the exact 18-digit tie `e18` (`d.ddd...5e±x`) to 17 digits, ties to even. */
function roundHalfEven(e18: string): [string, number] {
  const ePos = e18.indexOf('e');
  let exp = Number(e18.slice(ePos + 1));
  const all = e18[0] + e18.slice(2, ePos);
  let head = all.slice(0, 17);
  if ((head.charCodeAt(16) - 48) % 2 === 1) {
    const up = (BigInt(head) + 1n).toString();
    if (up.length > 17) {
      exp += 1;
      head = up.slice(0, 17);
    } else {
      head = up;
    }
  }
  return [head, exp];
}
