/**
 * ACL against a real redis-server 7.0: the same ACL SETUSER rule sets, GETUSER/LIST/CAT/DRYRUN
 * replies, and the same allowed/denied outcome (with Redis's NOPERM texts) for a corpus of users
 * running commands, ACL LOG entries included.
 *
 * Redis lists single-command rules and category members in its command dict's hash order (a
 * random seed per process), so those are compared as sets; commands only one server has are left
 * out of the comparison (see canonicalRules).
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { AclClient, type ConfiguredReplikit, canonicalGetuser, canonicalListLine, commandNames, type Parsed, startConfigured } from './acl-helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

const RULE_SETS: string[][] = [
  [],
  ['on', '>pw', '~*', '+@all'],
  ['on', 'nopass', '-@all', '+get', '+set', '~k*'],
  ['+@read', '-@keyspace'],
  ['+@all', '-@dangerous', '-@admin'],
  ['-@all', '+@hash', '+@list', '-lpush'],
  ['-@all', '+@read', '+@write', '-@dangerous'],
  ['+@all', '-@write'],
  ['-@all', '+@connection'],
  ['-@all', '+@string', '+@bitmap', '-setbit'],
  ['-@all', '+@sortedset', '+@set', '+@hyperloglog'],
  ['+client|id', '+client|list'],
  ['+@all', '-client|kill', '-config|set'],
  ['+select|0', '+select|1'],
  ['+config|get|maxmemory'],
  ['+debug|'],
  ['+nonexist'],
  ['+@nonexist'],
  ['~*', '~foo'],
  ['&*', '&foo'],
  ['#bad'],
  [`#${'a'.repeat(64)}`, `!${'a'.repeat(64)}`],
  ['<notthere'],
  ['(~x', '+get)'],
  ['(~x'],
  ['(~x +get)', '(%R~y +@read)', 'clearselectors', '(&c +publish)'],
  ['%RW~a', '%R~b', '%W~c', '~d', '%R~a', '%W~b'],
  ['%X~a'],
  ['on', '>a', '>b', '<a'],
  ['skip-sanitize-payload'],
  ['sanitize-payload', 'off', 'on'],
  ['reset'],
  ['allkeys', 'allchannels', 'allcommands', 'nopass', 'on'],
  ['nocommands', 'resetkeys', 'resetchannels', 'resetpass'],
  ['&news.*', '&sport', 'allchannels'],
  ['+@all', '-get', '-set', '+@string'],
  ['-@all', '+@pubsub', '&news.*', '-publish'],
  ['ON', 'NOPASS', 'AllKeys', '+@ALL', '-GET'],
];

const USERS: Record<string, string[]> = {
  ro: ['on', '>pw', '~*', '&*', '-@all', '+@read', '+auth'],
  keys: ['on', '>pw', '%R~r:*', '%W~w:*', '~rw:*', '&*', '+@all'],
  cmds: ['on', '>pw', '~*', '-@all', '+get', '+set', '+client|id', '+select|0', '+ping'],
  nodanger: ['on', '>pw', 'allkeys', 'allchannels', '+@all', '-@dangerous', '-flushall'],
  chan: ['on', '>pw', 'resetchannels', '&news.*', '&exact', '+@all', '~*'],
  sel: ['on', '>pw', '-@all', '+get', '~a:*', '(~b:* +set +get)', '(%R~c:* +@read)'],
  nokeys: ['on', '>pw', '+@all', 'resetkeys', '&*'],
};

const COMMANDS: string[][] = [
  ['get', 'a:1'], ['get', 'b:1'], ['get', 'c:1'], ['get', 'r:1'], ['get', 'w:1'], ['get', 'rw:1'],
  ['set', 'a:1', 'v'], ['set', 'b:1', 'v'], ['set', 'w:1', 'v'], ['set', 'r:1', 'v'], ['set', 'rw:1', 'v'], ['set', 'w:1', 'v', 'GET'],
  ['mget', 'r:1', 'w:1'], ['mset', 'r:1', 'x', 'w:1', 'y'], ['mset', 'w:1', 'x', 'w:2', 'y'], ['incr', 'w:1'],
  ['lpush', 'rw:l', 'x'], ['lrange', 'r:l', '0', '-1'], ['rename', 'w:1', 'w:2'], ['copy', 'r:1', 'w:9'],
  ['sort', 'r:l'], ['sort', 'r:l', 'store', 'w:s'], ['sort', 'rw:l', 'limit', '0', '1', 'store', 'w:s'],
  ['zunionstore', 'w:z', '2', 'r:a', 'r:b'], ['zunionstore', 'w:z', '2', 'r:a', 'w:b'], ['zunionstore', 'w:z', 'x', 'r:a'],
  ['select', '0'], ['select', '1'], ['client', 'id'], ['client', 'getname'], ['ping'], ['keys', 'nomatch*'], ['dbsize'],
  ['publish', 'news.x', 'hi'], ['publish', 'other', 'hi'], ['publish', 'exact', 'hi'],
  ['georadius', 'r:g', '0', '0', '1', 'km'], ['georadius', 'r:g', '0', '0', '1', 'km', 'store', 'w:x'],
  ['exists', 'r:1', 'w:1'], ['object', 'encoding', 'r:1'], ['strlen', 'w:1'], ['getrange', 'r:1', '0', '1'],
  ['bitfield', 'w:b', 'set', 'u8', '0', '1'], ['bitfield', 'r:b', 'get', 'u8', '0'], ['bitfield_ro', 'r:b', 'get', 'u8', '0'],
  ['hset', 'rw:h', 'f', 'v'], ['hgetall', 'r:h'], ['pfadd', 'w:p', 'a'], ['pfcount', 'r:p', 'w:p'],
  ['blpop', 'r:nolist', 'w:nolist', '0.01'], ['lmpop', '2', 'w:l', 'r:l', 'LEFT'], ['zrangestore', 'w:d', 'r:s', '0', '-1'],
  ['watch', 'r:1'], ['unwatch'], ['echo', 'x'], ['acl', 'whoami'], ['acl', 'getuser', 'default'], ['info', 'server'],
  ['config', 'get', 'maxmemory'], ['flushall'],
];

const DRYRUN_ONLY: string[][] = [
  ['subscribe', 'news.x'], ['subscribe', 'news.x', 'other'], ['psubscribe', 'news.*'], ['psubscribe', 'news.x'], ['ssubscribe', 'exact'],
  ['spublish', 'exact', 'm'], ['unsubscribe', 'other'], ['punsubscribe', 'x*'], ['shutdown'], ['debug', 'sleep', '0'],
];

function nopermOf(r: Parsed): string | undefined {
  return typeof r === 'object' && r !== null && !Array.isArray(r) && r.err.startsWith('NOPERM') ? r.err : undefined;
}

describeRedis('ACL vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let ours: ConfiguredReplikit;
  let a: AclClient;
  let b: AclClient;
  let known: Set<string>;

  beforeAll(async () => {
    [redis, ours] = await Promise.all([startRedisServer(), startConfigured()]);
    a = await AclClient.connect(redis.port);
    b = await AclClient.connect(ours.port);
    const [na, nb] = await Promise.all([commandNames(a), commandNames(b)]);
    known = new Set([...na].filter((n) => nb.has(n)));
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await Promise.all([redis?.stop(), ours?.close()]);
  });

  async function both(...argv: string[]): Promise<[Parsed, Parsed]> {
    return Promise.all([a.call(...argv), b.call(...argv)]);
  }

  it('ACL SETUSER replies, then GETUSER and LIST describe each user alike', async () => {
    for (let i = 0; i < RULE_SETS.length; i++) {
      const name = `u${i}`;
      const rules = RULE_SETS[i] as string[];
      const [ra, rb] = await both('ACL', 'SETUSER', name, ...rules);
      expect({ rules, reply: rb }).toEqual({ rules, reply: ra });
      const [ga, gb] = await both('ACL', 'GETUSER', name);
      expect({ rules, getuser: canonicalGetuser(gb, known) }).toEqual({ rules, getuser: canonicalGetuser(ga, known) });
    }
    const [la, lb] = await both('ACL', 'LIST');
    expect((lb as string[]).map((l) => canonicalListLine(l, known))).toEqual((la as string[]).map((l) => canonicalListLine(l, known)));
    expect((await both('ACL', 'USERS'))[1]).toEqual((await both('ACL', 'USERS'))[0]);
  });

  it('ACL CAT: the categories in order; each category has the same members among the commands both servers have', async () => {
    const [ca, cb] = await both('ACL', 'CAT');
    expect(cb).toEqual(ca);
    for (const cat of ca as string[]) {
      const [ma, mb] = await both('ACL', 'CAT', cat);
      const common = (list: Parsed) => (list as string[]).filter((n) => known.has(n)).sort();
      expect({ cat, members: common(mb) }).toEqual({ cat, members: common(ma) });
    }
    expect((await both('ACL', 'CAT', 'nosuch'))[1]).toEqual((await both('ACL', 'CAT', 'nosuch'))[0]);
  });

  it('argument errors, DELUSER, WHOAMI, GENPASS, HELP, LOAD/SAVE without an aclfile', async () => {
    const cases: string[][] = [
      ['ACL'], ['ACL', 'nosuch'], ['ACL', 'GETUSER'], ['ACL', 'GETUSER', 'nobody'], ['ACL', 'DELUSER', 'default'], ['ACL', 'DELUSER', 'x', 'default'],
      ['ACL', 'SETUSER', 'with space'], ['ACL', 'SETUSER', 'x', 'on', 'bogus'], ['ACL', 'WHOAMI'], ['ACL', 'WHOAMI', 'x'], ['ACL', 'GENPASS', '0'],
      ['ACL', 'GENPASS', '5000'], ['ACL', 'GENPASS', 'x'], ['ACL', 'HELP'], ['ACL', 'LOAD'], ['ACL', 'SAVE'], ['ACL', 'LOG', 'x'],
      ['ACL', 'DRYRUN', 'nobody', 'get', 'x'], ['ACL', 'DRYRUN', 'default', 'nosuch'], ['ACL', 'DRYRUN', 'default', 'get'], ['ACL', 'DRYRUN', 'default', 'get', 'x'],
      ['ACL', 'DRYRUN', 'default', 'client', 'nosuch'], ['ACL', 'SETUSER', 'gone', 'on'], ['ACL', 'DELUSER', 'gone', 'gone', 'never'],
      ['AUTH', 'nobody', 'x'], ['AUTH', 'x'], ['HELLO', '2', 'AUTH', 'nobody', 'x'],
    ];
    for (const argv of cases) {
      const [ra, rb] = await both(...argv);
      expect({ argv, reply: rb }).toEqual({ argv, reply: ra });
    }
    for (const bits of ['1', '4', '5', '255', '4096']) {
      const [ra, rb] = await both('ACL', 'GENPASS', bits);
      expect((rb as string).length).toBe((ra as string).length);
      expect(rb).toMatch(/^[0-9a-f]+$/);
    }
  });

  it('enforcement: a corpus of users x commands is allowed or refused alike, with the same NOPERM text and ACL DRYRUN reply', async () => {
    await both('ACL', 'LOG', 'RESET');
    for (const [name, rules] of Object.entries(USERS)) {
      const [ra, rb] = await both('ACL', 'SETUSER', name, 'reset', ...rules);
      expect(rb).toEqual(ra);
    }
    for (const [name] of Object.entries(USERS)) {
      const ua = await AclClient.connect(redis.port);
      const ub = await AclClient.connect(ours.port);
      try {
        expect(await ub.call('AUTH', name, 'pw')).toEqual(await ua.call('AUTH', name, 'pw'));
        for (const argv of COMMANDS) {
          if (!known.has(argv[0] as string)) continue;
          const [ra, rb] = await Promise.all([ua.call(...argv), ub.call(...argv)]);
          expect({ user: name, argv, noperm: nopermOf(rb) }).toEqual({ user: name, argv, noperm: nopermOf(ra) });
          const [da, db] = await both('ACL', 'DRYRUN', name, ...argv);
          expect({ user: name, argv, dryrun: db }).toEqual({ user: name, argv, dryrun: da });
        }
        for (const argv of DRYRUN_ONLY) {
          if (!known.has(argv[0] as string)) continue;
          const [da, db] = await both('ACL', 'DRYRUN', name, ...argv);
          expect({ user: name, argv, dryrun: db }).toEqual({ user: name, argv, dryrun: da });
        }
      } finally {
        ua.close();
        ub.close();
      }
    }
    const fields = (log: Parsed) =>
      (log as Parsed[][]).map((e) => {
        const m = new Map<string, Parsed>();
        for (let i = 0; i < e.length; i += 2) m.set(e[i] as string, e[i + 1] as Parsed);
        return [m.get('count'), m.get('reason'), m.get('context'), m.get('object'), m.get('username')];
      });
    const [la, lb] = await both('ACL', 'LOG', '200');
    expect(fields(lb)).toEqual(fields(la));
  });

  it('MULTI: a refused command flags the transaction (EXECABORT), logged with context multi', async () => {
    await both('ACL', 'LOG', 'RESET');
    await both('ACL', 'SETUSER', 'tx', 'reset', 'on', '>pw', '~k*', '+@all', '-flushall');
    const out: Parsed[][] = [[], []];
    for (const [i, port] of [redis.port, ours.port].entries()) {
      const c = await AclClient.connect(port);
      try {
        for (const argv of [['AUTH', 'tx', 'pw'], ['MULTI'], ['SET', 'k1', 'v'], ['SET', 'x', 'v'], ['FLUSHALL'], ['EXEC'], ['MULTI'], ['SET', 'k1', 'v'], ['EXEC']]) {
          (out[i] as Parsed[]).push(await c.call(...argv));
        }
        (out[i] as Parsed[]).push(((await c.call('ACL', 'LOG')) as Parsed[][]).map((e) => [e[1], e[3], e[5], e[7], e[9]]) as Parsed);
      } finally {
        c.close();
      }
    }
    expect(out[1]).toEqual(out[0]);
  });
});
