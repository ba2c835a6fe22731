/**
 * A storage adapter that wraps another one and records every change: a minimal change-data-capture
 * sink, and the second adapter the conformance suite runs on. It shows that an adapter sees every
 * write (set/delete/expire/clear/swap and in-place collection changes through `changed`).
 */
import type { BinaryString, CollectionValue, StoredValue } from '../command-api';
import type { DbStore, PinnedIterator, ReplicationPosition, StorageAdapter } from './adapter';
import { MemoryStorageAdapter } from './memory-adapter';

export type StorageChange =
  | { op: 'set'; db: number; key: BinaryString; value: StoredValue }
  | { op: 'changed'; db: number; key: BinaryString; value: CollectionValue }
  | { op: 'delete'; db: number; key: BinaryString }
  | { op: 'expire'; db: number; key: BinaryString; at: number }
  | { op: 'persist'; db: number; key: BinaryString }
  | { op: 'clear'; db: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'commit'; position: ReplicationPosition | null | undefined };

class RecordingDbStore implements DbStore {
  constructor(
    private readonly inner: DbStore,
    private readonly owner: RecordingStorageAdapter,
  ) {}
  private get index(): number {
    return this.owner.indexOf(this);
  }
  get(key: BinaryString) {
    return this.inner.get(key);
  }
  set(key: BinaryString, value: StoredValue) {
    this.owner.log.push({ op: 'set', db: this.index, key, value });
    this.inner.set(key, value);
  }
  delete(key: BinaryString) {
    const had = this.inner.delete(key);
    if (had) this.owner.log.push({ op: 'delete', db: this.index, key });
    return had;
  }
  getExpire(key: BinaryString) {
    return this.inner.getExpire(key);
  }
  setExpire(key: BinaryString, at: number) {
    this.owner.log.push({ op: 'expire', db: this.index, key, at });
    this.inner.setExpire(key, at);
  }
  deleteExpire(key: BinaryString) {
    const had = this.inner.deleteExpire(key);
    if (had) this.owner.log.push({ op: 'persist', db: this.index, key });
    return had;
  }
  size() {
    return this.inner.size();
  }
  expiresSize() {
    return this.inner.expiresSize();
  }
  keys() {
    return this.inner.keys();
  }
  expireKeys() {
    return this.inner.expireKeys();
  }
  randomKey() {
    return this.inner.randomKey();
  }
  pinnedEntries(): PinnedIterator {
    return this.inner.pinnedEntries();
  }
  clear() {
    this.owner.log.push({ op: 'clear', db: this.index });
    this.inner.clear();
  }
  changed(key: BinaryString, value: CollectionValue) {
    this.owner.log.push({ op: 'changed', db: this.index, key, value });
    this.inner.changed?.(key, value);
  }
}

export class RecordingStorageAdapter implements StorageAdapter {
  /** every change, in order (clear it whenever you like) */
  log: StorageChange[] = [];
  private readonly stores: RecordingDbStore[] = [];
  private readonly inner: StorageAdapter;

  /** present when the wrapped adapter has commit points; each is logged as `commit` */
  readonly commit?: (position?: ReplicationPosition | null) => void;
  readonly committedPosition?: () => ReplicationPosition | undefined;

  constructor(inner?: StorageAdapter, databases = 16) {
    this.inner = inner ?? new MemoryStorageAdapter(databases);
    const wrapped = this.inner;
    if (wrapped.commit !== undefined) {
      this.commit = (position) => {
        this.log.push({ op: 'commit', position });
        wrapped.commit?.(position);
      };
    }
    if (wrapped.committedPosition !== undefined) this.committedPosition = () => wrapped.committedPosition?.();
    for (let i = 0; i < this.inner.databases; i++) this.stores.push(new RecordingDbStore(this.inner.db(i), this));
  }
  get databases(): number {
    return this.inner.databases;
  }
  db(index: number): DbStore {
    return this.stores[index];
  }
  indexOf(store: RecordingDbStore): number {
    return this.stores.indexOf(store);
  }
  swap(a: number, b: number): void {
    this.log.push({ op: 'swap', a, b });
    this.inner.swap(a, b);
    const t = this.stores[a];
    this.stores[a] = this.stores[b];
    this.stores[b] = t;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  close(): void {
    this.inner.close?.();
  }
}
