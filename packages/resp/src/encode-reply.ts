import * as ascii from './ascii';
import { RespEncodeError } from './errors';
import { formatDouble } from './format-double';
import {
  BigNumberReply,
  BooleanReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NullArrayReply,
  PushReply,
  SetReply,
  SimpleString,
  VerbatimReply,
  type RespValue,
} from './reply-types';

// Local aliases of hot imports: when modules are transpiled one by one to CommonJS (tsx, ts-jest),
// every use of an imported binding is a property read through a getter; the bundled build (tsup)
// does not care either way.
const { writeDecimal, writeLatin1 } = ascii;

/** The protocol a client speaks: 2 (default) or 3 after `HELLO 3`. */
export type RespProtocol = 2 | 3;

export interface ReplyEncoderOptions {
  /**
   * Size of each pooled output buffer.
   * @default 65536
   */
  bufferSize?: number;
  /**
   * Buffer payloads of at least this many bytes are not copied: they are passed on as their own
   * chunk by `flushChunks()` (`flush()` still returns one Buffer, so it copies them).
   * @default 16384
   */
  passThroughSize?: number;
}

/** A pending aggregate while encoding (explicit stack: no recursion per nesting level). */
interface Frame {
  items: readonly RespValue[] | null;
  entries: ReadonlyArray<readonly [RespValue, RespValue]> | null;
  i: number;
  n: number;
}

const CRLF_SIZE = 2;

/**
 * Accumulates replies for one connection into pooled buffers, for pipelined output: `push` as many
 * replies as are ready, then `flush()` (one Buffer) or `flushChunks()` (chunk list in which large
 * Buffer payloads are passed through uncopied) and write the result to the socket. Memory handed
 * out by a flush is never written again.
 *
 * Encoding follows redis-server 7.0: plain JS strings are bulk strings written as latin1 (binary
 * strings), doubles use `%.17g`, and RESP3 types map to RESP2 as documented in reply-types.ts.
 */
export class ReplyEncoder {
  private readonly bufferSize: number;
  private readonly passThrough: number;
  private buf: Buffer;
  private pos = 0;
  private mark = 0;
  private chunks: Buffer[] = [];
  private chunkBytes = 0;

  constructor(options: ReplyEncoderOptions = {}) {
    this.bufferSize = options.bufferSize ?? 65536;
    this.passThrough = options.passThroughSize ?? 16384;
    this.buf = Buffer.allocUnsafe(this.bufferSize);
  }

  /** Bytes pushed and not yet flushed. */
  get pendingBytes(): number {
    return this.chunkBytes + this.pos - this.mark;
  }

  /** Appends one reply. Throws `RespEncodeError` for values that have no encoding. */
  push(value: RespValue, protocol: RespProtocol = 2): void {
    // a status reply (+OK of every SET) cannot fail: no undo state, no type tests before it
    if (value instanceof SimpleString) {
      this.line(43, value === this.lastStatus ? value.value : this.status(value));
      return;
    }
    const { buf, pos, mark, chunkBytes } = this;
    const chunkCount = this.chunks.length;
    try {
      this.encode(value, protocol);
    } catch (err) {
      // Leave no half-written reply behind.
      this.buf = buf;
      this.pos = pos;
      this.mark = mark;
      this.chunks.length = chunkCount;
      this.chunkBytes = chunkBytes;
      throw err;
    }
  }

  private encode(value: RespValue, protocol: RespProtocol): void {
    const first = this.one(value, protocol);
    // a scalar (most replies) needs no stack
    if (first === null) return;
    const stack: Frame[] = [first];
    for (;;) {
      let top = stack[stack.length - 1];
      while (top.i >= top.n) {
        stack.pop();
        if (stack.length === 0) return;
        top = stack[stack.length - 1];
      }
      const i = top.i++;
      const v = top.items !== null ? top.items[i] : top.entries![i >> 1][i & 1];
      const frame = this.one(v, protocol);
      if (frame !== null) stack.push(frame);
    }
  }

  /** Everything pushed since the last flush as one Buffer, or null when nothing is pending. */
  flush(): Buffer | null {
    if (this.chunks.length === 0) {
      if (this.pos === this.mark) return null;
      const out = this.buf.subarray(this.mark, this.pos);
      this.mark = this.pos;
      return out;
    }
    const list = this.flushChunks();
    return list.length === 1 ? list[0] : Buffer.concat(list);
  }

  /** Everything pushed since the last flush as a chunk list (empty when nothing is pending). */
  flushChunks(): Buffer[] {
    this.cut();
    const list = this.chunks;
    this.chunks = [];
    this.chunkBytes = 0;
    return list;
  }

