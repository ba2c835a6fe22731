/**
 * The in-memory store's hash table, with keys and short string values off the JS heap.
 *
 * A `Map<string, ...>` costs per key a V8 string (16-byte header + bytes, 8-byte aligned: 32 B for
 * `key:123456`) and ~30 B of hash table (three tagged words per entry plus buckets). Here an entry
 * is four int32 columns (key ref, value ref, hash, chain link) plus half a bucket word, and the key's
 * bytes are a record in a StringSlab next to the values: ~30 B per 10-byte key instead of ~62.
 *
 * Layout (the shape of V8's own OrderedHashMap, in typed arrays): entries are appended in insertion
 * order; a bucket holds the index of the newest entry whose hash falls in it and `next` chains the
 * entries of a bucket. Removing an entry unlinks it and leaves a hole (`keyRef` DEAD); `squeeze()`
 * drops the holes when they outnumber live entries and moves every open cursor to the same place in
 * the squeezed order, so a key present for a whole iteration is still visited exactly once.
 *
 * A key that cannot be a slab record (empty, longer than SLAB_MAX_VALUE, slabs full) sits in
 * `heapKeys` under its entry index; a value that is not a short string (collections, long strings)
 * sits in `objects` likewise. A removed value leaves `valRef` NO_VALUE: the store uses that for the
 * tombstones pinned iterators need.
 */
import type { StoredValue } from '../command-api';
import { StringSlab } from './string-slab';

/** keyRef of a removed entry */
const DEAD = -1;
/** keyRef of an entry whose key is in heapKeys */
const KEY_ON_HEAP = -2;
/** valRef of an entry without a value (a tombstone) */
export const NO_VALUE = -1;
/** valRef of an entry whose value is in objects */
const IN_OBJECTS = -2;

const MIN_CAPACITY = 8;

// a per-process seed, like Redis's siphash key: colliding keys cannot be precomputed
const SEED = (Math.random() * 0x100000000) | 0;

