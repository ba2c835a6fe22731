/**
 * Blocking pops, multi-client scenarios run against redis-server 7.0 and replikit-server with the
 * same timing: every client's replies must be byte-identical. Our propagation is checked against
 * Redis 7.0's rules (blocked.c: LPOP/RPOP key, LMOVE/RPOPLPUSH, ZPOPMIN/ZPOPMAX key).
 */
import type { PropagatedCommand } from '@replikit/keyspace';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { ByteClient, call, runScenario as run, send, sleep, startReplikit, type Started, type Step } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

const SCENARIOS: Record<string, { steps: Step[]; propagated: string[] }> = {
  'FIFO per key': {
    steps: [send(0, 'BLPOP l 0'), sleep(30), send(1, 'BLPOP l 0'), sleep(30), call(2, 'RPUSH l a b c'), call(0, 'PING'), call(1, 'PING'), call(2, 'LRANGE l 0 -1')],
    propagated: ['RPUSH l a b c', 'LPOP l', 'LPOP l'],
  },
  'several keys: served from the key that got data': {
    steps: [send(0, 'BRPOP a b 0'), sleep(30), call(1, 'RPUSH b x y'), call(0, 'PING')],
    propagated: ['RPUSH b x y', 'RPOP b'],
  },
  'served at once without blocking': {
    steps: [call(1, 'RPUSH q 1 2'), call(0, 'BLPOP nothing q 0'), call(0, 'BRPOP q 0'), call(0, 'BLPOP q 0.05')],
    propagated: ['RPUSH q 1 2', 'LPOP q', 'RPOP q'],
  },
  'BRPOPLPUSH and BLMOVE': {
    steps: [
      send(0, 'BRPOPLPUSH src dst 0'),
      sleep(30),
      call(1, 'LPUSH src v'),
      call(1, 'LRANGE dst 0 -1'),
      send(0, 'BLMOVE src2 dst left right 0'),
      sleep(30),
      call(1, 'RPUSH src2 1 2'),
      call(1, 'LRANGE dst 0 -1'),
      call(0, 'blmove src2 dst right left 0'),
    ],
    propagated: ['LPUSH src v', 'RPOPLPUSH src dst', 'RPUSH src2 1 2', 'LMOVE src2 dst LEFT RIGHT', 'LMOVE src2 dst right left'],
  },
  'a chain: BLMOVE feeds a BLPOP waiter': {
    steps: [send(0, 'BLMOVE a b LEFT LEFT 0'), sleep(30), send(1, 'BLPOP b 0'), sleep(30), call(2, 'RPUSH a v'), call(0, 'PING'), call(1, 'PING')],
    propagated: ['RPUSH a v', 'LMOVE a b LEFT LEFT', 'LPOP b'],
  },
  'sorted sets, RESP2 and RESP3': {
    steps: [
      send(0, 'BZPOPMIN z1 z2 0'),
      sleep(30),
      call(1, 'ZADD z2 1.5 m 3 n'),
      call(0, 'PING'),
      call(3, 'HELLO 3'),
      send(3, 'BZPOPMAX z9 0'),
      sleep(30),
      call(1, 'ZADD z9 2.5 x'),
      call(3, 'PING'),
      call(3, 'BZPOPMAX z2 0'),
      call(3, 'BZPOPMIN nothing 0.05'),
    ],
    propagated: ['ZADD z2 1.5 m 3 n', 'ZPOPMIN z2', 'ZADD z9 2.5 x', 'ZPOPMAX z9', 'ZPOPMAX z2'],
  },
  'wrong type keeps waiting, then times out; immediate WRONGTYPE': {
    steps: [send(0, 'BLPOP k 0.3'), sleep(30), call(1, 'SET k str'), call(0, 'PING'), call(1, 'BLPOP k 0'), call(1, 'BZPOPMIN k 0')],
    propagated: ['SET k str'],
  },
  'MULTI pushes wake a waiter after EXEC': {
    steps: [send(0, 'BLPOP ml 0'), sleep(30), call(1, 'MULTI'), call(1, 'RPUSH ml x'), call(1, 'RPUSH ml y'), call(1, 'EXEC'), call(0, 'PING'), call(1, 'LRANGE ml 0 -1')],
    propagated: ['MULTI', 'RPUSH ml x', 'RPUSH ml y', 'EXEC', 'LPOP ml'],
  },
  'pipelined commands after a blocked one wait for it': {
    steps: [send(0, 'BLPOP pl 0'), send(0, 'PING'), sleep(50), call(1, 'RPUSH pl v'), call(0, 'ECHO done')],
    propagated: ['RPUSH pl v', 'LPOP pl'],
  },
  'CLIENT UNBLOCK with TIMEOUT and ERROR': {
    steps: [send(0, 'BLPOP u 0'), sleep(30), call(1, 'CLIENT UNBLOCK $ID0'), call(0, 'PING'), send(0, 'BRPOPLPUSH u v 0'), sleep(30), call(1, 'CLIENT UNBLOCK $ID0 ERROR'), call(0, 'PING'), call(1, 'CLIENT UNBLOCK $ID0')],
    propagated: [],
  },
  'timeouts: RESP2 null array, RESP3 null, inside MULTI no blocking': {
    steps: [
      call(0, 'BLPOP t 0.05'),
      call(0, 'BRPOPLPUSH t u 0.05'),
      call(0, 'MULTI'),
      call(0, 'BLPOP t 0'),
      call(0, 'BLMOVE t u LEFT LEFT 0'),
      call(0, 'BZPOPMIN t 0'),
      call(0, 'EXEC'),
      call(0, 'HELLO 3'),
      call(0, 'BRPOP t 0.05'),
      call(0, 'BLMOVE t u LEFT LEFT 0.05'),
    ],
    propagated: [],
  },
};

describeRedis('blocking pops vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let ours: Started;
  const propagated: PropagatedCommand[] = [];
  beforeAll(async () => {
    [redis, ours] = await Promise.all([startRedisServer(), startReplikit()]);
    ours.server.on('command:propagate', (writes) => propagated.push(...writes));
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), ours?.close()]);
  });

  for (const [name, sc] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      for (const port of [redis.port, ours.port]) {
        const c = await ByteClient.connect(port);
        await c.call('FLUSHALL');
        c.close();
      }
      propagated.length = 0;
      const [expected, actual] = await Promise.all([run(redis.port, sc.steps), run(ours.port, sc.steps)]);
      expect(actual).toEqual(expected);
      expect(propagated.map((p) => p.argv.join(' ')).filter((p) => p !== 'FLUSHALL')).toEqual(sc.propagated);
      expect(ours.server.blocking.size).toBe(0);
    });
  }
});
