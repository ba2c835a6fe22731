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
  // a client may have blocked since the last execution (see ExecContext.listenerGates)
  ctx.refreshTracking();
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
 * The store of `d` when a bulk load may write it directly and skip loadKey: no store hears of each
 * change (DbStore.changed), no snapshot observes `d`, no LRU/LFU clock, no string encoding recorded,
 * no commit point to place after each key. WATCHes and key-modified listeners are told once per
 * batch instead of once per key: the loader calls directLoadDone after its writes.
 */
export function directLoadStore(ctx: ExecContext, d: DbImpl, autoCommit: boolean): DbStore | undefined {
  if (autoCommit || ctx.writeBack || ctx.accessClock !== null || d.observers !== null || d.stringEnc !== null) return undefined;
  return d.store;
}

/**
 * After a bulk load wrote keys of `d` through its store: what a flush of `d` signals, every WATCH on
 * the db touched and the listeners told `(db, null)` (blocked clients re-check their keys, memory
 * accounting re-estimates the db, tracking clients are invalidated).
 */
export function directLoadDone(ctx: ExecContext, d: DbImpl): void {
  if (d.watched.size !== 0) d.bumpAllVersions();
  for (const l of ctx.listeners) l(d.index, null);
}
