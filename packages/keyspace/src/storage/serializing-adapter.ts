/**
 * A storage adapter that keeps every value serialized: set() and changed() store a copy of the
 * value's contents, and every get() builds a fresh object from it, the way a store that decodes
 * on read (a disk store, a remote store) behaves. The conformance suite runs on it: an in-place
 * mutation reaches it only when the keyspace hands the mutated object to changed(), so it catches a
 * keyspace that re-reads the store instead. It also keeps the last committed position, as a
 * durable adapter does, so the commit-point cases run on it.
 */
import type { BinaryString, CollectionValue, StoredValue } from '../command-api';
import { fromPlain, type PlainValue, toPlain } from '../types/plain';
import type { DbStore, PinnedEntry, PinnedIterator, ReplicationPosition, StorageAdapter } from './adapter';
import { MemoryDbStore } from './memory-adapter';

/** A value at rest: a string as is, a collection as its plain contents (never shared with a caller). */
type Encoded = BinaryString | { readonly plain: PlainValue };

function encode(v: StoredValue): Encoded {
  return typeof v === 'string' ? v : { plain: toPlain(v) };
}

function decode(e: Encoded): StoredValue {
  if (typeof e === 'string') return e;
  const p = e.plain;
  // fromPlain may keep the arrays it is given: hand it copies so the stored form stays intact
  if (p.type === 'stream') return fromPlain(p);
  const value = (p.value as readonly unknown[]).map((x) => (Array.isArray(x) ? [...x] : x));
  return fromPlain({ type: p.type, value } as PlainValue);
}

class SerializingDbStore implements DbStore {
  /** the encoded values, in a memory store (TTLs, iteration and pinning are its business) */
  private readonly inner = new MemoryDbStore();

  get(key: BinaryString): StoredValue | undefined {
    const e = this.inner.get(key) as Encoded | undefined;
    return e === undefined ? undefined : decode(e);
  }
  set(key: BinaryString, value: StoredValue): void {
    this.inner.set(key, encode(value) as StoredValue);
  }
  changed(key: BinaryString, value: CollectionValue): void {
    this.inner.set(key, encode(value) as StoredValue);
  }
  delete(key: BinaryString): boolean {
    return this.inner.delete(key);
  }
  getExpire(key: BinaryString): number | undefined {
    return this.inner.getExpire(key);
  }
  setExpire(key: BinaryString, atMs: number): void {
    this.inner.setExpire(key, atMs);
  }
  deleteExpire(key: BinaryString): boolean {
    return this.inner.deleteExpire(key);
  }
  size(): number {
    return this.inner.size();
  }
  expiresSize(): number {
    return this.inner.expiresSize();
  }
  keys(): Iterator<BinaryString> {
    return this.inner.keys();
  }
  expireKeys(): Iterator<BinaryString> {
    return this.inner.expireKeys();
  }
  randomKey(): BinaryString | undefined {
    return this.inner.randomKey();
  }
  pinnedEntries(): PinnedIterator {
    const it = this.inner.pinnedEntries();
    return {
      next(max: number): PinnedEntry[] {
        return it.next(max).map((e) => (e.value === undefined ? e : { key: e.key, value: decode(e.value as Encoded), expireAt: e.expireAt }));
      },
      close: () => it.close(),
    };
  }
  clear(): void {
    this.inner.clear();
  }
}

/** Every value serialized at rest, a fresh object on every read; commit points keep the position. */
export class SerializingStorageAdapter implements StorageAdapter {
  private readonly stores: SerializingDbStore[] = [];
  private position: ReplicationPosition | undefined;
  /** commit points seen (tests read it) */
  commits = 0;

  constructor(readonly databases = 16) {
    for (let i = 0; i < databases; i++) this.stores.push(new SerializingDbStore());
  }
  db(index: number): DbStore {
    return this.stores[index];
  }
  swap(a: number, b: number): void {
    const t = this.stores[a];
    this.stores[a] = this.stores[b];
    this.stores[b] = t;
  }
  commit(position?: ReplicationPosition | null): void {
    this.commits++;
    if (position === null) this.position = undefined;
    else if (position !== undefined) this.position = { ...position };
  }
  committedPosition(): ReplicationPosition | undefined {
    return this.position;
  }
}
