/**
 * The used-memory figure maxmemory compares against: a fixed baseline (the process's heap and
 * external memory when the server was built) plus an estimate of the dataset, kept per key and
 * brought up to date incrementally. Every key the keyspace reports as modified (commands, the
 * master's stream, expiry, evictions, loads) is marked dirty and re-estimated the next time the
 * figure is read; a flushed or swapped database is re-estimated whole.
 *
 * A key's estimate is MEMORY USAGE's (what redis-server would use for it: dict entry, key sds,
 * object and encoding) plus an expires entry when it has a TTL. Collections above
 * SMALL_COLLECTION elements are measured once and then scaled by their element count until the
 * count doubles or halves, so a large collection growing one element at a time costs O(1)
 * amortised per write.
 *
 * Not counted, as in Redis's freeMemoryGetNotCountedMemory: the replication backlog and the
 * replicas' output buffers; also not counted here: normal clients' buffers, the Lua heap and the
 * JS engine's own overhead beyond the baseline (the figure moves with the data only, so eviction
 * is deterministic for a given dataset).
 */
import { type Keyspace, toPlain } from '@replikit/keyspace';
import { encodingOf } from '@replikit/keyspace/internal';
import { memoryUsage } from '../introspection/memory-usage';

/** the expires dict entry of a key with a TTL */
const EXPIRE_ENTRY = 24;
/** collections up to this many elements are measured exactly on every change */
const SMALL_COLLECTION = 128;

interface Scaled {
  /** bytes of the value (without the key) when measured */
  bytes: number;
  /** element count when measured */
  at: number;
}

export class MemoryAccounting {
  private readonly sizes: Map<string, number>[] = [];
  private readonly scaled: Map<string, Scaled>[] = [];
  private readonly dirty: Set<string>[] = [];
  private readonly rescan: boolean[] = [];
  private anyDirty = false;
  private dataset = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly keyspace: Keyspace,
    /** bytes counted whatever the dataset */
    readonly baseline: number,
  ) {
    for (let i = 0; i < keyspace.databases; i++) {
      this.sizes.push(new Map());
      this.scaled.push(new Map());
      this.dirty.push(new Set());
      this.rescan.push(true);
    }
  }

  get enabled(): boolean {
    return this.unsubscribe !== undefined;
  }

  /** Starts tracking (every database is estimated on the next read). */
  enable(): void {
    if (this.unsubscribe !== undefined) return;
    this.unsubscribe = this.keyspace.onKeyModified((db, key) => {
      if (key === null) this.rescan[db] = true;
      else if (!this.rescan[db]) this.dirty[db].add(key);
      this.anyDirty = true;
    });
    this.rescan.fill(true);
    this.anyDirty = true;
  }

  /** Stops tracking and drops the per-key table. */
  disable(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (let i = 0; i < this.sizes.length; i++) {
      this.sizes[i].clear();
      this.scaled[i].clear();
      this.dirty[i].clear();
    }
    this.dataset = 0;
  }

  /** The dataset estimate in bytes, up to date. */
  datasetBytes(): number {
    if (this.anyDirty) this.settle();
    return this.dataset;
  }

  /** baseline + dataset: the figure compared with maxmemory (and INFO used_memory while tracking). */
  used(): number {
    return this.baseline + this.datasetBytes();
  }

  private settle(): void {
    this.anyDirty = false;
    for (let db = 0; db < this.sizes.length; db++) {
      if (this.rescan[db]) {
        this.rescan[db] = false;
        this.dirty[db].clear();
        this.rescanDb(db);
        continue;
      }
      const d = this.dirty[db];
      if (d.size === 0) continue;
      for (const key of d) this.update(db, key);
      d.clear();
    }
  }

  private rescanDb(db: number): void {
    const sizes = this.sizes[db];
    for (const n of sizes.values()) this.dataset -= n;
    sizes.clear();
    this.scaled[db].clear();
    const d = this.keyspace.database(db);
    const it = d.keys();
    for (let r = it.next(); !r.done; r = it.next()) this.update(db, r.value);
  }

  private update(db: number, key: string): void {
    const sizes = this.sizes[db];
    const old = sizes.get(key);
    if (old !== undefined) this.dataset -= old;
    const now = this.estimate(db, key);
    if (now === undefined) {
      sizes.delete(key);
      this.scaled[db].delete(key);
      return;
    }
    sizes.set(key, now);
    this.dataset += now;
  }

  /** The estimate of one key, or undefined when it does not exist. */
  estimate(db: number, key: string): number | undefined {
    const found = this.keyspace.peek(db, key);
    if (found === undefined) return undefined;
    const v = found.value;
    const ttl = found.expireAt >= 0 ? EXPIRE_ENTRY : 0;
    const encoding = encodingOf(this.keyspace.database(db), key, v);
    if (typeof v === 'string' || v.size <= SMALL_COLLECTION) {
      this.scaled[db].delete(key);
      return memoryUsage(key, toPlain(v), encoding, 5) + ttl;
    }
    const keyOnly = memoryUsage(key, { type: 'string', value: '' }, 'int', 5);
    const sc = this.scaled[db];
    let s = sc.get(key);
    if (s === undefined || v.size >= s.at * 2 || v.size * 2 <= s.at) {
      s = { bytes: memoryUsage(key, toPlain(v), encoding, 5) - keyOnly, at: v.size };
      sc.set(key, s);
    }
    return keyOnly + Math.floor((s.bytes * v.size) / s.at) + ttl;
  }

  close(): void {
    this.disable();
  }
}
