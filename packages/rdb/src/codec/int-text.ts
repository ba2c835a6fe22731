/**
 * `intToBuffer(v)`: the decimal text of a safe integer as a new Buffer, written digit by digit
 * into a pooled `Buffer.allocUnsafe` (no string and no native UTF-8 encode on the hot path:
 * integer-encoded elements are common in RDB files). bigint values go through String().
 */
const scratch = new Uint8Array(24);

export function intToBuffer(v: number | bigint): Buffer {
  if (typeof v === 'bigint') return Buffer.from(v.toString(), 'latin1');
  if (v >= 0 && v < 10) {
    const b = Buffer.allocUnsafe(1);
    b[0] = 48 + v;
    return b;
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
  const n = 24 - p;
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = scratch[p + i];
  return b;
}
