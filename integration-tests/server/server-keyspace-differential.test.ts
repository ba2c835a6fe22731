/**
 * The keyspace engineer's differential generators (integration-tests/keyspace) run through the
 * server's socket: the same seeded sequences go to redis-server 7.0 and to replikit-server over
 * raw RESP, every reply (including +QUEUED and queue-time errors inside MULTI) is compared with
 * the keyspace harness's normalisation, then the datasets are compared through both sockets.
 */
import { hasRedis, startRedisServer, type RedisServerHandle } from '@replikit/test-utils';
import fc from 'fast-check';
import { compare, stepArbitrary } from '../keyspace/harness';
import type { CompareMode, GenStep } from '../keyspace/generator-types';
import { RedisConn } from '../keyspace/redis-conn';
import { encodeFrame } from '../keyspace/resp';
import { startReplikit, type Started } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;
const SEEDS = Number(process.env.SERVER_DIFF_SEEDS ?? 12);
const STEPS = Number(process.env.SERVER_DIFF_STEPS ?? 400);

async function both(a: RedisConn, b: RedisConn, argv: string[], mode: CompareMode): Promise<string | null> {
  const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
  const d = compare(mode, x.frame, y.frame, argv);
  return d === null ? null : d.replace('keyspace', 'replikit-server');
}

async function runStep(a: RedisConn, b: RedisConn, step: GenStep): Promise<string | null> {
  if (!step.multi) return both(a, b, step.argv, step.compare ?? 'exact');
  // the generator can nest a MULTI step inside a MULTI (argv []): an empty multibulk gets no reply, skip it
  const queued = step.multi.filter((s) => s.argv.length > 0);
  for (const argv of [['MULTI'], ...queued.map((s) => s.argv)]) {
    const d = await both(a, b, argv, 'exact');
    if (d) return `queueing ${JSON.stringify(argv)}: ${d}`;
  }
  const [x, y] = await Promise.all([a.call('EXEC'), b.call('EXEC')]);
  if (x.frame.t !== '*' || y.frame.t !== '*' || !x.frame.items || !y.frame.items) {
    return encodeFrame(x.frame) === encodeFrame(y.frame) ? null : `EXEC: redis ${x.raw} vs replikit-server ${y.raw}`;
  }
  for (let i = 0; i < queued.length; i++) {
    const d = compare(queued[i]?.compare ?? 'exact', x.frame.items[i] as never, y.frame.items[i] as never, queued[i]?.argv);
    if (d) return `EXEC item ${i} ${JSON.stringify(queued[i]?.argv)}: ${d}`;
  }
  return null;
}

async function compareDatasets(a: RedisConn, b: RedisConn): Promise<string | null> {
  const reads: Record<string, (k: string) => [string[], CompareMode]> = {
    string: (k) => [['GET', k], 'exact'],
    list: (k) => [['LRANGE', k, '0', '-1'], 'exact'],
    hash: (k) => [['HGETALL', k], 'sorted-pairs'],
    set: (k) => [['SMEMBERS', k], 'sorted'],
    zset: (k) => [['ZRANGE', k, '0', '-1', 'WITHSCORES'], 'exact'],
  };
  for (const db of ['0', '1']) {
    await Promise.all([a.call('SELECT', db), b.call('SELECT', db)]);
    const keys = await a.call('KEYS', '*');
    const d = await both(a, b, ['KEYS', '*'], 'sorted');
    if (d) return `db ${db} keys: ${d}`;
    if (keys.frame.t !== '*' || !keys.frame.items) continue;
    for (const kf of keys.frame.items) {
      const key = (kf as { s: string }).s;
      const type = ((await a.call('TYPE', key)).frame as { s: string }).s;
      const td = await both(a, b, ['TYPE', key], 'exact');
      if (td) return `db ${db} ${JSON.stringify(key)} type: ${td}`;
      const read = reads[type];
      if (read) {
        const vd = await both(a, b, read(key)[0], read(key)[1]);
        if (vd) return `db ${db} ${JSON.stringify(key)} value: ${vd}`;
      }
      const ttl = await both(a, b, ['PTTL', key], 'ttl-ms');
      if (ttl) return `db ${db} ${JSON.stringify(key)} pttl: ${ttl}`;
    }
  }
  return null;
}

describeRedis('keyspace differential through the server socket', () => {
  let srv: RedisServerHandle;
  let ours: Started;
  let redis: RedisConn;
  let replikit: RedisConn;
  beforeAll(async () => {
    [srv, ours] = await Promise.all([startRedisServer({ config: { 'enable-debug-command': 'yes' } }), startReplikit()]);
    [redis, replikit] = await Promise.all([RedisConn.open(srv.port), RedisConn.open(ours.port)]);
    await redis.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  });
  afterAll(async () => {
    await Promise.all([redis?.close(), replikit?.close()]);
    await Promise.all([srv?.stop(), ours?.close()]);
  });

  const seeds = Array.from({ length: SEEDS }, (_, i) => 5000 + i * 7919);
  it.each(seeds)('seed %i: replies and final datasets are identical', async (seed) => {
    for (const c of [redis, replikit]) {
      await c.call('FLUSHALL');
      await c.call('SELECT', '0');
    }
    const steps = fc.sample(stepArbitrary(), { seed, numRuns: STEPS });
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as GenStep;
      const d = await runStep(redis, replikit, step).catch((e: Error) => `${e.message} (${JSON.stringify(step)})`);
      if (d) throw new Error(`seed ${seed} step ${i} ${JSON.stringify(step.multi ? 'MULTI' : step.argv)}: ${d}`);
    }
    const d = await compareDatasets(redis, replikit);
    if (d) throw new Error(`seed ${seed} final dataset: ${d}`);
  });
});
