import { binarySlice } from './binary-string';

/** `isspace()` in the C locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits an inline command line `buf[start, end)` into binary-string arguments the way Redis's
 * `sdssplitargs` does (sds.c): blanks separate arguments; `"..."` supports `\n \r \t \b \a`, `\xHH`
 * and `\<any>`; `'...'` supports only `\'`; a quote may open in the middle of an argument; a closing
 * quote must be followed by a blank or the end of the line. Returns null for unbalanced quotes
 * (Redis: "unbalanced quotes"). The range must not contain a NUL byte: Redis never gets one there,
 * and the end of the range plays the part of the C string's terminating NUL.
 */
export function splitArgs(buf: Uint8Array, start: number, end: number): string[] | null {
  const out: string[] = [];
  const at = (i: number): number => (i < end ? buf[i] : 0);
  let scratch: Buffer | null = null;
  let p = start;
  for (;;) {
    while (p < end && isSpace(buf[p])) p++;
    if (p >= end) return out;
    if (scratch === null) scratch = Buffer.allocUnsafe(end - start);
    let inDouble = false;
    let inSingle = false;
    let n = 0;
    for (let done = false; !done; ) {
      const c = at(p);
      if (inDouble) {
        if (c === 92 && at(p + 1) === 120 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          scratch[n++] = hexValue(at(p + 2)) * 16 + hexValue(at(p + 3));
          p += 3;
        } else if (c === 92 && at(p + 1) !== 0) {
          p++;
          const e = buf[p];
          scratch[n++] = e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e;
        } else if (c === 34) {
          const next = at(p + 1);
          if (next !== 0 && !isSpace(next)) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          scratch[n++] = c;
        }
      } else if (inSingle) {
        if (c === 92 && at(p + 1) === 39) {
          p++;
          scratch[n++] = 39;
        } else if (c === 39) {
          const next = at(p + 1);
          if (next !== 0 && !isSpace(next)) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          scratch[n++] = c;
        }
      } else if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0) {
        done = true;
      } else if (c === 34) {
        inDouble = true;
      } else if (c === 39) {
        inSingle = true;
      } else {
        scratch[n++] = c;
      }
      if (at(p) !== 0) p++;
    }
    out.push(binarySlice(scratch, 0, n));
  }
}