  private cut(): void {
    if (this.pos > this.mark) {
      const b = this.buf.subarray(this.mark, this.pos);
      this.chunks.push(b);
      this.chunkBytes += b.length;
      this.mark = this.pos;
    }
  }

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.cut();
    this.buf = Buffer.allocUnsafe(Math.max(this.bufferSize, n));
    this.pos = 0;
    this.mark = 0;
  }

  /** `<prefix><n>\r\n` for a non-negative integer below 2^53. */
  private header(prefix: number, n: number): void {
    this.room(20);
    const buf = this.buf;
    buf[this.pos] = prefix;
    let p = writeDecimal(buf, this.pos + 1, n);
    buf[p++] = 13;
    buf[p++] = 10;
    this.pos = p;
  }

  /** the last status reply pushed, its text known to need no sanitizing (SimpleString is immutable) */
  private lastStatus: SimpleString | null = null;

  private status(v: SimpleString): string {
    const text = sanitize(v.value);
    if (text === v.value) this.lastStatus = v;
    return text;
  }

  private line(prefix: number, text: string): void {
    this.room(text.length + 3);
    const buf = this.buf;
    buf[this.pos] = prefix;
    let p = writeLatin1(buf, this.pos + 1, text);
    buf[p++] = 13;
    buf[p++] = 10;
    this.pos = p;
  }

  private bulkString(s: string): void {
    const n = s.length;
    this.room(n + 16);
    const buf = this.buf;
    buf[this.pos] = 36;
    let p = writeDecimal(buf, this.pos + 1, n);
    buf[p++] = 13;
    buf[p++] = 10;
    p = writeLatin1(buf, p, s);
    buf[p++] = 13;
    buf[p++] = 10;
    this.pos = p;
  }

  private bulkBuffer(b: Buffer): void {
    const n = b.length;
    if (n >= this.passThrough) {
      this.header(36, n);
      this.cut();
      this.chunks.push(b);
      this.chunkBytes += n;
      this.room(CRLF_SIZE);
    } else {
      this.room(n + 16);
      const buf = this.buf;
      buf[this.pos] = 36;
      let p = writeDecimal(buf, this.pos + 1, n);
      buf[p++] = 13;
      buf[p++] = 10;
      b.copy(buf, p);
      this.pos = p + n;
    }
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
  }

  private raw(s: string): void {
    this.room(s.length);
    this.pos = writeLatin1(this.buf, this.pos, s);
  }

  /** Writes a scalar, or an aggregate's header and returns its frame (null when nothing follows). */
  private one(v: RespValue, proto: RespProtocol): Frame | null {
    if (typeof v === 'string') {
      this.bulkString(v);
      return null;
    }
    if (v === null) {
      this.raw(proto === 3 ? '_\r\n' : '$-1\r\n');
      return null;
    }
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new RespEncodeError(`not an integer reply: ${v} (use DoubleReply for doubles)`);
      if (v >= 0) this.header(58, v);
      else this.line(58, String(v));
      return null;
    }
    if (Buffer.isBuffer(v)) {
      this.bulkBuffer(v);
      return null;
    }
    if (Array.isArray(v)) {
      return this.aggregate(42, v as readonly RespValue[], null);
    }
    if (typeof v === 'bigint') {
      this.line(58, v.toString());
      return null;
    }
    if (v instanceof SimpleString) {
      this.line(43, sanitize(v.value));
    } else if (v instanceof ErrorReply) {
      this.line(45, sanitize(v.message));
    } else if (v instanceof NullArrayReply) {
      this.raw(proto === 3 ? '_\r\n' : '*-1\r\n');
    } else if (v instanceof DoubleReply) {
      if (proto === 3) this.line(44, v.text ?? formatDouble(v.value));
      else this.bulkString(v.text ?? formatDouble(v.value));
    } else if (v instanceof BooleanReply) {
      if (proto === 3) this.raw(v.value ? '#t\r\n' : '#f\r\n');
      else this.raw(v.value ? ':1\r\n' : ':0\r\n');
    } else if (v instanceof BigNumberReply) {
      if (proto === 3) this.line(40, v.value.toString());
      else this.bulkString(v.value.toString());
    } else if (v instanceof MapReply) {
      const n = v.entries.length;
      return this.aggregate(proto === 3 ? 37 : 42, null, v.entries, proto === 3 ? n : n * 2);
    } else if (v instanceof SetReply) {
      return this.aggregate(proto === 3 ? 126 : 42, v.items, null);
    } else if (v instanceof PushReply) {
      return this.aggregate(proto === 3 ? 62 : 42, v.items, null);
    } else if (v instanceof VerbatimReply) {
      this.verbatim(v, proto);
    } else {
      throw new RespEncodeError(`not a RespValue: ${Object.prototype.toString.call(v)}`);
    }
    return null;
  }

  private aggregate(
    prefix: number,
    items: readonly RespValue[] | null,
    entries: ReadonlyArray<readonly [RespValue, RespValue]> | null,
    count = items !== null ? items.length : 0,
  ): Frame | null {
    this.header(prefix, count);
    const n = items !== null ? items.length : entries!.length * 2;
    return n === 0 ? null : { items, entries, i: 0, n };
  }

  private verbatim(v: VerbatimReply, proto: RespProtocol): void {
    const text = v.text;
    if (proto === 2) {
      if (typeof text === 'string') this.bulkString(text);
      else this.bulkBuffer(text);
      return;
    }
    // Redis uses the first 3 chars of the format, padded with spaces.
    const fmt = (v.format + '   ').slice(0, 3);
    this.header(61, text.length + 4);
    this.raw(`${fmt}:`);
    if (typeof text === 'string') this.raw(text);
    else {
      this.room(text.length);
      text.copy(this.buf, this.pos);
      this.pos += text.length;
    }
    this.raw('\r\n');
  }
}

/** Simple strings and errors cannot hold CR/LF: Redis maps them to spaces. */
function sanitize(s: string): string {
  return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace(/[\r\n]/g, ' ');
}

let shared: ReplyEncoder | null = null;

/** Encodes one reply into a Buffer (which the caller owns). */
export function encodeReply(value: RespValue, protocol: RespProtocol = 2): Buffer {
  if (shared === null) shared = new ReplyEncoder();
  shared.push(value, protocol);
  return shared.flush() ?? Buffer.alloc(0);
}
