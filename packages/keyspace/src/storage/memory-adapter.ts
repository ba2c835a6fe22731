/**
 * The default in-memory adapter: one hash table per database for keys and values (KeyTable: keys
 * and short string values in off-heap slabs, see key-table.ts) and a Map for the keys that have a
 * TTL (like Redis's `dict` + `expires`). This is the fast path.
 *
 * Snapshot support: while a pinned iterator is open on a table, deletes leave a tombstone in place
 * (the entry keeps its key and position, so the iterator still sees it); tombstones are purged when
 * the last pinned iterator on the table closes. clear() with pinned iterators open swaps in a fresh
 * table in O(1): they keep walking the old one, live key iterators on it end.
 */

import { binarySlice } from '@replikit/resp/internal';
import type { BinaryString, StoredValue } from '../command-api';
import type { DbStore, PinnedEntry, PinnedIterator, StorageAdapter } from './adapter';
import { hashKey, hashKeyBytes, KeyTable } from './key-table';
import { SLAB_BYTES } from './string-slab';

/**
 * A DbStore a bulk loader (the RDB loader's string records) may write from bytes, without making a
 * JS string per key and value. MemoryDbStore is one; the loader uses these methods only through
 * Keyspace.directLoadStore, i.e. when nothing else must see the writes.
 */
export interface BytesLoadStore extends DbStore {
  /** Room for `keys` more keys at once (an RDB's RESIZEDB hint), so the load grows nothing. */
  reserve(keys: number): void;
  /**
   * set() of the string whose latin1 bytes are `value[valueStart, valueEnd)` under the key whose
   * bytes are `key[keyStart, keyEnd)`, and its TTL: `expireAt` absolute unix ms, or -1 for none (a
   * TTL the key had is removed). The same result as set(binary key, binary value) plus
   * setExpire/deleteExpire. The buffers are not kept.
   */
  setStringBytes(key: Buffer, keyStart: number, keyEnd: number, value: Buffer, valueStart: number, valueEnd: number, expireAt: number): void;
}

/**
 * Receives the entries of a pinned iterator's nextRecords(). The Buffers are the store's own memory,
 * valid only during the call: read (copy, encode) the bytes before returning.
 */
export interface PinnedRecordVisitor {
  /** A string value held as bytes: key `kb[ks, ke)`, value `vb[vs, ve)` (latin1), TTL absolute unix ms or -1. */
  record(kb: Buffer, ks: number, ke: number, vb: Buffer, vs: number, ve: number, expireAt: number): void;
  /** Any other entry, as next() would yield it (`value` undefined: deleted since the iterator opened). */
  entry(key: BinaryString, value: StoredValue | undefined, expireAt: number): void;
}

/** A pinned iterator that can hand out string entries as bytes (no JS string per key or value). */
export interface RecordsPinnedIterator extends PinnedIterator {
  /** next(max), the entries handed to `v` instead of returned; how many it handed (0: done). */
  nextRecords(max: number, v: PinnedRecordVisitor): number;
}

/** True when `it` has nextRecords. */
export function hasPinnedRecords(it: PinnedIterator): it is RecordsPinnedIterator {
  return typeof (it as Partial<RecordsPinnedIterator>).nextRecords === 'function';
}

class Table extends KeyTable {
  readonly expires = new Map<BinaryString, number>();
  /** entries deleted while pinned (some may have been re-set since) */
  tombstones: number[] = [];
  /** tombstones currently in place */
  tombCount = 0;
}

export class MemoryDbStore implements BytesLoadStore {
  private t = new Table();

  reserve(keys: number): void {
    this.t.reserve(keys);
  }

  /**
   * reserve(keys) and slabs for about `slabBytes` of key and value records (slabBytes() of the store
   * that was saved), made ahead of a bulk load on memory from `memory` (zero-filled: a
   * SharedArrayBuffer, say, whose pages another thread faults in while the load writes). The memory
   * in the order the load fills it: the entry records spread over the load, the slabs one after the
   * other. releaseSpareSlabs() after the load forgets the slabs it left unused.
   */
  reserveForLoad(keys: number, slabBytes: number, memory: (bytes: number) => ArrayBufferLike): { entries: ArrayBufferLike | undefined; slabs: ArrayBufferLike[] } {
    const entries = keys > 0 ? this.t.reserve(keys, memory) : undefined;
    const slabs = slabBytes > 0 ? this.t.slab.reserveSlabs(Math.ceil(slabBytes / SLAB_BYTES), memory) : [];
    return { entries, slabs };
  }

  /** Forgets the slabs reserveForLoad made that are not in use. */
  releaseSpareSlabs(): void {
    this.t.slab.releaseSpareSlabs();
  }

  /** Bytes of key and value records in slabs (the size hint for reserveForLoad when this is loaded again). */
  slabBytes(): number {
    return this.t.slab.live;
  }

  setStringBytes(key: Buffer, keyStart: number, keyEnd: number, value: Buffer, valueStart: number, valueEnd: number, expireAt: number): void {
    const t = this.t;
    const h = hashKeyBytes(key, keyStart, keyEnd);
    const i = t.findBytes(key, keyStart, keyEnd, h);
    if (i < 0) {
      // a new key: straight into the slab records (the common case of a load into an empty db)
      t.insertBytes(key, keyStart, keyEnd, h, value, valueStart, valueEnd);
      if (expireAt >= 0) t.expires.set(binarySlice(key, keyStart, keyEnd), expireAt);
      return;
    }
    // a key set again (a log replayed over a base): its value replaced from the bytes, as set() would
    if (t.isTombstone(i)) t.tombCount--;
    t.setValueBytes(i, value, valueStart, valueEnd);
    t.maybeCompactSlab();
    if (expireAt >= 0) t.expires.set(binarySlice(key, keyStart, keyEnd), expireAt);
    else if (t.expires.size !== 0) t.expires.delete(binarySlice(key, keyStart, keyEnd));
  }

