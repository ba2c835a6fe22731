/**
 * The byte cursor every decoder of the reader works on: a window `buf[pos, end)` of the input,
 * with the absolute offset of `buf[0]` (`base`) for error messages.
 *
 * When the window runs out: in streaming mode (`final` false) it throws the `NEED_MORE` sentinel
 * (not an Error: no stack capture) after recording in `needEnd` how far the window must reach; the
 * reader then waits for that many bytes and re-parses the record from its start. In final mode
 * (the input is complete: `end()` was called, or `decodeValue` on a whole payload) it throws
 * `RdbTruncatedError`. No length is ever allocated before its bytes are in the window.
 *
 * `span()` reads a string without making a Buffer: a raw string stays where it is in the window, an
 * integer or LZF string is decoded into one of two scratch buffers; the string is then
 * `spanBuf[spanStart, spanEnd)`.
 *
 * Exports: `Cursor`, `NEED_MORE`, `ReaderLimits`, `DEFAULT_LIMITS`.
 */
import { RdbCorruptError, RdbLimitError, RdbTruncatedError } from '../errors';
import { intToBuffer, writeIntText } from '../codec/int-text';
import { lzfDecompress, lzfDecompressInto } from '../codec/lzf';

/** Thrown (as a value, not an Error) when the window ends before the record does. */
export const NEED_MORE: { readonly needMore: true } = Object.freeze({ needMore: true as const });

/** Bounds on what hostile or oversized input can make the reader hold. */
export interface ReaderLimits {
  /** longest string (key, value, blob, decompressed LZF) @default 536870912 (512 MiB, proto-max-bulk-len) */
  maxStringLength: number;
  /** most elements in one collection (list/set/zset/hash items, quicklist/stream nodes, groups, PEL, consumers) @default 4294967295 */
  maxCollectionLength: number;
  /** most bytes buffered for one record (one key with its value) @default 1073741824 (1 GiB) */
  maxRecordBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ReaderLimits> = Object.freeze({
  maxStringLength: 512 * 1024 * 1024,
  maxCollectionLength: 4294967295,
  maxRecordBytes: 1024 * 1024 * 1024,
});


export class Cursor {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;
  /** absolute stream offset of buf[0] */
  base = 0;
  /** the input is complete: running out is truncation, not a reason to wait */
  final = true;
  /** set before NEED_MORE is thrown: the window must reach buf[needEnd] (exclusive) */
  needEnd = 0;
  /** absolute stream size when known (bounds every length by what can still arrive) */
  totalBytes = -1;
  /** copy strings out of the window instead of returning views into it */
  copy = false;

  /** where the last span() left its string: `spanBuf[spanStart, spanEnd)` */
  spanBuf: Buffer = this.buf;
  spanStart = 0;
  spanEnd = 0;
  /** span()'s decoding buffers, one per slot (grown to the longest string decoded in them) */
  /** where the compressed bytes of the LZF string lzfHeader read start */
  private lzfStart = 0;
  private readonly scratch: Buffer[] = [Buffer.allocUnsafeSlow(256), Buffer.allocUnsafeSlow(256)];

  constructor(readonly limits: ReaderLimits = DEFAULT_LIMITS) {}

  reset(buf: Buffer, pos: number, end: number, base: number, final: boolean): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.base = base;
    this.final = final;
  }

  /** absolute offset of buf[p] */
  abs(p: number = this.pos): number {
    return this.base + p;
  }

  /** Ensures `n` bytes are available at `pos`; otherwise waits (NEED_MORE) or fails (truncated). */
  need(n: number): void {
    if (this.pos + n > this.end) this.short(n);
  }

  short(n: number): never {
    if (this.final) throw new RdbTruncatedError(`input ends ${this.pos + n - this.end} bytes too early`, this.abs(this.end));
    if (this.totalBytes >= 0 && this.abs(this.pos + n) > this.totalBytes) {
      throw new RdbTruncatedError(`${n} bytes wanted here go past the end of the ${this.totalBytes}-byte input`, this.abs());
    }
    this.needEnd = this.pos + n;
    throw NEED_MORE;
  }

  u8(): number {
    if (this.pos >= this.end) this.short(1);
    return this.buf[this.pos++];
  }

  /** Raw bytes: a view into the window (or a copy when `copy`). */
  bytes(n: number): Buffer {
    if (this.pos + n > this.end) this.short(n);
    const p = this.pos;
    this.pos = p + n;
    return this.copy ? Buffer.from(this.buf.subarray(p, p + n)) : this.buf.subarray(p, p + n);
  }

