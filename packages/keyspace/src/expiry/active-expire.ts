/**
 * The active expiry cycle (like activeExpireCycle): on a master, walks the keys that have a TTL
 * with a persistent per-db cursor and deletes the expired ones within a small time budget per
 * tick, so the event loop is never held for more than a few ms. Each deletion is propagated as a
 * bare DEL (UNLINK with lazyfree-lazy-expire), never wrapped in MULTI/EXEC.
 */
import type { BinaryString } from '../command-api';
import type { DbImpl } from '../db';
import type { DbStore } from '../storage/adapter';

export interface ActiveExpireOptions {
  /** cycles per second (Redis `hz`) @default 10 */
  hz?: number;
  /** time budget of one cycle in ms @default 2 */
  budgetMs?: number;
}

export interface ActiveExpireHost {
  readonly dbs: readonly DbImpl[];
  /** runs `fn` as one execution whose deletions are propagated unwrapped */
  runExpiry(fn: (now: number) => void): void;
}

const CHUNK = 20;

export class ActiveExpire {
  private timer: NodeJS.Timeout | null = null;
  private readonly cursors = new Map<DbStore, Iterator<BinaryString>>();
  private dbPos = 0;
  /** keys deleted by the cycle so far (INFO expired_keys contribution) */
  expired = 0;

  constructor(
    private readonly host: ActiveExpireHost,
    private readonly options: Required<ActiveExpireOptions>,
  ) {}

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    const period = Math.max(1, Math.round(1000 / this.options.hz));
    this.timer = setInterval(() => this.cycle(this.options.budgetMs), period);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One cycle; returns the number of keys deleted. */
  cycle(budgetMs: number): number {
    let deleted = 0;
    this.host.runExpiry((now) => {
      const start = performance.now();
      const dbs = this.host.dbs;
      for (let n = 0; n < dbs.length; n++) {
        const db = dbs[(this.dbPos + n) % dbs.length];
        if (db.store.expiresSize() === 0) continue;
        for (;;) {
          const { checked, expired } = this.chunk(db, now);
          deleted += expired;
          if (performance.now() - start >= budgetMs) {
            this.dbPos = (this.dbPos + n) % dbs.length;
            return;
          }
          // like Redis: keep going on this db while more than 10% of the sample was expired
          if (checked === 0 || expired * 10 <= checked) break;
        }
      }
      this.dbPos = (this.dbPos + 1) % dbs.length;
    });
    this.expired += deleted;
    return deleted;
  }

  private chunk(db: DbImpl, now: number): { checked: number; expired: number } {
    const store = db.store;
    let it = this.cursors.get(store);
    if (!it) {
      it = store.expireKeys();
      this.cursors.set(store, it);
    }
    let checked = 0;
    let expired = 0;
    while (checked < CHUNK) {
      const r = it.next();
      if (r.done) {
        this.cursors.delete(store);
        break;
      }
      checked++;
      const at = store.getExpire(r.value);
      if (at !== undefined && now > at) {
        db.expire(r.value);
        expired++;
      }
    }
    return { checked, expired };
  }

  /** Forgets cursors (after FLUSHALL / SWAPDB the iterators may point at old tables). */
  reset(): void {
    this.cursors.clear();
  }
}
