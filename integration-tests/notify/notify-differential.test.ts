/**
 * Keyspace notifications compared with redis-server 7.0: the same command sequence runs on both
 * servers with `notify-keyspace-events` set, and the messages a PSUBSCRIBE '__key*__:*' client gets
 * must be the same list, in the same order. Also CONFIG SET/GET of the directive (canonical form
 * and error text).
 */
import { hasRedis } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { client, infoMap, redisAndReplikit, waitFor } from '../replication/helpers';
import { FAMILIES } from './notify-families';
import { notificationsOf, runLines, words } from './notify-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

function runFamily(port: number, flags: string, lines: readonly string[]): Promise<string[]> {
  return notificationsOf(port, flags, async (c) => {
    await runLines(c, lines);
    await c.select(0);
  });
}

describeRedis('keyspace notifications vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  for (const [family, lines] of Object.entries(FAMILIES)) {
    it(`${family}: the same messages in the same order (KEA)`, async () => {
      const expected = await runFamily(servers.redis.port, 'KEA', lines);
      const actual = await runFamily(servers.rk.port, 'KEA', lines);
      expect(expected.length).toBeGreaterThan(0);
      expect(actual).toEqual(expected);
    });
  }

  it('class filters: only the selected classes and channel kinds are published', async () => {
    const lines = [...FAMILIES.strings, ...FAMILIES.lists, ...FAMILIES.generic];
    for (const flags of ['Kl', 'Eg', 'K$', 'Ez', 'KA', 'El$', 'Kx', 'g', 'E']) {
      const expected = await runFamily(servers.redis.port, flags, lines);
      const actual = await runFamily(servers.rk.port, flags, lines);
      expect({ flags, actual }).toEqual({ flags, actual: expected });
    }
  });

  it('new (n) and keymiss (m): added keys and read misses, OBJECT excluded', async () => {
    const lines = [
      'SET a 1', 'SET a 2', 'GET nothere', 'GET a', 'EXISTS nothere a', 'OBJECT ENCODING nothere', 'TYPE nothere', 'STRLEN nothere',
      'LPUSH l x', 'LPUSH l y', 'LRANGE nothere 0 -1', 'SADD s m', 'HSET h f v', 'ZADD z 1 m', 'INCR n', 'APPEND ap x', 'RENAME a b', 'COPY b c',
      'HGET nothere f', 'SMEMBERS nothere', 'ZSCORE nothere m', 'MGET a b nothere', 'SINTERSTORE dst s nothere', 'COPY nothere d',
      'GETDEL nothere', 'MSET m1 1 m2 2', 'SETNX s2 v',
    ];
    for (const flags of ['KEn', 'KEm', 'Enm', 'AKEnm']) {
      const expected = await runFamily(servers.redis.port, flags, lines);
      const actual = await runFamily(servers.rk.port, flags, lines);
      expect(expected.length).toBeGreaterThan(0);
      expect({ flags, actual }).toEqual({ flags, actual: expected });
    }
  });

  it('RESTORE publishes new and restore; DUMP of a missing key is a keymiss', async () => {
    const run = async (port: number): Promise<string[]> => {
      let payload: Buffer = Buffer.alloc(0);
      const prepare = async (c: Redis) => {
        await c.rpush('src', 'a', 'b');
        payload = await c.dumpBuffer('src');
      };
      return notificationsOf(
        port,
        'AKEnm',
        async (c) => {
          await c.restore('dst', 0, payload);
          await c.restore('dst', 0, payload, 'REPLACE');
          await c.restore('dst', 0, payload).catch(() => undefined);
          await c.dump('nothere');
        },
        { prepare },
      );
    };
    const expected = await run(servers.redis.port);
    expect(expected).toContain('__keyevent@0__:restore dst');
    expect(await run(servers.rk.port)).toEqual(expected);
  });

  it('blocked clients served by a push publish the pop (BLPOP, BLMOVE, BZPOPMIN)', async () => {
    const run = (port: number): Promise<string[]> =>
      notificationsOf(port, 'KEA', async (c) => {
        const blocked = client(port);
        try {
          const blockedCount = async () => Number(infoMap(await c.info('clients')).get('blocked_clients'));
          for (const [block, push] of [
            [['BLPOP', 'bl', '0'], ['RPUSH', 'bl', 'a', 'b']],
            [['BLMOVE', 'bm', 'dst', 'RIGHT', 'LEFT', '0'], ['LPUSH', 'bm', 'x']],
            [['BZPOPMIN', 'bz', '0'], ['ZADD', 'bz', '1', 'm']],
          ] as const) {
            const served = blocked.call(...(block as unknown as [string, ...string[]]));
            await waitFor('the client to block', async () => (await blockedCount()) === 1);
            await c.call(...(push as unknown as [string, ...string[]]));
            await served;
          }
        } finally {
          blocked.disconnect();
        }
      });
    const expected = await run(servers.redis.port);
    expect(expected).toContain('__keyevent@0__:zpopmin bz');
    expect(await run(servers.rk.port)).toEqual(expected);
  });

  it('expired: lazy expiry on access and the active cycle publish `expired`', async () => {
    const lines = ['SET lazy v PX 1', 'SET active v PX 1'];
    const collect = (port: number): Promise<string[]> =>
      notificationsOf(port, 'KEA', async (c) => {
        for (const line of lines) await c.call(...(words(line) as [string, ...string[]]));
        await new Promise((r) => setTimeout(r, 20));
        await c.get('lazy');
        // the active cycle (hz 10) reclaims the other key without any access
        for (let i = 0; i < 100 && (await c.dbsize()) !== 0; i++) await new Promise((r) => setTimeout(r, 20));
      });
    const expected = await collect(servers.redis.port);
    const actual = await collect(servers.rk.port);
    expect(expected).toContain('__keyevent@0__:expired active');
    // the active cycle may reclaim either key first (on both servers): compare without that order
    expect([...actual].sort()).toEqual([...expected].sort());
  });

  it('CONFIG SET/GET notify-keyspace-events: canonical form and errors', async () => {
    const values = ['', 'A', 'AKE', 'KEA', 'g$lshzxetd', 'g$lshzxet', 'KEm', 'n', 'Km', 'xE', 'nmEKdtexzhsl$g', 'ed', 'Ad', 'An', 'gn', 'KEn', 'mn', 'KEA n', 'q', 'a', 'AKEq'];
    const run = async (port: number): Promise<string[]> => {
      const c = client(port);
      const out: string[] = [];
      try {
        for (const v of values) {
          const set = await c.config('SET', 'notify-keyspace-events', v).then(String, (e: Error) => e.message);
          const get = await c.config('GET', 'notify-keyspace-events');
          out.push(`${JSON.stringify(v)} -> ${set} / ${JSON.stringify(get)}`);
        }
        await c.config('SET', 'notify-keyspace-events', '');
      } finally {
        c.disconnect();
      }
      return out;
    };
    expect(await run(servers.rk.port)).toEqual(await run(servers.redis.port));
  });
});
