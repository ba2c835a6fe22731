/**
 * Every entry of the keyspace's command table (and its subcommands) against redis-server 7.0's
 * COMMAND INFO: arity, flags, legacy key range, ACL categories, tips and key specifications.
 * (How replikit-server prints COMMAND INFO is the server's business; this checks the data the
 * keyspace executor itself relies on: key positions for propagation, flags for replicas.)
 */
import { aclCategoriesOf, createKeyspace } from '@replikit/keyspace';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { RedisConn } from './redis-conn';
import type { Frame } from './resp';

const describeRedis = hasRedis() ? describe : describe.skip;

/** A frame as plain JSON-able data (maps as objects, sets and arrays as arrays). */
function plain(f: Frame): unknown {
  if ('items' in f) {
    const items = f.items ?? [];
    if (f.t === '%') {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < items.length; i += 2) o[String(plain(items[i]))] = plain(items[i + 1]);
      return o;
    }
    return items.map(plain);
  }
  return f.t === ':' ? Number(f.s) : f.s;
}

/**
 * Flags the way COMMAND INFO prints them: Redis 7.0 writes a few names with `_` (allow_busy,
 * skip_slowlog) and never prints some internal ones (the table keeps them for the executor).
 */
const HIDDEN = new Set(['may-replicate', 'protected', 'touches-arbitrary-keys', 'sentinel', 'only-sentinel']);
const printed = (flags: readonly string[]): string[] =>
  flags.map((f) => f.replace(/_/g, '-')).filter((f) => !HIDDEN.has(f)).sort();

type Info = [string, number, string[], number, number, number, string[], string[], Array<Record<string, unknown>>, Info[]];

describeRedis('keyspace command table vs redis-server 7.0 COMMAND INFO', () => {
  let redis: RedisServerHandle;
  let conn: RedisConn;
  const ks = createKeyspace();
  const names = [...ks.commandTable].map((e) => e.name).sort();

  beforeAll(async () => {
    redis = await startRedisServer();
    conn = await RedisConn.open(redis.port);
    await conn.call('HELLO', '3');
  });

  afterAll(async () => {
    ks.close();
    await conn?.close();
    await redis?.stop();
  });

  function check(info: Info): void {
    const [name, arity, flags, first, last, step, cats, tips, specs, subs] = info;
    const e = ks.commandTable.lookupFullName(name);
    expect(e).toBeDefined();
    if (!e) return;
    expect({ name, arity: e.arity, flags: printed(e.flags), keys: [e.firstKey, e.lastKey, e.keyStep], cats: aclCategoriesOf(e).sort(), tips: e.tips ?? [] }).toEqual({
      name,
      arity,
      flags: printed(flags),
      keys: [first, last, step],
      cats: [...cats].sort(),
      tips,
    });
    const ours = (e.keySpecs ?? []).map((k) => ({ flags: k.flags.map((f) => f.toLowerCase()).sort(), begin: k.beginSearch.type, find: k.findKeys.type, notes: k.notes }));
    const theirs = specs.map((k) => ({ flags: (k.flags as string[]).map((f) => f.toLowerCase()).sort(), begin: (k.begin_search as { type: string }).type, find: (k.find_keys as { type: string }).type, notes: k.notes as string | undefined }));
    expect(ours).toEqual(theirs);
    expect([...(e.subcommandEntries?.keys() ?? [])].map((s) => `${name}|${s}`).sort()).toEqual((subs ?? []).map((s) => s[0]).sort());
    for (const s of subs ?? []) check(s);
  }

  it('holds the data commands of Redis 7.0 (a sample of each family)', () => {
    for (const n of ['get', 'set', 'hset', 'lpush', 'sadd', 'zadd', 'xadd', 'setbit', 'pfadd', 'geoadd', 'sort', 'lmpop', 'expire']) expect(names).toContain(n);
  });

  it.each(names)('%s', async (name) => {
    const [info] = plain((await conn.call('COMMAND', 'INFO', name)).frame) as (Info | null)[];
    expect(info).not.toBeNull();
    if (info) check(info);
  });
});
