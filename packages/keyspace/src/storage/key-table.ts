/**
 * The in-memory store's hash table, with keys and short string values off the JS heap.
 *
 * A `Map<string, ...>` costs per key a V8 string (16-byte header + bytes, 8-byte aligned: 32 B for
 * `key:123456`) and ~30 B of hash table (three tagged words per entry plus buckets). Here an entry
 * is four int32 fields (hash, chain link, key ref, value ref) plus half a bucket word, and the key's
 * bytes are a record in a StringSlab next to the values: ~30 B per 10-byte key instead of ~62.
 *
 * The four fields of an entry sit next to each other in one Int32Array (`cols`, a 16-byte record per entry)
 * rather than in four arrays: a lookup in a table larger than the CPU caches then misses the cache on the
 * bucket, on the one entry record (hash, link, key ref and value ref together) and on the key's slab bytes,
 * instead of once per column (a GET's lookup spent most of its samples on those loads with four arrays).
 *
 * Layout (the shape of V8's own OrderedHashMap, in typed arrays): entries are appended in insertion
 * order; a bucket holds the index of the newest entry whose hash falls in it and `next` chains the
 * entries of a bucket. Removing an entry unlinks it and leaves a hole (key ref DEAD); `squeeze()`
 * drops the holes when they outnumber live entries and moves every open cursor to the same place in
 * the squeezed order, so a key present for a whole iteration is still visited exactly once.
 *
 * A key that cannot be a slab record (empty, longer than SLAB_MAX_VALUE, slabs full) sits in
 * `heapKeys` under its entry index; a value that is not a short string (collections, long strings)
 * sits in `objects` likewise. A removed value leaves the value ref NO_VALUE (the pinned iterators' tombstones).
 */
import type { StoredValue } from '../command-api';
import { copyRecords, DEAD, type EntryColumns, HASH, IN_OBJECTS, KEY, KEY_ON_HEAP, NEXT, NO_VALUE, rehash, squeezeEntries, STRIDE_SHIFT, VAL } from './entry-columns';
import { sameBytes } from './key-hash';
import { StringSlab } from './string-slab';
import { type Cursor, TableCursors } from './table-cursors';

export { hashKey, hashKeyBytes } from './key-hash';
export { NO_VALUE } from './entry-columns';

const MIN_CAPACITY = 8;

/** The most entries `reserve()` makes room for at once (a size hint read from the network is bounded by it). */
export const MAX_RESERVE = 1 << 22;

export type { Cursor } from './table-cursors';

/** The fields of EntryColumns are public for the whole-table passes of entry-columns.ts only. */
export class KeyTable implements EntryColumns {
  slab = new StringSlab();
  /** entry records: `cols[(i << 2) + HASH | NEXT | KEY | VAL]` */
  cols!: Int32Array;
  /** entry slots allocated */
  private capacity = 0;
  buckets!: Int32Array;
  objects = new Map<number, StoredValue>();
  heapKeys = new Map<number, string>();
  /** entries appended so far (live, tombstones and holes) */
  used = 0;
  /** entries that are not holes (tombstones included) */
  count = 0;
  /** while non-zero, entries keep their indices (no squeeze) */
  pinned = 0;
  /** set by the store when it drops this table: live cursors on it end */
  cleared = false;
  private readonly cursors = new TableCursors();

  constructor() {
    this.allocate(MIN_CAPACITY);
  }

  private allocate(capacity: number, memory?: (bytes: number) => ArrayBufferLike): void {
    this.capacity = capacity;
    this.cols = memory === undefined ? new Int32Array(capacity << STRIDE_SHIFT) : new Int32Array(memory((capacity << STRIDE_SHIFT) * 4));
    this.buckets = new Int32Array(capacity >>> 1).fill(-1);
  }

  /** The index of the entry (live or tombstone) holding `key`, or -1. */
  find(key: string, h: number): number {
    const c = this.cols;
    for (let i = this.buckets[h & (this.buckets.length - 1)]; i >= 0; i = c[(i << STRIDE_SHIFT) + NEXT]) {
      const e = i << STRIDE_SHIFT;
      if (c[e + HASH] !== h) continue;
      const r = c[e + KEY];
      if (r >= 0 ? this.slab.equals(r, key) : this.heapKeys.get(i) === key) return i;
    }
    return -1;
  }

  /** find() for the key whose bytes are `buf[start, end)` (hash `h` from hashKeyBytes). */
  findBytes(buf: Uint8Array, start: number, end: number, h: number): number {
    const c = this.cols;
    for (let i = this.buckets[h & (this.buckets.length - 1)]; i >= 0; i = c[(i << STRIDE_SHIFT) + NEXT]) {
      const e = i << STRIDE_SHIFT;
      if (c[e + HASH] !== h) continue;
      const r = c[e + KEY];
      if (r >= 0 ? this.slab.equalsBytes(r, buf, start, end) : sameBytes(this.heapKeys.get(i) as string, buf, start, end)) return i;
    }
    return -1;
  }

