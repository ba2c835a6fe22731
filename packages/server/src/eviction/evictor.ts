/**
 * performEvictions: while used memory is above `maxmemory`, evicts keys chosen by
 * `maxmemory-policy`. The LRU, LFU and volatile-ttl policies refill a pool of the 16 best
 * candidates from `maxmemory-samples` keys sampled in every database and evict the best one
 * still present; the random policies take a random key, visiting databases in turn. Each
 * eviction is propagated as DEL (UNLINK with lazyfree-lazy-eviction) and raises `evicted`.
 * A pass stops after the time `maxmemory-eviction-tenacity` allows (checked every 16 keys);
 * later commands continue it (redis-server continues it from a timer as well).
 */
import type { Keyspace } from '@replikit/keyspace';
import type { MemoryAccounting } from './memory-accounting';

export type MaxmemoryPolicy =
  | 'volatile-lru'
  | 'volatile-lfu'
  | 'volatile-random'
  | 'volatile-ttl'
  | 'allkeys-lru'
  | 'allkeys-lfu'
  | 'allkeys-random'
  | 'noeviction';

export type EvictResult = 'ok' | 'running' | 'fail';

export interface EvictorSettings {
  maxmemory: number;
  policy: MaxmemoryPolicy;
  samples: number;
  tenacity: number;
  lazy: boolean;
}

/** EVPOOL_SIZE */
export const EVICTION_POOL_SIZE = 16;

interface PoolEntry {
  score: number;
  db: number;
  key: string;
}

/** evictionTimeLimitUs: the time one pass may take, in microseconds. */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return Math.floor(500 * 1.15 ** (tenacity - 10));
  return Number.POSITIVE_INFINITY;
}

/** The access tracking a policy needs: 'lru', 'lfu' or none. */
export function accessPolicyOf(policy: MaxmemoryPolicy): 'lru' | 'lfu' | null {
  if (policy.endsWith('-lru')) return 'lru';
  if (policy.endsWith('-lfu')) return 'lfu';
  return null;
}

export class Evictor {
  /** best candidates, sorted by ascending score (the last one goes first) */
  private pool: PoolEntry[] = [];
  private nextDb = 0;
  private readonly sampleBuf: string[] = [];
  /** INFO evicted_keys */
  evictedKeys = 0;
  /** INFO total_eviction_exceeded_time (ms, finished periods) */
  private exceededTotalMs = 0;
  /** start of the current period over the limit (performance.now()), or -1 */
  private exceededSince = -1;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly accounting: MemoryAccounting,
    readonly settings: EvictorSettings,
  ) {}

  /** INFO total_eviction_exceeded_time in ms, the current period included. */
  get totalExceededMs(): number {
    return this.exceededTotalMs + this.currentExceededMs;
  }

  /** INFO current_eviction_exceeded_time in ms. */
  get currentExceededMs(): number {
    return this.exceededSince < 0 ? 0 : Math.floor(performance.now() - this.exceededSince);
  }

  resetStats(): void {
    this.evictedKeys = 0;
    this.exceededTotalMs = 0;
    if (this.exceededSince >= 0) this.exceededSince = performance.now();
  }

  /** The pool is dropped when the policy changes (its scores mean something else). */
  policyChanged(): void {
    this.pool = [];
  }

  /** Bytes over the limit (0 when under it or without a limit). */
  overLimit(): number {
    const max = this.settings.maxmemory;
    if (max <= 0) return 0;
    const used = this.accounting.used();
    return used > max ? used - max : 0;
  }

  /** One pass; `ok` when memory is under the limit afterwards (or there is no limit). */
  perform(): EvictResult {
    const result = this.run();
    if (result === 'ok') {
      if (this.exceededSince >= 0) {
        this.exceededTotalMs += performance.now() - this.exceededSince;
        this.exceededSince = -1;
      }
    } else if (this.exceededSince < 0) this.exceededSince = performance.now();
    return result;
  }

  private run(): EvictResult {
    if (this.overLimit() === 0) return 'ok';
    const s = this.settings;
    if (s.policy === 'noeviction') return 'fail';
    const limitUs = evictionTimeLimitUs(s.tenacity);
    const start = performance.now();
    let freed = 0;
    for (;;) {
      const pick = this.pick();
      if (pick === undefined) return 'fail';
      if (this.keyspace.eviction.evict(pick.db, pick.key, s.lazy)) {
        this.evictedKeys++;
        freed++;
      }
      if (this.overLimit() === 0) return 'ok';
      if (freed % 16 === 0 && (performance.now() - start) * 1000 > limitUs) return 'running';
    }
  }

  /** The next key to evict, or undefined when there is nothing left to evict. */
  private pick(): { db: number; key: string } | undefined {
    const policy = this.settings.policy;
    const volatile = policy.startsWith('volatile-');
    const ev = this.keyspace.eviction;
    const dbs = this.keyspace.databases;
    if (policy === 'allkeys-random' || policy === 'volatile-random') {
      for (let i = 0; i < dbs; i++) {
        const db = ++this.nextDb % dbs;
        if (ev.count(db, volatile) === 0) continue;
        this.sampleBuf.length = 0;
        ev.sample(db, 1, volatile, this.sampleBuf);
        if (this.sampleBuf.length !== 0) return { db, key: this.sampleBuf[0] };
      }
      return undefined;
    }
    const kind = policy === 'volatile-ttl' ? 'ttl' : (accessPolicyOf(policy) as 'lru' | 'lfu');
    // a store whose sampler keeps coming back empty (e.g. only tombstones under an open snapshot)
    // must not hold the event loop: give up after this many fruitless refills
    for (let refills = 0; refills < 1000; refills++) {
      let total = 0;
      const now = Date.now();
      for (let db = 0; db < dbs; db++) {
        const n = ev.count(db, volatile);
        if (n === 0) continue;
        total += n;
        this.sampleBuf.length = 0;
        ev.sample(db, this.settings.samples, volatile, this.sampleBuf);
        for (const key of this.sampleBuf) {
          const score = ev.score(db, key, kind, now);
          if (score !== undefined) this.insert({ score, db, key });
        }
      }
      if (total === 0) return undefined;
      // best first; a key gone since it was pooled is a ghost: try the next
      while (this.pool.length !== 0) {
        const e = this.pool.pop() as PoolEntry;
        if (ev.candidate(e.db, e.key, volatile)) return e;
      }
    }
    return undefined;
  }

  /** evictionPoolPopulate's insertion: sorted by score, the worst dropped when full. */
  private insert(e: PoolEntry): void {
    const pool = this.pool;
    for (const p of pool) if (p.db === e.db && p.key === e.key) {
      p.score = e.score;
      pool.sort((a, b) => a.score - b.score);
      return;
    }
    let k = 0;
    while (k < pool.length && pool[k].score < e.score) k++;
    if (pool.length >= EVICTION_POOL_SIZE) {
      if (k === 0) return;
      pool.splice(k, 0, e);
      pool.shift();
    } else pool.splice(k, 0, e);
  }
}
