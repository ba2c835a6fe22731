import { RdbWriteError } from '../errors';

/**
 * An exact set of binary keys for the writer's duplicate checks: open addressing over a 32-bit
 * hash of the bytes, confirmed byte for byte. The keys are copied into one growing arena (no
 * object per key, so nothing for the GC to trace, and no reference kept to the caller's Buffers,
 * which may be views into big chunks or reused). Memory: the key bytes + 16 bytes per key.
 */
export class KeySet {
  private arena: Buffer;
  private used = 0;
  /** per key: start offset in the arena and length */
  private starts: Uint32Array;
  private lens: Uint32Array;
  private count = 0;
  /** pairs of (hash, key index + 1) per slot; index 0 = empty. One cache line per probe. */
  private table: Int32Array;
  private mask: number;

  constructor(initialKeys = 1024, initialBytes = initialKeys * 16) {
    let cap = 16;
    while (cap < initialKeys * 2) cap *= 2;
    this.table = new Int32Array(cap * 2);
    this.mask = cap - 1;
    this.starts = new Uint32Array(Math.max(16, initialKeys));
    this.lens = new Uint32Array(Math.max(16, initialKeys));
    this.arena = Buffer.allocUnsafe(Math.max(256, initialBytes));
  }

  get size(): number {
    return this.count;
  }

  /** Adds `key`; false when an equal key is already in the set. */
  add(key: Uint8Array): boolean {
    const h = hashBytes(key);
    const table = this.table;
    const mask = this.mask;
    const n = key.length;
    let slot = h & mask;
    for (;;) {
      const v = table[2 * slot + 1];
      if (v === 0) break;
      if (table[2 * slot] === h && this.lens[v - 1] === n) {
        const st = this.starts[v - 1];
        if (this.arena.compare(key, 0, n, st, st + n) === 0) return false;
      }
      slot = (slot + 1) & mask;
    }
    const idx = this.count;
    if (idx === this.starts.length) {
      this.starts = grown(this.starts);
      this.lens = grown(this.lens);
    }
    if (this.used + n > this.arena.length) this.growArena(n);
    const arena = this.arena;
    const at = this.used;
    if (n < 32) for (let i = 0; i < n; i++) arena[at + i] = key[i];
    else arena.set(key, at);
    this.starts[idx] = this.used;
    this.lens[idx] = n;
    this.used += n;
    this.count = idx + 1;
    table[2 * slot] = h;
    table[2 * slot + 1] = idx + 1;
    if (this.count * 2 > mask + 1) this.growTable();
    return true;
  }

  private growArena(need: number): void {
    const size = Math.max(this.arena.length * 2, this.used + need);
    if (size > 0xffffffff) throw new RdbWriteError('duplicate-key check: more than 4 GiB of keys in one db (disable checkDuplicateKeys)');
    const bigger = Buffer.allocUnsafe(size);
    this.arena.copy(bigger, 0, 0, this.used);
    this.arena = bigger;
  }

  private growTable(): void {
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    const table = new Int32Array(cap * 2);
    const mask = cap - 1;
    for (let s = 0; s < old.length; s += 2) {
      const v = old[s + 1];
      if (v === 0) continue;
      const h = old[s];
      let slot = h & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = h;
      table[2 * slot + 1] = v;
    }
    this.table = table;
    this.mask = mask;
  }
}

function grown(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

/** FNV-1a over the bytes, 4 at a time when possible, finished with murmur3's fmix32. */
export function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5 ^ b.length;
  const n = b.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    h = Math.imul(h ^ (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)), 0x01000193);
    h ^= h >>> 15;
  }
  for (; i < n; i++) h = Math.imul(h ^ b[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
