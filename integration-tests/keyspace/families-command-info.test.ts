/**
 * The keyspace command table's entries for the issue-12 commands against redis-server 7.0's
 * COMMAND INFO: arity, flags, legacy key range, ACL categories, tips and key specifications.
 * (How replikit-server prints COMMAND INFO is the server's business; this checks the data.)
 */
import { aclCategoriesOf, createKeyspace } from '@replikit/keyspace';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { RedisConn } from './redis-conn';
import type { Frame } from './resp';

const describeRedis = hasRedis() ? describe : describe.skip;

const COMMANDS = ['setbit', 'getbit', 'bitcount', 'bitpos', 'bitop', 'bitfield', 'bitfield_ro', 'lcs', 'substr', 'sort', 'sort_ro', 'pfadd', 'pfcount', 'pfmerge', 'geoadd', 'geodist', 'geopos', 'geohash', 'geosearch', 'geosearchstore', 'georadius', 'georadius_ro', 'georadiusbymember', 'georadiusbymember_ro', 'lmpop'];

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

describeRedis('command table of the new families vs redis-server 7.0 COMMAND INFO', () => {
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

  it.each(COMMANDS)('%s', async (name) => {
    const [info] = plain((await conn.call('COMMAND', 'INFO', name)).frame) as unknown[][];
    const [, arity, flags, first, last, step, cats, tips, specs] = info as [string, number, string[], number, number, number, string[], string[], Array<Record<string, unknown>>];
    const e = ks.commandTable.lookup(name);
    expect(e).toBeDefined();
    if (!e) return;
    expect({ arity: e.arity, flags: [...e.flags].sort(), keys: [e.firstKey, e.lastKey, e.keyStep], cats: aclCategoriesOf(e).sort(), tips: e.tips ?? [] }).toEqual({
      arity,
      flags: [...flags].sort(),
      keys: [first, last, step],
      cats: [...cats].sort(),
      tips,
    });
    const ours = (e.keySpecs ?? []).map((k) => ({ flags: k.flags.map((f) => f.toLowerCase()).sort(), begin: k.beginSearch.type, find: k.findKeys.type, notes: k.notes }));
    const theirs = specs.map((k) => ({ flags: (k.flags as string[]).map((f) => f.toLowerCase()).sort(), begin: (k.begin_search as { type: string }).type, find: (k.find_keys as { type: string }).type, notes: k.notes as string | undefined }));
    expect(ours).toEqual(theirs);
  });
});
