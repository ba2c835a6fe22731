/**
 * The per-key access field Redis keeps in each object's 24 `lru` bits, kept here in a side table
 * per database store (a Map from key to the 24-bit field) while an LRU or LFU maxmemory policy
 * is selected:
 *
 * - LRU: the access time in seconds, modulo 2^24 (LRU_CLOCK, resolution 1000 ms).
 * - LFU: the last decrement time in minutes (16 bits) and a logarithmic access counter
 *   (8 bits): new keys start at LFU_INIT_VAL, each access increments it with probability
 *   1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1), and it decays by one per
 *   `lfu-decay-time` minutes without access.
 *
 * Lookups update the field (lookupKey), except for the commands Redis flags LOOKUP_NOTOUCH
 * (EXISTS, TYPE, the TTL family, OBJECT, SCAN's TYPE filter). The table follows the store
 * object, so SWAPDB moves it with the data.
 */
import type { BinaryString } from '../command-api';
import type { DbStore } from '../storage/adapter';

export type AccessPolicy = 'lru' | 'lfu';

export const LRU_CLOCK_MAX = (1 << 24) - 1;
export const LRU_CLOCK_RESOLUTION_MS = 1000;
export const LFU_INIT_VAL = 5;

/** LRU_CLOCK(): seconds modulo 2^24. */
export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / LRU_CLOCK_RESOLUTION_MS) & LRU_CLOCK_MAX;
}

/** estimateObjectIdleTime: milliseconds since the access recorded in `lru` (wrapping once). */
export function estimateIdleMs(lru: number, nowMs: number): number {
  const c = lruClock(nowMs);
  if (c >= lru) return (c - lru) * LRU_CLOCK_RESOLUTION_MS;
  return (c + (LRU_CLOCK_MAX - lru)) * LRU_CLOCK_RESOLUTION_MS;
}

/** LFUGetTimeInMinutes: minutes modulo 2^16. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 65535;
}

function lfuElapsedMinutes(ldt: number, nowMs: number): number {
  const now = lfuMinutes(nowMs);
  return now >= ldt ? now - ldt : 65535 - ldt + now;
}

/** LFUDecrAndReturn: the counter after the decay owed since its last decrement time. */
export function lfuDecayed(field: number, nowMs: number, decayMinutes: number): number {
  const counter = field & 255;
  if (decayMinutes <= 0) return counter;
  const periods = Math.floor(lfuElapsedMinutes(field >>> 8, nowMs) / decayMinutes);
  if (periods === 0) return counter;
  return periods > counter ? 0 : counter - periods;
}

/** LFULogIncr: the counter after one access (probabilistic, saturating at 255). */
export function lfuLogIncr(counter: number, logFactor: number, random: () => number = Math.random): number {
  if (counter === 255) return 255;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1 / (base * logFactor + 1);
  return random() < p ? counter + 1 : counter;
}

export interface AccessClockOptions {
  policy: AccessPolicy;
  /** lfu-log-factor @default 10 */
  lfuLogFactor?: number;
  /** lfu-decay-time, minutes @default 1 */
  lfuDecayTime?: number;
}

export class AccessClock {
  policy: AccessPolicy;
  lfuLogFactor: number;
  lfuDecayTime: number;
  private readonly tables = new WeakMap<DbStore, Map<BinaryString, number>>();
  /** the last key touched by the current command (an overwrite after a lookup is one access) */
  private lastStore: DbStore | null = null;
  private lastKey: BinaryString | null = null;

  constructor(options: AccessClockOptions) {
    this.policy = options.policy;
    this.lfuLogFactor = options.lfuLogFactor ?? 10;
    this.lfuDecayTime = options.lfuDecayTime ?? 1;
  }

  private table(store: DbStore): Map<BinaryString, number> {
    let t = this.tables.get(store);
    if (t === undefined) {
      t = new Map();
      this.tables.set(store, t);
    }
    return t;
  }

