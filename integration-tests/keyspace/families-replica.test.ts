/**
 * A replikit-server replica of a real redis-server 7.0 master applies the new data-type families
 * from the replication stream: the generators' commands (bitmaps, LCS/SUBSTR, SORT ... STORE,
 * HyperLogLog, geo searches with STORE) run on the master, and the replica's dataset must then be
 * byte-identical to the master's (strings compared as bytes, so HLL headers and registers too).
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import fc from 'fast-check';
import type Redis from 'ioredis';
import { client, linkUp, type StartedReplikit, startReplikit, waitFor } from '../replication/helpers';
import { bitmapGenerator } from './gen-bitmap';
import { geoGenerator } from './gen-geo';
import { hllGenerator } from './gen-hll';
import { lcsGenerator } from './gen-lcs';
import { sortGenerator } from './gen-sort';
import type { GenStep } from './generator-types';
import { genContext } from './harness';

const describeRedis = hasRedis() ? describe : describe.skip;
const STEPS = 400;

/** Every key of db 0 with its type and value; strings as hex, sorted sets with their scores. */
async function dump(c: Redis): Promise<string> {
  const out: string[] = [];
  for (const k of (await c.keysBuffer('*')).map((b) => b.toString('latin1')).sort()) {
    const key = Buffer.from(k, 'latin1');
    const type = await c.type(key);
    let value: unknown;
    if (type === 'string') value = (await c.getBuffer(key))?.toString('hex');
    else if (type === 'list') value = (await c.lrangeBuffer(key, 0, -1)).map((b) => b.toString('hex'));
    else if (type === 'set') value = (await c.smembersBuffer(key)).map((b) => b.toString('hex')).sort();
    else if (type === 'hash') value = Object.entries(await c.hgetallBuffer(key)).sort();
    else if (type === 'zset') value = (await c.zrangeBuffer(key, 0, -1, 'WITHSCORES')).map((b) => b.toString('hex'));
    out.push(`${JSON.stringify(k)} ${type} ${JSON.stringify(value)}`);
  }
  return out.join('\n');
}

describeRedis('replikit replica of redis-server: new data-type families', () => {
  let master: RedisServerHandle;
  let m: Redis;
  let rep: StartedReplikit | undefined;
  let c: Redis | undefined;

  beforeAll(async () => {
    master = await startRedisServer({ config: { 'repl-diskless-sync-delay': 0 } });
    m = client(master.port);
  });

  afterAll(async () => {
    c?.disconnect();
    await rep?.stop();
    m?.disconnect();
    await master?.stop();
  });

  it('applies the stream of every family and ends with the master dataset', async () => {
    rep = await startReplikit(['--replicaof', '127.0.0.1', String(master.port)]);
    c = client(rep.port);
    await linkUp(c);
    const ctx = genContext();
    const gens = [bitmapGenerator, lcsGenerator, sortGenerator, hllGenerator, geoGenerator];
    const entries = gens.flatMap((g) => g.steps(ctx, fc)).map((e) => ({ arbitrary: e.arbitrary, weight: Math.max(1, Math.round(e.weight * 10)) }));
    const steps: GenStep[] = fc.sample(fc.oneof(...entries), { seed: 4242, numRuns: STEPS });
    // binary-safe arguments; error replies are part of the workload (they must not replicate)
    for (const s of steps) await m.call(s.argv[0], ...s.argv.slice(1).map((a) => Buffer.from(a, 'latin1'))).catch(() => undefined);
    const want = await dump(m);
    // the generators write every family: HLL headers, bitmaps, sorted sets from GEOADD and stores
    expect(want).toMatch(/ zset /);
    expect(want).toMatch(/"48594c4c/);
    await waitFor('the replica has the master dataset', async () => (await dump(c as Redis)) === want);
    expect(await dump(c)).toBe(want);
  });
});