/** FNV-1a over the key's char codes with a final mix (the bucket index takes the low bits). */
export function hashKey(s: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** A position in the entry order (the next index to visit); squeeze() moves it with the entries. */
export interface Cursor {
  pos: number;
}

export class KeyTable {
  slab = new StringSlab();
  keyRef!: Int32Array;
  valRef!: Int32Array;
  private hashes!: Int32Array;
  private next!: Int32Array;
  private buckets!: Int32Array;
  private objects = new Map<number, StoredValue>();
  private heapKeys = new Map<number, string>();
  /** entries appended so far (live, tombstones and holes) */
  used = 0;
  /** entries that are not holes (tombstones included) */
  count = 0;
  /** while non-zero, entries keep their indices (no squeeze) */
  pinned = 0;
  /** set by the store when it drops this table: live cursors on it end */
  cleared = false;
  private cursors: WeakRef<Cursor>[] = [];
  private cursorsPruned = 0;

  constructor() {
    this.allocate(MIN_CAPACITY);
  }

  private allocate(capacity: number): void {
    this.keyRef = new Int32Array(capacity);
    this.valRef = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.buckets = new Int32Array(capacity >>> 1).fill(-1);
  }

  /** The index of the entry (live or tombstone) holding `key`, or -1. */
  find(key: string, h: number): number {
    const hs = this.hashes;
    const nx = this.next;
    for (let i = this.buckets[h & (this.buckets.length - 1)]; i >= 0; i = nx[i]) {
      if (hs[i] !== h) continue;
      const r = this.keyRef[i];
      if (r >= 0 ? this.slab.equals(r, key) : this.heapKeys.get(i) === key) return i;
    }
    return -1;
  }

  isHole(i: number): boolean {
    return this.keyRef[i] === DEAD;
  }

  keyAt(i: number): string {
    const r = this.keyRef[i];
    return r >= 0 ? this.slab.get(r) : (this.heapKeys.get(i) as string);
  }

  /** The value of entry `i`; undefined for a tombstone. */
  valueAt(i: number): StoredValue | undefined {
    const r = this.valRef[i];
    if (r >= 0) return this.slab.get(r);
    return r === IN_OBJECTS ? this.objects.get(i) : undefined;
  }

  /** Gives entry `i` (a tombstone or a fresh entry) a value. */
  private putValue(i: number, value: StoredValue): void {
    if (typeof value === 'string') {
      const ref = this.slab.put(value);
      if (ref >= 0) {
        this.valRef[i] = ref;
        return;
      }
    }
    this.valRef[i] = IN_OBJECTS;
    this.objects.set(i, value);
  }

  /** Replaces the value of entry `i` (a tombstone gets one back). */
  setValue(i: number, value: StoredValue): void {
    const old = this.valRef[i];
    if (old >= 0) {
      if (typeof value === 'string') {
        const ref = this.slab.replace(old, value);
        if (ref >= 0) {
          this.valRef[i] = ref;
          return;
        }
      } else this.slab.free(old);
      this.valRef[i] = IN_OBJECTS;
      this.objects.set(i, value);
      return;
    }
    if (old === IN_OBJECTS) this.objects.delete(i);
    this.putValue(i, value);
  }

  /** Drops the value of entry `i`: it becomes a tombstone. */
  clearValue(i: number): void {
    const old = this.valRef[i];
    if (old >= 0) this.slab.free(old);
    else if (old === IN_OBJECTS) this.objects.delete(i);
    this.valRef[i] = NO_VALUE;
  }

  /** Appends an entry for `key` (absent, hash `h`); its index. */
  insert(key: string, h: number, value: StoredValue): number {
    if (this.used === this.keyRef.length) this.makeRoom();
    const i = this.used++;
    const ref = this.slab.put(key);
    if (ref >= 0) this.keyRef[i] = ref;
    else {
      this.keyRef[i] = KEY_ON_HEAP;
      this.heapKeys.set(i, key);
    }
    this.hashes[i] = h;
    const b = h & (this.buckets.length - 1);
    this.next[i] = this.buckets[b];
    this.buckets[b] = i;
    this.count++;
    this.putValue(i, value);
    return i;
  }

  /** Unlinks entry `i` and frees its key and value: it becomes a hole. */
  remove(i: number): void {
    const b = this.hashes[i] & (this.buckets.length - 1);
    let p = this.buckets[b];
    if (p === i) this.buckets[b] = this.next[i];
    else {
      while (this.next[p] !== i) p = this.next[p];
      this.next[p] = this.next[i];
    }
    this.clearValue(i);
    const r = this.keyRef[i];
    if (r >= 0) this.slab.free(r);
    else this.heapKeys.delete(i);
    this.keyRef[i] = DEAD;
    this.count--;
  }

  /** Squeezes out holes when they are at least half the entries (after removes). */
  maybeSqueeze(): void {
    const holes = this.used - this.count;
    if (this.pinned === 0 && holes >= MIN_CAPACITY && holes * 2 >= this.used) this.squeeze();
  }

  /** Copies the slab records when garbage outweighs them (after frees and replaces). */
  maybeCompactSlab(): void {
    if (this.slab.wantsCompaction()) this.compactSlab();
  }

  /** A cursor at the first entry, moved along by squeeze(); dropped when unreachable. */
  cursor(): Cursor {
    const c: Cursor = { pos: 0 };
    this.cursors.push(new WeakRef(c));
    if (this.cursors.length >= 2 * this.cursorsPruned + 16) this.liveCursors();
    return c;
  }

  /** Empties the table in place (nothing pinned); open cursors restart on what is added next. */
  reset(): void {
    this.slab = new StringSlab();
    this.allocate(MIN_CAPACITY);
    this.objects.clear();
    this.heapKeys.clear();
    this.used = 0;
    this.count = 0;
    for (const c of this.liveCursors()) c.pos = 0;
  }

  /** Index of a random entry that is not a hole, or -1 (the store skips tombstones). */
  randomEntry(): number {
    if (this.count === 0) return -1;
    // holes are at most half the entries outside pins: ~2 draws; past 32, a walk finds one
    for (let tries = 0; tries < 32; tries++) {
      const i = Math.floor(Math.random() * this.used);
      if (this.keyRef[i] !== DEAD) return i;
    }
    const start = Math.floor(Math.random() * this.used);
    for (let k = 0; k < this.used; k++) {
      const i = (start + k) % this.used;
      if (this.keyRef[i] !== DEAD) return i;
    }
    return -1;
  }

  /** Off-heap bytes: slabs plus the entry and bucket columns. */
  get allocated(): number {
    return this.slab.allocated + this.keyRef.length * 16 + this.buckets.length * 4;
  }

  private liveCursors(): Cursor[] {
    const out: Cursor[] = [];
    const kept: WeakRef<Cursor>[] = [];
    for (const w of this.cursors) {
      const c = w.deref();
      if (c === undefined) continue;
      out.push(c);
      kept.push(w);
    }
    this.cursors = kept;
    this.cursorsPruned = kept.length;
    return out;
  }

  /** Full entry columns: squeeze when holes are a quarter or more (and nothing is pinned), else double. */
  private makeRoom(): void {
    if (this.pinned === 0 && (this.used - this.count) * 4 >= this.used) {
      this.squeeze();
      if (this.used < this.keyRef.length) return;
    }
    this.resize(this.keyRef.length * 2);
  }

  private resize(capacity: number): void {
    const { keyRef, valRef, hashes, next } = this;
    this.allocate(capacity);
    this.keyRef.set(keyRef.subarray(0, this.used));
    this.valRef.set(valRef.subarray(0, this.used));
    this.hashes.set(hashes.subarray(0, this.used));
    this.next.set(next.subarray(0, this.used));
    this.rehash();
  }

  /** Rebuilds the bucket chains from the hashes of the entries that are not holes. */
  private rehash(): void {
    const b = this.buckets;
    b.fill(-1);
    const mask = b.length - 1;
    for (let i = 0; i < this.used; i++) {
      if (this.keyRef[i] === DEAD) continue;
      const k = this.hashes[i] & mask;
      this.next[i] = b[k];
      b[k] = i;
    }
  }

  /** Moves the entries down over the holes (order kept), then shrinks the columns if mostly empty. */
  private squeeze(): void {
    const cursors = this.liveCursors().sort((a, b) => a.pos - b.pos);
    let ci = 0;
    let j = 0;
    for (let i = 0; i < this.used; i++) {
      while (ci < cursors.length && cursors[ci].pos <= i) cursors[ci++].pos = j;
      if (this.keyRef[i] === DEAD) continue;
      if (i !== j) {
        this.keyRef[j] = this.keyRef[i];
        this.valRef[j] = this.valRef[i];
        this.hashes[j] = this.hashes[i];
        // the maps are re-keyed in index order: every key below i already is a new index
        if (this.keyRef[j] === KEY_ON_HEAP) {
          this.heapKeys.set(j, this.heapKeys.get(i) as string);
          this.heapKeys.delete(i);
        }
        if (this.valRef[j] === IN_OBJECTS) {
          this.objects.set(j, this.objects.get(i) as StoredValue);
          this.objects.delete(i);
        }
      }
      j++;
    }
    while (ci < cursors.length) cursors[ci++].pos = j;
    this.used = j;
    let capacity = this.keyRef.length;
    while (capacity > MIN_CAPACITY && capacity >= 4 * j) capacity >>>= 1;
    if (capacity !== this.keyRef.length) this.resize(capacity);
    else this.rehash();
  }

  /** Copies the live key and value records into fresh slabs (O(n), amortised by wantsCompaction). */
  private compactSlab(): void {
    const old = this.slab;
    const fresh = new StringSlab();
    for (let i = 0; i < this.used; i++) {
      const k = this.keyRef[i];
      if (k >= 0) {
        const ref = fresh.copyFrom(old, k);
        if (ref >= 0) this.keyRef[i] = ref;
        else {
          this.keyRef[i] = KEY_ON_HEAP;
          this.heapKeys.set(i, old.get(k));
        }
      }
      const v = this.valRef[i];
      if (v >= 0) {
        const ref = fresh.copyFrom(old, v);
        if (ref >= 0) this.valRef[i] = ref;
        else {
          this.valRef[i] = IN_OBJECTS;
          this.objects.set(i, old.get(v));
        }
      }
    }
    this.slab = fresh;
  }
}
