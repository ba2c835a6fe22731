/**
 * The `Db` commands see: one database over a DbStore, with Redis's expiry rules, snapshot
 * copy-on-write hooks, WATCH versions and write notifications.
 */
import type { BinaryString, CollectionValue, Db, StoredValue } from './command-api';
import { type KeyspaceEventListener, NOTIFY_KEY_MISS, NOTIFY_NEW } from './notify';
import type { DbStore } from './storage/adapter';
import type { AccessClock } from './eviction/access-clock';
import { MemoryDbStore } from './storage/memory-adapter';
import { SLAB_MAX_VALUE } from './storage/string-slab';
import { MutableString } from './types/mutable-string';

/**
 * Strings at least this long are edited in place as a MutableString by the byte-editing commands
 * (lookupBytesWrite). Shorter ones are copied on each edit (cheap at this size) and stay compact
 * strings, which the in-memory store keeps off the JS heap.
 */
const IN_PLACE_MIN = SLAB_MAX_VALUE + 1;

/** A value as read from a store: a MutableString where a byte-editing command left one. */
export type RawValue = StoredValue | MutableString;

/** A raw value as a snapshot sees it: a MutableString becomes its string (not kept, see readOnce). */
export function exposed(v: RawValue): StoredValue {
  return v instanceof MutableString ? v.readOnce() : v;
}

/** What a Db needs from the keyspace that owns it. */
export interface DbHost {
  /** the current command's time (unix ms) */
  readonly now: number;
  /**
   * The time key expiry is judged at (unix ms): `now`, except inside a script, where Redis 7.0
   * stops the clock for expiry at the script's start so a key cannot vanish between two reads.
   */
  readonly expireNow: number;
  readonly role: 'master' | 'replica';
  /** the current command comes from our master: nothing is expired */
  readonly fromMaster: boolean;
  /** a master expired `key` on access: propagate the DEL, notify listeners */
  lazyExpired(db: DbImpl, key: BinaryString): void;
  /**
   * `key` was modified (or may be, for lookupWrite). `value`: a collection the command holds
   * and may mutate in place (lookupWrite's, or one it stored with setValue: the store gets it back
   * through DbStore.changed after the command); null when the store itself was written with a
   * string or a delete; undefined for TTL changes.
   */
  modified(db: DbImpl, key: BinaryString, maybe: boolean, value?: CollectionValue | null): void;
  /** true when modified() must be called (listeners, watched keys or adapter notifications) */
  readonly tracking: boolean;
  /** lookupRead counts keyspace_hits/misses (false inside write commands: lookupKeyWrite) */
  readonly countReads: boolean;
  /** INFO counters (keyspace_hits/misses, expired_keys) */
  readonly stats: KeyspaceStatsCounters;
  /** keyspace notifications (`keymiss`, `new`): null while nobody listens */
  readonly eventListener: KeyspaceEventListener | null;
  /** the current command raises `keymiss` on read misses (OBJECT does not: LOOKUP_NONOTIFY) */
  readonly keyMissEvents: boolean;
  /** the LRU/LFU side table while a policy needs it, null for commands that must not touch (LOOKUP_NOTOUCH) */
  readonly access: AccessClock | null;
  /** the same table for every command (stores and deletes keep it in step) */
  readonly accessClock: AccessClock | null;
}

/**
 * The keyspace's INFO counters, plain numbers bumped in place (no allocation per command).
 * Monotonic: CONFIG RESETSTAT is the reader's business (keep a base and subtract).
 */
export interface KeyspaceStatsCounters {
  /** `keyspace_hits`: read lookups (lookupKeyRead) that found the key */
  keyspaceHits: number;
  /** `keyspace_misses`: read lookups that found nothing (missing or expired) */
  keyspaceMisses: number;
  /** `expired_keys`: keys a master deleted because their TTL passed (on access and by the active cycle) */
  expiredKeys: number;
  /** server.dirty: changes made by executed commands (MSET a 1 b 2 = 2); never reset here */
  dirty: number;
}