  /** The field of a key that has none yet: now (LRU) or a fresh LFU counter. */
  private fresh(nowMs: number): number {
    return this.policy === 'lru' ? lruClock(nowMs) : (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
  }

  /** A command starts: nothing touched yet. */
  beginCommand(): void {
    this.lastStore = null;
    this.lastKey = null;
  }

  /** A lookup found `key` (lookupKey's updateLFU / LRU_CLOCK). */
  touch(store: DbStore, key: BinaryString, nowMs: number): void {
    this.lastStore = store;
    this.lastKey = key;
    const t = this.table(store);
    if (this.policy === 'lru') {
      t.set(key, lruClock(nowMs));
      return;
    }
    const old = t.get(key);
    const field = old === undefined ? this.fresh(nowMs) : old;
    const counter = lfuLogIncr(lfuDecayed(field, nowMs, this.lfuDecayTime), this.lfuLogFactor);
    t.set(key, (lfuMinutes(nowMs) << 8) | counter);
  }

  /**
   * A value was stored under `key`: a new key gets a fresh field; an overwritten one keeps its
   * LFU field (dbOverwrite) or gets the current LRU clock (a new object). Redis's writers look the
   * key up first (setKey's lookupKeyWrite), which counts as an access: an overwrite the command
   * did not look up itself is counted here.
   */
  stored(store: DbStore, key: BinaryString, nowMs: number): void {
    const t = this.table(store);
    if (this.policy === 'lfu' && t.has(key)) {
      if (this.lastKey !== key || this.lastStore !== store) this.touch(store, key, nowMs);
      return;
    }
    t.set(key, this.fresh(nowMs));
  }

  /**
   * objectSetLRUOrLFU (RESTORE ... IDLETIME / FREQ): under LFU a given `freq` becomes the counter,
   * under LRU a given idle time in seconds sets the access time that far back (-1: not given).
   */
  restore(store: DbStore, key: BinaryString, idleSeconds: number, freq: number, nowMs: number): void {
    if (this.policy === 'lfu' && freq >= 0) {
      this.table(store).set(key, (lfuMinutes(nowMs) << 8) | Math.min(255, freq));
    } else if (this.policy === 'lru' && idleSeconds >= 0) {
      const clock = lruClock(nowMs);
      let abs = clock - idleSeconds;
      // a wrapping clock: an idle time beyond it becomes a time half-way in the future, like Redis
      if (abs < 0) abs = (clock + Math.floor(LRU_CLOCK_MAX / 2)) % LRU_CLOCK_MAX;
      this.table(store).set(key, abs);
    }
  }

  deleted(store: DbStore, key: BinaryString): void {
    this.tables.get(store)?.delete(key);
  }

  cleared(store: DbStore): void {
    this.tables.delete(store);
  }

  /** The raw 24-bit field, or undefined when the key was never seen while tracking. */
  field(store: DbStore, key: BinaryString): number | undefined {
    return this.tables.get(store)?.get(key);
  }

  /** OBJECT IDLETIME's figure in ms (0 for a key never seen while tracking: it counts as just created). */
  idleMs(store: DbStore, key: BinaryString, nowMs: number): number {
    const f = this.field(store, key);
    if (f === undefined || this.policy !== 'lru') return 0;
    return estimateIdleMs(f, nowMs);
  }

  /** OBJECT FREQ's figure: the decayed LFU counter (LFU_INIT_VAL for a key never seen while tracking). */
  frequency(store: DbStore, key: BinaryString, nowMs: number): number {
    const f = this.field(store, key);
    if (f === undefined || this.policy !== 'lfu') return LFU_INIT_VAL;
    return lfuDecayed(f, nowMs, this.lfuDecayTime);
  }

  /**
   * The eviction pool's score (higher = evict first): idle ms under LRU, 255 minus the decayed
   * counter under LFU.
   */
  evictionScore(store: DbStore, key: BinaryString, nowMs: number): number {
    const f = this.field(store, key);
    if (this.policy === 'lru') return f === undefined ? 0 : estimateIdleMs(f, nowMs);
    return 255 - (f === undefined ? LFU_INIT_VAL : lfuDecayed(f, nowMs, this.lfuDecayTime));
  }
}
