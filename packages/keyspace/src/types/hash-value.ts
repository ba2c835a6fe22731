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
 */
import type { BinaryString, CollectionValue } from '../command-api';
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
  private readonly map: Map<BinaryString, BinaryString>;
  private listpack = true;

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
    return h;
  }

  toPlain(): PlainHash {
    return Array.from(this.map);
  }

  get(field: BinaryString): BinaryString | undefined {
    return this.map.get(field);
  }

  has(field: BinaryString): boolean {
    return this.map.has(field);
  }

  /** Sets a field; true when the field is new (false when an existing value was replaced). */
  set(field: BinaryString, value: BinaryString): boolean {
    if (this.listpack && (field.length > HASH_MAX_LISTPACK_VALUE || value.length > HASH_MAX_LISTPACK_VALUE)) {
      this.listpack = false;
    }
    const created = !this.map.has(field);
    this.map.set(field, value);
    if (this.listpack && this.map.size > HASH_MAX_LISTPACK_ENTRIES) this.listpack = false;
    return created;
  }

  /** Deletes a field; true if it existed. The encoding never goes back to listpack. */
  delete(field: BinaryString): boolean {
    return this.map.delete(field);
  }

  fields(): IterableIterator<BinaryString> {
    return this.map.keys();
  }

  values(): IterableIterator<BinaryString> {
    return this.map.values();
  }

  entries(): IterableIterator<[BinaryString, BinaryString]> {
    return this.map.entries();
  }

  [Symbol.iterator](): IterableIterator<[BinaryString, BinaryString]> {
    return this.map.entries();
  }

  /**
   * The pair at a 0-based position in iteration order (O(position): a Map has no random access;
   * used by HRANDFIELD only).
   */
  entryAt(position: number): [BinaryString, BinaryString] | undefined {
    if (position < 0 || position >= this.map.size) return undefined;
    let i = 0;
    for (const e of this.map) if (i++ === position) return e;
    return undefined;
  }
}

/** plain <-> stored for hashes (types/registry.ts) */
export const hashCodec: ValueCodec<'hash'> = {
  type: 'hash',
  fromPlain: (plain) => HashValue.fromPlain(plain.value),
  toPlain: (value) => ({ type: 'hash', value: (value as HashValue).toPlain() }),
};