/** A snapshot's copy-on-write hook on one database. */
export interface SnapshotObserver {
  /** called before the first change to `key`'s value or TTL since the observer was attached */
  beforeWrite(store: DbStore, key: BinaryString): void;
}

interface WatchEntry {
  version: number;
  refs: number;
}

export class DbImpl implements Db {
  observers: SnapshotObserver[] | null = null;
  /** WATCHed keys of this db index (keyVersion) */
  readonly watched = new Map<BinaryString, WatchEntry>();
  /** non-default string encodings (see Db.stringEncoding) */
  stringEnc: Map<BinaryString, 'raw' | 'embstr'> | null = null;

  constructor(
    readonly index: number,
    public store: DbStore,
    private readonly host: DbHost,
  ) {}

  private expiredNow(key: BinaryString): boolean {
    const at = this.store.getExpire(key);
    return at !== undefined && this.host.expireNow > at;
  }

  lookupRead(key: BinaryString): StoredValue | undefined {
    const v = this.lookupReadBytes(key);
    return v instanceof MutableString ? v.toString() : v;
  }

  /**
   * lookupRead for the commands that read a string's bytes (GETBIT, BITCOUNT, BITPOS, PFCOUNT):
   * a MutableString is returned as it is, not as its string.
   */
  lookupReadBytes(key: BinaryString): RawValue | undefined {
    const v = this.readRaw(key);
    if (v !== undefined && this.host.access !== null) this.host.access.touch(this.store, key, this.host.now);
    if (!this.host.countReads) return v;
    if (v === undefined) {
      this.host.stats.keyspaceMisses++;
      if (this.host.eventListener !== null && this.host.keyMissEvents) this.host.eventListener(NOTIFY_KEY_MISS, 'keymiss', this.index, key);
    } else this.host.stats.keyspaceHits++;
    return v;
  }

  lookupReadNoStats(key: BinaryString): StoredValue | undefined {
    const v = this.readRaw(key);
    return v instanceof MutableString ? v.toString() : v;
  }

  private readRaw(key: BinaryString): RawValue | undefined {
    const store = this.store;
    const v = store.get(key) as RawValue | undefined;
    if (v === undefined || store.expiresSize() === 0) return v;
    const at = store.getExpire(key);
    if (at === undefined || this.host.expireNow <= at) return v;
    const host = this.host;
    if (host.fromMaster) return v;
    if (host.role === 'replica') return undefined;
    this.expire(key);
    return undefined;
  }

  /**
   * The expiry step of a write lookup: a logically expired key is removed (a master expires it and
   * propagates the DEL, a writable replica drops it locally) and the lookup answers "no key". Writes
   * from the master see the key as it is: the master decides when it expires.
   */
  private expiredOnWrite(key: BinaryString): boolean {
    const at = this.store.getExpire(key);
    if (at === undefined || this.host.expireNow <= at || this.host.fromMaster) return false;
    if (this.host.role === 'replica') this.rawDelete(key);
    else this.expire(key);
    return true;
  }

  lookupWrite(key: BinaryString): StoredValue | undefined {
    const store = this.store;
    let v = store.get(key) as RawValue | undefined;
    if (v === undefined) return undefined;
    if (store.expiresSize() !== 0 && this.expiredOnWrite(key)) return undefined;
    if (this.host.access !== null) this.host.access.touch(store, key, this.host.now);
    if (typeof v !== 'string') {
      // a string is replaced through setValue, which saves it for snapshots then
      if (v instanceof MutableString) return v.toString();
      if (this.observers !== null) {
        this.cow(key);
        v = store.get(key) as CollectionValue;
      }
      if (this.host.tracking) this.host.modified(this, key, true, v);
    }
    return v;
  }

