/**
 * RESP2 bytes of keyspace replies (via @replikit/resp) and a frame parser for raw bytes from redis-server,
 * so the differential tests compare the exact bytes each side would put on the wire.
 */
import { type RespValue, encodeReply as encodeReplyBytes } from '@replikit/resp';

/**
 * RESP2 bytes of a keyspace reply, as a latin1 string (one char per byte), produced by the same
 * encoder the server puts on the wire, so the differential compares real wire bytes.
 */
export function encodeReply(v: RespValue): string {
  return encodeReplyBytes(v, 2).toString('latin1');
}

export type Frame =
  | { t: '+' | '-'; s: string }
  | { t: ':'; s: string }
  | { t: '$'; s: string | null }
  | { t: '*'; items: Frame[] | null };

/** Parses one frame from `buf` (latin1 string) at `pos`; null when incomplete. */
export function parseFrame(buf: string, pos = 0): { frame: Frame; end: number } | null {
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return null;
  const type = buf[pos];
  const line = buf.slice(pos + 1, nl);
  const next = nl + 2;
  if (type === '+' || type === '-' || type === ':') return { frame: { t: type, s: line } as Frame, end: next };
  if (type === '$') {
    const len = Number(line);
    if (len < 0) return { frame: { t: '$', s: null }, end: next };
    if (buf.length < next + len + 2) return null;
    return { frame: { t: '$', s: buf.slice(next, next + len) }, end: next + len + 2 };
  }
  if (type === '*') {
    const n = Number(line);
    if (n < 0) return { frame: { t: '*', items: null }, end: next };
    const items: Frame[] = [];
    let p = next;
    for (let i = 0; i < n; i++) {
      const r = parseFrame(buf, p);
      if (!r) return null;
      items.push(r.frame);
      p = r.end;
    }
    return { frame: { t: '*', items }, end: p };
  }
  throw new Error(`bad RESP type byte ${JSON.stringify(type)} at ${pos}`);
}

export function encodeFrame(f: Frame): string {
  switch (f.t) {
    case '+':
    case '-':
    case ':':
      return `${f.t}${f.s}\r\n`;
    case '$':
      return f.s === null ? '$-1\r\n' : `$${f.s.length}\r\n${f.s}\r\n`;
    case '*':
      return f.items === null ? '*-1\r\n' : `*${f.items.length}\r\n${f.items.map(encodeFrame).join('')}`;
  }
}

/** RESP array of bulk strings (a command, as a master writes it to a replica). */
export function encodeCommand(argv: readonly string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}
