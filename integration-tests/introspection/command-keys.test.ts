/**
 * COMMAND GETKEYS / GETKEYSANDFLAGS / LIST / HELP against redis-server 7.0, for commands both
 * servers implement: same keys, same key flags, same errors; LIST compared as sets restricted
 * to the commands replikit-server has.
 */
import { hasRedis, type RawClient } from '@replikit/test-utils';
import { connect, show, type Target, useTargets } from './kit';

const describeRedis = hasRedis() ? describe : describe.skip;
if (!hasRedis()) {
  if (process.env.REPLIKIT_REQUIRE_REDIS === '1') throw new Error('redis-server is required (REPLIKIT_REQUIRE_REDIS=1)');
  console.warn('SKIPPED: COMMAND tests need redis-server');
}

const w = (s: string) => s.split(' ');

const CASES: string[][] = [
  w('SET a b'),
  w('SET a b GET'),
  w('GET k'),
  w('MSET a 1 b 2'),
  w('MGET a b c'),
  w('DEL a b c'),
  w('LMOVE a b LEFT RIGHT'),
  w('RPOPLPUSH a b'),
  w('EVAL x 2 k1 k2 a'),
  w('EVAL x 0'),
  w('EVALSHA x 1 k'),
  w('ZUNIONSTORE d 2 x y WEIGHTS 1 2'),
  w('ZUNIONSTORE d x a'),
  w('ZINTERCARD 2 a b'),
  w('LMPOP 2 a b LEFT'),
  w('SORT k STORE d'),
  w('SORT k BY w GET x'),
  w('SORT_RO k'),
  w('BITFIELD k GET u8 0'),
  w('BITFIELD k SET u8 0 1'),
  w('XREAD COUNT 2 STREAMS s1 s2 0 0'),
  w('XREADGROUP GROUP g c STREAMS s 0'),
  w('GEORADIUS k 0 0 1 km STORE d'),
  w('RENAME a b'),
  w('COPY a b'),
  w('OBJECT ENCODING k'),
  w('MEMORY USAGE k'),
  w('XINFO STREAM s'),
  w('CLIENT KILL x'),
  w('PING'),
  w('GET'),
  w('SET a'),
  w('NOSUCH a b'),
  w('CLIENT NOSUCH x'),
  w('PUBLISH ch m'),
  w('SUBSCRIBE ch'),
  w('HSET h f v'),
  w('WATCH a b'),
  w('EXISTS a b'),
  w('SINTERCARD 2 a b LIMIT 1'),
  w('SMOVE a b m'),
];

async function scenario(t: Target): Promise<{ replies: unknown[]; list: string[]; patterns: string[][] }> {
  const c: RawClient = await connect(t);
  try {
    const replies: unknown[] = [];
    for (const cmd of CASES) {
      replies.push(show(await c.call('COMMAND', 'GETKEYS', ...cmd)));
      replies.push(show(await c.call('COMMAND', 'GETKEYSANDFLAGS', ...cmd)));
    }
    replies.push(show(await c.call('COMMAND', 'GETKEYS')));
    replies.push(show(await c.call('COMMAND', 'HELP')));
    replies.push(show(await c.call('COMMAND', 'LIST', 'FILTERBY', 'nope', 'x')));
    replies.push(show(await c.call('COMMAND', 'LIST', 'FILTERBY')));
    replies.push(show(await c.call('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x')));
    replies.push(show(await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuchcat')));
    const list = (show(await c.call('COMMAND', 'LIST')) as string[]).sort();
    const patterns: string[][] = [];
    for (const p of ['client*', '*|*', 'x[ar]*', 'GET*']) patterns.push((show(await c.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', p)) as string[]).sort());
    for (const cat of ['connection', 'pubsub', 'transaction']) patterns.push((show(await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', cat)) as string[]).sort());
    return { replies, list, patterns };
  } finally {
    await c.close();
  }
}

describeRedis('COMMAND GETKEYS / GETKEYSANDFLAGS / LIST compared with redis-server 7.0', () => {
  const t = useTargets();

  test('keys, key flags, errors, LIST with subcommands and filters', async () => {
    const expected = await scenario(t.redis);
    const actual = await scenario(t.ours);
    expect(actual.replies).toEqual(expected.replies);
    // every name replikit lists is one redis-server lists; filters agree on the names both have
    const theirs = new Set(expected.list);
    expect(actual.list.filter((n) => !theirs.has(n))).toEqual([]);
    expect(actual.list.filter((n) => n.includes('|')).length).toBeGreaterThan(40);
    const ourNames = new Set(actual.list);
    expect(actual.patterns).toEqual(expected.patterns.map((names) => names.filter((n) => ourNames.has(n))));
  });
});
