import { DEFAULT_REPL_BACKLOG_SIZE, MAX_REPL_BACKLOG_SIZE, MIN_REPL_BACKLOG_SIZE } from './defaults';
import { BacklogInvalidOffsetError, BacklogInvalidSizeError, BacklogOffsetOutOfRangeError } from './errors';

export interface ReplicationBacklogOptions {
  /**
   * Ring size in bytes (`repl-backlog-size`). Must be an integer from 1 to
   * {@link MAX_REPL_BACKLOG_SIZE}; a value below {@link MIN_REPL_BACKLOG_SIZE} (16 KiB) is raised
   * to 16 KiB, as Redis does. Anything else throws `ERR_BACKLOG_INVALID_SIZE`.
   * @default 1048576
   */
  size?: number;
  /**
   * `master_repl_offset` at creation: the offset of the last stream byte already produced. The new
   * backlog is empty (`histlen` 0) and its first byte is `startOffset + 1`. A master creating its
   * backlog uses its current offset; a replica after `+FULLRESYNC <id> <off>` uses `off`.
   * @default 0
   */
  startOffset?: number;
}

/**
 * The part of a backlog that the PSYNC decision reads. {@link ReplicationBacklog} implements it;
 * so can any other store (Redis's own block list would).
 */
export interface BacklogRange {
  /** offset of the oldest byte held (`repl_backlog->offset`) */
  readonly firstByteOffset: number;
  /** number of bytes held (`repl_backlog->histlen`) */
  readonly histlen: number;
}

/** Chunks up to this many bytes are copied with a loop rather than `TypedArray#set` (see bench/src/backlog.ts). */
const SMALL_COPY = 16;

/** Normalises a size the way Redis does: below 16 KiB is raised to 16 KiB; invalid throws. */
export function normalizeBacklogSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_REPL_BACKLOG_SIZE) {
    throw new BacklogInvalidSizeError(size, MAX_REPL_BACKLOG_SIZE);
  }
  return Math.max(size, MIN_REPL_BACKLOG_SIZE);
}

/**
 * The replication backlog: the newest `size` bytes of the replication stream in one ring buffer of
 * exactly `size` bytes, addressed by absolute replication offset (the first stream byte is offset 1).
 *
 * - `masterReplOffset` is the offset of the last byte appended; every appended byte advances it,
 *   including bytes that do not fit in the ring.
 * - `firstByteOffset = masterReplOffset - histlen + 1`; servable offsets are
 *   `firstByteOffset <= off <= masterReplOffset + 1`.
 * - {@link read} returns **views into the ring**, valid only until the next {@link append},
 *   {@link appendChunks} or {@link resize}. Write them out (or copy them) before appending again, or
 *   use {@link readCopy}.
 *
 * Offsets are JavaScript numbers: exact up to 2^53 - 1 (about 8 PiB of stream), far past the 2^32
 * that a 32-bit counter would allow. An append that would pass 2^53 - 1 throws.
 */
export class ReplicationBacklog implements BacklogRange {
  #buf: Buffer;
  /** ring index where the next byte goes */
  #idx = 0;
  #histlen = 0;
  #masterReplOffset: number;

  constructor(options: ReplicationBacklogOptions = {}) {
    const size = normalizeBacklogSize(options.size ?? DEFAULT_REPL_BACKLOG_SIZE);
    const start = options.startOffset ?? 0;
    if (!Number.isSafeInteger(start) || start < 0) {
      throw new BacklogInvalidOffsetError(start, `invalid start offset ${start}: must be a safe integer >= 0`);
    }
    this.#buf = Buffer.alloc(size);
    this.#masterReplOffset = start;
  }

  /** Ring capacity in bytes (after raising to the 16 KiB minimum). */
  get size(): number {
    return this.#buf.length;
  }

  /** Bytes of history held: `min(bytes appended, size)`. */
  get histlen(): number {
    return this.#histlen;
  }

  /** Offset of the last stream byte appended (`master_repl_offset`). */
  get masterReplOffset(): number {
    return this.#masterReplOffset;
  }

  /** Offset of the oldest byte held; `masterReplOffset + 1` when empty. */
  get firstByteOffset(): number {
    return this.#masterReplOffset - this.#histlen + 1;
  }

  /** Appends one chunk of stream bytes. A chunk longer than the ring keeps only its last `size` bytes. */
  append(chunk: Uint8Array): void {
    const len = chunk.length;
    if (len === 0) return;
    this.#advance(len);
    const size = this.#buf.length;
    if (len >= size) {
      this.#buf.set(len === size ? chunk : chunk.subarray(len - size), 0);
      this.#idx = 0;
      this.#histlen = size;
      return;
    }
    this.#write(chunk, len);
  }