  /** A raw view, never copied (for blobs decoded right away). */
  view(n: number): Buffer {
    if (this.pos + n > this.end) this.short(n);
    const p = this.pos;
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  /** int64 little-endian as a number (ms timestamps). */
  int64LE(): number {
    if (this.pos + 8 > this.end) this.short(8);
    const b = this.buf;
    const p = this.pos;
    const lo = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    const hi = b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24); // signed
    this.pos = p + 8;
    return hi * 4294967296 + lo;
  }

  int64LEBig(): bigint {
    if (this.pos + 8 > this.end) this.short(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  uint64BEBig(): bigint {
    if (this.pos + 8 > this.end) this.short(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  int32LE(): number {
    if (this.pos + 4 > this.end) this.short(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  doubleLE(): number {
    if (this.pos + 8 > this.end) this.short(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  floatLE(): number {
    if (this.pos + 4 > this.end) this.short(4);
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A length (§9.3). Special string encodings are corrupt here. Above 2^53: RdbLimitError. */
  len(): number {
    const p = this.pos;
    if (p >= this.end) this.short(1);
    const b = this.buf[p];
    if (b < 0x40) {
      this.pos = p + 1;
      return b;
    }
    if (b < 0x80) {
      if (p + 2 > this.end) this.short(2);
      this.pos = p + 2;
      return ((b & 0x3f) << 8) | this.buf[p + 1];
    }
    return this.lenSlow(b, p);
  }

  private lenSlow(b: number, p: number): number {
    const buf = this.buf;
    if (b === 0x80) {
      if (p + 5 > this.end) this.short(5);
      this.pos = p + 5;
      return ((buf[p + 1] << 24) | (buf[p + 2] << 16) | (buf[p + 3] << 8) | buf[p + 4]) >>> 0;
    }
    if (b === 0x81) {
      if (p + 9 > this.end) this.short(9);
      const hi = buf.readUInt32BE(p + 1);
      const lo = buf.readUInt32BE(p + 5);
      if (hi > 0x1fffff) throw new RdbLimitError('length', Number.MAX_SAFE_INTEGER, hi * 4294967296 + lo, this.abs(p));
      this.pos = p + 9;
      return hi * 4294967296 + lo;
    }
    if (b >= 0xc0) throw new RdbCorruptError(`expected a length, found string encoding 0x${b.toString(16)}`, this.abs(p));
    throw new RdbCorruptError(`unknown length encoding 0x${b.toString(16)}`, this.abs(p));
  }

  /** A length in the full unsigned 64-bit range. */
  lenBig(): bigint {
    const p = this.pos;
    if (p >= this.end) this.short(1);
    if (this.buf[p] === 0x81) {
      if (p + 9 > this.end) this.short(9);
      this.pos = p + 9;
      return this.buf.readBigUInt64BE(p + 1);
    }
    return BigInt(this.len());
  }

  /**
   * A collection count, bounded by the limit and, when the input is complete or its size known, by
   * the bytes that can still arrive (every element takes at least `minBytesEach` bytes).
   */
  count(what: string, minBytesEach = 1): number {
    const p = this.pos;
    const n = this.len();
    if (n > this.limits.maxCollectionLength) throw new RdbLimitError(what, this.limits.maxCollectionLength, n, this.abs(p));
    const left = this.final ? this.end - this.pos : this.totalBytes >= 0 ? this.totalBytes - this.abs() : -1;
    if (left >= 0 && n * minBytesEach > left) {
      throw new RdbTruncatedError(`${what} count ${n} needs more than the ${left} bytes left`, this.abs(p));
    }
    return n;
  }

  /** An RDB string (§9.4): raw (a view, or a copy when `copy`), INT8/16/32 as decimal text, or LZF. */
  str(): Buffer {
    const n = this.rawLength();
    if (n < 0) return this.special(this.buf[this.pos] as number, this.pos);
    const s = this.pos;
    if (s + n > this.end) this.short(n);
    this.pos = s + n;
    return this.copy ? Buffer.from(this.buf.subarray(s, s + n)) : this.buf.subarray(s, s + n);
  }

  /**
   * An RDB string, as `str()` reads it, left in `spanBuf[spanStart, spanEnd)`: a raw string is its
   * place in the window; an integer or LZF string is decoded into scratch buffer `slot` (0 or 1),
   * which the next span() of the same slot overwrites. No Buffer is made.
   */
  span(slot: number): void {
    const n = this.rawLength();
    if (n < 0) {
      this.specialSpan(this.buf[this.pos] as number, this.pos, slot);
      return;
    }
    const s = this.pos;
    if (s + n > this.end) this.short(n);
    this.pos = s + n;
    this.spanBuf = this.buf;
    this.spanStart = s;
    this.spanEnd = s + n;
  }

  /**
   * The length header of an RDB string: for a raw string its byte count (checked against the
   * limit), the position moved to its first byte; -1 for an encoded one (integer or LZF), the
   * position left on the header.
   */
  private rawLength(): number {
    const p = this.pos;
    if (p >= this.end) this.short(1);
    const b = this.buf[p] as number;
    let n: number;
    if (b < 0x40) {
      n = b;
      this.pos = p + 1;
    } else if (b < 0x80) {
      if (p + 2 > this.end) this.short(2);
      n = ((b & 0x3f) << 8) | (this.buf[p + 1] as number);
      this.pos = p + 2;
    } else if (b >= 0xc0) {
      return -1;
    } else {
      n = this.lenSlow(b, p);
    }
    if (n > this.limits.maxStringLength) throw new RdbLimitError('string length', this.limits.maxStringLength, n, this.abs(p));
    return n;
  }

  /**
   * The lengths of the LZF string whose encoding byte is at `p`, checked; the position moves past
   * its compressed bytes, which start at `lzfStart`. The uncompressed length.
   */
  private lzfHeader(p: number): number {
    this.pos = p + 1;
    const clen = this.len();
    const ulen = this.len();
    if (ulen > this.limits.maxStringLength) throw new RdbLimitError('string length', this.limits.maxStringLength, ulen, this.abs(p));
    if (clen === 0) throw new RdbCorruptError('LZF string with zero compressed length', this.abs(p));
    // LZF expands at most 88× (3 input bytes -> 264 output bytes)
    if (ulen > clen * 88 + 8) throw new RdbCorruptError(`LZF string of ${clen} bytes cannot expand to ${ulen}`, this.abs(p));
    const s = this.pos;
    if (s + clen > this.end) this.short(clen);
    this.lzfStart = s;
    this.pos = s + clen;
    return ulen;
  }

  private specialSpan(b: number, p: number, slot: number): void {
    const buf = this.buf;
    const kind = b & 0x3f;
    if (kind === 3) {
      const ulen = this.lzfHeader(p);
      const s = this.lzfStart;
      let out = this.scratch[slot];
      if (out.length < ulen) out = this.scratch[slot] = Buffer.allocUnsafeSlow(Math.max(ulen, out.length * 2));
      lzfDecompressInto(buf, s, this.pos, out, 0, ulen, this.abs(s));
      this.spanBuf = out;
      this.spanStart = 0;
      this.spanEnd = ulen;
      return;
    }
    let v: number;
    if (kind === 0) {
      if (p + 2 > this.end) this.short(2);
      v = buf.readInt8(p + 1);
      this.pos = p + 2;
    } else if (kind === 1) {
      if (p + 3 > this.end) this.short(3);
      v = buf.readInt16LE(p + 1);
      this.pos = p + 3;
    } else if (kind === 2) {
      if (p + 5 > this.end) this.short(5);
      v = buf.readInt32LE(p + 1);
      this.pos = p + 5;
    } else throw new RdbCorruptError(`unknown string encoding 0x${b.toString(16)}`, this.abs(p));
    const out = this.scratch[slot];
    this.spanBuf = out;
    this.spanStart = 0;
    this.spanEnd = writeIntText(out, 0, v);
  }

  /** Like `str()` but never copies a raw string (for blobs decoded immediately). */
  blob(): Buffer {
    const c = this.copy;
    this.copy = false;
    try {
      return this.str();
    } finally {
      this.copy = c;
    }
  }

  private special(b: number, p: number): Buffer {
    const buf = this.buf;
    switch (b & 0x3f) {
      case 0: {
        if (p + 2 > this.end) { this.pos = p; this.need(2); }
        this.pos = p + 2;
        return intText(buf.readInt8(p + 1));
      }
      case 1: {
        if (p + 3 > this.end) { this.pos = p; this.need(3); }
        this.pos = p + 3;
        return intText(buf.readInt16LE(p + 1));
      }
      case 2: {
        if (p + 5 > this.end) { this.pos = p; this.need(5); }
        this.pos = p + 5;
        return intText(buf.readInt32LE(p + 1));
      }
      case 3: {
        const ulen = this.lzfHeader(p);
        const s = this.lzfStart;
        return lzfDecompress(buf.subarray(s, this.pos), ulen, this.abs(s));
      }
      default:
        throw new RdbCorruptError(`unknown string encoding 0x${b.toString(16)}`, this.abs(p));
    }
  }
}

const intText = intToBuffer;
