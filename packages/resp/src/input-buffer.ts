const MIN_CAPACITY = 16 * 1024;
const RELEASE_ABOVE = 1024 * 1024;
const DOUBLE_BELOW = 64 * 1024 * 1024;
/** Pending bytes up to this size are stitched to the head of the next chunk instead of copying it. */
const STITCH_MAX_PENDING = 16 * 1024;
/** Bytes of the next chunk copied after the pending ones when stitching. */
const STITCH_HEAD = 512;
const EMPTY = Buffer.alloc(0);

/**
 * The bytes a decoder holds: `buf[start, end)`. While nothing is pending, `buf` is the caller's
 * chunk itself (no copy). When a partial frame is left at the end of a chunk and a new chunk comes,
 * the pending bytes and only the head of the new chunk are copied into an owned buffer ("stitch");
 * once the decoder has consumed past the pending bytes it switches to the new chunk itself
 * (`switchToRest`), so a stream fed in large chunks is not copied. When the frame needs more than
 * the head, the rest of the chunk is appended (`spill`). The owned buffer grows geometrically
 * (amortised O(1) per byte, never `Buffer.concat` per chunk) and is compacted in place.
 */
export class InputBuffer {
  buf: Buffer = EMPTY;
  start = 0;
  end = 0;
  /** the chunk whose head was stitched, or null */
  rest: Buffer | null = null;
  /** bytes of `rest` already copied into `buf` */
  restFrom = 0;
  /** position in `buf` where the bytes of `rest` begin */
  stitchAt = 0;
  private own: Buffer | null = null;

  /** Bytes held and not consumed. */
  get size(): number {
    return this.end - this.start + (this.rest === null ? 0 : this.rest.length - this.restFrom);
  }

  /**
   * Appends `chunk`. `hint` (0 = none) is how many bytes from `start` the frame in progress needs
   * in total; it only ever *limits* growth. Returns by how much positions in `buf` moved left.
   */
  append(chunk: Buffer, hint: number): number {
    let shift = 0;
    if (this.rest !== null) this.spill();
    const n = chunk.length;
    if (this.start === this.end) {
      if (this.own !== null && this.own.length > RELEASE_ABOVE) this.own = null;
      this.buf = chunk;
      this.start = 0;
      this.end = n;
      return 0;
    }
    const pending = this.end - this.start;
    const head = hint > pending ? hint - pending + STITCH_HEAD : STITCH_HEAD;
    if (this.buf !== this.own && pending <= STITCH_MAX_PENDING && n > head) {
      const own = this.ensureOwn(pending + n);
      shift = this.start;
      this.buf.copy(own, 0, this.start, this.end);
      own.set(chunk.subarray(0, head), pending);
      this.buf = own;
      this.start = 0;
      this.end = pending + head;
      this.rest = chunk;
      this.restFrom = head;
      this.stitchAt = pending;
      return shift;
    }
    return this.copyIn(chunk, hint);
  }

  /** After a stitch, once `start >= stitchAt`: continue in the stitched chunk itself. Returns the shift. */
  switchToRest(): number {
    const rest = this.rest!;
    const shift = this.stitchAt;
    this.start -= shift;
    this.buf = rest;
    this.end = rest.length;
    this.rest = null;
    return shift;
  }

  /** After a stitch, when the frame needs more than the head: append the rest of the chunk. */
  spill(): void {
    const rest = this.rest!;
    this.rest = null;
    const tail = rest.subarray(this.restFrom);
    // ensureOwn() at stitch time left room for the whole chunk
    this.buf.set(tail, this.end);
    this.end += tail.length;
  }

  private ensureOwn(size: number): Buffer {
    let own = this.own;
    if (own === null || own.length < size) {
      own = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, size < DOUBLE_BELOW ? size * 2 : size + (size >>> 2)));
      this.own = own;
    }
    return own;
  }

  private copyIn(chunk: Buffer, hint: number): number {
    const n = chunk.length;
    const pending = this.end - this.start;
    const need = pending + n;
    let own = this.own;
    if (own !== null && this.buf === own) {
      if (this.end + n <= own.length) {
        own.set(chunk, this.end);
        this.end += n;
        return 0;
      }
      if (need <= own.length >>> 1) {
        const shift = this.start;
        own.copyWithin(0, this.start, this.end);
        own.set(chunk, pending);
        this.start = 0;
        this.end = need;
        return shift;
      }
    }
    if (own === null || need > own.length || this.buf === own) {
      let cap = need < DOUBLE_BELOW ? need * 2 : need + (need >>> 2);
      if (hint > 0 && hint + MIN_CAPACITY < cap) cap = Math.max(need, hint + MIN_CAPACITY);
      own = Buffer.allocUnsafe(Math.max(cap, MIN_CAPACITY));
      this.own = own;
    }
    const shift = this.start;
    this.buf.copy(own, 0, this.start, this.end);
    own.set(chunk, pending);
    this.buf = own;
    this.start = 0;
    this.end = need;
    return shift;
  }

  clear(): void {
    this.buf = EMPTY;
    this.start = 0;
    this.end = 0;
    this.rest = null;
    if (this.own !== null && this.own.length > RELEASE_ABOVE) this.own = null;
  }
}
