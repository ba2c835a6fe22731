/**
 * Differential tests: seeded random command sequences (all registered families, wrong types, bad
 * arguments, expiries, MULTI/EXEC) against a real redis-server 7.0 and the keyspace.
 */
import { createKeyspace } from '@replikit/keyspace';
import { type RedisServerHandle, hasRedis, startRedisServer } from '@replikit/test-utils';
import fc from 'fast-check';
import { compareDatasets, runStep, stepArbitrary } from './harness';
import { RedisConn } from './redis-conn';

const describeRedis = hasRedis() ? describe : describe.skip;
/** A positive whole number from the environment: 0 or garbage would make an empty differential that passes. */
function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
const SEEDS = positiveInt('KEYSPACE_DIFF_SEEDS', 30);
const STEPS = positiveInt('KEYSPACE_DIFF_STEPS', 400);
const CHECK_EACH = process.env.KEYSPACE_DIFF_CHECK_EACH === '1';

describeRedis('keyspace vs redis-server 7.0 (differential)', () => {
  let srv: RedisServerHandle;
  let redis: RedisConn;
  let redis3: RedisConn;

  beforeAll(async () => {
    srv = await startRedisServer({ config: { 'enable-debug-command': 'yes' } });
    redis = await RedisConn.open(srv.port);
    redis3 = await RedisConn.open(srv.port);
    const hello = await redis3.call('HELLO', '3');
    if (hello.frame.t !== '%') throw new Error(`HELLO 3 did not switch to RESP3: ${hello.raw}`);
    // active expiry would delete logically expired keys behind our back (DBSIZE, SCAN counts)
    await redis.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  });

  afterAll(async () => {
    await redis?.close();
    await redis3?.close();
    await srv?.stop();
  });

  async function runSeed(seed: number, conn: RedisConn, resp: 2 | 3): Promise<void> {
    await conn.call('FLUSHALL');
    await conn.call('SELECT', '0');
    const ks = createKeyspace();
    const runner = { redis: conn, ks, session: { db: 0, resp } };
    const steps = fc.sample(stepArbitrary(), { seed, numRuns: STEPS });
    expect(steps).toHaveLength(STEPS);
    try {
      for (let i = 0; i < steps.length; i++) {
        let d: string | null;
        try {
          d = await runStep(runner, steps[i]);
        } catch (e) {
          await conn.call('DISCARD').catch(() => undefined);
          d = `exception ${(e as Error).message}`;
        }
        if (!d && CHECK_EACH) d = await runStep(runner, { argv: ['DBSIZE'] });
        if (d) {
          const ctx = steps.slice(Math.max(0, i - 8), i + 1).map((s) => JSON.stringify(s.multi ? s.multi.map((m) => m.argv) : s.argv));
          throw new Error(`RESP${resp} seed ${seed} step ${i} ${JSON.stringify(steps[i].multi ? 'MULTI' : steps[i].argv)}: ${d}\nlast steps:\n${ctx.join('\n')}`);
        }
      }
      const d = await compareDatasets(runner);
      if (d) throw new Error(`RESP${resp} seed ${seed} final dataset: ${d}`);
    } finally {
      ks.close();
    }
  }

  const seeds = Array.from({ length: SEEDS }, (_, i) => 1000 + i * 7919);
  it.each(seeds)('seed %i: replies and final datasets are identical', (seed) => runSeed(seed, redis, 2));
  // the same sequences over RESP3 (HELLO 3): maps, sets, doubles, nulls and pairs in their RESP3 types
  it.each(seeds.slice(0, Math.ceil(SEEDS / 2)))('RESP3, seed %i: replies and final datasets are identical', (seed) => runSeed(seed, redis3, 3));
});
