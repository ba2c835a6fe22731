/**
 * What a maxmemory evictor needs from the keyspace: the LRU/LFU access table switch, key
 * sampling (every key, or only the keys with a TTL, like sampling `dict` or `expires`), each
 * candidate's eviction score, and the eviction itself: the key is deleted, an `evicted`
 * keyspace event is raised and a bare DEL (UNLINK with lazyfree-lazy-eviction) is handed to the
 * propagation listeners, as performEvictions does.
 */
import type { BinaryString } from '../command-api';
import type { ExecContext, PropagatedCommand } from '../context';
import { NOTIFY_EVICTED } from '../notify';
import type { DbStore } from '../storage/adapter';
import { AccessClock, type AccessClockOptions } from './access-clock';

export type EvictionScoreKind = 'lru' | 'lfu' | 'ttl';

export class KeyspaceEviction {
  private readonly volatileCursors = new WeakMap<DbStore, Iterator<BinaryString>>();

  constructor(
    private readonly ctx: ExecContext,
    private readonly clock: () => number,
    private readonly emit: (ops: readonly PropagatedCommand[]) => void,
  ) {}

  /** Starts (or replaces) LRU/LFU tracking; null stops it and drops the table. */
  setAccessTracking(options: AccessClockOptions | null): void {
    const current = this.ctx.accessClock;
    if (options !== null && current !== null && current.policy === options.policy) {
      current.lfuLogFactor = options.lfuLogFactor ?? current.lfuLogFactor;
      current.lfuDecayTime = options.lfuDecayTime ?? current.lfuDecayTime;
      return;
    }
    const clock = options === null ? null : new AccessClock(options);
    this.ctx.accessClock = clock;
    this.ctx.access = clock;
  }

  get accessClock(): AccessClock | null {
    return this.ctx.accessClock;
  }

  /** RESTORE's IDLETIME (seconds) or FREQ for a key just stored (-1: not given); see AccessClock.restore. */
  restoreAccess(db: number, key: BinaryString, idleSeconds: number, freq: number): void {
    const clock = this.ctx.accessClock;
    if (clock !== null) clock.restore(this.ctx.dbs[db].store, key, idleSeconds, freq, this.clock());
  }

  /** Keys in `db` (`volatile`: keys with a TTL). */
  count(db: number, volatile: boolean): number {
    const store = this.ctx.dbs[db].store;
    return volatile ? store.expiresSize() : store.size();
  }

  /** Pushes up to `count` sampled keys of `db` into `out` (dictGetSomeKeys: may repeat). */
  sample(db: number, count: number, volatile: boolean, out: BinaryString[]): void {
    const store = this.ctx.dbs[db].store;
    if (!volatile) {
      for (let i = 0; i < count; i++) {
        const k = store.randomKey();
        if (k === undefined) return;
        out.push(k);
      }
      return;
    }
    const size = store.expiresSize();
    if (size === 0) return;
    // a rolling cursor over the TTL table advanced by a random stride: O(1) amortised per key
    let it = this.volatileCursors.get(store);
    for (let i = 0; i < count; i++) {
      let steps = 1 + Math.floor(Math.random() * Math.min(size, 16));
      let wraps = 0;
      for (;;) {
        if (it === undefined) it = store.expireKeys();
        const r = it.next();
        if (r.done) {
          it = undefined;
          if (++wraps > 1) break;
          continue;
        }
        if (--steps > 0) continue;
        out.push(r.value);
        break;
      }
    }
    if (it === undefined) this.volatileCursors.delete(store);
    else this.volatileCursors.set(store, it);
  }

  /** The pool's score of a sampled key (higher goes first); undefined when it is gone. */
  score(db: number, key: BinaryString, kind: EvictionScoreKind, now = this.clock()): number | undefined {
    const store = this.ctx.dbs[db].store;
    if (kind === 'ttl') {
      const at = store.getExpire(key);
      return at === undefined ? undefined : Number.MAX_SAFE_INTEGER - at;
    }
    if (store.get(key) === undefined) return undefined;
    const clock = this.ctx.accessClock;
    return clock === null ? 0 : clock.evictionScore(store, key, now);
  }

  /** Whether `key` is still a candidate (exists; with `volatile`, still has a TTL). */
  candidate(db: number, key: BinaryString, volatile: boolean): boolean {
    const store = this.ctx.dbs[db].store;
    return volatile ? store.getExpire(key) !== undefined : store.get(key) !== undefined;
  }

  /** Evicts `key` from `db`; false when it does not exist. */
  evict(db: number, key: BinaryString, lazy: boolean): boolean {
    const ctx = this.ctx;
    const d = ctx.dbs[db];
    if (d.store.get(key) === undefined) return false;
    ctx.beginExecution({ db }, this.clock());
    d.rawDelete(key);
    ctx.notify(NOTIFY_EVICTED, 'evicted', key, db);
    ctx.alsoPropagate([lazy ? 'UNLINK' : 'DEL', key], db);
    const ops = ctx.endExecution(true);
    if (ops.length !== 0) this.emit(ops);
    return true;
  }
}
