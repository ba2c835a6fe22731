/**
 * Byte images of string values, for the commands that edit a few bytes of a possibly large
 * string (SETBIT, PFADD). String values are immutable JS strings: editing one byte the plain way
 * (slice + concatenate, then charCodeAt on the result) copies the whole value on every call, where
 * Redis edits its sds in place. An image keeps the value's bytes in a Buffer next to the string it
 * mirrors, and builds each new string from flat pieces of at most `pieceSize` bytes: an edit
 * decodes again only the pieces it touched and joins the pieces again, GROUP by GROUP then the
 * groups (a rope of cons strings, which V8 flattens only when something reads the whole value,
 * e.g. GET), about 16 small allocations per edit.
 *
 * An image is found again through the stored string itself: `stored === image.str` is a pointer
 * comparison while the key still holds the string the image produced, and a content comparison
 * otherwise, so an image never stands for other bytes than its own, whichever key holds them.
 * Whoever changes `bytes` must call `touched` and then `commit`, or `forget` the image.
 */

const MIN_PIECE = 2048;
const MAX_PIECES = 64;
const GROUP = 8;
/** images kept between commands (most recently used first) */
const CACHE_SIZE = 4;
/**
 * Larger values are not kept between commands (each edit of one then costs a copy of the value,
 * as before images): an image holds a second copy of the bytes and its pieces, so the cache
 * costs at most CACHE_SIZE * 2 * 16 MB.
 */
const MAX_CACHED_BYTES = 16 * 1024 * 1024;

function pieceSizeFor(length: number): number {
  let size = MIN_PIECE;
  while (size * MAX_PIECES < length) size *= 2;
  return size;
}

export class ByteImage {
  /** the string these bytes are (after the last commit) */
  str: string;
  /** the bytes; `bytes.length` may exceed `length` (room to grow) */
  bytes: Buffer;
  length: number;
  private pieceSize: number;
  private pieces: string[];
  /** pieces joined GROUP by GROUP (the value is the join of the groups) */
  private readonly groups: string[] = [];
  private dirtyFrom = Number.POSITIVE_INFINITY;
  private dirtyTo = -1;

  constructor(str: string) {
    this.str = str;
    this.length = str.length;
    this.bytes = Buffer.alloc(str.length);
    this.bytes.write(str, 0, 'latin1');
    this.pieceSize = pieceSizeFor(str.length);
    this.pieces = [];
    for (let at = 0; at < str.length; at += this.pieceSize) this.pieces.push(str.slice(at, at + this.pieceSize));
    for (let p = 0; p < this.pieces.length; p++) {
      const g = Math.floor(p / GROUP);
      this.groups[g] = p % GROUP === 0 ? this.pieces[p] : this.groups[g] + this.pieces[p];
    }
  }

  /** The bytes as an array of exactly `length` bytes (shares memory with `bytes`). */
  view(): Uint8Array {
    return this.bytes.length === this.length ? this.bytes : this.bytes.subarray(0, this.length);
  }

  /** Marks bytes `from..to` (inclusive) as changed. */
  touched(from: number, to: number): void {
    const a = Math.floor(from / this.pieceSize);
    const b = Math.floor(to / this.pieceSize);
    if (a < this.dirtyFrom) this.dirtyFrom = a;
    if (b > this.dirtyTo) this.dirtyTo = b;
  }

  /** Zero-pads the value to at least `n` bytes (room doubles, so growing byte by byte is amortized). */
  ensure(n: number): void {
    if (n <= this.length) return;
    if (n > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(n, Math.min(this.bytes.length * 2, n + MAX_CACHED_BYTES)));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    } else this.bytes.fill(0, this.length, n);
    const from = this.length;
    this.length = n;
    const size = pieceSizeFor(n);
    if (size !== this.pieceSize) {
      this.pieceSize = size;
      this.pieces = [];
      this.dirtyFrom = 0;
      this.dirtyTo = Math.ceil(n / size) - 1;
    } else this.touched(from, n - 1);
  }

  /** Takes `b` as the new bytes (a value rebuilt elsewhere, e.g. a sparse HyperLogLog edit). */
  replace(b: Uint8Array): void {
    this.bytes = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
    this.length = b.length;
    this.pieceSize = pieceSizeFor(b.length);
    this.pieces = [];
    this.dirtyFrom = 0;
    this.dirtyTo = Math.ceil(b.length / this.pieceSize) - 1;
  }

  /** The string of the current bytes (decodes the touched pieces only). */
  commit(): string {
    if (this.dirtyTo < 0) return this.str;
    const size = this.pieceSize;
    const count = Math.ceil(this.length / size);
    this.pieces.length = count;
    const last = Math.min(this.dirtyTo, count - 1);
    for (let p = this.dirtyFrom; p <= last; p++) this.pieces[p] = this.bytes.toString('latin1', p * size, Math.min(this.length, (p + 1) * size));
    // two levels: the groups of GROUP pieces an edit touched are joined again, then all groups
    const groupCount = Math.ceil(count / GROUP);
    this.groups.length = groupCount;
    const lastGroup = Math.floor(last / GROUP);
    for (let g = Math.floor(this.dirtyFrom / GROUP); g <= lastGroup; g++) {
      const end = Math.min(count, (g + 1) * GROUP);
      let joined = this.pieces[g * GROUP];
      for (let p = g * GROUP + 1; p < end; p++) joined += this.pieces[p];
      this.groups[g] = joined;
    }
    this.dirtyFrom = Number.POSITIVE_INFINITY;
    this.dirtyTo = -1;
    let s = groupCount === 0 ? '' : this.groups[0];
    for (let g = 1; g < groupCount; g++) s += this.groups[g];
    this.str = s;
    return s;
  }
}

const images: ByteImage[] = [];

/** The cached image of `value`, if one is kept. */
export function cachedImage(value: string): ByteImage | undefined {
  for (let i = 0; i < images.length; i++) {
    const img = images[i];
    if (img.length === value.length && img.str === value) {
      if (img.length > MAX_CACHED_BYTES) {
        // grown past the bound since it was cached
        images.splice(i, 1);
        return undefined;
      }
      if (i > 0) {
        images.splice(i, 1);
        images.unshift(img);
      }
      return img;
    }
  }
  return undefined;
}

/** The image of `value`: the cached one, or a new one (kept when the value is not too large). */
export function imageOf(value: string): ByteImage {
  const known = cachedImage(value);
  if (known !== undefined) return known;
  const img = new ByteImage(value);
  if (value.length <= MAX_CACHED_BYTES) {
    images.unshift(img);
    if (images.length > CACHE_SIZE) images.pop();
  }
  return img;
}

/** Drops an image whose bytes were changed without a commit. */
export function forgetImage(img: ByteImage): void {
  const i = images.indexOf(img);
  if (i >= 0) images.splice(i, 1);
}

/** Drops every cached image (tests; FLUSHALL does not need it: images follow strings, not keys). */
export function clearImages(): void {
  images.length = 0;
}