  get(key: BinaryString): StoredValue | undefined {
    const t = this.t;
    const i = t.find(key, hashKey(key));
    return i < 0 ? undefined : t.valueAt(i);
  }

  set(key: BinaryString, value: StoredValue): void {
    const t = this.t;
    const h = hashKey(key);
    const i = t.find(key, h);
    if (i < 0) {
      t.insert(key, h, value);
      return;
    }
    if (t.isTombstone(i)) t.tombCount--;
    t.setValue(i, value);
    t.maybeCompactSlab();
  }

  delete(key: BinaryString): boolean {
    const t = this.t;
    const i = t.find(key, hashKey(key));
    if (i < 0 || t.isTombstone(i)) return false;
    if (t.pinned === 0) {
      t.remove(i);
      t.maybeSqueeze();
    } else {
      t.clearValue(i);
      t.tombstones.push(i);
      t.tombCount++;
    }
    if (t.expires.size !== 0) t.expires.delete(key);
    t.maybeCompactSlab();
    return true;
  }

  /** Bytes held off the JS heap (slabs and table columns, allocated, used or not). */
  offHeapBytes(): number {
    return this.t.allocated;
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
    return this.t.count - this.t.tombCount;
  }

  expiresSize(): number {
    return this.t.expires.size;
  }

  *keys(): Iterator<BinaryString> {
    const t = this.t;
    const c = t.cursor();
    while (!t.cleared && c.pos < t.used) {
      const i = c.pos++;
      if (!t.isHole(i) && !t.isTombstone(i)) yield t.keyAt(i);
    }
  }

  expireKeys(): Iterator<BinaryString> {
    return this.t.expires.keys();
  }

  randomKey(): BinaryString | undefined {
    const t = this.t;
    if (this.size() === 0) return undefined;
    for (;;) {
      const i = t.randomEntry();
      if (i < 0) return undefined;
      if (!t.isTombstone(i)) return t.keyAt(i);
      // a tombstone: only while pinned; fall back to the first live entry after it
      for (let k = 1; k < t.used; k++) {
        const j = (i + k) % t.used;
        if (!t.isHole(j) && !t.isTombstone(j)) return t.keyAt(j);
      }
      return undefined;
    }
  }

  pinnedEntries(): RecordsPinnedIterator {
    const t = this.t;
    t.pinned++;
    const c = t.cursor();
    let open = true;
    let done = false;
    const close = () => {
      if (!open) return;
      open = false;
      t.pinned--;
      if (t.pinned === 0 && t.tombstones.length !== 0) {
        for (const i of t.tombstones) if (!t.isHole(i) && t.isTombstone(i)) t.remove(i);
        t.tombstones = [];
        t.tombCount = 0;
        t.maybeSqueeze();
        t.maybeCompactSlab();
      }
    };
    return {
      next(max: number): PinnedEntry[] {
        const out: PinnedEntry[] = [];
        if (!open || done) return out;
        while (out.length < max) {
          if (c.pos >= t.used) {
            // like a Map iterator: once at the end it stays done, whatever is added later
            done = true;
            break;
          }
          const i = c.pos++;
          if (t.isHole(i)) continue;
          const key = t.keyAt(i);
          const value = t.valueAt(i);
          if (value === undefined) out.push({ key, value: undefined, expireAt: -1 });
          else out.push({ key, value, expireAt: t.expires.size === 0 ? -1 : (t.expires.get(key) ?? -1) });
        }
        return out;
      },
      nextRecords(max: number, v: PinnedRecordVisitor): number {
        let n = 0;
        if (!open || done) return 0;
        while (n < max) {
          if (c.pos >= t.used) {
            done = true;
            break;
          }
          const i = c.pos++;
          if (t.isHole(i)) continue;
          n++;
          const kr = t.keyRef(i);
          const vr = t.valueRef(i);
          if (kr >= 0 && vr >= 0) {
            // both slab records: the bytes go out as they are; a key string only for the TTL lookup
            const s = t.slab;
            const ks = s.recordStart(kr);
            const vs = s.recordStart(vr);
            const exp = t.expires.size === 0 ? -1 : (t.expires.get(t.keyAt(i)) ?? -1);
            v.record(s.bufferOf(kr), ks, ks + s.recordLength(kr), s.bufferOf(vr), vs, vs + s.recordLength(vr), exp);
            continue;
          }
          const key = t.keyAt(i);
          const value = t.valueAt(i);
          if (value === undefined) v.entry(key, undefined, -1);
          else v.entry(key, value, t.expires.size === 0 ? -1 : (t.expires.get(key) ?? -1));
        }
        return n;
      },
      close,
    };
  }

  clear(): void {
    const t = this.t;
    if (t.pinned !== 0) {
      t.cleared = true;
      this.t = new Table();
      return;
    }
    t.reset();
    t.expires.clear();
    t.tombstones = [];
    t.tombCount = 0;
  }
}

/** The default adapter: hash tables in this process. */
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
