/**
 * The keyspace command table's stream entries (and XGROUP/XINFO subcommands) against redis-server
 * 7.0's COMMAND INFO: arity, flags, legacy key range, ACL categories, tips and key specifications.
 */
import { aclCategoriesOf, createKeyspace } from '@replikit/keyspace';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { RedisConn } from '../keyspace/redis-conn';
import type { Frame } from '../keyspace/resp';

const describeRedis = hasRedis() ? describe : describe.skip;

const COMMANDS = ['xadd', 'xrange', 'xrevrange', 'xlen', 'xdel', 'xtrim', 'xsetid', 'xread', 'xreadgroup', 'xack', 'xpending', 'xclaim', 'xautoclaim', 'xgroup', 'xinfo'];

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

type Info = [string, number, string[], number, number, number, string[], string[], Array<Record<string, unknown>>, Info[]];

describeRedis('stream command table vs redis-server 7.0 COMMAND INFO', () => {
  let redis: RedisServerHandle;
  let conn: RedisConn;
  const ks = createKeyspace();

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
    expect({ name, arity: e.arity, flags: [...e.flags].sort(), keys: [e.firstKey, e.lastKey, e.keyStep], cats: aclCategoriesOf(e).sort(), tips: e.tips ?? [] }).toEqual({
      name,
      arity,
      flags: [...flags].sort(),
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

  it.each(COMMANDS)('%s', async (name) => {
    const [info] = plain((await conn.call('COMMAND', 'INFO', name)).frame) as Info[];
    check(info);
  });
});
