/**
 * Differential test of large bitmaps and dense HyperLogLogs against a real redis-server 7.0: the
 * sizes where SETBIT and PFADD edit the value through its byte image and a rope of pieces
 * (bitmap-bytes.ts), which the generic differential generators (small offsets, few elements)
 * never reach. SETBIT/GETBIT/BITCOUNT/GET/APPEND/SETRANGE/PFADD/PFCOUNT/DEL on two keys, so an
 * image outlives its key's value, follows another key with equal bytes, and meets values written
 * by commands that do not use images.
 */
import { createKeyspace } from '@replikit/keyspace';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import fc from 'fast-check';
import { compareDatasets, runStep } from './harness';
import { RedisConn } from './redis-conn';

const describeRedis = hasRedis() ? describe : describe.skip;
if (!hasRedis()) console.warn('bitmap-hll-large.test.ts: redis-server not found, the differential is SKIPPED');

const KEYS = ['bm1', 'bm2'];
const HKEYS = ['h1', 'h2'];

function steps(seed: number, n: number): string[][] {
  const offset = fc.oneof(fc.integer({ min: 0, max: 40000 }), fc.integer({ min: 0, max: 1_200_000 }));
  const key = fc.constantFrom(...KEYS);
  const hkey = fc.constantFrom(...HKEYS);
  const step = fc.oneof(
    { weight: 30, arbitrary: fc.tuple(key, offset, fc.constantFrom('0', '1')).map(([k, o, b]) => ['SETBIT', k, String(o), b]) },
    { weight: 8, arbitrary: fc.tuple(key, offset).map(([k, o]) => ['GETBIT', k, String(o)]) },
    { weight: 2, arbitrary: key.map((k) => ['BITCOUNT', k]) },
    { weight: 2, arbitrary: key.map((k) => ['STRLEN', k]) },
    { weight: 1, arbitrary: key.map((k) => ['GET', k]) },
    { weight: 1, arbitrary: fc.tuple(key, fc.integer({ min: 0, max: 200000 })).map(([k, o]) => ['SETRANGE', k, String(o), 'xyz']) },
    { weight: 1, arbitrary: key.map((k) => ['APPEND', k, '\x00\xff']) },
    { weight: 1, arbitrary: fc.constant<string[]>(['COPY', 'bm1', 'bm2', 'REPLACE']) },
    { weight: 1, arbitrary: key.map((k) => ['DEL', k]) },
    {
      weight: 10,
      arbitrary: fc.tuple(hkey, fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 400 })).map(([k, from, len]) => ['PFADD', k, ...Array.from({ length: len }, (_, i) => `e${from + i}`)]),
    },
    { weight: 3, arbitrary: hkey.map((k) => ['PFCOUNT', k]) },
    { weight: 1, arbitrary: fc.constant<string[]>(['PFCOUNT', 'h1', 'h2']) },
    { weight: 1, arbitrary: hkey.map((k) => ['GET', k]) },
    { weight: 1, arbitrary: fc.constant<string[]>(['COPY', 'h1', 'h2', 'REPLACE']) },
    { weight: 1, arbitrary: fc.tuple(hkey, fc.integer({ min: 16, max: 12000 })).map(([k, o]) => ['SETBIT', k, String(o * 8 + 3), '1']) },
  );
  return fc.sample(step, { seed, numRuns: n });
}

describeRedis('large bitmaps and dense HyperLogLogs vs redis-server 7.0 (differential)', () => {
  let srv: RedisServerHandle;
  let redis: RedisConn;

  beforeAll(async () => {
    srv = await startRedisServer();
    redis = await RedisConn.open(srv.port);
  });

  afterAll(async () => {
    await redis?.close();
    await srv?.stop();
  });

  it.each([11, 29, 47, 83])('seed %i: replies and final datasets are identical', async (seed) => {
    await redis.call('FLUSHALL');
    const ks = createKeyspace();
    const runner = { redis, ks, session: { db: 0, resp: 2 as const } };
    try {
      const list = steps(seed, 400);
      for (let i = 0; i < list.length; i++) {
        const d = await runStep(runner, { argv: list[i] });
        if (d) throw new Error(`seed ${seed} step ${i} ${JSON.stringify(list[i]).slice(0, 200)}: ${d.slice(0, 400)}`);
      }
      const d = await compareDatasets(runner);
      if (d) throw new Error(`seed ${seed} final dataset: ${d.slice(0, 400)}`);
    } finally {
      ks.close();
    }
  }, 120_000);
});
