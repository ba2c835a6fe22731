import * as ascii from './ascii';

// Local aliases of hot imports: when modules are transpiled one by one to CommonJS (tsx, ts-jest),
// every use of an imported binding is a property read through a getter; the bundled build (tsup)
// does not care either way.
const { decimalLength, utf8Length, writeDecimal, writeLatin1, writeUtf8 } = ascii;

/** How JS strings in an argv become bytes: `utf8` for text, `latin1` for binary strings. */
export type StringEncoding = 'utf8' | 'latin1';

let lengths = new Float64Array(64);
// results of the last measure() besides its return value
let payloadBytes = 0;
let bufferArgs = 0;
let lastIsBuffer = false;

/** The shared `\r\n` chunk that ends a command whose last argument is a Buffer. Read-only. */
const CRLF = Buffer.from('\r\n');

/** Size of everything but the Buffer arguments; records each argument's byte length. */
function measure(argv: ReadonlyArray<Buffer | string>, enc: StringEncoding): number {
  const n = argv.length;
  if (lengths.length < n) lengths = new Float64Array(Math.max(n, lengths.length * 2));
  let text = 3 + decimalLength(n);
  let payload = 0;
  let buffers = 0;
  let last = false;
  for (let i = 0; i < n; i++) {
    const a = argv[i];
    let len: number;
    if (typeof a === 'string') {
      len = enc === 'latin1' ? a.length : utf8Length(a);
      text += len;
      last = false;
    } else {
      len = a.length;
      payload += len;
      buffers++;
      last = true;
    }
    lengths[i] = len;
    text += 5 + decimalLength(len);
  }
  payloadBytes = payload;
  bufferArgs = buffers;
  lastIsBuffer = last;
  return text;
}

/**
 * Encodes a command as a RESP array of bulk strings. Returns a chunk list: Buffer arguments are
 * placed in it as they are (never copied); everything else (headers, string arguments, CRLFs)
 * shares one freshly allocated Buffer. Strings are written as UTF-8, or as latin1 for binary
 * strings. The master writes the same chunks to its backlog and to every replica. Chunks are
 * read-only: the final `\r\n` after a trailing Buffer argument is a shared constant.
 */
export function encodeCommand(argv: ReadonlyArray<Buffer | string>, stringEncoding: StringEncoding = 'utf8'): Buffer[] {
  const text = measure(argv, stringEncoding);
  if (bufferArgs === 0) return [writeAll(argv, stringEncoding, text)];
  if (bufferArgs === 1 && lastIsBuffer) {
    // The common `SET key <Buffer>` shape: [everything before the payload, payload, CRLF].
    const last = argv[argv.length - 1] as Buffer;
    if (last.length > 0) return [writeAll(argv, stringEncoding, text - 2, argv.length - 1), last, CRLF];
  }
  const out = Buffer.allocUnsafe(text);
  const chunks: Buffer[] = [];
  const n = argv.length;
  out[0] = 42;
  let p = writeDecimal(out, 1, n);
  out[p++] = 13;
  out[p++] = 10;
  let cut = 0;
  for (let i = 0; i < n; i++) {
    const a = argv[i];
    const len = lengths[i];
    out[p++] = 36;
    p = writeDecimal(out, p, len);
    out[p++] = 13;
    out[p++] = 10;
    if (typeof a === 'string') {
      p = stringEncoding === 'latin1' ? writeLatin1(out, p, a) : writeUtf8(out, p, a, len);
    } else if (len > 0) {
      chunks.push(out.subarray(cut, p), a);
      cut = p;
    }
    out[p++] = 13;
    out[p++] = 10;
  }
  chunks.push(cut === 0 ? out : out.subarray(cut, p));
  return chunks;
}

/** Like {@link encodeCommand} but returns one Buffer (Buffer arguments are copied into it). */
export function encodeCommandToBuffer(argv: ReadonlyArray<Buffer | string>, stringEncoding: StringEncoding = 'utf8'): Buffer {
  const text = measure(argv, stringEncoding);
  return writeAll(argv, stringEncoding, text + payloadBytes);
}

/**
 * Writes the whole command (Buffer arguments copied) into a new Buffer of `size` bytes; with
 * `headOnly` = i, stops right after the `$<len>\r\n` header of argument i.
 */
function writeAll(argv: ReadonlyArray<Buffer | string>, stringEncoding: StringEncoding, size: number, headOnly = -1): Buffer {
  const out = Buffer.allocUnsafe(size);
  const n = argv.length;
  out[0] = 42;
  let p = writeDecimal(out, 1, n);
  out[p++] = 13;
  out[p++] = 10;
  for (let i = 0; i < n; i++) {
    const a = argv[i];
    const len = lengths[i];
    out[p++] = 36;
    p = writeDecimal(out, p, len);
    out[p++] = 13;
    out[p++] = 10;
    if (i === headOnly) break;
    if (typeof a === 'string') {
      p = stringEncoding === 'latin1' ? writeLatin1(out, p, a) : writeUtf8(out, p, a, len);
    } else {
      out.set(a, p);
      p += len;
    }
    out[p++] = 13;
    out[p++] = 10;
  }
  return out;
}
