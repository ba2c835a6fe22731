/**
 * Off-heap bytes for the elements of one large list or hash.
 *
 * Every element a collection keeps as a V8 string lives on the JS heap: it is copied out of the
 * young generation, promoted, and then traced by every old-generation collection for as long as the
 * collection holds it. A pipelined LPUSH or HSET on a collection of 100k elements spent a quarter of
 * its CPU in the garbage collector that way. A collection past a few dozen elements (see
 * `STORE_MIN_ELEMENTS`) keeps its elements here instead, as small integer refs (Smis: no heap object
 * per element), and decodes an element into a fresh string when it is read.
 *
 * Records: `length (1 byte below 128, else 2 bytes of 7 bits) | bytes`, appended to chunks. The first
 * chunk starts at 1 KB (or the size asked for) and doubles in place up to 64 KB; further chunks are
 * 64 KB each. A ref is `chunk * 2^16 + offset`, below 2^30 (1 GB of records per collection; past
 * that, and for elements longer than STORE_MAX_ELEMENT or not binary, the element stays a JS
 * string). A freed or replaced record becomes garbage; the owner compacts (copies its live records
 * into a new store and updates its refs) when wantsCompaction() says so.
 */
import { binaryString, writeBinaryChecked } from '@replikit/resp/internal';

const CHUNK_SHIFT = 16;
const CHUNK_BYTES = 1 << CHUNK_SHIFT;
const OFFSET_MASK = CHUNK_BYTES - 1;
const MAX_CHUNKS = 1 << (30 - CHUNK_SHIFT);
const FIRST_CHUNK_MIN = 1024;
/** the longest element kept in a store; longer ones stay JS strings (their header is noise there) */
export const STORE_MAX_ELEMENT = 1024;
/** a list or hash moves its elements into a store once it holds this many */
export const STORE_MIN_ELEMENTS = 64;
/** garbage below this is never worth a compaction */
const MIN_GARBAGE = 4096;

function recordSize(len: number): number {
  return (len < 128 ? 1 : 2) + len;
}

export class ElementStore {
  private chunks: Buffer[];
  /** the last chunk, where records are appended */
  private cur: Buffer;
  private pos = 0;
  /** bytes of records in use */
  live = 0;
  /** bytes of records freed or replaced since the store was made */
  garbage = 0;

  /** `expectedBytes`: roughly how many record bytes will be put soon (sizes the first chunk). */
  constructor(expectedBytes = 0) {
    let size = FIRST_CHUNK_MIN;
    while (size < expectedBytes && size < CHUNK_BYTES) size *= 2;
    this.cur = Buffer.allocUnsafeSlow(size);
    this.chunks = [this.cur];
  }

  /** Stores `s`; its ref, or -1 when it stays a JS string (empty, too long, not binary, store full). */
  put(s: string): number {
    const len = s.length;
    if (len === 0 || len > STORE_MAX_ELEMENT) return -1;
    const size = recordSize(len);
    if (this.pos + size > this.cur.length && !this.room(size)) return -1;
    const buf = this.cur;
    let p = this.pos;
    if (len < 128) buf[p++] = len;
    else {
      buf[p++] = 0x80 | (len & 0x7f);
      buf[p++] = len >>> 7;
    }
    if (!writeBinaryChecked(buf, p, s)) return -1;
    const ref = ((this.chunks.length - 1) << CHUNK_SHIFT) | this.pos;
    this.pos += size;
    this.live += size;
    return ref;
  }

  /** Makes room for a `size`-byte record at `pos`: grows the first chunk or starts a new one. */
  private room(size: number): boolean {
    if (this.chunks.length === 1 && this.cur.length < CHUNK_BYTES) {
      let n = this.cur.length * 2;
      while (n < this.pos + size && n < CHUNK_BYTES) n *= 2;
      if (this.pos + size <= n) {
        const next = Buffer.allocUnsafeSlow(n);
        this.cur.copy(next, 0, 0, this.pos);
        this.cur = next;
        this.chunks[0] = next;
        return true;
      }
    }
    if (this.chunks.length >= MAX_CHUNKS) return false;
    this.cur = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.chunks.push(this.cur);
    this.pos = 0;
    return true;
  }

  /** The element stored under `ref`, as a new binary string. */
  get(ref: number): string {
    const buf = this.chunks[ref >>> CHUNK_SHIFT] as Buffer;
    let p = ref & OFFSET_MASK;
    let len = buf[p++] as number;
    if (len >= 128) len = (len & 0x7f) | ((buf[p++] as number) << 7);
    return binaryString(buf, p, len);
  }

  /** True when the record under `ref` holds exactly `s` (no string is built). */
  equals(ref: number, s: string): boolean {
    const buf = this.chunks[ref >>> CHUNK_SHIFT] as Buffer;
    let p = ref & OFFSET_MASK;
    let len = buf[p++] as number;
    if (len >= 128) len = (len & 0x7f) | ((buf[p++] as number) << 7);
    if (len !== s.length) return false;
    for (let i = 0; i < len; i++) if (buf[p + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** Bytes the record under `ref` takes. */
  private sizeOf(ref: number): number {
    const buf = this.chunks[ref >>> CHUNK_SHIFT] as Buffer;
    const p = ref & OFFSET_MASK;
    const len = buf[p] as number;
    return recordSize(len < 128 ? len : (len & 0x7f) | ((buf[p + 1] as number) << 7));
  }

  /** The record under `ref` is no longer used. */
  free(ref: number): void {
    const size = this.sizeOf(ref);
    this.live -= size;
    this.garbage += size;
  }

  /**
   * Replaces the record under `ref` with `s`: in place when `s` has the record's length (the ref
   * stays), else a new record (or -1: `s` stays a JS string) and the old one becomes garbage.
   */
  replace(ref: number, s: string): number {
    const buf = this.chunks[ref >>> CHUNK_SHIFT] as Buffer;
    let p = ref & OFFSET_MASK;
    let len = buf[p++] as number;
    if (len >= 128) len = (len & 0x7f) | ((buf[p++] as number) << 7);
    // a char above 0xff stops the copy half way: the record's bytes are then garbage either way
    if (len === s.length && writeBinaryChecked(buf, p, s)) return ref;
    this.free(ref);
    return this.put(s);
  }

  /** Copies the record under `ref` of `from` into this store; the new ref (or -1 when full). */
  copyFrom(from: ElementStore, ref: number): number {
    const size = from.sizeOf(ref);
    if (this.pos + size > this.cur.length && !this.room(size)) return -1;
    const p = ref & OFFSET_MASK;
    (from.chunks[ref >>> CHUNK_SHIFT] as Buffer).copy(this.cur, this.pos, p, p + size);
    const out = ((this.chunks.length - 1) << CHUNK_SHIFT) | this.pos;
    this.pos += size;
    this.live += size;
    return out;
  }

  /** A copy with the same refs (copy-on-write values, DEBUG, RDB clones). */
  clone(): ElementStore {
    const c = new ElementStore();
    c.chunks = this.chunks.map((b) => Buffer.from(b));
    c.cur = c.chunks[c.chunks.length - 1] as Buffer;
    c.pos = this.pos;
    c.live = this.live;
    c.garbage = this.garbage;
    return c;
  }

  /** True when compacting would pay: garbage outweighs the live records. */
  wantsCompaction(): boolean {
    return this.garbage >= MIN_GARBAGE && this.garbage > this.live;
  }

  /** Bytes of chunks allocated. */
  get allocated(): number {
    let n = 0;
    for (const b of this.chunks) n += b.length;
    return n;
  }
}
