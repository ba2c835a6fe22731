/**
 * Off-heap storage of short string values for the in-memory store.
 *
 * A V8 string costs a 16-byte header (plus rounding to 8 bytes) on the JS heap, and the heap itself
 * keeps slack around live objects; a value in a slab costs its bytes plus a 1- or 2-byte length,
 * rounded to 2 bytes, in large Buffers outside the heap. The store keeps the value's *ref* (a small
 * integer, a Smi: no heap object) in its table instead of the string, and decodes it on read; the
 * in-memory store keeps its keys here too (key-table.ts).
 *
 * Records: `varint length (7 bits a byte) | bytes`, 2-byte aligned, appended to 4 MB slabs. A ref is
 * `slab * 2^21 + offset / 2`, below 2^30 so it is a Smi on every V8 build (2 GB of records at most;
 * past that, values stay JS strings). A replaced or deleted record becomes garbage; the owner compacts
 * (copies the live records into fresh slabs and updates its refs) when garbage outweighs live bytes.
 */
import { binaryString, writeBinaryChecked } from '@replikit/resp/internal';

const SLAB_SHIFT = 22;
/** bytes per slab */
export const SLAB_BYTES = 1 << SLAB_SHIFT;
const UNIT_SHIFT = SLAB_SHIFT - 1;
const MAX_SLABS = 1 << (30 - UNIT_SHIFT);
/** the longest value kept in a slab; longer strings stay on the heap (their header is noise there) */
export const SLAB_MAX_VALUE = 1024;

interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

const NOT_LATIN1 = /[^\x00-\xff]/;

/**
 * Slabs of slab sets dropped by a table reset (FLUSHALL) or a compaction, reused before new memory
 * is allocated: their pages are mapped already, where a fresh 4 MB allocation takes a page fault
 * per 4 KiB page on first write (~10 µs each on a VM; a FLUSHALL-and-refill of 200k keys of 100 B
 * faulted 5k pages). At most SLAB_POOL_MAX are kept (like an allocator keeping freed pages); the
 * rest go to the GC.
 */
const freeSlabs: Latin1Buffer[] = [];
/** slabs the pool keeps at most (32 MB) */
export const SLAB_POOL_MAX = 8;

/** Bytes a record of `len` bytes takes (header + bytes, 2-byte aligned). */
function recordSize(len: number): number {
  return ((len < 128 ? 1 : 2) + len + 1) & ~1;
}

export class StringSlab {
  private slabs: Latin1Buffer[] = [];
  /** write position in the last slab */
  private pos = SLAB_BYTES;
  /** bytes of records in use */
  live = 0;
  /** bytes of records replaced or deleted since the last compaction */
  garbage = 0;
  /** slabs made ahead by reserveSlabs, taken in order before any new one is allocated */
  private spare: Latin1Buffer[] = [];
  private spareAt = 0;

  /** Stores `s`; its ref, or -1 when it stays on the heap (empty, too long, not a binary string, slabs full). */
  put(s: string): number {
    const len = s.length;
    if (len === 0 || len > SLAB_MAX_VALUE) return -1;
    const p = this.header(len);
    if (p < 0 || !writeBinaryChecked(this.slabs[this.slabs.length - 1] as Latin1Buffer, p, s)) return -1;
    return this.take(len);
  }

