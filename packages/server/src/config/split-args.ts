/**
 * Splits a config line into arguments like Redis's sdssplitargs: spaces separate arguments,
 * "double quotes" support \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' support \'.
 * A closing quote must be followed by a space or the end. Returns null on unbalanced quotes.
 * Arguments are binary strings (latin1): \xHH yields the byte HH.
 */
export function splitConfigArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';
  const hex = (c: string) => /^[0-9a-fA-F]$/.test(c);
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let cur = '';
    let inDq = false;
    let inSq = false;
    for (;;) {
      if (inDq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && i + 3 < n && line[i + 1] === 'x' && hex(line[i + 2]) && hex(line[i + 3])) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          inDq = false;
          i++;
          break;
        } else cur += c;
      } else if (inSq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && i + 1 < n && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          inSq = false;
          i++;
          break;
        } else cur += c;
      } else {
        if (i >= n) break;
        const c = line[i];
        if (isSpace(c)) break;
        if (c === '"') inDq = true;
        else if (c === "'") inSq = true;
        else cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}
