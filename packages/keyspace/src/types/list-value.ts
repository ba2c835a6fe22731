/**
 * The Redis list type: a deque of binary strings on a growable ring buffer.
 *
 * Push and pop at both ends are O(1) amortized, indexing is O(1), insertion and removal in the
 * middle move the shorter side (O(min(i, n - i))). Redis 7.0 stores every list as a quicklist, so
 * OBJECT ENCODING always answers `quicklist` (listpack lists only arrived in 7.2).
 * Elements are compared as bytes: binary strings hold one byte per char code.
 *
 * A list of STORE_MIN_ELEMENTS or more keeps its elements' bytes in an ElementStore (off the JS
 * heap, see element-store.ts): a slot then holds the element's ref (a number) instead of the
 * string, and reads decode it. Elements the store does not take stay strings in their slots.
 */
import type { BinaryString, CollectionValue } from '../command-api';
import { ElementStore, STORE_MIN_ELEMENTS } from './element-store';
import type { ValueCodec } from './plain';

/** A ring slot: the element, its ref in the list's store, or undefined when free. */
type Slot = BinaryString | number | undefined;

const MIN_CAPACITY = 4;

/** The plain form of a list (what adapters and snapshots exchange): elements head to tail. */
export type PlainList = BinaryString[];

export class ListValue implements CollectionValue {
  /** ring buffer; capacity is a power of two so `& mask` wraps */
  private buf: Slot[];
  private head = 0;
  private len = 0;
  /** the elements' bytes once the list has grown to STORE_MIN_ELEMENTS */
  private store: ElementStore | undefined = undefined;

  constructor(elements?: Iterable<BinaryString>) {
    this.buf = new Array<Slot>(MIN_CAPACITY);
    if (elements) for (const e of elements) this.pushTail(e);
  }

  /** Builds a list from its elements, head first. */
  static fromPlain(plain: readonly BinaryString[]): ListValue {
    const l = new ListValue();
    l.reserve(plain.length);
    if (plain.length >= STORE_MIN_ELEMENTS) l.store = new ElementStore(plain.length * 16);
    for (let i = 0; i < plain.length; i++) l.buf[i] = l.enc(plain[i] as BinaryString);
    l.len = plain.length;
    return l;
  }

  /** What a slot keeps for `value`: its ref in the store, or the string itself. */
  private enc(value: BinaryString): BinaryString | number {
    const store = this.store;
    if (store === undefined) return value;
    const ref = store.put(value);
    return ref < 0 ? value : ref;
  }

  /** The element a (used) slot holds. */
  private dec(v: Slot): BinaryString {
    return typeof v === 'number' ? (this.store as ElementStore).get(v) : (v as BinaryString);
  }

  /** True when the used slot `v` holds `value`. */
  private holds(v: Slot, value: BinaryString): boolean {
    return typeof v === 'number' ? (this.store as ElementStore).equals(v, value) : v === value;
  }

  /** The slot's element left the list. */
  private drop(v: Slot): void {
    if (typeof v === 'number') (this.store as ElementStore).free(v);
  }

  /** Moves the elements into a store once the list is long enough to pay for one. */
  private maybeStore(): void {
    if (this.store !== undefined || this.len < STORE_MIN_ELEMENTS) return;
    this.store = new ElementStore(this.len * 32);
    const mask = this.buf.length - 1;
    for (let i = 0; i < this.len; i++) {
      const at = (this.head + i) & mask;
      this.buf[at] = this.enc(this.buf[at] as BinaryString);
    }
  }

  /** After removals: a store mostly made of garbage is rebuilt from the live elements. */
  private maybeCompact(): void {
    const old = this.store;
    if (old === undefined || !old.wantsCompaction()) return;
    const next = new ElementStore(old.live);
    const mask = this.buf.length - 1;
    for (let i = 0; i < this.len; i++) {
      const at = (this.head + i) & mask;
      const v = this.buf[at];
      if (typeof v === 'number') {
        const ref = next.copyFrom(old, v);
        this.buf[at] = ref < 0 ? old.get(v) : ref;
      }
    }
    this.store = next;
  }

  get type(): 'list' {
    return 'list';
  }

  get size(): number {
    return this.len;
  }

  encoding(): string {
    return 'quicklist';
  }

