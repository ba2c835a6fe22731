/**
 * Glob matching with Redis's `stringmatchlen` semantics (KEYS, SCAN MATCH, ...): `*`, `?`,
 * `[abc]`, `[^a]`, `[a-z]` (reversed ranges swap, bytes compared as signed chars like C),
 * `\` escapes; binary safe. Reads past the end see a NUL byte, as C does with sds strings.
 */

function at(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0;
}

function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

interface Skip {
  v: boolean;
}

function matchImpl(p: string, pi: number, plen: number, s: string, si: number, slen: number, nocase: boolean, skip: Skip): boolean {
  while (plen > 0 && slen > 0) {
    const pc = at(p, pi);
    if (pc === 42 /* * */) {
      while (plen > 0 && at(p, pi + 1) === 42) {
        pi++;
        plen--;
      }
      if (plen === 1) return true;
      while (slen > 0) {
        if (matchImpl(p, pi + 1, plen - 1, s, si, slen, nocase, skip)) return true;
        if (skip.v) return false;
        si++;
        slen--;
      }
      skip.v = true;
      return false;
    }
    if (pc === 63 /* ? */) {
      si++;
      slen--;
    } else if (pc === 91 /* [ */) {
      pi++;
      plen--;
      const not = at(p, pi) === 94; /* ^ */
      if (not) {
        pi++;
        plen--;
      }
      let match = false;
      const sc = at(s, si);
      for (;;) {
        const c = at(p, pi);
        if (c === 92 /* \ */ && plen >= 2) {
          pi++;
          plen--;
          if (at(p, pi) === sc) match = true;
        } else if (c === 93 /* ] */) {
          break;
        } else if (plen === 0) {
          pi--;
          plen++;
          break;
        } else if (plen >= 3 && at(p, pi + 1) === 45 /* - */) {
          let start = signed(c);
          let end = signed(at(p, pi + 2));
          let ch = signed(sc);
          if (start > end) {
            const t = start;
            start = end;
            end = t;
          }
          if (nocase) {
            start = lower(start);
            end = lower(end);
            ch = lower(ch);
          }
          pi += 2;
          plen -= 2;
          if (ch >= start && ch <= end) match = true;
        } else if (!nocase) {
          if (c === sc) match = true;
        } else if (lower(c) === lower(sc)) {
          match = true;
        }
        pi++;
        plen--;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
      slen--;
    } else {
      if (pc === 92 /* \ */ && plen >= 2) {
        pi++;
        plen--;
      }
      const c = at(p, pi);
      const sc = at(s, si);
      if (!nocase ? c !== sc : lower(c) !== lower(sc)) return false;
      si++;
      slen--;
    }
    pi++;
    plen--;
    if (slen === 0) {
      while (at(p, pi) === 42) {
        pi++;
        plen--;
      }
      break;
    }
  }
  return plen === 0 && slen === 0;
}

/** True when `str` matches the glob `pattern` (Redis stringmatchlen). */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  return matchImpl(pattern, 0, pattern.length, str, 0, str.length, nocase, { v: false });
}

/** A matcher for repeated use; `*` alone matches everything without calling the matcher. */
export function compileGlob(pattern: string, nocase = false): (s: string) => boolean {
  if (pattern === '*') return () => true;
  return (s) => matchImpl(pattern, 0, pattern.length, s, 0, s.length, nocase, { v: false });
}