  /**
   * lookupWrite for the commands that edit a string's bytes (SETBIT, BITFIELD, PFADD, SETRANGE,
   * APPEND): the key's string as a MutableString to edit, a collection (the caller answers
   * WRONGTYPE), or undefined. A string of IN_PLACE_MIN bytes or more, in a store that keeps values
   * as given (the in-memory one), is replaced by its MutableString, which later calls edit in
   * place without copying the value; otherwise the MutableString is a copy that bytesWritten
   * stores back as a string. Open snapshots save the old value here, before the caller edits it.
   * After changing it, call bytesWritten.
   */
  lookupBytesWrite(key: BinaryString): MutableString | CollectionValue | undefined {
    const store = this.store;
    const v = store.get(key) as RawValue | undefined;
    if (v === undefined) return undefined;
    if (store.expiresSize() !== 0 && this.expiredOnWrite(key)) return undefined;
    if (this.host.access !== null) this.host.access.touch(store, key, this.host.now);
    if (v instanceof MutableString) {
      if (this.observers !== null) this.cow(key);
      return v;
    }
    if (typeof v !== 'string') return v;
    const inPlace = v.length >= IN_PLACE_MIN && store instanceof MemoryDbStore;
    const m = MutableString.from(v, inPlace);
    if (inPlace) {
      if (this.observers !== null) this.cow(key);
      store.set(key, m as unknown as StoredValue);
    }
    return m;
  }

  /**
   * After an edit of lookupBytesWrite's MutableString, or of a new one for a missing key: stores it
   * if it is not stored yet (TTL kept) and reports the change (WATCH, listeners). Like an unshared
   * sds string in Redis, the value is `raw` encoded whatever its content.
   */
  bytesWritten(key: BinaryString, m: MutableString): void {
    const store = this.store;
    if ((store.get(key) as RawValue | undefined) === m) {
      if (this.host.tracking) this.host.modified(this, key, false, null);
    } else if (m.length >= IN_PLACE_MIN && store instanceof MemoryDbStore) {
      this.setValue(key, m, true);
    } else {
      this.setValue(key, m.toString(), true);
      this.setStringEncoding(key, 'raw');
    }
  }

  setValue(key: BinaryString, value: StoredValue | MutableString, keepTtl?: boolean): void {
    if (this.observers !== null) this.cow(key);
    const store = this.store;
    // dbAdd's `new` event, before the command's own
    if (this.host.eventListener !== null && store.get(key) === undefined) this.host.eventListener(NOTIFY_NEW, 'new', this.index, key);
    store.set(key, value as StoredValue);
    if (this.host.accessClock !== null) this.host.accessClock.stored(store, key, this.host.now);
    if (!keepTtl && store.expiresSize() !== 0) store.deleteExpire(key);
    if (this.stringEnc !== null) this.stringEnc.delete(key);
    // a collection may still be filled in by the command after it was stored: it goes back to the store too
    if (this.host.tracking) this.host.modified(this, key, false, typeof value === 'string' || value instanceof MutableString ? null : value);
  }

  delete(key: BinaryString): boolean {
    if (this.store.get(key) === undefined) return false;
    if (this.expiredNow(key) && !this.host.fromMaster) {
      if (this.host.role === 'master') this.expire(key);
      else this.rawDelete(key);
      return false;
    }
    this.rawDelete(key);
    return true;
  }

  /** Deletes without expiry logic (the active expiry cycle, a replica's forced delete). */
  rawDelete(key: BinaryString): boolean {
    if (this.observers !== null) this.cow(key);
    if (!this.store.delete(key)) return false;
    if (this.host.accessClock !== null) this.host.accessClock.deleted(this.store, key);
    if (this.stringEnc !== null) this.stringEnc.delete(key);
    if (this.host.tracking) this.host.modified(this, key, false, null);
    return true;
  }

  /** Deletes an expired key on a master and propagates the DEL (expireIfNeeded). */
  expire(key: BinaryString): void {
    this.rawDelete(key);
    this.host.stats.expiredKeys++;
    this.host.lazyExpired(this, key);
  }

  getExpire(key: BinaryString): number {
    return this.store.getExpire(key) ?? -1;
  }

