/**
 * The writer's duplicate-key check, done in bulk: `add()` only logs each key (its 32-bit hash and a
 * copy of its bytes, all appended sequentially: no hash-table probe, so no cache miss per key), and
 * `findDuplicate()` looks for a repeated key once the db is complete: the keys are partitioned by
 * the top bits of their hash into buckets of ~1K, and each bucket goes through a small open-addressing
 * table that stays in cache; equal hashes are confirmed byte for byte.
 *
 * The encoder runs `findDuplicate()` before it writes the next SELECTDB or the EOF opcode, so a
 * file with a duplicate key never gets its EOF and checksum: the error comes at the end of the db
 * instead of at the key, but no consumer can take the output for a complete RDB.
 */
import { RdbWriteError } from '../errors';
import { hashBytes } from './key-set';

const BUCKET_BITS = 10;

export class DuplicateKeyLog {
  private arena: Buffer;
  private used = 0;
  private starts: Uint32Array;
  private lens: Uint32Array;
  private hashes: Int32Array;
  private count = 0;

  constructor(initialKeys = 1024, initialBytes = initialKeys * 16) {
    const n = Math.max(16, initialKeys);
    this.starts = new Uint32Array(n);
    this.lens = new Uint32Array(n);
    this.hashes = new Int32Array(n);
    this.arena = Buffer.allocUnsafe(Math.max(256, initialBytes));
  }

  get size(): number {
    return this.count;
  }

  /** Logs `key` (copied: the caller's Buffer may be reused or a view into a big chunk). */
  add(key: Uint8Array): void {
    const idx = this.count;
    if (idx === this.hashes.length) this.growIndex();
    const n = key.length;
    if (this.used + n > this.arena.length) this.growArena(n);
    const arena = this.arena;
    const at = this.used;
    if (n < 32) for (let i = 0; i < n; i++) arena[at + i] = key[i];
    else arena.set(key, at);
    this.starts[idx] = at;
    this.lens[idx] = n;
    this.hashes[idx] = hashBytes(key);
    this.used = at + n;
    this.count = idx + 1;
  }

  /** A key logged twice (a copy of its bytes), or null. */
  findDuplicate(): Buffer | null {
    const n = this.count;
    if (n < 2) return null;
    const hashes = this.hashes;
    const shift = 32 - BUCKET_BITS;
    const buckets = 1 << BUCKET_BITS;
    // counting sort of the key indexes by the top bits of their hash
    const offsets = new Int32Array(buckets + 1);
    for (let i = 0; i < n; i++) offsets[(hashes[i] >>> shift) + 1]++;
    let largest = 0;
    for (let b = 0; b < buckets; b++) {
      if (offsets[b + 1] > largest) largest = offsets[b + 1];
      offsets[b + 1] += offsets[b];
    }
    const order = new Int32Array(n);
    const fill = offsets.slice(0, buckets);
    for (let i = 0; i < n; i++) order[fill[hashes[i] >>> shift]++] = i;
    // one bucket at a time through a table of (hash, index + 1) pairs sized for the largest bucket
    let cap = 16;
    while (cap < largest * 2) cap *= 2;
    const table = new Int32Array(cap * 2);
    for (let b = 0; b < buckets; b++) {
      const from = offsets[b];
      const to = offsets[b + 1];
      if (to - from < 2) continue;
      let c = 16;
      while (c < (to - from) * 2) c *= 2;
      const mask = c - 1;
      table.fill(0, 0, c * 2);
      for (let j = from; j < to; j++) {
        const i = order[j];
        const h = hashes[i];
        let slot = h & mask;
        for (;;) {
          const v = table[2 * slot + 1];
          if (v === 0) break;
          if (table[2 * slot] === h && this.equal(v - 1, i)) return Buffer.from(this.arena.subarray(this.starts[i], this.starts[i] + this.lens[i]));
          slot = (slot + 1) & mask;
        }
        table[2 * slot] = h;
        table[2 * slot + 1] = i + 1;
      }
    }
    return null;
  }

  private equal(a: number, b: number): boolean {
    const n = this.lens[a];
    if (this.lens[b] !== n) return false;
    const sa = this.starts[a];
    const sb = this.starts[b];
    return this.arena.compare(this.arena, sb, sb + n, sa, sa + n) === 0;
  }

  private growIndex(): void {
    const n = this.hashes.length * 2;
    const starts = new Uint32Array(n);
    starts.set(this.starts);
    this.starts = starts;
    const lens = new Uint32Array(n);
    lens.set(this.lens);
    this.lens = lens;
    const hashes = new Int32Array(n);
    hashes.set(this.hashes);
    this.hashes = hashes;
  }

  private growArena(need: number): void {
    const size = Math.max(this.arena.length * 2, this.used + need);
    if (size > 0xffffffff) throw new RdbWriteError('duplicate-key check: more than 4 GiB of keys in one db (disable checkDuplicateKeys)');
    const bigger = Buffer.allocUnsafe(size);
    this.arena.copy(bigger, 0, 0, this.used);
    this.arena = bigger;
  }
}