  clone(): ListValue {
    const c = new ListValue();
    c.buf = new Array<Slot>(this.buf.length);
    const mask = this.buf.length - 1;
    for (let i = 0; i < this.len; i++) c.buf[i] = this.buf[(this.head + i) & mask];
    c.len = this.len;
    c.store = this.store?.clone();
    return c;
  }

  /** The elements head to tail (a fresh array). */
  toPlain(): PlainList {
    return this.toArray();
  }

  toArray(): BinaryString[] {
    return this.range(0, this.len - 1);
  }

  pushHead(value: BinaryString): void {
    if (this.store === undefined) this.maybeStore();
    if (this.len === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = this.enc(value);
    this.len++;
  }

  pushTail(value: BinaryString): void {
    if (this.store === undefined) this.maybeStore();
    if (this.len === this.buf.length) this.grow();
    this.buf[(this.head + this.len) & (this.buf.length - 1)] = this.enc(value);
    this.len++;
  }

  popHead(): BinaryString | undefined {
    if (this.len === 0) return undefined;
    const raw = this.buf[this.head];
    const v = this.dec(raw);
    this.drop(raw);
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.len--;
    this.maybeShrink();
    return v;
  }

  popTail(): BinaryString | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & (this.buf.length - 1);
    const raw = this.buf[i];
    const v = this.dec(raw);
    this.drop(raw);
    this.buf[i] = undefined;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Element at a 0-based index from the head (no negative indexes here); undefined outside. */
  get(index: number): BinaryString | undefined {
    if (index < 0 || index >= this.len) return undefined;
    return this.dec(this.buf[(this.head + index) & (this.buf.length - 1)]);
  }

  /** Replaces the element at `index`; false when out of range. */
  set(index: number, value: BinaryString): boolean {
    if (index < 0 || index >= this.len) return false;
    const at = (this.head + index) & (this.buf.length - 1);
    const old = this.buf[at];
    if (typeof old === 'number') {
      const ref = (this.store as ElementStore).replace(old, value);
      this.buf[at] = ref < 0 ? value : ref;
      this.maybeCompact();
    } else this.buf[at] = this.enc(value);
    return true;
  }

  /** Elements `start..end` inclusive (already clamped to 0..size-1 by the caller), head to tail. */
  range(start: number, end: number): BinaryString[] {
    const n = end - start + 1;
    if (n <= 0) return [];
    const out = new Array<BinaryString>(n);
    const mask = this.buf.length - 1;
    for (let i = 0; i < n; i++) out[i] = this.dec(this.buf[(this.head + start + i) & mask]);
    return out;
  }

  /** Index of the first element equal to `value` from the head, or -1. */
  indexOf(value: BinaryString): number {
    const mask = this.buf.length - 1;
    for (let i = 0; i < this.len; i++) if (this.holds(this.buf[(this.head + i) & mask], value)) return i;
    return -1;
  }

  /** Inserts `value` so that it ends up at `index` (0..size), moving the shorter side. */
  insertAt(index: number, value: BinaryString): void {
    if (index < 0 || index > this.len) throw new RangeError(`list index ${index} out of range`);
    if (index === 0) {
      this.pushHead(value);
      return;
    }
    if (index === this.len) {
      this.pushTail(value);
      return;
    }
    if (this.store === undefined) this.maybeStore();
    if (this.len === this.buf.length) this.grow();
    const mask = this.buf.length - 1;
    if (index < this.len - index) {
      // shift the first `index` elements one slot towards the head
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < index; i++) this.buf[(this.head + i) & mask] = this.buf[(this.head + i + 1) & mask];
    } else {
      for (let i = this.len; i > index; i--) this.buf[(this.head + i) & mask] = this.buf[(this.head + i - 1) & mask];
    }
    this.buf[(this.head + index) & mask] = this.enc(value);
    this.len++;
  }