  isHole(i: number): boolean {
    return this.cols[(i << STRIDE_SHIFT) + KEY] === DEAD;
  }

  /** True when entry `i` has no value: a tombstone (or a hole). */
  isTombstone(i: number): boolean {
    return this.cols[(i << STRIDE_SHIFT) + VAL] === NO_VALUE;
  }

  keyAt(i: number): string {
    const r = this.cols[(i << STRIDE_SHIFT) + KEY];
    return r >= 0 ? this.slab.get(r) : (this.heapKeys.get(i) as string);
  }

  /** Slab refs (read through `slab`) of entry `i`'s key and of its value (always a string); negative when not a slab record. */
  keyRef(i: number): number {
    return this.cols[(i << STRIDE_SHIFT) + KEY];
  }
  valueRef(i: number): number {
    return this.cols[(i << STRIDE_SHIFT) + VAL];
  }

  /** The value of entry `i`; undefined for a tombstone. */
  valueAt(i: number): StoredValue | undefined {
    const r = this.cols[(i << STRIDE_SHIFT) + VAL];
    if (r >= 0) return this.slab.get(r);
    return r === IN_OBJECTS ? this.objects.get(i) : undefined;
  }

  /** Gives entry `i` (a tombstone or a fresh entry) a value. */
  private putValue(i: number, value: StoredValue): void {
    const v = (i << STRIDE_SHIFT) + VAL;
    if (typeof value === 'string') {
      const ref = this.slab.put(value);
      if (ref >= 0) {
        this.cols[v] = ref;
        return;
      }
    }
    this.cols[v] = IN_OBJECTS;
    this.objects.set(i, value);
  }

  /** Replaces the value of entry `i` (a tombstone gets one back). */
  setValue(i: number, value: StoredValue): void {
    const v = (i << STRIDE_SHIFT) + VAL;
    const old = this.cols[v];
    if (old >= 0) {
      if (typeof value === 'string') {
        const ref = this.slab.replace(old, value);
        if (ref >= 0) {
          this.cols[v] = ref;
          return;
        }
      } else this.slab.free(old);
      this.cols[v] = IN_OBJECTS;
      this.objects.set(i, value);
      return;
    }
    if (old === IN_OBJECTS) this.objects.delete(i);
    this.putValue(i, value);
  }

  /**
   * setValue() of the string whose latin1 bytes are `value[start, end)`: the record is rewritten in
   * place when it keeps its size, else a new one is written; a JS string only when the slab cannot
   * hold it (empty, longer than SLAB_MAX_VALUE, slabs full).
   */
  setValueBytes(i: number, value: Buffer, start: number, end: number): void {
    const v = (i << STRIDE_SHIFT) + VAL;
    const old = this.cols[v];
    if (old >= 0) {
      const ref = this.slab.replaceBytes(old, value, start, end);
      if (ref >= 0) {
        this.cols[v] = ref;
        return;
      }
    } else if (old === IN_OBJECTS) this.objects.delete(i);
    const ref = this.slab.putBytes(value, start, end);
    if (ref >= 0) this.cols[v] = ref;
    else {
      this.cols[v] = IN_OBJECTS;
      this.objects.set(i, value.toString('latin1', start, end));
    }
  }

  /** Drops the value of entry `i`: it becomes a tombstone. */
  clearValue(i: number): void {
    const v = (i << STRIDE_SHIFT) + VAL;
    const old = this.cols[v];
    if (old >= 0) this.slab.free(old);
    else if (old === IN_OBJECTS) this.objects.delete(i);
    this.cols[v] = NO_VALUE;
  }

  /** Appends an entry for `key` (absent, hash `h`); its index. */
  insert(key: string, h: number, value: StoredValue): number {
    const i = this.append(h);
    const ref = this.slab.put(key);
    if (ref >= 0) this.cols[(i << STRIDE_SHIFT) + KEY] = ref;
    else {
      this.cols[(i << STRIDE_SHIFT) + KEY] = KEY_ON_HEAP;
      this.heapKeys.set(i, key);
    }
    this.putValue(i, value);
    return i;
  }

  /** A new entry of hash `h` linked into its bucket, key and value refs still to be set; its index. */
  private append(h: number): number {
    if (this.used === this.capacity) this.makeRoom();
    const i = this.used++;
    const e = i << STRIDE_SHIFT;
    const c = this.cols;
    c[e + HASH] = h;
    const b = h & (this.buckets.length - 1);
    c[e + NEXT] = this.buckets[b];
    this.buckets[b] = i;
    this.count++;
    return i;
  }