  /**
   * Appends chunks in order, as the master writes them to replicas. When they add up to more than
   * the ring, the leading bytes that would be overwritten anyway are never copied.
   */
  appendChunks(chunks: readonly Uint8Array[]): void {
    let total = 0;
    for (let i = 0; i < chunks.length; i++) total += chunks[i].length;
    if (total === 0) return;
    this.#advance(total);
    let skip = Math.max(0, total - this.#buf.length);
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i];
      const len = chunk.length;
      if (skip >= len) {
        skip -= len;
        continue;
      }
      if (skip > 0) {
        this.#write(chunk.subarray(skip), len - skip);
        skip = 0;
      } else {
        this.#write(chunk, len);
      }
    }
  }

  /** True iff `firstByteOffset <= offset <= masterReplOffset + 1` (and `offset` is an integer). */
  canServe(offset: number): boolean {
    return Number.isSafeInteger(offset) && offset >= this.firstByteOffset && offset <= this.#masterReplOffset + 1;
  }

  /**
   * The bytes `[fromOffset .. masterReplOffset]` as at most two views into the ring (two when the
   * range wraps around its end); `[]` when `fromOffset == masterReplOffset + 1`.
   *
   * The views are **not copies**: they are valid only until the next append or resize. Use
   * {@link readCopy} to keep the bytes, and for `socket.write`, which keeps a reference to the
   * Buffer until the kernel takes it (possibly after the next append).
   * @throws BacklogOffsetOutOfRangeError (`ERR_BACKLOG_OFFSET_OUT_OF_RANGE`) when `!canServe(fromOffset)`
   */
  read(fromOffset: number): Buffer[] {
    if (!this.canServe(fromOffset)) {
      throw new BacklogOffsetOutOfRangeError(fromOffset, this.firstByteOffset, this.#masterReplOffset + 1);
    }
    const len = this.#masterReplOffset + 1 - fromOffset;
    if (len === 0) return [];
    const size = this.#buf.length;
    // index of fromOffset = index of the next write minus the bytes from there to the end
    let start = this.#idx - len;
    if (start < 0) start += size;
    const end = start + len;
    if (end <= size) return [this.#buf.subarray(start, end)];
    return [this.#buf.subarray(start, size), this.#buf.subarray(0, end - size)];
  }

  /** Like {@link read}, but one freshly allocated Buffer that stays valid. */
  readCopy(fromOffset: number): Buffer {
    const views = this.read(fromOffset);
    if (views.length === 0) return Buffer.alloc(0);
    if (views.length === 1) return Buffer.from(views[0]);
    return Buffer.concat(views);
  }

  /**
   * Changes the ring size at runtime, keeping the newest `min(histlen, newSize)` bytes (Redis 7.0
   * also keeps the newest history when shrinking: it trims whole blocks from the old end).
   * `firstByteOffset` moves forward when bytes are dropped; `masterReplOffset` never changes. The
   * same size rules as the constructor apply. Views returned earlier keep the old ring's bytes.
   */
  resize(newSize: number): void {
    const size = normalizeBacklogSize(newSize);
    if (size === this.#buf.length) return;
    const keep = Math.min(this.#histlen, size);
    const next = Buffer.alloc(size);
    if (keep > 0) {
      let off = 0;
      for (const view of this.read(this.#masterReplOffset + 1 - keep)) {
        next.set(view, off);
        off += view.length;
      }
    }
    this.#buf = next;
    this.#histlen = keep;
    this.#idx = keep === size ? 0 : keep;
  }

  #advance(len: number): void {
    const next = this.#masterReplOffset + len;
    if (next > Number.MAX_SAFE_INTEGER) {
      throw new BacklogInvalidOffsetError(next, `replication offset would pass 2^53 - 1 (${this.#masterReplOffset} + ${len})`);
    }
    this.#masterReplOffset = next;
  }

  /** Copies `len <= size` bytes (all of `src`) at the write index, wrapping once if needed. */
  #write(src: Uint8Array, len: number): void {
    const buf = this.#buf;
    const size = buf.length;
    const idx = this.#idx;
    const room = size - idx;
    if (len < room) {
      if (len <= SMALL_COPY) {
        // a byte loop beats TypedArray#set's fixed cost for CRLFs and RESP headers
        for (let i = 0; i < len; i++) buf[idx + i] = src[i];
      } else {
        buf.set(src, idx);
      }
      this.#idx = idx + len;
    } else {
      buf.set(room === len ? src : src.subarray(0, room), idx);
      if (len > room) buf.set(src.subarray(room), 0);
      this.#idx = len - room;
    }
    this.#histlen = Math.min(this.#histlen + len, size);
  }
}
