/**
 * RDB string encoding on the write side (protocol.md §9.4), straight into an OutputBuffer:
 * INT8/16/32 only for the canonical decimal form of an int32, optional LZF, else raw.
 */
import type { OutputBuffer } from './output-buffer';
import { lzfCompressRangeToScratch, lzfCompressToScratch, lzfScratch } from '../codec/lzf';
import { tryIntegerEncoding } from '../codec/length';

/** Writes `v` (an int32) as the shortest RDB integer string encoding. */
export function writeIntString(out: OutputBuffer, v: number): void {
  if (v >= -128 && v <= 127) {
    const r = out.reserve(2);
    r.buf[r.offset] = 0xc0;
    r.buf.writeInt8(v, r.offset + 1);
  } else if (v >= -32768 && v <= 32767) {
    const r = out.reserve(3);
    r.buf[r.offset] = 0xc1;
    r.buf.writeInt16LE(v, r.offset + 1);
  } else {
    const r = out.reserve(5);
    r.buf[r.offset] = 0xc2;
    r.buf.writeInt32LE(v, r.offset + 1);
  }
}

/**
 * Writes one RDB string. `compress`: try LZF for strings longer than 20 bytes, like Redis with
 * `rdbcompression yes` (kept only when it saves at least 4 bytes).
 */
export function writeRdbString(out: OutputBuffer, s: Uint8Array, compress: boolean): void {
  const n = s.length;
  if (n <= 11) {
    const v = tryIntegerEncoding(s);
    if (v !== null) {
      writeIntString(out, v);
      return;
    }
  }
  if (compress && n > 20) {
    const clen = lzfCompressToScratch(s);
    if (clen >= 0) {
      out.u8(0xc3);
      out.len(clen);
      out.len(n);
      out.copyFrom(lzfScratch(), 0, clen); // copied now: the scratch is reused by the next string
      return;
    }
  }
  out.len(n);
  out.bytes(s);
}

/**
 * The int32 whose canonical decimal form is `src[start, end)` (at most 11 bytes: "0", or an
 * optional '-' then 1-9 then digits, in range), else null: tryIntegerEncoding on a range.
 */
function int32Of(src: Uint8Array, start: number, end: number): number | null {
  const n = end - start;
  if (n === 0 || n > 11) return null;
  let i = start;
  const neg = src[i] === 0x2d;
  if (neg) i++;
  if (i === end) return null;
  const first = src[i];
  if (first === 0x30) return n === 1 ? 0 : null;
  if (first < 0x31 || first > 0x39) return null;
  let acc = 0;
  for (; i < end; i++) {
    const c = src[i] - 0x30;
    if (c < 0 || c > 9) return null;
    acc = acc * 10 + c;
  }
  if (neg) acc = -acc;
  return acc < -2147483648 || acc > 2147483647 ? null : acc;
}

/**
 * writeRdbString of the bytes `src[start, end)`: the same output, without a view per string
 * (LZF, when tried, reads a view of the range).
 */
export function writeRdbStringRange(out: OutputBuffer, src: Uint8Array, start: number, end: number, compress: boolean): void {
  const n = end - start;
  if (n <= 11) {
    const v = int32Of(src, start, end);
    if (v !== null) {
      writeIntString(out, v);
      return;
    }
  }
  if (compress && n > 20) {
    const clen = lzfCompressRangeToScratch(src, start, end);
    if (clen >= 0) {
      out.u8(0xc3);
      out.len(clen);
      out.len(n);
      out.copyFrom(lzfScratch(), 0, clen);
      return;
    }
  }
  out.len(n);
  out.copyFrom(src, start, end);
}
