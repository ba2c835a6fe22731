import { decimalLength, utf8Length, writeDecimal, writeLatin1, writeUtf8 } from './ascii';

/** How JS strings in an argv become bytes: `utf8` for text, `latin1` for binary strings. */
export type StringEncoding = 'utf8' | 'latin1';

let lengths = new Float64Array(64);

function measure(argv: ReadonlyArray<Buffer | string>, enc: StringEncoding): { text: number; payload: number } {
  const n = argv.length;
  if (lengths.length < n) lengths = new Float64Array(Math.max(n, lengths.length * 2));
  let text = 3 + decimalLength(n);
  let payload = 0;
  for (let i = 0; i < n; i++) {
    const a = argv[i];
    let len: number;
    if (typeof a === 'string') {
      len = enc === 'latin1' ? a.length : utf8Length(a);
      text += len;
    } else {
      len = a.length;
      payload += len;
    }
    lengths[i] = len;
    text += 5 + decimalLength(len);
  }
  return { text, payload };
}

/**
 * Encodes a command as a RESP array of bulk strings. Returns a chunk list: Buffer arguments are
 * placed in it as they are (never copied); everything else (headers, string arguments, CRLFs)
 * shares one freshly allocated Buffer. Strings are written as UTF-8, or as latin1 for binary
 * strings. The master writes the same chunks to its backlog and to every replica.
 */
export function encodeCommand(argv: ReadonlyArray<Buffer | string>, stringEncoding: StringEncoding = 'utf8'): Buffer[] {
  const { text } = measure(argv, stringEncoding);
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
  const { text, payload } = measure(argv, stringEncoding);
  const out = Buffer.allocUnsafe(text + payload);
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
    if (typeof a === 'string') {
      p = stringEncoding === 'latin1' ? writeLatin1(out, p, a) : writeUtf8(out, p, a, len);
    } else {
      a.copy(out, p);
      p += len;
    }
    out[p++] = 13;
    out[p++] = 10;
  }
  return out;
}
