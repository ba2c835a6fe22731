/**
 * Redis's glob-style matcher (`stringmatchlen` in util.c) over binary strings: `*`, `?`,
 * `[abc]`, `[^a-z]`, and `\` escapes; case-sensitive. Used for PSUBSCRIBE and PUBSUB CHANNELS.
 */
export function globMatch(pattern: string, subject: string): boolean {
  return matchFrom(pattern, 0, subject, 0, 0);
}

function matchFrom(p: string, pi: number, s: string, si: number, depth: number): boolean {
  // Redis caps the recursion (stringmatchlen_impl's nesting guard); a pathological pattern just fails.
  if (depth > 1000) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si <= slen) {
    const c = p.charCodeAt(pi);
    if (c === 42 /* * */) {
      while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
      if (pi + 1 === plen) return true;
      for (let k = si; k <= slen; k++) {
        if (matchFrom(p, pi + 1, s, k, depth + 1)) return true;
      }
      return false;
    }
    if (si >= slen) return false;
    if (c === 63 /* ? */) {
      pi++;
      si++;
      continue;
    }
    if (c === 91 /* [ */) {
      pi++;
      let not = false;
      if (p.charCodeAt(pi) === 94 /* ^ */) {
        not = true;
        pi++;
      }
      let match = false;
      const sc = s.charCodeAt(si);
      for (;;) {
        if (pi >= plen) {
          pi--; // unterminated class: Redis treats the end of the pattern as the closing bracket
          break;
        }
        const pc = p.charCodeAt(pi);
        if (pc === 92 /* \ */ && pi + 2 < plen) {
          pi++;
          if (p.charCodeAt(pi) === sc) match = true;
        } else if (pc === 93 /* ] */) {
          break;
        } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 45 /* - */) {
          let start = pc;
          let end = p.charCodeAt(pi + 2);
          if (start > end) [start, end] = [end, start];
          pi += 2;
          if (sc >= start && sc <= end) match = true;
        } else if (pc === sc) match = true;
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      pi++;
      si++;
      continue;
    }
    if (c === 92 /* \ */ && pi + 1 < plen) pi++;
    if (p.charCodeAt(pi) !== s.charCodeAt(si)) return false;
    pi++;
    si++;
  }
  while (pi < plen && p.charCodeAt(pi) === 42) pi++;
  return pi === plen && si === slen;
}
