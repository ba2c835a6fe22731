/**
 * Evictions leave the server as DELs: a replikit master evicting keys is followed by a real
 * redis-server replica that ends with the same dataset; a replikit replica of a redis-server
 * master that evicts applies the master's DELs and, with replica-ignore-maxmemory (the default),
 * never evicts on its own. CONFIG SET maxmemory evicts at once (the `evicted` events arrive
 * before any further command), on both servers. lazyfree-lazy-eviction propagates UNLINK.
 */
import type { PropagatedCommand } from '@replikit/keyspace';
import { type RedisServerHandle, hasRedis, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { type StartedReplikit, client, dumpDataset, linkUp, startReplikit, waitFor } from '../replication/helpers';
import { fill, infoNumber } from './eviction-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

async function sameDataset(a: Redis, b: Redis): Promise<boolean> {
  return JSON.stringify(await dumpDataset(a, [0])) === JSON.stringify(await dumpDataset(b, [0]));
}

/** Sets maxmemory to the current used memory plus `headroom` bytes (tracking starts at the first non-zero limit). */
async function limitAt(c: Redis, headroom: number): Promise<number> {
  await c.call('CONFIG', 'SET', 'maxmemory', String(1024 * 1024 * 1024));
  const used = await infoNumber(c, 'used_memory');
  const limit = Math.max(1, used + headroom);
  await c.call('CONFIG', 'SET', 'maxmemory', String(limit));
  return limit;
}

describeRedis('evictions and replication', () => {
  jest.setTimeout(60_000);

  it('a replikit master evicting: a redis-server replica receives the DELs and ends with the same dataset', async () => {
    // no time limit on an eviction pass: all the evictions happen inside CONFIG SET
    const master = await startReplikit(['--repl-diskless-sync-delay', '0', '--maxmemory-policy', 'allkeys-lru', '--maxmemory-eviction-tenacity', '100']);
    let replica: RedisServerHandle | undefined;
    const m = client(master.port);
    let r: Redis | undefined;
    try {
      await fill(m, 'k', 300, 200);
      replica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${master.port}` } });
      r = client(replica.port);
      await linkUp(r);
      const rr = r;
      await waitFor('full sync', () => sameDataset(m, rr));
      // about 100 keys' worth below the current usage
      await limitAt(m, -100 * 300);
      const left = Number(await m.dbsize());
      expect(left).toBeLessThan(300);
      expect(left).toBeGreaterThan(0);
      expect(await infoNumber(m, 'evicted_keys')).toBe(300 - left);
      // writes keep evicting older keys
      await fill(m, 'n', 100, 200);
      await waitFor('the replica applied the evictions', () => sameDataset(m, rr));
      expect(Number(await rr.dbsize())).toBe(Number(await m.dbsize()));
      expect(await infoNumber(m, 'used_memory')).toBeLessThanOrEqual(await infoNumber(m, 'maxmemory'));
    } finally {
      r?.disconnect();
      m.disconnect();
      await replica?.stop();
      await master.stop();
    }
  });

  it('a replikit replica ignores maxmemory (replica-ignore-maxmemory yes) and applies a redis-server master\'s evictions', async () => {
    const master = await startRedisServer({ config: { 'maxmemory-policy': 'allkeys-random', 'repl-diskless-sync-delay': 0 } });
    const m = client(master.port);
    let rep: StartedReplikit | undefined;
    let r: Redis | undefined;
    try {
      await fill(m, 'k', 300, 200);
      rep = await startReplikit(['--replicaof', `127.0.0.1 ${master.port}`, '--maxmemory', '1', '--maxmemory-policy', 'allkeys-random']);
      r = client(rep.port);
      const rr = r;
      await linkUp(rr);
      await waitFor('full sync', () => sameDataset(m, rr));
      // over its own limit, the replica still holds every key and takes new ones from the stream
      await m.set('after', 'sync');
      await waitFor('the stream', async () => (await rr.get('after')) === 'sync');
      expect(await infoNumber(rr, 'evicted_keys')).toBe(0);
      await limitAt(m, -100 * 300);
      expect(await infoNumber(m, 'evicted_keys')).toBeGreaterThan(0);
      await waitFor('the replica applied the evictions', () => sameDataset(m, rr));
      expect(await infoNumber(rr, 'evicted_keys')).toBe(0);
      // replica-ignore-maxmemory no: the replica evicts on its own
      await rr.call('CONFIG', 'SET', 'replica-ignore-maxmemory', 'no');
      await rr.call('PING');
      expect(await infoNumber(rr, 'evicted_keys')).toBeGreaterThan(0);
    } finally {
      r?.disconnect();
      m.disconnect();
      await rep?.stop();
      await master.stop();
    }
  });

  it('CONFIG SET maxmemory below the usage evicts at once: the evicted events arrive before any other command (both servers)', async () => {
    const redis = await startRedisServer();
    const ours = await startReplikit();
    try {
      for (const port of [redis.port, ours.port]) {
        const c = client(port);
        const sub = client(port);
        try {
          await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ee');
          await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random');
          await c.call('CONFIG', 'SET', 'maxmemory-eviction-tenacity', '100');
          await fill(c, 'k', 200, 200);
          const evicted: string[] = [];
          sub.on('message', (_channel: string, key: string) => evicted.push(key));
          await sub.subscribe('__keyevent@0__:evicted');
          await limitAt(c, -50 * 300);
          // nothing is sent to the server from here on
          await waitFor('evicted events', async () => evicted.length > 0);
          const n = await infoNumber(c, 'evicted_keys');
          await waitFor('one event per evicted key', async () => evicted.length === n);
          expect(Number(await c.dbsize())).toBe(200 - n);
        } finally {
          sub.disconnect();
          c.disconnect();
        }
      }
    } finally {
      await ours.stop();
      await redis.stop();
    }
  });

  it('evictions are propagated as DEL, or UNLINK with lazyfree-lazy-eviction, each on its own', async () => {
    const ours = await startReplikit(['--maxmemory-policy', 'allkeys-lru']);
    const c = client(ours.port);
    const seen: string[][] = [];
    const onPropagate = (writes: readonly PropagatedCommand[]) => {
      for (const w of writes) seen.push(w.argv.map(String));
    };
    ours.s.server.on('command:propagate', onPropagate);
    try {
      await fill(c, 'k', 20, 100);
      seen.length = 0;
      await c.call('CONFIG', 'SET', 'maxmemory', '1');
      expect(seen.length).toBe(20);
      for (const argv of seen) expect(argv[0]).toBe('DEL');
      await c.call('CONFIG', 'SET', 'maxmemory', '0');
      await fill(c, 'k', 20, 100);
      await c.call('CONFIG', 'SET', 'lazyfree-lazy-eviction', 'yes');
      seen.length = 0;
      await c.call('CONFIG', 'SET', 'maxmemory', '1');
      expect(seen.length).toBe(20);
      for (const argv of seen) expect(argv[0]).toBe('UNLINK');
      expect(new Set(seen.map((a) => a[1])).size).toBe(20);
    } finally {
      ours.s.server.off('command:propagate', onPropagate);
      c.disconnect();
      await ours.stop();
    }
  });
});
