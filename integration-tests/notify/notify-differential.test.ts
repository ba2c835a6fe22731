/**
 * Keyspace notifications compared with redis-server 7.0: the same command sequence runs on both
 * servers with `notify-keyspace-events` set, and the messages a PSUBSCRIBE '__key*__:*' client gets
 * must be the same list, in the same order. Also CONFIG SET/GET of the directive (canonical form
 * and error text).
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { type StartedReplikit, client, startReplikit } from '../replication/helpers';
import { recordEvents, words } from './notify-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

/** Families of commands; each runs from an empty db 0 (db 1 for MOVE/COPY targets). */
const FAMILIES: Record<string, string[]> = {
  strings: [
    'SET s1 a',
    'SET s2 b EX 100',
    'SETEX s3 100 c',
    'PSETEX s4 100000 d',
    'SETNX s1 x',
    'SETNX s5 e',
    'SET s1 z XX GET',
    'SET nope z XX',
    'GETSET s1 y',
    'MSET m1 1 m2 2',
    'MSETNX m1 1 m3 3',
    'MSETNX m4 4 m5 5',
    'INCR n',
    'INCRBY n 5',
    'DECR n',
    'DECRBY n 2',
    'INCRBYFLOAT f 1.5',
    'APPEND s1 more',
    'APPEND a1 new',
    'SETRANGE s1 2 XY',
    'SETRANGE sr 0 ',
    'SETRANGE s1 0 ',
    'GETDEL s5',
    'GETDEL missing',
    'GETEX s1 EX 100',
    'GETEX s1 PERSIST',
    'GETEX s1 PERSIST',
    'GETEX s1 PXAT 1',
    'GET s1',
  ],
  generic: [
    'SET k1 v',
    'SET k2 v',
    'SET k3 v',
    'DEL k1 k2 nothere',
    'UNLINK k3',
    'SET e v',
    'EXPIRE e 100',
    'PEXPIRE e 100000',
    'EXPIREAT e 99999999999',
    'PEXPIREAT e 99999999999999',
    'EXPIRE e 100 NX',
    'PERSIST e',
    'PERSIST e',
    'EXPIRE e -1',
    'EXPIRE nothere 10',
    'SET r1 v',
    'RENAME r1 r2',
    'RENAME r2 r2',
    'SET r3 v',
    'RENAMENX r2 r3',
    'RENAMENX r2 r4',
    'SET mv v',
    'MOVE mv 1',
    'SET cp v',
    'COPY cp cp2',
    'COPY cp cp3 DB 1',
    'COPY cp cp2',
    'COPY cp cp2 REPLACE',
  ],
  lists: [
    'LPUSH l a b c',
    'RPUSH l d e',
    'LPUSHX l f',
    'RPUSHX l g',
    'LPUSHX nolist f',
    'LINSERT l BEFORE a x',
    'LINSERT l BEFORE nothere x',
    'LSET l 0 y',
    'LPOP l',
    'RPOP l',
    'LPOP l 2',
    'LREM l 0 x',
    'LREM l 0 nothere',
    'LTRIM l 0 1',
    'LTRIM l 0 -1',
    'RPUSH src 1 2',
    'LMOVE src dst LEFT RIGHT',
    'RPOPLPUSH src dst',
    'RPUSH one z',
    'LPOP one',
    'RPUSH tr 1 2',
    'LTRIM tr 5 10',
    'RPUSH rm q q',
    'LREM rm 0 q',
  ],
  hashes: [
    'HSET h a 1 b 2',
    'HMSET h c 3',
    'HSETNX h a 9',
    'HSETNX h d 4',
    'HINCRBY h a 5',
    'HINCRBYFLOAT h f 1.25',
    'HDEL h a nothere',
    'HDEL h nothere',
    'HDEL h b c d f',
  ],
  sets: [
    'SADD s a b c',
    'SADD s a',
    'SREM s a nothere',
    'SREM s nothere',
    'SMOVE s t b',
    'SMOVE s t nothere',
    'SMOVE t t b',
    'SADD t x',
    'SMOVE s t c',
    'SADD p only',
    'SPOP p',
    'SADD pc m1',
    'SPOP pc 5',
    'SADD pd m1',
    'SPOP pd 0',
    'SREM t b x',
  ],
  zsets: [
    'ZADD z 1 a 2 b',
    'ZADD z 1 a',
    'ZADD z 5 a',
    'ZADD z NX 9 a',
    'ZADD z INCR 2 b',
    'ZINCRBY z 3 c',
    'ZADD z XX 1 nothere',
    'ZREM z a nothere',
    'ZREM z nothere',
    'ZADD r 1 a 2 b 3 c 4 d 5 e 6 f',
    'ZREMRANGEBYRANK r 0 0',
    'ZREMRANGEBYRANK r 10 20',
    'ZREMRANGEBYSCORE r 2 3',
    'ZREMRANGEBYSCORE r 100 200',
    'ZADD lex 0 a 0 b 0 c',
    'ZREMRANGEBYLEX lex [a [b',
    'ZREMRANGEBYLEX lex [c [c',
    'ZPOPMIN r',
    'ZPOPMAX r 5',
    'ZPOPMIN r',
    'ZADD m1 1 x',
    'ZMPOP 2 nothere m1 MIN',
    'ZREM z b c',
  ],
  stores: [
    'SADD a 1 2 3',
    'SADD b 2 3 4',
    'SINTERSTORE i a b',
    'SUNIONSTORE u a b',
    'SDIFFSTORE d a b',
    'SINTERSTORE i a nothere',
    'SINTERSTORE i a nothere',
    'SDIFFSTORE u a a',
    'ZADD za 1 x 2 y',
    'ZADD zb 3 y 4 z',
    'ZUNIONSTORE zu 2 za zb',
    'ZINTERSTORE zi 2 za zb',
    'ZDIFFSTORE zd 2 za zb',
    'ZRANGESTORE zr za 0 -1',
    'ZRANGESTORE zr za 5 10',
    'ZINTERSTORE zu 2 za nothere',
    'ZDIFFSTORE zd 2 za za',
    'ZUNIONSTORE zd 1 nothere',
  ],
};

