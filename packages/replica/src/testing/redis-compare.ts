// Test helpers (not exported by the package): reading a real redis-server's dataset and ours in one
// comparable shape, and waiting on conditions.
import type { Keyspace } from '@replikit/keyspace';
import type { RawClient, RawReply } from '@replikit/test-utils';

export interface KeyState {
  type: string;
  value: unknown;
  /** absolute unix ms, -1 without a TTL */
  expireAt: number;
}

export type DatasetView = Record<string, KeyState>;

const str = (r: RawReply): string => (Buffer.isBuffer(r) ? r.toString('latin1') : String(r));

function pairs(list: RawReply[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < list.length; i += 2) out.push([str(list[i]), str(list[i + 1])]);
  return out;
}

/** Every key of dbs 0..databases-1 of a redis-server: `db:key` -> type, content, PEXPIRETIME. */
export async function readRedis(c: RawClient, databases: number): Promise<DatasetView> {
  const view: DatasetView = {};
  for (let db = 0; db < databases; db++) {
    await c.call('SELECT', db);
    const keys = ((await c.call('KEYS', '*')) as Buffer[]).map(str);
    for (const key of keys) {
      const type = str((await c.call('TYPE', key)) as RawReply);
      let value: unknown;
      switch (type) {
        case 'string':
          value = str((await c.call('GET', key)) as RawReply);
          break;
        case 'list':
          value = ((await c.call('LRANGE', key, 0, -1)) as RawReply[]).map(str);
          break;
        case 'set':
          value = ((await c.call('SMEMBERS', key)) as RawReply[]).map(str).sort();
          break;
        case 'hash':
          value = pairs((await c.call('HGETALL', key)) as RawReply[]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
          break;
        case 'zset':
          value = pairs((await c.call('ZRANGE', key, 0, -1, 'WITHSCORES')) as RawReply[]).map(([m, s]) => [m, Number(s)]);
          break;
        default:
          value = null; // streams are compared by type and TTL only
      }
      const expireAt = Number((await c.call('PEXPIRETIME', key)) as number);
      view[`${db}:${key}`] = { type, value, expireAt };
    }
  }
  await c.call('SELECT', 0);
  return view;
}

/** The same view of our keyspace. */
export function readKeyspace(ks: Keyspace): DatasetView {
  const view: DatasetView = {};
  for (let db = 0; db < ks.databases; db++) {
    const it = ks.database(db).keys();
    for (let k = it.next(); k.done !== true; k = it.next()) {
      const d = ks.dump(db, k.value);
      if (d === undefined) continue;
      const p = d.value;
      let value: unknown;
      switch (p.type) {
        case 'string':
        case 'list':
          value = p.value;
          break;
        case 'set':
          value = [...p.value].sort();
          break;
        case 'hash':
          value = p.value.map(([f, v]) => [f, v]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
          break;
        case 'zset':
          value = p.value.map(([m, s]) => [m, s]);
          break;
        default:
          value = null;
      }
      view[`${db}:${k.value}`] = { type: p.type, value, expireAt: d.expireAt };
    }
  }
  return view;
}

/** Polls `cond` every 20 ms until it holds; fails with `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One field of INFO from a redis-server. */
export async function infoField(c: RawClient, section: string, field: string): Promise<string> {
  const text = str((await c.call('INFO', section)) as RawReply);
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  if (m === null) throw new Error(`INFO ${section} has no ${field}:\n${text}`);
  return m[1].trim();
}