  /**
   * insert() with the key and a string value given as bytes: `key[keyStart, keyEnd)` (absent, hash
   * `h` from hashKeyBytes) and `value[valueStart, valueEnd)`, both written straight into slab
   * records. A JS string is made only for a key or value the slab cannot hold (empty, longer than
   * SLAB_MAX_VALUE, slabs full). The entry is the one insert() of the binary strings would make.
   */
  insertBytes(key: Buffer, keyStart: number, keyEnd: number, h: number, value: Buffer, valueStart: number, valueEnd: number): number {
    const i = this.append(h);
    const e = i << STRIDE_SHIFT;
    const c = this.cols;
    const kref = this.slab.putBytes(key, keyStart, keyEnd);
    if (kref >= 0) c[e + KEY] = kref;
    else {
      c[e + KEY] = KEY_ON_HEAP;
      this.heapKeys.set(i, key.toString('latin1', keyStart, keyEnd));
    }
    const vref = this.slab.putBytes(value, valueStart, valueEnd);
    if (vref >= 0) c[e + VAL] = vref;
    else {
      c[e + VAL] = IN_OBJECTS;
      this.objects.set(i, value.toString('latin1', valueStart, valueEnd));
    }
    return i;
  }

  /**
   * Room for `n` (at most MAX_RESERVE) more entries in one step: a bulk load of a known size
   * (RESIZEDB) then never grows the table. `memory` (zero-filled, e.g. a SharedArrayBuffer whose
   * pages another thread faults in) holds the new entry records; the buffer it gave, or undefined
   * when the table had room.
   */
  reserve(n: number, memory?: (bytes: number) => ArrayBufferLike): ArrayBufferLike | undefined {
    const want = this.used + Math.min(Math.max(n, 0), MAX_RESERVE);
    if (want <= this.capacity) return undefined;
    let capacity = this.capacity;
    while (capacity < want) capacity *= 2;
    this.resize(capacity, memory);
    return memory === undefined ? undefined : this.cols.buffer;
  }

  /** Unlinks entry `i` and frees its key and value: it becomes a hole. */
  remove(i: number): void {
    const c = this.cols;
    const e = i << STRIDE_SHIFT;
    const b = c[e + HASH] & (this.buckets.length - 1);
    let p = this.buckets[b];
    if (p === i) this.buckets[b] = c[e + NEXT];
    else {
      while (c[(p << STRIDE_SHIFT) + NEXT] !== i) p = c[(p << STRIDE_SHIFT) + NEXT];
      c[(p << STRIDE_SHIFT) + NEXT] = c[e + NEXT];
    }
    this.clearValue(i);
    const r = c[e + KEY];
    if (r >= 0) this.slab.free(r);
    else this.heapKeys.delete(i);
    c[e + KEY] = DEAD;
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
    return this.cursors.open();
  }

  /** Empties the table in place (nothing pinned); open cursors restart on what is added next. */
  reset(): void {
    this.slab.release();
    this.slab = new StringSlab();
    this.allocate(MIN_CAPACITY);
    this.objects.clear();
    this.heapKeys.clear();
    this.used = 0;
    this.count = 0;
    for (const c of this.cursors.live()) c.pos = 0;
  }

  /** Index of a random entry that is not a hole, or -1 (the store skips tombstones). */
  randomEntry(): number {
    if (this.count === 0) return -1;
    // holes are at most half the entries outside pins: ~2 draws; past 32, a walk finds one
    for (let tries = 0; tries < 32; tries++) {
      const i = Math.floor(Math.random() * this.used);
      if (this.cols[(i << STRIDE_SHIFT) + KEY] !== DEAD) return i;
    }
    const start = Math.floor(Math.random() * this.used);
    for (let k = 0; k < this.used; k++) {
      const i = (start + k) % this.used;
      if (this.cols[(i << STRIDE_SHIFT) + KEY] !== DEAD) return i;
    }
    return -1;
  }

  /** Off-heap bytes: slabs plus the entry and bucket columns. */
  get allocated(): number {
    return this.slab.allocated + this.cols.length * 4 + this.buckets.length * 4;
  }

  /** Full entry columns: squeeze when holes are a quarter or more (and nothing is pinned), else double. */
  private makeRoom(): void {
    if (this.pinned === 0 && (this.used - this.count) * 4 >= this.used) {
      this.squeeze();
      if (this.used < this.capacity) return;
    }
    this.resize(this.capacity * 2);
  }

  private resize(capacity: number, memory?: (bytes: number) => ArrayBufferLike): void {
    const old = this.cols;
    this.allocate(capacity, memory);
    this.cols.set(old.subarray(0, this.used << STRIDE_SHIFT));
    rehash(this);
  }

  /** Moves the entries down over the holes (order kept), then shrinks the columns if mostly empty. */
  private squeeze(): void {
    const j = squeezeEntries(this, this.cursors.live());
    this.used = j;
    let capacity = this.capacity;
    while (capacity > MIN_CAPACITY && capacity >= 4 * j) capacity >>>= 1;
    if (capacity !== this.capacity) this.resize(capacity);
    else rehash(this);
  }

  /** Copies the live key and value records into fresh slabs (O(n), amortised by wantsCompaction). */
  private compactSlab(): void {
    const fresh = new StringSlab();
    copyRecords(this, this.slab, fresh);
    this.slab.release();
    this.slab = fresh;
  }
}
