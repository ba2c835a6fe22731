/**
 * A small RESP request decoder and reply encoder used until @replikit/resp's land; replaced by
 * them in resp-io.ts. Binary strings are latin1.
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

class ProtocolError extends Error {
  readonly replyText: string;
  constructor(text: string) {
    super(text);
    this.replyText = `ERR Protocol error: ${text}`;
  }
}

const INLINE_MAX = 64 * 1024;

export class TemporaryRequestDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private argc = -1;
  private argv: string[] = [];
  constructor(private readonly maxBulk: number) {}

  get bufferedBytes(): number {
    return this.buf.length - this.pos;
  }

  write(chunk: Buffer): void {
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.pos = 0;
    }
  }

  next(): string[] | undefined {
    const b = this.buf;
    if (this.argc < 0) {
      if (this.pos >= b.length) return undefined;
      if (b[this.pos] !== 42) return this.inline();
      const nl = b.indexOf(10, this.pos);
      if (nl < 0) {
        if (b.length - this.pos > INLINE_MAX) throw new ProtocolError('too big mbulk count string');
        return undefined;
      }
      const n = parseIntStrict(b, this.pos + 1, nl - 1);
      if (n === null || n > 1024 * 1024 * 1024) throw new ProtocolError('invalid multibulk length');
      this.pos = nl + 1;
      if (n <= 0) return [];
      this.argc = n;
      this.argv = [];
    }
    while (this.argv.length < this.argc) {
      if (this.pos >= b.length) return undefined;
      if (b[this.pos] !== 36) throw new ProtocolError(`expected '$', got '${String.fromCharCode(b[this.pos] as number)}'`);
      const nl = b.indexOf(10, this.pos);
      if (nl < 0) {
        if (b.length - this.pos > INLINE_MAX) throw new ProtocolError('too big bulk count string');
        return undefined;
      }
      const len = parseIntStrict(b, this.pos + 1, nl - 1);
      if (len === null || len < 0 || len > this.maxBulk) throw new ProtocolError('invalid bulk length');
      if (b.length - (nl + 1) < len + 2) return undefined;
      this.argv.push(b.toString("latin1", nl + 1, nl + 1 + len));
      this.pos = nl + 1 + len + 2;
    }
    const out = this.argv;
    this.argc = -1;
    this.argv = [];
    return out;
  }

  private inline(): string[] | undefined {
    const b = this.buf;
    const nl = b.indexOf(10, this.pos);
    if (nl < 0) {
      if (b.length - this.pos > INLINE_MAX) throw new ProtocolError('too big inline request');
      return undefined;
    }
    let end = nl;
    if (end > this.pos && b[end - 1] === 13) end--;
    const line = b.toString("latin1", this.pos, end);
    this.pos = nl + 1;
    const args = splitInline(line);
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

function parseIntStrict(b: Buffer, from: number, to: number): number | null {
  if (to <= from || b[to] !== 13) return null;
  let neg = false;
  let i = from;
  if (b[i] === 45) {
    neg = true;
    i++;
  }
  if (i >= to) return null;
  let n = 0;
  for (; i < to; i++) {
    const c = b[i] as number;
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
    if (n > Number.MAX_SAFE_INTEGER) return null;
  }
  return neg ? -n : n;
}

/** sdssplitargs: spaces separate, "..." with escapes, '...' literal. */
function splitInline(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && /\s/.test(line[i] as string)) i++;
    if (i >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    for (;;) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i] as string;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !/\s/.test(line[i + 1] as string)) return null;
          inq = false;
          i++;
          break;
        } else cur += c;
      } else if (insq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1] as string)) return null;
          insq = false;
          i++;
          break;
        } else cur += c;
      } else {
        if (c === undefined || /\s/.test(c)) break;
        if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}

/** printf("%.17g") */
export function formatDouble(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Number.POSITIVE_INFINITY) return 'inf';
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  let s = v.toPrecision(17);
  if (s.includes('e')) {
    const [m, e] = s.split('e') as [string, string];
    let mm = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const en = Number(e);
    if (en >= -4 && en < 17) return Number(v).toString();
    mm = mm || '0';
    return `${mm}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  if (exp < -4 || exp >= 17) return s;
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

export class TemporaryReplyEncoder {
  private parts: string[] = [];
  private chunks: Buffer[] = [];
  private size = 0;

  get pendingBytes(): number {
    return this.size;
  }

  private s(x: string): void {
    this.parts.push(x);
    this.size += x.length;
  }

  private bin(b: Buffer): void {
    this.cut();
    this.chunks.push(b);
    this.size += b.length;
  }

  private cut(): void {
    if (this.parts.length) {
      this.chunks.push(Buffer.from(this.parts.join(''), 'latin1'));
      this.parts = [];
    }
  }

  flush(): Buffer[] {
    this.cut();
    const c = this.chunks;
    this.chunks = [];
    this.size = 0;
    return c;
  }

  push(v: RespValue, p: 2 | 3): void {
    if (v === null) return this.s(p === 3 ? '_\r\n' : '$-1\r\n');
    if (typeof v === 'string') return this.s(`$${v.length}\r\n${v}\r\n`);
    if (typeof v === 'number' || typeof v === 'bigint') return this.s(`:${v}\r\n`);
    if (Buffer.isBuffer(v)) {
      this.s(`$${v.length}\r\n`);
      this.bin(v);
      return this.s('\r\n');
    }
    if (Array.isArray(v)) {
      this.s(`*${v.length}\r\n`);
      for (const x of v) this.push(x, p);
      return;
    }
    if (v instanceof SimpleString) return this.s(`+${v.value}\r\n`);
    if (v instanceof ErrorReply) return this.s(`-${v.message}\r\n`);
    if (v instanceof NullArrayReply) return this.s(p === 3 ? '_\r\n' : '*-1\r\n');
    if (v instanceof DoubleReply) {
      const t = formatDouble(v.value);
      return this.s(p === 3 ? `,${t}\r\n` : `$${t.length}\r\n${t}\r\n`);
    }
    if (v instanceof BooleanReply) return this.s(p === 3 ? (v.value ? '#t\r\n' : '#f\r\n') : v.value ? ':1\r\n' : ':0\r\n');
    if (v instanceof BigNumberReply) {
      const t = v.value.toString();
      return this.s(p === 3 ? `(${t}\r\n` : `$${t.length}\r\n${t}\r\n`);
    }
    if (v instanceof MapReply) {
      this.s(p === 3 ? `%${v.entries.length}\r\n` : `*${v.entries.length * 2}\r\n`);
      for (const [k, x] of v.entries) {
        this.push(k, p);
        this.push(x, p);
      }
      return;
    }
    if (v instanceof SetReply) {
      this.s(p === 3 ? `~${v.items.length}\r\n` : `*${v.items.length}\r\n`);
      for (const x of v.items) this.push(x, p);
      return;
    }
    if (v instanceof PushReply) {
      this.s(p === 3 ? `>${v.items.length}\r\n` : `*${v.items.length}\r\n`);
      for (const x of v.items) this.push(x, p);
      return;
    }
    if (v instanceof VerbatimReply) {
      const t = typeof v.text === 'string' ? v.text : v.text.toString('latin1');
      if (p === 3) return this.s(`=${t.length + 4}\r\n${v.format}:${t}\r\n`);
      return this.s(`$${t.length}\r\n${t}\r\n`);
    }
    throw new TypeError('unknown reply value');
  }
}
