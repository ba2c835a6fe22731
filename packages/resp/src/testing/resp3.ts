// A small RESP2/RESP3 reply reader for tests (complete buffers only). Returns the end offset of
// one reply, or -1 when incomplete, plus a structural view of it.
export type Parsed =
  | { t: 'simple' | 'error' | 'bulk' | 'verbatim' | 'double' | 'bignum'; v: string }
  | { t: 'int'; v: bigint }
  | { t: 'null' | 'nullarray' | 'nullbulk' }
  | { t: 'bool'; v: boolean }
  | { t: 'array' | 'set' | 'push' | 'map'; v: Parsed[] };

export function readReply(buf: Buffer, start = 0): { value: Parsed; end: number } | null {
  const nl = buf.indexOf('\r\n', start, 'latin1');
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[start]);
  const line = buf.toString('latin1', start + 1, nl);
  const after = nl + 2;
  const bulk = (t: 'bulk' | 'verbatim'): { value: Parsed; end: number } | null => {
    const n = Number(line);
    if (n < 0) return { value: { t: 'nullbulk' }, end: after };
    if (buf.length < after + n + 2) return null;
    return { value: { t, v: buf.toString('latin1', after, after + n) }, end: after + n + 2 };
  };
  switch (type) {
    case '+':
      return { value: { t: 'simple', v: line }, end: after };
    case '-':
      return { value: { t: 'error', v: line }, end: after };
    case ':':
      return { value: { t: 'int', v: BigInt(line) }, end: after };
    case ',':
      return { value: { t: 'double', v: line }, end: after };
    case '(':
      return { value: { t: 'bignum', v: line }, end: after };
    case '#':
      return { value: { t: 'bool', v: line === 't' }, end: after };
    case '_':
      return { value: { t: 'null' }, end: after };
    case '$':
      return bulk('bulk');
    case '=':
      return bulk('verbatim');
    case '*':
    case '~':
    case '>':
    case '%': {
      const n = Number(line);
      if (n < 0) return { value: { t: 'nullarray' }, end: after };
      const count = type === '%' ? n * 2 : n;
      const items: Parsed[] = [];
      let p = after;
      for (let i = 0; i < count; i++) {
        const r = readReply(buf, p);
        if (r === null) return null;
        items.push(r.value);
        p = r.end;
      }
      const t = type === '*' ? 'array' : type === '~' ? 'set' : type === '>' ? 'push' : 'map';
      return { value: { t, v: items }, end: p };
    }
    default:
      throw new Error(`bad reply type ${JSON.stringify(type)}`);
  }
}