async function runFamily(port: number, flags: string, lines: readonly string[], withDb1 = true): Promise<string[]> {
  const c = client(port);
  const rec = await recordEvents(port);
  try {
    await c.flushall();
    await c.config('SET', 'notify-keyspace-events', flags);
    for (const line of lines) await c.call(...(words(line) as [string, ...string[]])).catch(() => undefined);
    if (withDb1) await c.select(0);
    await rec.settle(c);
    await c.config('SET', 'notify-keyspace-events', '');
    return [...rec.messages];
  } finally {
    rec.close();
    c.disconnect();
  }
}

describeRedis('keyspace notifications vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let rk: StartedReplikit;

  beforeAll(async () => {
    redis = await startRedisServer();
    rk = await startReplikit();
  });

  afterAll(async () => {
    await rk?.stop();
    await redis?.stop();
  });

  for (const [family, lines] of Object.entries(FAMILIES)) {
    it(`${family}: the same messages in the same order (KEA)`, async () => {
      const expected = await runFamily(redis.port, 'KEA', lines);
      const actual = await runFamily(rk.port, 'KEA', lines);
      expect(expected.length).toBeGreaterThan(0);
      expect(actual).toEqual(expected);
    });
  }

  it('class filters: only the selected classes and channel kinds are published', async () => {
    const lines = [...FAMILIES.strings, ...FAMILIES.lists, ...FAMILIES.generic];
    for (const flags of ['Kl', 'Eg', 'K$', 'Ez', 'KA', 'El$', 'Kx', 'g', 'E']) {
      const expected = await runFamily(redis.port, flags, lines);
      const actual = await runFamily(rk.port, flags, lines);
      expect({ flags, actual }).toEqual({ flags, actual: expected });
    }
  });

  it('expired: lazy expiry on access and the active cycle publish `expired`', async () => {
    const lines = ['SET lazy v PX 1', 'SET active v PX 1'];
    const collect = async (port: number): Promise<string[]> => {
      const c: Redis = client(port);
      const rec = await recordEvents(port);
      try {
        await c.flushall();
        await c.config('SET', 'notify-keyspace-events', 'KEA');
        for (const line of lines) await c.call(...(words(line) as [string, ...string[]]));
        await new Promise((r) => setTimeout(r, 20));
        await c.get('lazy');
        // the active cycle (hz 10) reclaims the other key without any access
        for (let i = 0; i < 100 && (await c.dbsize()) !== 0; i++) await new Promise((r) => setTimeout(r, 20));
        await rec.settle(c);
        await c.config('SET', 'notify-keyspace-events', '');
        return [...rec.messages];
      } finally {
        rec.close();
        c.disconnect();
      }
    };
    const expected = await collect(redis.port);
    const actual = await collect(rk.port);
    expect(expected).toContain('__keyevent@0__:expired active');
    expect(actual).toEqual(expected);
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
    expect(await run(rk.port)).toEqual(await run(redis.port));
  });
});
