/**
 * The byte sink under the RDB writer: writes go into big preallocated chunks (never one Buffer per
 * key, never `Buffer.concat` in a loop); full chunks are queued for the consumer. Payloads larger
 * than `directThreshold` are queued as they are (zero copy) after the current chunk is cut.
 *
 * Every byte that leaves through `takeChunks()` has been fed to the running CRC64 (when enabled),
 * so the checksum of an RDB file is `crc` once 0xFF is written and cut.
 */
import { Crc64 } from '../codec/crc64';
import { writeLength } from '../codec/length';

const TWO_32 = 0x1_0000_0000;

export interface OutputBufferOptions {
  /** size of the preallocated chunks @default 65536 */
  chunkSize?: number;
  /** payloads at least this long are passed through without a copy @default 16384 */
  directThreshold?: number;
  /** keep a running CRC64 of every byte @default true */
  checksum?: boolean;
}

export class OutputBuffer {
  /** running CRC64 (Jones, reflected, init 0) of every byte cut so far */
  readonly crc = new Crc64();
  /** bytes cut into chunks so far (the offset of `buf[0]`) */
  private flushed = 0;
  private buf: Buffer;
  private pos = 0;
  private readonly chunkSize: number;
  private readonly directThreshold: number;
  private readonly checksum: boolean;
  private queue: Buffer[] = [];
  private queuedBytes = 0;

  constructor(options: OutputBufferOptions = {}) {
    this.chunkSize = options.chunkSize ?? 65536;
    this.directThreshold = Math.min(options.directThreshold ?? 16384, this.chunkSize);
    this.checksum = options.checksum ?? true;
    this.buf = Buffer.allocUnsafe(this.chunkSize);
  }

  /** total bytes written so far (cut or not) */
  get length(): number {
    return this.flushed + this.pos;
  }

  /** bytes waiting in full chunks; the writer yields once this reaches a chunk */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Cuts the current chunk (if it holds anything) into the queue. */
  cut(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.enqueue(chunk, true);
    this.buf = Buffer.allocUnsafe(this.chunkSize);
    this.pos = 0;
  }

  /**
   * Ends the stream: appends the 8-byte little-endian CRC64 of everything written so far (or 8 zero
   * bytes when `zero`) and cuts the last chunk. Nothing may be written after.
   */
  sealWithChecksum(zero = false): void {
    if (this.pos + 8 > this.buf.length) this.cut();
    if (this.checksum) this.crc.update(this.buf, 0, this.pos);
    const end = this.pos;
    if (zero || !this.checksum) this.buf.fill(0, end, end + 8);
    else this.crc.toBufferLE().copy(this.buf, end);
    this.pos = end + 8;
    this.enqueue(this.buf.subarray(0, this.pos), false);
    this.buf = Buffer.alloc(0);
    this.pos = 0;
  }

  private enqueue(chunk: Buffer, crc: boolean): void {
    if (crc && this.checksum) this.crc.update(chunk);
    this.flushed += chunk.length;
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
  }

  /** Returns the queued chunks and empties the queue. */
  takeChunks(): Buffer[] {
    const q = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    return q;
  }

  /** Makes room for `n` contiguous bytes (n ≤ chunkSize). */
  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.cut();
  }

  u8(v: number): void {
    if (this.pos >= this.buf.length) this.cut();
    this.buf[this.pos++] = v;
  }

  /** Copies (or, when large, passes through) raw bytes. */
  bytes(src: Uint8Array): void {
    const n = src.length;
    if (n === 0) return;
    const free = this.buf.length - this.pos;
    if (n <= free) {
      if (n < 48) {
        const b = this.buf;
        let p = this.pos;
        for (let i = 0; i < n; i++) b[p++] = src[i];
        this.pos = p;
      } else {
        this.buf.set(src, this.pos);
        this.pos += n;
      }
      return;
    }
    if (n >= this.directThreshold) {
      this.cut();
      this.enqueue(Buffer.isBuffer(src) ? src : Buffer.from(src.buffer, src.byteOffset, src.length), true);
      return;
    }
    // fill what is left, continue in a fresh chunk
    this.buf.set(src.subarray(0, free), this.pos);
    this.pos += free;
    this.cut();
    this.buf.set(src.subarray(free), 0);
    this.pos = n - free;
  }

  /**
   * Copies `src[start, end)`, always (never passed through): for bytes in a scratch buffer that is
   * reused, like LZF output.
   */
  copyFrom(src: Uint8Array, start: number, end: number): void {
    let p = start;
    while (p < end) {
      if (this.pos >= this.buf.length) this.cut();
      const b = this.buf;
      const k = Math.min(end - p, b.length - this.pos);
      if (k < 48) {
        let o = this.pos;
        for (let i = 0; i < k; i++) b[o++] = src[p + i];
      } else b.set(src.subarray(p, p + k), this.pos);
      this.pos += k;
      p += k;
    }
  }

  /** Writes an ASCII/latin1 string byte for byte. */
  latin1(s: string): void {
    const n = s.length;
    if (n > this.chunkSize) {
      this.bytes(Buffer.from(s, 'latin1'));
      return;
    }
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'latin1');
  }

  /** RDB length encoding (protocol.md §9.3), always the shortest form. */
  len(n: number): void {
    if (n < 64 && this.pos < this.buf.length) {
      this.buf[this.pos++] = n;
      return;
    }
    this.ensure(9);
    this.pos = writeLength(this.buf, this.pos, n);
  }

  /** A length given as a bigint (stream ids, counters up to 2^64-1). */
  lenBig(n: bigint): void {
    if (n < 0x1_0000_0000n) {
      this.len(Number(n));
      return;
    }
    this.ensure(9);
    this.buf[this.pos++] = 0x81;
    this.buf.writeBigUInt64BE(n, this.pos);
    this.pos += 8;
  }

  /** 8-byte little-endian integer from a non-negative safe integer (ms times). */
  u64le(n: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(n >>> 0, this.pos);
    this.buf.writeUInt32LE(Math.floor(n / TWO_32) >>> 0, this.pos + 4);
    this.pos += 8;
  }

  u64leBig(n: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(n, this.pos);
    this.pos += 8;
  }

  /** 128-bit stream id, two big-endian uint64 (raw PEL ids, node keys). */
  streamIdRaw(ms: bigint, seq: bigint): void {
    this.ensure(16);
    this.buf.writeBigUInt64BE(ms, this.pos);
    this.buf.writeBigUInt64BE(seq, this.pos + 8);
    this.pos += 16;
  }

  doubleLE(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /**
   * Reserves `n` contiguous bytes and returns the chunk and the offset to fill (n ≤ chunkSize).
   * The caller must fill exactly `n` bytes before the next write.
   */
  reserve(n: number): { buf: Buffer; offset: number } {
    this.ensure(n);
    const offset = this.pos;
    this.pos += n;
    return { buf: this.buf, offset };
  }

  /** Whether `n` bytes can be reserved contiguously. */
  canReserve(n: number): boolean {
    return n <= this.chunkSize;
  }
}
