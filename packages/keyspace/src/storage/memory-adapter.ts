/**
 * The default in-memory adapter: one Map per database for values and a separate Map for the
 * keys that have a TTL (like Redis's `dict` + `expires`). This is the fast path.
 *
 * Snapshot support: while a pinned iterator is open on a table, deletes leave a tombstone in place
 * (so the Map keeps the key's position and the iterator still sees it); tombstones are purged when
 * the last pinned iterator on the table closes. clear() with pinned iterators open swaps in fresh
 * Maps in O(1); the iterators keep walking the old ones.
 *
 * String values up to SLAB_MAX_VALUE bytes live off the JS heap in a StringSlab: the Map holds
 * their ref (a Smi) and get() decodes a fresh string. This halves the memory of small values (no
 * string header, no heap slack); see docs/benchmarks.md "RSS per key".
 */
import type { BinaryString, StoredValue } from '../command-api';
import type { DbStore, PinnedEntry, PinnedIterator, StorageAdapter } from './adapter';
import { StringSlab } from './string-slab';

const TOMBSTONE = Symbol('tombstone') as unknown as StoredValue;

/** a value as the Map holds it: a slab ref (number) or the value itself */
type Held = StoredValue | number;

class Table {
  readonly dict = new Map<BinaryString, Held>();
  readonly expires = new Map<BinaryString, number>();
  slab = new StringSlab();
  pinned = 0;
  /** keys deleted while pinned (some may have been re-set since) */
  tombstones: BinaryString[] = [];
  /** tombstones currently in place */
  tombCount = 0;
}

export class MemoryDbStore implements DbStore {
  private t = new Table();
  private sampler: Iterator<BinaryString> | null = null;

  get(key: BinaryString): StoredValue | undefined {
    const t = this.t;
    const v = t.dict.get(key);
    if (typeof v === 'number') return t.slab.get(v);
    return v === TOMBSTONE ? undefined : v;
  }

  set(key: BinaryString, value: StoredValue): void {
    const t = this.t;
    const old = t.dict.get(key);
    if (typeof old === 'number') {
      if (typeof value === 'string') {
        const ref = t.slab.replace(old, value);
        if (ref !== old) t.dict.set(key, ref >= 0 ? ref : value);
      } else {
        t.slab.free(old);
        t.dict.set(key, value);
      }
      if (t.slab.wantsCompaction()) this.compact();
      return;
    }
    if (old === TOMBSTONE) t.tombCount--;
    let held: Held = value;
    if (typeof value === 'string') {
      const ref = t.slab.put(value);
      if (ref >= 0) held = ref;
    }
    t.dict.set(key, held);
  }

  delete(key: BinaryString): boolean {
    const t = this.t;
    const v = t.dict.get(key);
    if (v === undefined || v === TOMBSTONE) return false;
    if (t.pinned === 0) t.dict.delete(key);
    else {
      t.dict.set(key, TOMBSTONE);
      t.tombstones.push(key);
      t.tombCount++;
    }
    if (t.expires.size !== 0) t.expires.delete(key);
    if (typeof v === 'number') {
      t.slab.free(v);
      if (t.slab.wantsCompaction()) this.compact();
    }
    return true;
  }

  /**
   * Copies the live slab records into fresh slabs and points the Map at them (O(n), run when
   * garbage outweighs live records, so amortised O(1) per write). Replacing a Map value keeps the
   * key's position: live and pinned iterators are unaffected.
   */
  private compact(): void {
    const t = this.t;
    const old = t.slab;
    const fresh = new StringSlab();
    for (const [k, v] of t.dict) {
      if (typeof v !== 'number') continue;
      const ref = fresh.copyFrom(old, v);
      t.dict.set(k, ref >= 0 ? ref : old.get(v));
    }
    t.slab = fresh;
  }

  /** Bytes of off-heap slabs this store holds (allocated, used or not). */
  offHeapBytes(): number {
    return this.t.slab.allocated;
  }

  getExpire(key: BinaryString): number | undefined {
    const e = this.t.expires;
    return e.size === 0 ? undefined : e.get(key);
  }

  setExpire(key: BinaryString, atMs: number): void {
    this.t.expires.set(key, atMs);
  }

  deleteExpire(key: BinaryString): boolean {
    const e = this.t.expires;
    return e.size !== 0 && e.delete(key);
  }

  size(): number {
    return this.t.dict.size - this.t.tombCount;
  }

  expiresSize(): number {
    return this.t.expires.size;
  }

  *keys(): Iterator<BinaryString> {
    for (const [k, v] of this.t.dict) if (v !== TOMBSTONE) yield k;
  }

  expireKeys(): Iterator<BinaryString> {
    return this.t.expires.keys();
  }

  randomKey(): BinaryString | undefined {
    const size = this.t.dict.size;
    if (size === 0) return undefined;
    // a rolling iterator advanced by a random stride: O(1) amortised, every key reachable
    let steps = 1 + Math.floor(Math.random() * Math.min(size, 64));
    let guard = size + steps + 1;
    for (;;) {
      if (!this.sampler) this.sampler = this.t.dict.keys();
      const r = this.sampler.next();
      if (r.done) {
        this.sampler = null;
        if (--guard < 0) return undefined;
        continue;
      }
      if (--steps > 0) continue;
      if (this.t.dict.get(r.value) !== TOMBSTONE) return r.value;
      if (--guard < 0) return undefined;
      steps = 1;
    }
  }

  pinnedEntries(): PinnedIterator {
    const t = this.t;
    t.pinned++;
    const it = t.dict.entries();
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      t.pinned--;
      if (t.pinned === 0 && t.tombstones.length !== 0) {
        for (const k of t.tombstones) if (t.dict.get(k) === TOMBSTONE) t.dict.delete(k);
        t.tombstones = [];
        t.tombCount = 0;
      }
    };
    return {
      next(max: number): PinnedEntry[] {
        const out: PinnedEntry[] = [];
        if (!open) return out;
        while (out.length < max) {
          const r = it.next();
          if (r.done) break;
          const [key, v] = r.value;
          if (v === TOMBSTONE) out.push({ key, value: undefined, expireAt: -1 });
          else out.push({ key, value: typeof v === 'number' ? t.slab.get(v) : v, expireAt: t.expires.size === 0 ? -1 : (t.expires.get(key) ?? -1) });
        }
        return out;
      },
      close,
    };
  }

  clear(): void {
    this.sampler = null;
    if (this.t.pinned !== 0) {
      this.t = new Table();
      return;
    }
    this.t.dict.clear();
    this.t.expires.clear();
    this.t.slab = new StringSlab();
  }
}

/** The default adapter: plain Maps in this process. */
export class MemoryStorageAdapter implements StorageAdapter {
  private readonly stores: MemoryDbStore[];
  constructor(readonly databases = 16) {
    this.stores = [];
    for (let i = 0; i < databases; i++) this.stores.push(new MemoryDbStore());
  }
  db(index: number): DbStore {
    return this.stores[index];
  }
  swap(a: number, b: number): void {
    const t = this.stores[a];
    this.stores[a] = this.stores[b];
    this.stores[b] = t;
  }
}

/** Factory for createKeyspace({ storage }). */
export function createMemoryStorage(databases = 16): StorageAdapter {
  return new MemoryStorageAdapter(databases);
}