  setExpire(key: BinaryString, atMs: number): void {
    if (this.observers !== null) this.cow(key);
    this.store.setExpire(key, atMs);
    if (this.host.tracking) this.host.modified(this, key, false);
  }

  removeExpire(key: BinaryString): boolean {
    if (this.store.getExpire(key) === undefined) return false;
    if (this.observers !== null) this.cow(key);
    this.store.deleteExpire(key);
    if (this.host.tracking) this.host.modified(this, key, false);
    return true;
  }

  size(): number {
    return this.store.size();
  }

  expiresSize(): number {
    return this.store.expiresSize();
  }

  exists(key: BinaryString): boolean {
    return this.readRaw(key) !== undefined;
  }

  isExpired(key: BinaryString): boolean {
    return this.store.get(key) !== undefined && this.expiredNow(key);
  }

  keys(): Iterator<BinaryString> {
    return this.store.keys();
  }

  randomKey(): BinaryString | undefined {
    return this.store.randomKey();
  }

  peek(key: BinaryString): StoredValue | undefined {
    const v = this.store.get(key) as RawValue | undefined;
    return v instanceof MutableString ? v.toString() : v;
  }

  stringEncoding(key: BinaryString): 'raw' | 'embstr' | undefined {
    const e = this.stringEnc === null ? undefined : this.stringEnc.get(key);
    if (e !== undefined) return e;
    // a string edited in place is always raw (an unshared sds in Redis)
    return (this.store.get(key) as RawValue | undefined) instanceof MutableString ? 'raw' : undefined;
  }

  setStringEncoding(key: BinaryString, encoding: 'raw' | 'embstr'): void {
    if (this.stringEnc === null) this.stringEnc = new Map();
    this.stringEnc.set(key, encoding);
  }

  /** Removes every key (FLUSHDB); snapshot observers keep the old contents through their pinned iterators. */
  clear(): void {
    this.observers = null;
    if (this.host.accessClock !== null) this.host.accessClock.cleared(this.store);
    this.store.clear();
    this.stringEnc = null;
  }

  private cow(key: BinaryString): void {
    const obs = this.observers;
    if (obs === null) return;
    for (let i = 0; i < obs.length; i++) obs[i].beforeWrite(this.store, key);
  }

  addObserver(o: SnapshotObserver): void {
    if (this.observers === null) this.observers = [o];
    else this.observers.push(o);
  }

  removeObserver(o: SnapshotObserver): void {
    if (this.observers === null) return;
    const i = this.observers.indexOf(o);
    if (i >= 0) this.observers.splice(i, 1);
    if (this.observers.length === 0) this.observers = null;
  }

  /** WATCH: the version of `key` (changes on every modification; odd when logically expired now). */
  keyVersion(key: BinaryString, now: number): number {
    let e = this.watched.get(key);
    if (!e) {
      e = { version: 0, refs: 0 };
      this.watched.set(key, e);
    }
    e.refs++;
    const at = this.store.get(key) === undefined ? undefined : this.store.getExpire(key);
    return e.version * 2 + (at !== undefined && now > at ? 1 : 0);
  }

  releaseKeyVersion(key: BinaryString): void {
    const e = this.watched.get(key);
    if (e && --e.refs <= 0) this.watched.delete(key);
  }

  bumpVersion(key: BinaryString): void {
    const e = this.watched.get(key);
    if (e) e.version++;
  }

  /** FLUSHDB/SWAPDB: bump every watched key (existing ones, like touchAllWatchedKeysInDb). */
  bumpAllVersions(other?: DbImpl): void {
    for (const [k, e] of this.watched) {
      if (this.store.get(k) !== undefined || (other && other.store.get(k) !== undefined)) e.version++;
    }
  }
}

/** A deep copy of a stored value (strings are immutable and shared; a MutableString gives its string). */
export function cloneValue(v: RawValue): StoredValue {
  if (typeof v === 'string') return v;
  return v instanceof MutableString ? v.readOnce() : v.clone();
}
