/**
 * The approximated policies, checked statistically on both servers (the same procedure, the same
 * bounds): keys accessed recently (LRU) or often (LFU) survive a wave of evictions far more
 * often than keys left alone, while allkeys-random shows no such preference. Also: the INFO
 * fields maxmemory reports, and used memory moving with the dataset.
 */
import { hasRedis, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { client, startReplikit } from '../replication/helpers';
import { fill, info, infoNumber } from './eviction-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

const N = 200;
const SIZE = 300;

/** Surviving keys of `prefix` 0..N-1. */
async function survivors(c: Redis, prefix: string): Promise<number> {
  const p = c.pipeline();
  for (let i = 0; i < N; i++) p.exists(`${prefix}${i}`);
  const res = (await p.exec()) ?? [];
  return res.reduce((n, [, v]) => n + Number(v), 0);
}

/**
 * Creates hot and cold keys, lets `beforeAccess` pass, accesses the hot ones, then limits
 * memory to the current usage and writes N new keys: about N keys must go.
 */
async function wave(c: Redis, policy: string, hotAccesses: number, beforeAccess: () => Promise<void>): Promise<{ hot: number; cold: number }> {
  await c.call('FLUSHALL');
  await c.call('CONFIG', 'SET', 'maxmemory', '0');
  await c.call('CONFIG', 'SET', 'maxmemory-policy', policy);
  await c.call('CONFIG', 'SET', 'maxmemory-eviction-tenacity', '100');
  await fill(c, 'hot', N, SIZE);
  await fill(c, 'cold', N, SIZE);
  await beforeAccess();
  for (let round = 0; round < hotAccesses; round++) {
    const p = c.pipeline();
    for (let i = 0; i < N; i++) p.get(`hot${i}`);
    await p.exec();
  }
  await c.call('CONFIG', 'SET', 'maxmemory', String(1024 * 1024 * 1024));
  await c.call('CONFIG', 'SET', 'maxmemory', String(await infoNumber(c, 'used_memory')));
  await fill(c, 'new', N, SIZE);
  const evicted = await infoNumber(c, 'evicted_keys');
  expect(evicted).toBeGreaterThan(N / 2);
  const out = { hot: await survivors(c, 'hot'), cold: await survivors(c, 'cold') };
  await c.call('CONFIG', 'SET', 'maxmemory', '0');
  await c.call('CONFIG', 'RESETSTAT');
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describeRedis('eviction policies (statistical, same bounds for both servers)', () => {
  jest.setTimeout(60_000);

  for (const server of ['redis-server', 'replikit-server'] as const) {
    describe(server, () => {
      let stop: () => Promise<void>;
      let c: Redis;
      beforeAll(async () => {
        if (server === 'redis-server') {
          const r = await startRedisServer();
          stop = () => r.stop();
          c = client(r.port);
        } else {
          const k = await startReplikit();
          stop = () => k.stop();
          c = client(k.port);
        }
      });
      afterAll(async () => {
        c.disconnect();
        await stop();
      });

      it('allkeys-lru keeps recently used keys far more often than the others', async () => {
        // LRU times have a 1 s resolution: the cold keys must be seconds older than the hot accesses
        const { hot, cold } = await wave(c, 'allkeys-lru', 1, () => sleep(2100));
        // hot keys idle 0-1 s can lose to new keys across a second boundary: bounds with margin
        expect({ hot, cold, hotKept: hot > 0.6 * N, farMore: hot > 2 * cold }).toMatchObject({ hotKept: true, farMore: true });
      });

      it('allkeys-lfu keeps frequently used keys far more often than the others', async () => {
        await c.call('CONFIG', 'SET', 'lfu-log-factor', '0');
        await c.call('CONFIG', 'SET', 'lfu-decay-time', '0');
        const { hot, cold } = await wave(c, 'allkeys-lfu', 10, async () => {});
        // hot keys idle 0-1 s can lose to new keys across a second boundary: bounds with margin
        expect({ hot, cold, hotKept: hot > 0.6 * N, farMore: hot > 2 * cold }).toMatchObject({ hotKept: true, farMore: true });
      });

      it('allkeys-random shows no such preference', async () => {
        const { hot, cold } = await wave(c, 'allkeys-random', 1, async () => {});
        expect({ hot, cold, hotLost: hot < 0.95 * N, noGap: Math.abs(hot - cold) < 0.25 * N }).toMatchObject({ hotLost: true, noGap: true });
      });

      it('volatile-ttl evicts the keys closest to expiring first', async () => {
        await c.call('FLUSHALL');
        await c.call('CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl');
        await c.call('CONFIG', 'SET', 'maxmemory-eviction-tenacity', '100');
        await fill(c, 'soon', N, SIZE, 1000);
        await fill(c, 'late', N, SIZE, 100000);
        await c.call('CONFIG', 'SET', 'maxmemory', String(1024 * 1024 * 1024));
        await c.call('CONFIG', 'SET', 'maxmemory', String(await infoNumber(c, 'used_memory')));
        await fill(c, 'new', N / 2, SIZE);
        const soon = await survivors(c, 'soon');
        const late = await survivors(c, 'late');
        expect({ soon, late, soonLost: soon < 0.8 * N, lateKept: late > 0.8 * N, gap: late - soon > 0.2 * N }).toMatchObject({ soonLost: true, lateKept: true, gap: true });
        await c.call('CONFIG', 'SET', 'maxmemory', '0');
      });

      it('INFO: maxmemory fields, eviction counters, used_memory following the dataset', async () => {
        await c.call('FLUSHALL');
        await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
        // well above any baseline (an in-process server counts the test process's heap at its start)
        await c.call('CONFIG', 'SET', 'maxmemory', '2gb');
        let before = await info(c);
        for (const f of ['maxmemory', 'maxmemory_human', 'maxmemory_policy', 'mem_not_counted_for_evict', 'used_memory', 'evicted_keys', 'total_eviction_exceeded_time', 'current_eviction_exceeded_time']) {
          expect({ f, present: before.has(f) }).toEqual({ f, present: true });
        }
        expect(before.get('maxmemory')).toBe(String(2 * 1024 * 1024 * 1024));
        expect(before.get('maxmemory_human')).toBe('2.00G');
        expect(before.get('maxmemory_policy')).toBe('allkeys-lru');
        expect(before.get('current_eviction_exceeded_time')).toBe('0');
        // far above the usage: nothing is evicted while the dataset grows
        await c.call('CONFIG', 'SET', 'maxmemory', '4gb');
        before = await info(c);
        await fill(c, 'k', 2000, 1000);
        const grown = await infoNumber(c, 'used_memory');
        expect(grown - Number(before.get('used_memory'))).toBeGreaterThan(2000 * 1000);
        await c.call('FLUSHALL');
        expect(await infoNumber(c, 'used_memory')).toBeLessThan(grown - 2000 * 1000);
        await c.call('CONFIG', 'SET', 'maxmemory', '0');
        await c.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      });
    });
  }
});
