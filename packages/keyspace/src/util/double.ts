/**
 * Doubles with Redis's rules: `string2d` (strtod over the whole string, no leading space, no NaN,
 * no overflow to +/-HUGE_VAL or underflow to 0) and `%.17g` formatting.
 */

const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;

/**
 * Parses `s` like Redis's string2d (strict: the whole string must be a number). Accepts
 * `inf`, `-inf`, `+inf`, `infinity` (any case), hex floats; rejects NaN, spaces, empty,
 * and values that overflow (`1e400`) or underflow to zero (`1e-400`). Returns null when invalid.
 */
export function parseDouble(s: string): number | null {
  const len = s.length;
  if (len === 0) return null;
  const c = s.charCodeAt(0);
  // fast path: plain digits
  if (DECIMAL_RE.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null; // overflow to HUGE_VAL
    if (v === 0 && hasNonZeroDigit(s)) return null; // underflow to zero
    return v;
  }
  if (c === 105 || c === 73 || c === 43 || c === 45) {
    const m = INF_RE.exec(s);
    if (m) return m[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  const h = HEX_RE.exec(s);
  if (h) {
    const v = parseHexFloat(h[1] === '-', h[2], h[3] ?? '', h[4]);
    if (v === null || !Number.isFinite(v)) return null;
    return v;
  }
  return null;
}

function hasNonZeroDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 101 || c === 69) return false; // exponent reached
    if (c >= 49 && c <= 57) return true;
  }
  return false;
}

function parseHexFloat(neg: boolean, intPart: string, frac: string, exp: string | undefined): number | null {
  if (intPart.length === 0 && frac.length === 0) return null;
  const digits = intPart + frac;
  let mant = digits.length === 0 ? 0n : BigInt(`0x${digits}`);
  let e = (exp === undefined ? 0 : Number(exp)) - 4 * frac.length;
  if (mant === 0n) return neg ? -0 : 0;
  // reduce to a double: exact via bigint scaling
  while (mant > (1n << 64n)) {
    mant >>= 1n; // precision beyond 64 bits cannot change a double rounding except for ties; acceptable
    e += 1;
  }
  const v = Number(mant) * 2 ** e;
  if (v === 0) return null;
  return neg ? -v : v;
}

/** `%.17g` of a double, exactly like C's printf, with Redis's `inf`/`-inf`. */
export function formatDouble(d: number): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // exponent-form with 17 significant digits, correctly rounded
  const e = d.toExponential(16); // d.dddddddddddddddde[+-]x
  const ePos = e.indexOf('e');
  const exp = Number(e.slice(ePos + 1));
  let mantissa = e.slice(0, ePos);
  if (exp < -4 || exp >= 17) {
    mantissa = stripZeros(mantissa);
    const ae = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  // fixed notation with 17 - 1 - exp decimals
  const neg = mantissa.charCodeAt(0) === 45;
  const digits = mantissa.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1);
    const frac = digits.slice(exp + 1);
    out = frac.length ? `${intPart}.${frac}` : intPart;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  out = stripZeros(out);
  return neg ? `-${out}` : out;
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}
