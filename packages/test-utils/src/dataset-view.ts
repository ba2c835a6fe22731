/**
 * One canonical view of a whole dataset, key by key (`db:key`) with its type, its content and its
 * absolute expire time, read from an in-process keyspace (raw storage, no expiry logic: a replica
 * must hold exactly the master's keys, expired ones not yet reclaimed included) or from a server
 * over RESP (type-aware reads and PEXPIRETIME). Replication tests end by comparing two views.
 *
 * Expire times compare exactly: a master propagates absolute times (SET ... PXAT, PEXPIREAT), so a
 * replica holds the same millisecond. Sets and hashes compare sorted, zsets in rank order, streams
 * by type and TTL only.
 */
import type { RawClient, RawReply } from './raw-client';

export interface KeyRecord {
  readonly type: string;
  /** canonical JSON of the content */
  readonly value: string;
  /** absolute unix ms, -1 without a TTL */
  readonly expireAt: number;
}

/** `db:key` -> record. */
export type DatasetView = Map<string, KeyRecord>;

/**
 * The part of `@replikit/keyspace`'s Keyspace a view reads (structural, so this private package
 * does not depend on the keyspace).
 */
export interface DumpableKeyspace {
  readonly databases: number;
  database(index: number): { keys(): Iterator<string> };
  dump(db: number, key: string): { value: { readonly type: string; readonly value: unknown }; expireAt: number } | undefined;
}

const byFirst = (a: readonly [string, unknown], b: readonly [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
const str = (r: RawReply): string => (Buffer.isBuffer(r) ? r.toString('latin1') : String(r));

function canonical(type: string, value: unknown): unknown {
  switch (type) {
    case 'string':
    case 'list':
    case 'zset':
      return value;
    case 'set':
      return [...(value as string[])].sort();
    case 'hash':
      return [...(value as Array<[string, string]>)].sort(byFirst);
    default:
      return null;
  }
}

/** Every key of every db of an in-process keyspace, as stored. */
export function viewOfKeyspace(ks: DumpableKeyspace): DatasetView {
  const view: DatasetView = new Map();
  for (let db = 0; db < ks.databases; db++) {
    const it = ks.database(db).keys();
    for (let k = it.next(); k.done !== true; k = it.next()) {
      const d = ks.dump(db, k.value);
      if (d === undefined) continue;
      const { type, value } = d.value;
      view.set(`${db}:${k.value}`, { type, value: JSON.stringify(canonical(type, value)), expireAt: d.expireAt });
    }
  }
  return view;
}

function check(r: RawReply): RawReply {
  if (r instanceof Error) throw r;
  return r;
}

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/**
 * Every key of dbs 0..databases-1 of a server (replikit-server or redis-server) through `c`. On a
 * master, reading deletes keys whose time has come (lazy expiry): compare once the short TTLs of a
 * workload are over and the replica has caught up.
 */
export async function viewOfServer(c: RawClient, databases = 16): Promise<DatasetView> {
  const view: DatasetView = new Map();
  const call = async (...args: Array<string | number>) => check(await c.call(...args));
  const list = async (...args: Array<string | number>) => ((await call(...args)) as RawReply[]).map(str);
  for (let db = 0; db < databases; db++) {
    await call('SELECT', db);
    const keys = (await list('KEYS', '*')).sort();
    for (const key of keys) {
      const type = str(await call('TYPE', key));
      let value: unknown;
      switch (type) {
        case 'none':
          continue; // expired between KEYS and now
        case 'string':
          value = str(await call('GET', key));
          break;
        case 'list':
          value = await list('LRANGE', key, 0, -1);
          break;
        case 'set':
          value = await list('SMEMBERS', key);
          break;
        case 'hash':
          value = pairs(await list('HGETALL', key));
          break;
        case 'zset':
          value = pairs(await list('ZRANGE', key, 0, -1, 'WITHSCORES')).map(([m, s]) => [m, Number(s)]);
          break;
        default:
          value = null;
      }
      const expireAt = Number(await call('PEXPIRETIME', key));
      view.set(`${db}:${key}`, { type, value: JSON.stringify(canonical(type, value)), expireAt });
    }
  }
  await call('SELECT', 0);
  return view;
}

/** The differences between two views, at most `limit` lines (empty when equal). */
export function diffViews(expected: DatasetView, actual: DatasetView, limit = 10): string[] {
  const out: string[] = [];
  const short = (r: KeyRecord | undefined) =>
    r === undefined ? 'missing' : `${r.type} ${r.value.length > 120 ? `${r.value.slice(0, 120)}...` : r.value} expireAt=${r.expireAt}`;
  for (const [k, e] of expected) {
    const a = actual.get(k);
    if (a === undefined || a.type !== e.type || a.value !== e.value || a.expireAt !== e.expireAt) out.push(`${k}: expected ${short(e)}, got ${short(a)}`);
  }
  for (const k of actual.keys()) if (!expected.has(k)) out.push(`${k}: unexpected ${short(actual.get(k))}`);
  if (out.length > limit) return [...out.slice(0, limit), `... and ${out.length - limit} more`];
  return out;
}

/** Throws with the first differences when `replica` is not key for key `master`. */
export function expectSameDataset(master: DatasetView, replica: DatasetView, label = 'replica'): void {
  const diff = diffViews(master, replica);
  if (diff.length > 0) throw new Error(`${label} differs from its master (${master.size} keys vs ${replica.size}):\n${diff.join('\n')}`);
}