  /**
   * Stores the bytes `src[start, end)` as they are (a binary string's record is its latin1 bytes, so
   * `putBytes` of a string's bytes and `put` of the string give the same record); its ref, or -1
   * when they stay on the heap (empty, too long, slabs full). No JS string is made.
   */
  putBytes(src: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len <= 0 || len > SLAB_MAX_VALUE) return -1;
    const p = this.header(len);
    if (p < 0) return -1;
    const buf = this.slabs[this.slabs.length - 1] as Latin1Buffer;
    if (len <= 32) for (let i = 0; i < len; i++) buf[p + i] = src[start + i] as number;
    else buf.set(src.subarray(start, end), p);
    return this.take(len);
  }

  /**
   * Writes the header of a `len`-byte record at the end of the last slab (a new slab when it has no
   * room); where the record's bytes go, or -1 when every slab is in use. The record is not taken
   * until take(len).
   */
  private header(len: number): number {
    if (this.pos + recordSize(len) > SLAB_BYTES && !this.nextSlab()) return -1;
    return writeHeader(this.slabs[this.slabs.length - 1] as Latin1Buffer, this.pos, len);
  }

  /** Starts a new slab (a spare one first); false when every slab is in use. */
  private nextSlab(): boolean {
    if (this.slabs.length >= MAX_SLABS) return false;
    const next = this.spareAt < this.spare.length ? this.spare[this.spareAt++] : (freeSlabs.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES));
    this.slabs.push(next as Latin1Buffer);
    this.pos = 0;
    return true;
  }

  /**
   * Makes `count` slabs ahead (as many as the slab limit leaves room for) on memory from
   * `memory(SLAB_BYTES)`, to be filled in order once the current ones are full; that memory, in
   * that order. A bulk load uses this to have another thread fault the pages in while it writes
   * (storage-lmdb's open).
   */
  reserveSlabs(count: number, memory: (bytes: number) => ArrayBufferLike): ArrayBufferLike[] {
    const n = Math.min(count, MAX_SLABS - this.slabs.length - (this.spare.length - this.spareAt));
    const out: ArrayBufferLike[] = [];
    for (let i = 0; i < n; i++) {
      const m = memory(SLAB_BYTES);
      if (m.byteLength !== SLAB_BYTES) throw new RangeError(`a slab must be ${SLAB_BYTES} bytes, got ${m.byteLength}`);
      out.push(m);
      this.spare.push(Buffer.from(m) as Latin1Buffer);
    }
    return out;
  }

  /**
   * Gives this set's slabs to the pool that later slabs are taken from; the set is empty after it.
   * Only for a set nothing reads any more (no ref of it in use: a table reset or the old set of a
   * compaction); a pinned iterator hands out slab bytes only for the length of a call.
   */
  release(): void {
    for (const b of this.slabs) {
      // slabs on shared memory (reserveSlabs) are written slower by V8: not reused
      if (freeSlabs.length < SLAB_POOL_MAX && !(b.buffer instanceof SharedArrayBuffer)) freeSlabs.push(b);
    }
    this.slabs = [];
    this.pos = SLAB_BYTES;
    this.live = 0;
    this.garbage = 0;
  }

  /** Forgets the reserved slabs not in use yet (their memory goes when nothing else holds them). */
  releaseSpareSlabs(): void {
    this.spare = [];
    this.spareAt = 0;
  }

  /** Takes the `len`-byte record whose header and bytes were just written: its ref. */
  private take(len: number): number {
    const size = recordSize(len);
    const ref = ((this.slabs.length - 1) << UNIT_SHIFT) + (this.pos >>> 1);
    this.pos += size;
    this.live += size;
    return ref;
  }

  /** True when the record under `ref` holds exactly the bytes `src[start, end)`. */
  equalsBytes(ref: number, src: Uint8Array, start: number, end: number): boolean {
    const buf = this.slabs[ref >>> UNIT_SHIFT];
    let p = (ref & ((1 << UNIT_SHIFT) - 1)) << 1;
    let len = buf[p++];
    if (len >= 128) len = (len & 0x7f) | (buf[p++] << 7);
    if (len !== end - start) return false;
    for (let i = 0; i < len; i++) if (buf[p + i] !== src[start + i]) return false;
    return true;
  }

  /** The string stored under `ref`. */
  get(ref: number): string {
    const buf = this.slabs[ref >>> UNIT_SHIFT];
    let p = (ref & ((1 << UNIT_SHIFT) - 1)) << 1;
    let len = buf[p++];
    if (len >= 128) len = (len & 0x7f) | (buf[p++] << 7);
    return binaryString(buf, p, len);
  }

  /** The slab Buffer holding the record under `ref` (read its bytes with recordStart / recordLength). */
  bufferOf(ref: number): Buffer {
    return this.slabs[ref >>> UNIT_SHIFT];
  }

  /** Where the bytes of the record under `ref` start in bufferOf(ref) (after its length header). */
  recordStart(ref: number): number {
    const p = (ref & ((1 << UNIT_SHIFT) - 1)) << 1;
    return this.slabs[ref >>> UNIT_SHIFT][p] < 128 ? p + 1 : p + 2;
  }

  /** The byte length of the record under `ref`. */
  recordLength(ref: number): number {
    const buf = this.slabs[ref >>> UNIT_SHIFT];
    const p = (ref & ((1 << UNIT_SHIFT) - 1)) << 1;
    const len = buf[p];
    return len < 128 ? len : (len & 0x7f) | (buf[p + 1] << 7);
  }

  /** True when the record under `ref` holds exactly `s` (no string is built). */
  equals(ref: number, s: string): boolean {
    const buf = this.slabs[ref >>> UNIT_SHIFT];
    let p = (ref & ((1 << UNIT_SHIFT) - 1)) << 1;
    let len = buf[p++];
    if (len >= 128) len = (len & 0x7f) | (buf[p++] << 7);
    if (len !== s.length) return false;
    for (let i = 0; i < len; i++) if (buf[p + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** Bytes the record under `ref` takes. */
  private sizeOf(ref: number): number {
    const buf = this.slabs[ref >>> UNIT_SHIFT];
    const p = (ref & ((1 << UNIT_SHIFT) - 1)) << 1;
    let len = buf[p];
    if (len >= 128) len = (len & 0x7f) | (buf[p + 1] << 7);
    return recordSize(len);
  }

  /** The record under `ref` is no longer used. */
  free(ref: number): void {
    const size = this.sizeOf(ref);
    this.live -= size;
    this.garbage += size;
  }

  /**
   * Replaces the record under `ref` with `s`: in place when the record has the same size (the ref
   * stays), else a new record (or -1: `s` stays on the heap) and the old one becomes garbage.
   */
  replace(ref: number, s: string): number {
    const len = s.length;
    const size = this.sizeOf(ref);
    if (len !== 0 && len <= SLAB_MAX_VALUE && recordSize(len) === size && (len <= 24 || !NOT_LATIN1.test(s))) {
      const buf = this.slabs[ref >>> UNIT_SHIFT];
      // same record size: the header is 1 byte for both or 2 bytes for both
      const p = writeHeader(buf, (ref & ((1 << UNIT_SHIFT) - 1)) << 1, len);
      if (len <= 24) {
        // a char above 0xff stops the copy half way: the record then only becomes garbage
        for (let i = 0; i < len; i++) {
          const c = s.charCodeAt(i);
          if (c > 0xff) {
            this.live -= size;
            this.garbage += size;
            return -1;
          }
          buf[p + i] = c;
        }
      } else buf.latin1Write(s, p, len);
      return ref;
    }
    this.free(ref);
    return this.put(s);
  }

  /**
   * replace() with the bytes `src[start, end)`: in place when the record keeps its size (the ref
   * stays); else the old record becomes garbage and the bytes go to a new one (its ref, or -1: the
   * caller keeps them on the heap).
   */
  replaceBytes(ref: number, src: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len !== 0 && len <= SLAB_MAX_VALUE && recordSize(len) === this.sizeOf(ref)) {
      const buf = this.slabs[ref >>> UNIT_SHIFT];
      const p = writeHeader(buf, (ref & ((1 << UNIT_SHIFT) - 1)) << 1, len);
      for (let i = 0; i < len; i++) buf[p + i] = src[start + i] as number;
      return ref;
    }
    this.free(ref);
    return this.putBytes(src, start, end);
  }

  /** Copies the record under `ref` of `from` into this slab set; the new ref (or -1 when full). */
  copyFrom(from: StringSlab, ref: number): number {
    const size = from.sizeOf(ref);
    if (this.pos + size > SLAB_BYTES && !this.nextSlab()) return -1;
    const src = from.slabs[ref >>> UNIT_SHIFT];
    const p = (ref & ((1 << UNIT_SHIFT) - 1)) << 1;
    src.copy(this.slabs[this.slabs.length - 1], this.pos, p, p + size);
    const out = ((this.slabs.length - 1) << UNIT_SHIFT) + (this.pos >>> 1);
    this.pos += size;
    this.live += size;
    return out;
  }

  /** True when a compaction would pay: garbage outweighs live records and fills a slab at least. */
  wantsCompaction(): boolean {
    return this.garbage >= SLAB_BYTES && this.garbage > this.live;
  }

  /** Bytes of slabs allocated. */
  get allocated(): number {
    return this.slabs.length * SLAB_BYTES;
  }
}

/** Writes the header of a `len`-byte record at `p` (1 byte below 128, else 2); where its bytes go. */
function writeHeader(buf: Uint8Array, p: number, len: number): number {
  if (len < 128) {
    buf[p] = len;
    return p + 1;
  }
  buf[p] = 0x80 | (len & 0x7f);
  buf[p + 1] = len >>> 7;
  return p + 2;
}
