/**
 * Storing a key outside any command (an RDB loader, RESTORE, DEBUG POPULATE): the value replaces
 * the key and its TTL with no expiry check, no propagation and no keyspace event, and the key is
 * reported as modified (WATCH versions, blocked clients, the adapter's change hook) only when
 * something tracks modifications; otherwise it takes the bulk-loading fast path.
 */
import type { BinaryString, StoredValue } from './command-api';
import type { ExecContext } from './context';
import type { DbImpl } from './db';
import type { LoadOptions } from './keyspace-options';
import type { DbStore } from './storage/adapter';
import { fromPlain, type PlainValue } from './types/plain';

/** Stores `value` under `key` in `d` (database `db` of `ctx`); `expireAt` -1 means no TTL. */
export function loadKey(ctx: ExecContext, d: DbImpl, db: number, key: BinaryString, value: PlainValue | StoredValue, expireAt: number, options?: LoadOptions): void {
  const stored = typeof value === 'string' || !('value' in value) ? (value as StoredValue) : fromPlain(value as PlainValue);
  if (options?.countChange === true) ctx.stats.dirty++;
  // a load raises no keyspace events (rdbLoad's dbAdd is silent; RESTORE publishes its own)
  const events = ctx.eventListener;
  ctx.eventListener = null;
  if (!ctx.tracking) {
    // nothing listens: the bulk-loading fast path
    d.setValue(key, stored);
    if (expireAt >= 0) d.setExpire(key, expireAt);
  } else {
    ctx.beginExecution({ db }, ctx.now);
    d.setValue(key, stored);
    // setValue already saved the key for open snapshots and reported it: set the TTL quietly
    if (expireAt >= 0) d.store.setExpire(key, expireAt);
    ctx.endExecution(true);
  }
  ctx.eventListener = events;
}

/**
 * The store of `d` when a bulk load may write it directly and skip loadKey: nothing tracks
 * modifications, no snapshot observes `d`, no LRU/LFU clock, no string encoding recorded, no
 * commit point to place after each key. Every write loadKey would make is then just the store's.
 */
export function directLoadStore(ctx: ExecContext, d: DbImpl, autoCommit: boolean): DbStore | undefined {
  if (autoCommit || ctx.tracking || ctx.accessClock !== null || d.observers !== null || d.stringEnc !== null) return undefined;
  return d.store;
}
