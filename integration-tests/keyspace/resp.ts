/**
 * A tiny RESP2 encoder for keyspace replies and a frame parser for raw bytes from redis-server,
 * so the differential tests compare the exact bytes each side would put on the wire.
 */
import {
  BigNumberReply,
  BooleanReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NullArrayReply,
  PushReply,
  type RespValue,
  SetReply,
  SimpleString,
  VerbatimReply,
} from '@replikit/resp';
import { formatDouble } from '@replikit/keyspace/internal';

/** RESP2 bytes of a reply, as latin1 string (one char per byte). */
export function encodeReply(v: RespValue): string {
  if (v === null) return '$-1\r\n';
  if (typeof v === 'string') return `$${v.length}\r\n${v}\r\n`;
  if (typeof v === 'number' || typeof v === 'bigint') return `:${v}\r\n`;
  if (Buffer.isBuffer(v)) return `$${v.length}\r\n${v.toString('latin1')}\r\n`;
  if (Array.isArray(v)) return `*${v.length}\r\n${v.map(encodeReply).join('')}`;
  if (v instanceof SimpleString) return `+${v.value}\r\n`;
  if (v instanceof ErrorReply) return `-${v.message}\r\n`;
  if (v instanceof DoubleReply) return encodeReply(formatDouble(v.value));
  if (v instanceof BooleanReply) return `:${v.value ? 1 : 0}\r\n`;
  if (v instanceof BigNumberReply) return encodeReply(v.value.toString());
  if (v instanceof NullArrayReply) return '*-1\r\n';
  if (v instanceof MapReply) return `*${v.entries.length * 2}\r\n${v.entries.map(([a, b]) => encodeReply(a) + encodeReply(b)).join('')}`;
  if (v instanceof SetReply || v instanceof PushReply) return encodeReply(v.items as RespValue[]);
  if (v instanceof VerbatimReply) return encodeReply(typeof v.text === 'string' ? v.text : v.text.toString('latin1'));
  throw new Error(`cannot encode ${String(v)}`);
}

/** A parsed RESP2 frame. */
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
