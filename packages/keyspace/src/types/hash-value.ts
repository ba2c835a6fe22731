/**
 * The Redis hash type: field -> value, both binary strings, in a Map.
 *
 * A JS Map keeps insertion order and updates a value in place, which is exactly how a listpack
 * hash orders its fields in Redis (HGETALL, HSCAN, HRANDFIELD with a count >= size answer in that
 * order). OBJECT ENCODING follows Redis 7.0: `listpack` while the hash has at most
 * hash-max-listpack-entries (512) fields and no field or value ever stored in it was longer than
 * hash-max-listpack-value (64) bytes; once `hashtable`, always `hashtable` (Redis never converts
 * back). A hashtable-encoded Redis hash iterates in dict order, which we do not reproduce: we keep
 * insertion order there too.
 *
 * A hash of STORE_MIN_ELEMENTS fields or more keeps its values' bytes in an ElementStore (off the
 * JS heap, see element-store.ts): the Map then holds a value's ref (a number) instead of the string,
 * and reads decode it. Values the store does not take stay strings. Fields stay the Map's keys.
 */
import type { BinaryString, CollectionValue } from '../command-api';
import { ElementStore, STORE_MIN_ELEMENTS } from './element-store';
import type { ValueCodec } from './plain';

/**
 * hash-max-listpack-entries: 512 is redis-server 7.0's built-in default (config.c; the sample
 * redis.conf shipped with Redis sets 128, which is not what a server started without it uses).
 */
export const HASH_MAX_LISTPACK_ENTRIES = 512;
/** hash-max-listpack-value (Redis 7.0 default), in bytes */
export const HASH_MAX_LISTPACK_VALUE = 64;

/** The plain form of a hash: [field, value] pairs in iteration order. */
export type PlainHash = Array<[BinaryString, BinaryString]>;

export class HashValue implements CollectionValue {
  /** field -> value, or the value's ref in `store` */
  private readonly map: Map<BinaryString, BinaryString | number>;
  private listpack = true;
  /** the values' bytes once the hash has grown to STORE_MIN_ELEMENTS fields */
  private store: ElementStore | undefined = undefined;

  constructor(entries?: Iterable<readonly [BinaryString, BinaryString]>) {
    this.map = new Map();
    if (entries) for (const [f, v] of entries) this.set(f, v);
  }

  /**
   * Builds a hash from its pairs. The encoding is derived from the content, like Redis does when
   * it loads a hash from an RDB file.
   */
  static fromPlain(plain: ReadonlyArray<readonly [BinaryString, BinaryString]>): HashValue {
    return new HashValue(plain);
  }

  get type(): 'hash' {
    return 'hash';
  }

  get size(): number {
    return this.map.size;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  /** True while Redis would keep this hash as a listpack. */
  get isListpack(): boolean {
    return this.listpack;
  }

  clone(): HashValue {
    const h = new HashValue();
    for (const [f, v] of this.map) h.map.set(f, v);
    h.listpack = this.listpack;
    h.store = this.store?.clone();
    return h;
  }

  toPlain(): PlainHash {
    return Array.from(this.entries());
  }

  get(field: BinaryString): BinaryString | undefined {
    const v = this.map.get(field);
    return typeof v === 'number' ? (this.store as ElementStore).get(v) : v;
  }

  has(field: BinaryString): boolean {
    return this.map.has(field);
  }

  /** Sets a field; true when the field is new (false when an existing value was replaced). */
  set(field: BinaryString, value: BinaryString): boolean {
    if (this.listpack && (field.length > HASH_MAX_LISTPACK_VALUE || value.length > HASH_MAX_LISTPACK_VALUE)) {
      this.listpack = false;
    }
    const map = this.map;
    const store = this.store;
    if (store === undefined) {
      // one lookup: the size tells whether the field was new
      const before = map.size;
      map.set(field, value);
      if (map.size === before) return false;
      if (this.listpack && map.size > HASH_MAX_LISTPACK_ENTRIES) this.listpack = false;
      if (map.size >= STORE_MIN_ELEMENTS) this.startStore();
      return true;
    }
    const old = map.get(field);
    if (typeof old === 'number') {
      // an existing value of the same length is overwritten in place: the Map is not touched
      const ref = store.replace(old, value);
      if (ref !== old) map.set(field, ref < 0 ? value : ref);
      if (store.wantsCompaction()) this.compact();
      return false;
    }
    const ref = store.put(value);
    map.set(field, ref < 0 ? value : ref);
    if (this.listpack && map.size > HASH_MAX_LISTPACK_ENTRIES) this.listpack = false;
    return old === undefined;
  }

  /** Deletes a field; true if it existed. The encoding never goes back to listpack. */
  delete(field: BinaryString): boolean {
    const store = this.store;
    if (store === undefined) return this.map.delete(field);
    const old = this.map.get(field);
    if (old === undefined) return false;
    this.map.delete(field);
    if (typeof old === 'number') {
      store.free(old);
      if (store.wantsCompaction()) this.compact();
    }
    return true;
  }

  /** Moves the values into a store once the hash is large enough to pay for one. */
  private startStore(): void {
    const store = new ElementStore(this.map.size * 32);
    this.store = store;
    for (const [f, v] of this.map) {
      const ref = store.put(v as BinaryString);
      if (ref >= 0) this.map.set(f, ref);
    }
  }

  /** Rebuilds the store from the live values (garbage outweighed them). */
  private compact(): void {
    const old = this.store as ElementStore;
    const next = new ElementStore(old.live);
    for (const [f, v] of this.map) {
      if (typeof v !== 'number') continue;
      const ref = next.copyFrom(old, v);
      this.map.set(f, ref < 0 ? old.get(v) : ref);
    }
    this.store = next;
  }

  fields(): IterableIterator<BinaryString> {
    return this.map.keys();
  }

  /**
   * The values, decoded at each step: an iterator kept across commands (HSCAN's cursor) stays right
   * when the store is started, compacted or refs move in between.
   */
  *values(): IterableIterator<BinaryString> {
    for (const v of this.map.values()) yield typeof v === 'number' ? (this.store as ElementStore).get(v) : v;
  }

  /** [field, value] pairs in insertion order, decoded at each step (see values()). */
  *entries(): IterableIterator<[BinaryString, BinaryString]> {
    for (const [f, v] of this.map) yield [f, typeof v === 'number' ? (this.store as ElementStore).get(v) : v];
  }

  [Symbol.iterator](): IterableIterator<[BinaryString, BinaryString]> {
    return this.entries();
  }

  /**
   * The pair at a 0-based position in iteration order (O(position): a Map has no random access;
   * used by HRANDFIELD only).
   */
  entryAt(position: number): [BinaryString, BinaryString] | undefined {
    if (position < 0 || position >= this.map.size) return undefined;
    let i = 0;
    for (const e of this.entries()) if (i++ === position) return e;
    return undefined;
  }
}

/** plain <-> stored for hashes (types/registry.ts) */
export const hashCodec: ValueCodec<'hash'> = {
  type: 'hash',
  fromPlain: (plain) => HashValue.fromPlain(plain.value),
  toPlain: (value) => ({ type: 'hash', value: (value as HashValue).toPlain() }),
};
