/**
 * RESP2/RESP3 bytes of keyspace replies (via @replikit/resp) and a frame parser for raw bytes from redis-server,
 * so the differential tests compare the exact bytes each side would put on the wire.
 */
import { type RespValue, encodeReply as encodeReplyBytes } from '@replikit/resp';

/**
 * The bytes of a keyspace reply in `protocol` (RESP2 by default), as a latin1 string (one char per
 * byte), produced by the same encoder the server puts on the wire, so the differential compares
 * real wire bytes.
 */
export function encodeReply(v: RespValue, protocol: 2 | 3 = 2): string {
  return encodeReplyBytes(v, protocol).toString('latin1');
}

/**
 * One parsed reply. Line types keep their text; bulk types (`$` bulk, `=` verbatim, `!` blob
 * error) their payload; aggregates (`*` array, `%` map with keys and values flattened, `~` set,
 * `>` push) their items. `_` is RESP3's null.
 */
export type Frame =
  | { t: '+' | '-' | ':' | ',' | '#' | '(' | '_'; s: string }
  | { t: '$' | '=' | '!'; s: string | null }
  | { t: '*' | '%' | '~' | '>'; items: Frame[] | null };

/** Parses one frame from `buf` (latin1 string) at `pos`; null when incomplete. */
export function parseFrame(buf: string, pos = 0): { frame: Frame; end: number } | null {
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return null;
  const type = buf[pos];
  const line = buf.slice(pos + 1, nl);
  const next = nl + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case ',':
    case '#':
    case '(':
    case '_':
      return { frame: { t: type, s: line }, end: next };
    case '$':
    case '=':
    case '!': {
      const len = Number(line);
      if (len < 0) return { frame: { t: type, s: null }, end: next };
      if (buf.length < next + len + 2) return null;
      return { frame: { t: type, s: buf.slice(next, next + len) }, end: next + len + 2 };
    }
    case '*':
    case '%':
    case '~':
    case '>': {
      const n = Number(line) * (type === '%' ? 2 : 1);
      if (n < 0) return { frame: { t: type, items: null }, end: next };
      const items: Frame[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseFrame(buf, p);
        if (!r) return null;
        items.push(r.frame);
        p = r.end;
      }
      return { frame: { t: type, items }, end: p };
    }
  }
  throw new Error(`bad RESP type byte ${JSON.stringify(type)} at ${pos}`);
}

export function encodeFrame(f: Frame): string {
  switch (f.t) {
    case '+':
    case '-':
    case ':':
    case ',':
    case '#':
    case '(':
    case '_':
      return `${f.t}${f.s}\r\n`;
    case '$':
    case '=':
    case '!':
      return f.s === null ? `${f.t}-1\r\n` : `${f.t}${f.s.length}\r\n${f.s}\r\n`;
    case '*':
    case '%':
    case '~':
    case '>':
      return f.items === null ? `${f.t}-1\r\n` : `${f.t}${f.t === '%' ? f.items.length / 2 : f.items.length}\r\n${f.items.map(encodeFrame).join('')}`;
  }
}

/** True for the error types (`-` line error, `!` blob error). */
export function isError(f: Frame): boolean {
  return f.t === '-' || f.t === '!';
}

/** RESP array of bulk strings (a command, as a master writes it to a replica). */
export function encodeCommand(argv: readonly string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}
