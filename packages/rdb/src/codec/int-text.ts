/**
 * `intToBuffer(v)`: the decimal text of a safe integer as a new Buffer, written digit by digit
 * into a pooled `Buffer.allocUnsafe` (no string and no native UTF-8 encode on the hot path:
 * integer-encoded elements are common in RDB files). bigint values go through String().
 * `writeIntText(out, at, v)` writes the same text into a caller's buffer.
 */
const scratch = new Uint8Array(24);

export function intToBuffer(v: number | bigint): Buffer {
  if (typeof v === 'bigint') return Buffer.from(v.toString(), 'latin1');
  if (v >= 0 && v < 10) {
    const b = Buffer.allocUnsafe(1);
    b[0] = 48 + v;
    return b;
  }
  const p = digits(v);
  const n = 24 - p;
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = scratch[p + i];
  return b;
}

/** Writes the decimal text of the safe integer `v` at `out[at]` (at least 20 bytes free there); its length. */
export function writeIntText(out: Uint8Array, at: number, v: number): number {
  const p = digits(v);
  const n = 24 - p;
  for (let i = 0; i < n; i++) out[at + i] = scratch[p + i];
  return n;
}

/** The decimal text of `v` at the end of `scratch`; where it starts. */
function digits(v: number): number {
  if (v === 0) {
    scratch[23] = 48;
    return 23;
  }
  const neg = v < 0;
  let x = neg ? -v : v;
  let p = 24;
  if (x < 2147483648) {
    while (x > 0) {
      const q = (x / 10) | 0;
      scratch[--p] = 48 + x - q * 10;
      x = q;
    }
  } else {
    while (x > 0) {
      const d = x % 10; // exact for integers; (x - d) / 10 is then exact too
      scratch[--p] = 48 + d;
      x = (x - d) / 10;
    }
  }
  if (neg) scratch[--p] = 45;
  return p;
}
