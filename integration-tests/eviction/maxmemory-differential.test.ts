/**
 * maxmemory compared with redis-server 7.0 where the outcome is deterministic: the same command
 * sequence on both servers gives the same replies. A limit of 1 byte is below any server's
 * used memory, so every pass must evict everything it may and still refuse denyoom commands.
 */
import { hasRedis } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { client, redisAndReplikit } from '../replication/helpers';
import { OOM_TEXT, fill, infoNumber, reply, resetMaxmemory } from './eviction-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

type Step = ReadonlyArray<string | number>;

async function run(c: Redis, steps: readonly Step[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const s of steps) {
    const v = await reply(c, ...s);
    // KEYS order is the hash table's: compare as a set
    if (s[0] === 'KEYS' && Array.isArray(v)) out.push([...v].sort());
    // LRU times have a 1 s resolution: a second may tick between the access and the OBJECT call
    else if (s[0] === 'OBJECT' && s[1] === 'IDLETIME' && typeof v === 'number') out.push(v <= 1 ? 'idle <= 1 s' : v);
    else out.push(v);
  }
  return out;
}

describeRedis('maxmemory vs redis-server 7.0 (deterministic cases)', () => {
  const servers = redisAndReplikit();
  let r: Redis;
  let k: Redis;

  beforeEach(async () => {
    r = client(servers.redis.port);
    k = client(servers.rk.port);
    await resetMaxmemory(r);
    await resetMaxmemory(k);
  });
  afterEach(async () => {
    await r.quit();
    await k.quit();
  });

  async function same(steps: readonly Step[]): Promise<unknown[]> {
    const expected = await run(r, steps);
    const actual = await run(k, steps);
    expect(actual).toEqual(expected);
    return actual;
  }

  it('noeviction: denyoom commands get the exact OOM text, reads and deletes still run, MULTI refuses all but EXEC/DISCARD', async () => {
    const out = await same([
      ['SET', 'a', '1'], ['RPUSH', 'l', 'x'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'b', '2'], ['APPEND', 'a', 'x'], ['RPUSH', 'l', 'y'], ['GET', 'a'], ['LLEN', 'l'], ['DBSIZE'],
      ['MULTI'], ['GET', 'a'], ['SET', 'c', '3'], ['EXEC'],
      ['MULTI'], ['DISCARD'],
      ['DEL', 'a'], ['EXISTS', 'a'], ['EXPIRE', 'l', '100'], ['TTL', 'l'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['SET', 'b', '2'],
    ]);
    expect(out).toContain(`ERR! ${OOM_TEXT}`);
  });

  it('EXEC of queued denyoom commands is refused once memory goes over the limit', async () => {
    const steps: Step[] = [['MULTI'], ['SET', 'a', '1'], ['GET', 'a']];
    for (const c of [r, k]) await run(c, steps);
    // the limit is lowered from another connection while the transaction is open
    for (const c of [r, k]) await c.call('CONFIG', 'SET', 'maxmemory', '1');
    await same([['EXEC'], ['GET', 'a']]);
  });

  it.each(['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])('%s with no keys that have a TTL: nothing evicted, OOM', async (policy) => {
    const out = await same([
      ['SET', 'a', '1'], ['SET', 'b', '2'], ['SADD', 's', 'm'],
      ['CONFIG', 'SET', 'maxmemory-policy', policy],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'c', '3'], ['DBSIZE'], ['MGET', 'a', 'b'],
    ]);
    expect(out[out.length - 2]).toBe(3);
  });

  it.each(['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])('%s evicts only the keys with a TTL', async (policy) => {
    await same([
      ['SET', 'a', '1'], ['SET', 'b', '2'], ['SET', 'v1', 'x', 'EX', '1000'], ['SET', 'v2', 'y', 'EX', '2000'], ['HSET', 'h', 'f', 'v'], ['EXPIRE', 'h', '500'],
      ['CONFIG', 'SET', 'maxmemory-policy', policy],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'c', '3'], ['DBSIZE'], ['KEYS', '*'],
    ]);
  });

  it.each(['allkeys-lru', 'allkeys-lfu', 'allkeys-random'])('%s evicts every key when even an empty dataset is over the limit, then OOM', async (policy) => {
    await fill(r, 'k', 50, 100);
    await fill(k, 'k', 50, 100);
    const out = await same([
      // no time limit on one eviction pass: the outcome does not depend on either server's speed
      ['CONFIG', 'SET', 'maxmemory-eviction-tenacity', '100'],
      ['CONFIG', 'SET', 'maxmemory-policy', policy],
      ['SET', 'x', '1'], ['DBSIZE'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['DBSIZE'], ['SET', 'y', '1'], ['GET', 'x'],
    ]);
    expect(out[5]).toBe(0);
    for (const c of [r, k]) expect(await infoNumber(c, 'evicted_keys')).toBeGreaterThanOrEqual(51);
  });

  it('OBJECT FREQ / IDLETIME: error texts per policy, LFU counters with lfu-log-factor 0 (no decay)', async () => {
    const out = await same([
      // values are not small integers: redis-server shares those objects (and their LRU field) while maxmemory is 0
      ['SET', 'a', 'v'],
      ['OBJECT', 'FREQ', 'a'], ['OBJECT', 'FREQ', 'missing'], ['OBJECT', 'IDLETIME', 'a'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['OBJECT', 'FREQ', 'a'], ['SET', 'b', 'v'], ['OBJECT', 'IDLETIME', 'b'],
      ['CONFIG', 'SET', 'lfu-log-factor', '0'], ['CONFIG', 'SET', 'lfu-decay-time', '0'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
      ['SET', 'c', 'v'], ['OBJECT', 'FREQ', 'c'], ['OBJECT', 'IDLETIME', 'c'], ['OBJECT', 'IDLETIME', 'missing'],
      ['GET', 'c'], ['GET', 'c'], ['GET', 'c'], ['OBJECT', 'FREQ', 'c'],
      // OBJECT, EXISTS, TYPE and TTL do not count as accesses; TOUCH and writes do
      ['OBJECT', 'FREQ', 'c'], ['EXISTS', 'c'], ['TYPE', 'c'], ['TTL', 'c'], ['OBJECT', 'FREQ', 'c'],
      ['TOUCH', 'c'], ['OBJECT', 'FREQ', 'c'],
      ['SET', 'c', 'w'], ['OBJECT', 'FREQ', 'c'],
      ['SET', 'n', '100000'], ['INCR', 'n'], ['OBJECT', 'FREQ', 'n'], ['APPEND', 'c', 'x'], ['OBJECT', 'FREQ', 'c'],
      ['RPUSH', 'l', 'a'], ['OBJECT', 'FREQ', 'l'], ['RPUSH', 'l', 'b'], ['LRANGE', 'l', '0', '-1'], ['OBJECT', 'FREQ', 'l'],
      ['MGET', 'c', 'l', 'nothere'], ['OBJECT', 'FREQ', 'c'],
    ]);
    expect(out).toContain(8);
    expect(out).toContain(9);
  });

  it('RESTORE IDLETIME / FREQ set the access field of the policy in use', async () => {
    const out: unknown[][] = [];
    for (const c of [r, k]) {
      await c.set('src', 'value');
      const payload = (await c.dumpBuffer('src')) as Buffer;
      const steps: Array<() => Promise<unknown>> = [
        () => reply(c, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'),
        () => c.call('RESTORE', 'a', '0', payload, 'IDLETIME', '1000'),
        () => reply(c, 'OBJECT', 'IDLETIME', 'a'),
        () => reply(c, 'RESTORE', 'b', '0', 'x', 'IDLETIME', '-1'),
        () => reply(c, 'CONFIG', 'SET', 'lfu-decay-time', '0'),
        () => reply(c, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'),
        () => c.call('RESTORE', 'f', '0', payload, 'FREQ', '42'),
        () => reply(c, 'OBJECT', 'FREQ', 'f'),
        () => reply(c, 'RESTORE', 'g', '0', payload, 'FREQ', '256'),
        () => reply(c, 'RESTORE', 'h', '0', payload, 'FREQ', '3', 'IDLETIME', '5'),
      ];
      const results: unknown[] = [];
      for (const step of steps) results.push(await step());
      // the idle time may have ticked one second by the time OBJECT runs
      results[2] = typeof results[2] === 'number' && results[2] >= 1000 && results[2] <= 1001 ? 'about 1000' : results[2];
      out.push(results);
    }
    expect(out[1]).toEqual(out[0]);
    expect(out[0]).toContain('about 1000');
    expect(out[0]).toContain(42);
  });

  it('lfu-log-factor 0 counts every access up to 255', async () => {
    const steps: Step[] = [['CONFIG', 'SET', 'lfu-log-factor', '0'], ['CONFIG', 'SET', 'lfu-decay-time', '0'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'], ['SET', 'k', 'v']];
    for (let i = 0; i < 260; i++) steps.push(['GET', 'k']);
    steps.push(['OBJECT', 'FREQ', 'k']);
    const out = await same(steps);
    expect(out[out.length - 1]).toBe(255);
  });

  it('maxmemory directives: CONFIG GET defaults and CONFIG SET validation', async () => {
    await same([
      ...['maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'maxmemory-eviction-tenacity', 'lfu-log-factor', 'lfu-decay-time', 'replica-ignore-maxmemory', 'slave-ignore-maxmemory', 'lazyfree-lazy-eviction'].map((n) => ['CONFIG', 'GET', n]),
      ['CONFIG', 'SET', 'maxmemory', '10mb'], ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'bogus'], ['CONFIG', 'SET', 'maxmemory-samples', '0'], ['CONFIG', 'SET', 'maxmemory-samples', '65'],
      ['CONFIG', 'SET', 'maxmemory-eviction-tenacity', '101'], ['CONFIG', 'SET', 'lfu-log-factor', '-1'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'ALLKEYS-LRU'], ['CONFIG', 'GET', 'maxmemory-policy'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
    ]);
  });

  it('scripts: a script without shebang is refused its first denyoom write; shebang scripts are refused at start unless allow-oom or no-writes', async () => {
    await same([
      ['SET', 'a', '1'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['EVAL', "return redis.call('GET', KEYS[1])", '1', 'a'],
      ['EVAL', "return redis.pcall('SET', KEYS[1], 'x')", '1', 'a'],
      ['EVAL', "redis.call('DEL', KEYS[1]); return redis.call('SET', KEYS[1], 'y')", '1', 'a'],
      ['GET', 'a'],
      ['EVAL', "#!lua\nreturn redis.call('GET', KEYS[1])", '1', 'a'],
      ['EVAL', "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])", '1', 'a'],
      ['EVAL', "#!lua flags=allow-oom\nreturn redis.call('SET', KEYS[1], 'z')", '1', 'a'],
      ['GET', 'a'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
    ]);
  });
});
