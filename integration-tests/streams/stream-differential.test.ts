/**
 * Differential tests of the stream family alone: seeded random stream command sequences (with
 * the key commands mixed in for wrong types, deletes and renames) against a real redis-server 7.0
 * and the keyspace, RESP2 and RESP3; replies byte-identical, then every stream compared by XRANGE,
 * XINFO STREAM (lengths, radix-tree counters, ids, entries-added) and XINFO GROUPS (entries-read,
 * lag, pending counts).
 */
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { SimpleString } from '@replikit/resp';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import fc from 'fast-check';
import { keysGenerator } from '../keyspace/gen-keys';
import type { GenStep } from '../keyspace/generator-types';
import { genContext, runStep } from '../keyspace/harness';
import { RedisConn } from '../keyspace/redis-conn';
import { streamGenerator } from './gen-stream';

const describeRedis = hasRedis() ? describe : describe.skip;
const SEEDS = Number(process.env.STREAM_DIFF_SEEDS ?? 12);
const STEPS = Number(process.env.STREAM_DIFF_STEPS ?? 300);
/** STREAM_DIFF_STATS=1 prints, per command, how many steps succeeded (did the generator reach the paths?) */
const STATS = process.env.STREAM_DIFF_STATS === '1';
const stats = new Map<string, [ok: number, err: number]>();

/** Runs the step on a scratch copy-free probe: the keyspace's own reply type, counted per command. */
function tally(step: GenStep, ks: Keyspace, session: { db: number; resp?: 2 | 3 }): void {
  for (const s of step.multi ?? [step]) {
    const name = `${s.argv[0]?.toUpperCase()}${s.argv[0]?.toUpperCase() === 'XGROUP' ? ` ${s.argv[1]?.toUpperCase()}` : ''}`;
    const up = s.argv[0]?.toUpperCase() ?? '';
    const streamsAt = s.argv.findIndex((a) => a.toUpperCase() === 'STREAMS');
    const key = up === 'XGROUP' || up === 'XINFO' ? s.argv[2] : up.startsWith('XREAD') ? s.argv[streamsAt + 1] : s.argv[1];
    const probe = ks.execute(['TYPE', key ?? ''], { ...session }).reply;
    const e = stats.get(name) ?? [0, 0];
    e[probe instanceof SimpleString && probe.value === 'stream' ? 0 : 1]++;
    stats.set(name, e);
  }
}

function streamSteps(): fc.Arbitrary<GenStep> {
  const c = genContext();
  const entries = [...streamGenerator.steps(c, fc), ...keysGenerator.steps(c, fc).map((e) => ({ ...e, weight: e.weight / 4 }))].map((e) => ({
    arbitrary: e.arbitrary,
    weight: Math.max(1, Math.round(e.weight * 10)),
  }));
  return fc.oneof(...entries);
}

describeRedis('stream commands vs redis-server 7.0 (differential)', () => {
  let srv: RedisServerHandle;
  let redis: RedisConn;
  let redis3: RedisConn;

  beforeAll(async () => {
    srv = await startRedisServer({ config: { 'enable-debug-command': 'yes' } });
    redis = await RedisConn.open(srv.port);
    redis3 = await RedisConn.open(srv.port);
    await redis3.call('HELLO', '3');
    await redis.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  });

  afterAll(async () => {
    if (STATS) console.log([...stats].map(([k, [a, b]]) => `${k}: on a stream ${a}, other ${b}`).join('\n'));
    await redis?.close();
    await redis3?.close();
    await srv?.stop();
  });

  async function runSeed(seed: number, conn: RedisConn, resp: 2 | 3): Promise<void> {
    await conn.call('FLUSHALL');
    await conn.call('SELECT', '0');
    const ks = createKeyspace();
    const runner = { redis: conn, ks, session: { db: 0, resp } };
    const steps = fc.sample(streamSteps(), { seed, numRuns: STEPS });
    expect(steps).toHaveLength(STEPS);
    try {
      for (let i = 0; i < steps.length; i++) {
        if (STATS) tally(steps[i], ks, runner.session);
        const d = await runStep(runner, steps[i]);
        if (d) {
          const ctx = steps.slice(Math.max(0, i - 6), i + 1).map((s) => JSON.stringify(s.multi ? `MULTI x${s.multi.length} ${JSON.stringify(s.multi[0]?.argv)}` : s.argv));
          throw new Error(`RESP${resp} seed ${seed} step ${i}: ${d}\nlast steps:\n${ctx.join('\n')}`);
        }
      }
      for (const db of ['0', '1']) {
        await runStep(runner, { argv: ['SELECT', db] });
        const keys = (await conn.call('KEYS', '*')).frame as { items?: Array<{ s: string }> };
        for (const k of keys.items ?? []) {
          const type = (await conn.call('TYPE', k.s)).frame as { s: string };
          if (type.s !== 'stream') continue;
          for (const argv of [['XRANGE', k.s, '-', '+'], ['XINFO', 'STREAM', k.s], ['XINFO', 'GROUPS', k.s]]) {
            const d = await runStep(runner, { argv });
            if (d) throw new Error(`RESP${resp} seed ${seed} final ${argv.join(' ')}: ${d}`);
          }
        }
      }
    } finally {
      ks.close();
    }
  }

  const seeds = Array.from({ length: SEEDS }, (_, i) => 4000 + i * 7919);
  it.each(seeds)('seed %i: replies and final streams are identical', (seed) => runSeed(seed, redis, 2));
  it.each(seeds.slice(0, Math.ceil(SEEDS / 2)))('RESP3, seed %i: replies and final streams are identical', (seed) => runSeed(seed, redis3, 3));
});