  /** Removes and returns the element at `index`, moving the shorter side. */
  removeAt(index: number): BinaryString | undefined {
    if (index < 0 || index >= this.len) return undefined;
    if (index === 0) return this.popHead();
    if (index === this.len - 1) return this.popTail();
    const mask = this.buf.length - 1;
    const raw = this.buf[(this.head + index) & mask];
    const v = this.dec(raw);
    this.drop(raw);
    if (index < this.len - 1 - index) {
      for (let i = index; i > 0; i--) this.buf[(this.head + i) & mask] = this.buf[(this.head + i - 1) & mask];
      this.buf[this.head] = undefined;
      this.head = (this.head + 1) & mask;
    } else {
      for (let i = index; i < this.len - 1; i++) this.buf[(this.head + i) & mask] = this.buf[(this.head + i + 1) & mask];
      this.buf[(this.head + this.len - 1) & mask] = undefined;
    }
    this.len--;
    this.maybeShrink();
    return v;
  }

  /**
   * Removes elements equal to `value`: at most `limit` of them (0 = all), scanning from the head,
   * or from the tail when `fromTail`. One compaction pass, O(n). Returns how many were removed.
   */
  removeMatching(value: BinaryString, limit: number, fromTail: boolean): number {
    const mask = this.buf.length - 1;
    const n = this.len;
    // first pass: find which positions go (bounded by limit, in scan order)
    let removed = 0;
    let cut = fromTail ? -1 : n; // positions beyond `cut` (in scan order) are kept untouched
    if (limit > 0) {
      for (let k = 0; k < n; k++) {
        const i = fromTail ? n - 1 - k : k;
        if (this.holds(this.buf[(this.head + i) & mask], value) && ++removed === limit) {
          cut = i;
          break;
        }
      }
      if (removed === 0) return 0;
      removed = 0;
    }
    // second pass: compact towards the head, dropping matches inside the removal window
    let w = 0;
    for (let r = 0; r < n; r++) {
      const v = this.buf[(this.head + r) & mask];
      const inWindow = limit === 0 || (fromTail ? r >= cut : r <= cut);
      if (inWindow && this.holds(v, value)) {
        this.drop(v);
        removed++;
        continue;
      }
      if (w !== r) this.buf[(this.head + w) & mask] = v;
      w++;
    }
    for (let i = w; i < n; i++) this.buf[(this.head + i) & mask] = undefined;
    this.len = w;
    this.maybeShrink();
    return removed;
  }

  /** Drops `left` elements from the head and `right` from the tail. */
  trim(left: number, right: number): void {
    if (left + right >= this.len) {
      this.clear();
      return;
    }
    const mask = this.buf.length - 1;
    for (let i = 0; i < left; i++) {
      this.drop(this.buf[(this.head + i) & mask]);
      this.buf[(this.head + i) & mask] = undefined;
    }
    for (let i = this.len - right; i < this.len; i++) {
      this.drop(this.buf[(this.head + i) & mask]);
      this.buf[(this.head + i) & mask] = undefined;
    }
    this.head = (this.head + left) & mask;
    this.len -= left + right;
    this.maybeShrink();
  }

  clear(): void {
    this.buf = new Array<Slot>(MIN_CAPACITY);
    this.head = 0;
    this.len = 0;
    this.store = undefined;
  }

  *[Symbol.iterator](): IterableIterator<BinaryString> {
    for (let i = 0; i < this.len; i++) yield this.dec(this.buf[(this.head + i) & (this.buf.length - 1)]);
  }

  private reserve(n: number): void {
    let cap = this.buf.length;
    while (cap < n) cap *= 2;
    if (cap !== this.buf.length) this.resize(cap);
  }

  private grow(): void {
    this.resize(this.buf.length * 2);
  }

  /** After removals: a ring mostly empty is halved, a store mostly garbage is compacted. */
  private maybeShrink(): void {
    const cap = this.buf.length;
    if (cap > MIN_CAPACITY * 4 && this.len < cap / 4) this.resize(cap / 2);
    if (this.store !== undefined) this.maybeCompact();
  }

  private resize(cap: number): void {
    const next = new Array<Slot>(cap);
    const mask = this.buf.length - 1;
    for (let i = 0; i < this.len; i++) next[i] = this.buf[(this.head + i) & mask];
    this.buf = next;
    this.head = 0;
  }
}

/** plain <-> stored for lists (types/registry.ts) */
export const listCodec: ValueCodec<'list'> = {
  type: 'list',
  fromPlain: (plain) => ListValue.fromPlain(plain.value),
  toPlain: (value) => ({ type: 'list', value: (value as ListValue).toPlain() }),
};
