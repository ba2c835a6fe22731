/**
 * A string value held as mutable bytes, for the commands that edit a few bytes of a possibly
 * large string (SETBIT, BITFIELD, PFADD, PFCOUNT's cached cardinality, SETRANGE, APPEND). String
 * values are otherwise immutable JS strings: editing one byte of one copies the whole value,
 * where Redis edits its sds in place. A MutableString is edited in place in O(1) and becomes a JS
 * string only when something reads it as one (GET, DUMP, a snapshot, the RDB writer, an adapter).
 *
 * Only the database layer (db.ts) stores one, in a store that keeps values as given (the in-memory
 * store); every Db method that hands a value out returns its string instead (`exposed`), so code
 * outside the byte-editing commands only ever sees strings. It is never a CollectionValue.
 *
 * The string is cached: it is built from flat pieces of at most `pieceSize` bytes joined GROUP by
 * GROUP then the groups (a rope of cons strings, which V8 flattens only when something reads the
 * whole value), so reading it again after an edit decodes only the pieces the edit touched, about
 * 16 small allocations, not the whole value.
 *
 * Whoever changes `bytes` calls `touched` for the changed range (or `ensure`/`replace`).
 */

const MIN_PIECE = 2048;
const MAX_PIECES = 64;
const GROUP = 8;
/** the spare room a growing value may get beyond what it needs (growth doubles up to this) */
const MAX_SLACK = 16 * 1024 * 1024;

function pieceSizeFor(length: number): number {
  let size = MIN_PIECE;
  while (size * MAX_PIECES < length) size *= 2;
  return size;
}

export class MutableString {
  /** the bytes; `bytes.length` may exceed `length` (room to grow) */
  bytes: Buffer;
  length: number;
  /** the string of the bytes as they were at the last toString() (or construction) */
  private str: string;
  /** bytes changed since `str` was made */
  private changed = false;
  private pieceSize: number;
  /** flat strings of `pieceSize` bytes each (empty until the first toString() after a change) */
  private pieces: string[] = [];
  /** pieces joined GROUP by GROUP (the value is the join of the groups) */
  private readonly groups: string[] = [];
  /** pieces to decode again at the next toString() */
  private dirtyFrom = 0;
  private dirtyTo = -1;

  private constructor(bytes: Buffer, length: number, str: string) {
    this.bytes = bytes;
    this.length = length;
    this.str = str;
    this.pieceSize = pieceSizeFor(length);
    // no pieces yet: the first toString() after a change decodes them all
    this.dirtyTo = Math.ceil(length / this.pieceSize) - 1;
  }

  /**
   * The bytes of binary string `s` (a copy: later edits do not change `s`). `kept`: the value will
   * be stored, so its bytes get memory of their own rather than a slice of Node's shared 8 KB
   * allocation pool (a kept slice would keep the whole pool alive).
   */
  static from(s: string, kept = false): MutableString {
    const bytes = kept ? Buffer.allocUnsafeSlow(s.length) : Buffer.allocUnsafe(s.length);
    bytes.write(s, 0, s.length, 'latin1');
    return new MutableString(bytes, s.length, s);
  }

  /** A value of bytes `b` (kept, not copied). */
  static of(b: Uint8Array): MutableString {
    const m = new MutableString(Buffer.alloc(0), 0, '');
    m.replace(b);
    return m;
  }

  /** The bytes as an array of exactly `length` bytes (shares memory with `bytes`). */
  view(): Uint8Array {
    return this.bytes.length === this.length ? this.bytes : this.bytes.subarray(0, this.length);
  }

  /** Marks bytes `from..to` (inclusive) as changed. */
  touched(from: number, to: number): void {
    if (!this.changed) this.changeStarts();
    const a = Math.floor(from / this.pieceSize);
    const b = Math.floor(to / this.pieceSize);
    if (a < this.dirtyFrom) this.dirtyFrom = a;
    if (b > this.dirtyTo) this.dirtyTo = b;
  }

