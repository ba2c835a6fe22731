const MIN_CAPACITY = 16 * 1024;
const RELEASE_ABOVE = 1024 * 1024;
const DOUBLE_BELOW = 64 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * The bytes a decoder holds: `buf[start, end)`. While nothing is pending, `buf` is the caller's
 * chunk itself (no copy). When a partial frame is left and more bytes arrive, pending bytes and the
 * new chunk go into an owned buffer that grows geometrically (amortised O(1) per byte, never
 * `Buffer.concat` per chunk) and is compacted in place when it has room.
 */
export class InputBuffer {
  buf: Buffer = EMPTY;
  start = 0;
  end = 0;
  private own: Buffer | null = null;

  /**
   * Appends `chunk`. `hint` (0 = none) is how many bytes from `start` the frame in progress needs
   * in total; it only ever *limits* growth. Returns by how much the pending bytes moved left
   * (positions held by the caller must be reduced by it).
   */
  append(chunk: Buffer, hint: number): number {
    const n = chunk.length;
    if (this.start === this.end) {
      if (this.own !== null && this.own.length > RELEASE_ABOVE) this.own = null;
      this.buf = chunk;
      this.start = 0;
      this.end = n;
      return 0;
    }
    const pending = this.end - this.start;
    const need = pending + n;
    let own = this.own;
    if (own !== null && this.buf === own) {
      if (this.end + n <= own.length) {
        chunk.copy(own, this.end);
        this.end += n;
        return 0;
      }
      if (need <= own.length >>> 1) {
        const shift = this.start;
        own.copyWithin(0, this.start, this.end);
        chunk.copy(own, pending);
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
    chunk.copy(own, pending);
    this.buf = own;
    this.start = 0;
    this.end = need;
    return shift;
  }

  clear(): void {
    this.buf = EMPTY;
    this.start = 0;
    this.end = 0;
    if (this.own !== null && this.own.length > RELEASE_ABOVE) this.own = null;
  }
}