  /** Zero-pads the value to at least `n` bytes (room doubles, so growing byte by byte is amortized). */
  ensure(n: number): void {
    if (n <= this.length) return;
    if (n > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(n, Math.min(this.bytes.length * 2, n + MAX_SLACK)));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    } else this.bytes.fill(0, this.length, n);
    const from = this.length;
    this.length = n;
    const size = pieceSizeFor(n);
    if (size !== this.pieceSize) this.repiece(size);
    else this.touched(from, n - 1);
  }

  /** Takes `b` as the new bytes (a value rebuilt elsewhere, e.g. a sparse HyperLogLog edit). */
  replace(b: Uint8Array): void {
    this.bytes = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
    this.length = b.length;
    this.repiece(pieceSizeFor(b.length));
  }

  /** Appends the bytes of binary string `s` (APPEND). */
  append(s: string): void {
    const at = this.length;
    this.ensure(at + s.length);
    this.bytes.write(s, at, s.length, 'latin1');
    if (s.length > 0) this.touched(at, at + s.length - 1);
  }

  /** Writes binary string `s` at byte `at`, zero-padding first when needed (SETRANGE). */
  write(at: number, s: string): void {
    if (s.length === 0) return;
    this.ensure(at + s.length);
    this.bytes.write(s, at, s.length, 'latin1');
    this.touched(at, at + s.length - 1);
  }

  /** The cached string no longer holds: let it go (a value made from a string would keep it alive). */
  private changeStarts(): void {
    this.changed = true;
    this.str = '';
  }

  private repiece(size: number): void {
    if (!this.changed) this.changeStarts();
    this.pieceSize = size;
    this.pieces = [];
    this.dirtyFrom = 0;
    this.dirtyTo = Math.ceil(this.length / size) - 1;
  }

  /**
   * The value as a binary string for a reader that does not come back (a snapshot, a copy): the
   * cached string, else the pieces' join when they exist, else one flat decode that is not kept, so
   * a value nobody reads with GET holds its bytes only, like Redis's sds.
   */
  readOnce(): string {
    if (!this.changed || this.pieces.length !== 0) return this.toString();
    return this.bytes.toString('latin1', 0, this.length);
  }

  /** The value as a binary string (cached; after an edit only the touched pieces are decoded again). */
  toString(): string {
    if (!this.changed) return this.str;
    const size = this.pieceSize;
    const count = Math.ceil(this.length / size);
    const pieces = this.pieces;
    if (pieces.length !== count) {
      // first decode since a re-piecing, or a change of length within the same piece size
      const from = Math.min(pieces.length === 0 ? 0 : pieces.length - 1, this.dirtyFrom);
      pieces.length = count;
      this.dirtyFrom = from;
      this.dirtyTo = count - 1;
    }
    const last = Math.min(this.dirtyTo, count - 1);
    const bytes = this.bytes;
    for (let p = this.dirtyFrom; p <= last; p++) pieces[p] = bytes.toString('latin1', p * size, Math.min(this.length, (p + 1) * size));
    // two levels: the groups of GROUP pieces an edit touched are joined again, then all groups
    const groupCount = Math.ceil(count / GROUP);
    const groups = this.groups;
    groups.length = groupCount;
    const lastGroup = Math.floor(last / GROUP);
    for (let g = Math.floor(this.dirtyFrom / GROUP); g <= lastGroup; g++) {
      const end = Math.min(count, (g + 1) * GROUP);
      let joined = pieces[g * GROUP];
      for (let p = g * GROUP + 1; p < end; p++) joined += pieces[p];
      groups[g] = joined;
    }
    this.dirtyFrom = Number.POSITIVE_INFINITY;
    this.dirtyTo = -1;
    this.changed = false;
    let s = groupCount === 0 ? '' : groups[0];
    for (let g = 1; g < groupCount; g++) s += groups[g];
    this.str = s;
    return s;
  }
}
