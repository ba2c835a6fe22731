/**
 * The data-type families added for issue 12 (bitmaps, LCS/SUBSTR, ...) run alone against a real
 * redis-server 7.0: every reply compared byte for byte (the shared differential harness), and
 * after every step the commands each side propagates (Redis's replication stream, read by a raw
 * PSYNC replica, against the keyspace's propagate listener). These families have no relative
 * expiry rewrites, so the two streams must be identical.
 */
import { createKeyspace, type Keyspace, type PropagatedCommand } from '@replikit/keyspace';
import { type RedisServerHandle, hasRedis, startRedisServer } from '@replikit/test-utils';
import fc from 'fast-check';
import { bitmapGenerator } from './gen-bitmap';
import { lcsGenerator } from './gen-lcs';
import { sortGenerator } from './gen-sort';
import { hllGenerator } from './gen-hll';
import { geoGenerator } from './gen-geo';
import { lmpopGenerator } from './gen-lmpop';
import type { CommandGenerator, GenStep } from './generator-types';
import { compareDatasets, genContext, runStep } from './harness';
import { RedisConn } from './redis-conn';
import { ReplicaStream } from './replica-stream';

const describeRedis = hasRedis() ? describe : describe.skip;
const SEEDS = Number(process.env.FAMILIES_SEEDS ?? 12);
const STEPS = 250;

const families: Array<[string, CommandGenerator[]]> = [
  ['bitmap', [bitmapGenerator]],
  ['lcs', [lcsGenerator]],
  ['sort', [sortGenerator]],
  ['hll', [hllGenerator]],
  ['geo', [geoGenerator]],
  ['lmpop', [lmpopGenerator]],
];

function stepsOf(gens: CommandGenerator[], seed: number): GenStep[] {
  const c = genContext();
  const entries = gens.flatMap((g) => g.steps(c, fc)).map((e) => ({ arbitrary: e.arbitrary, weight: Math.max(1, Math.round(e.weight * 10)) }));
  const single = fc.oneof(...entries);
  const multi = fc.array(single, { minLength: 1, maxLength: 4 }).map((steps): GenStep => ({ argv: [], multi: steps }));
  return fc.sample(fc.oneof({ arbitrary: single, weight: 12 }, { arbitrary: multi, weight: 1 }), { seed, numRuns: STEPS });
}

const fmt = (x: ReadonlyArray<{ db: number; argv: string[] }>) => x.map((c) => `${c.db}:${JSON.stringify(c.argv)}`);

describeRedis('new data-type families: replies and propagation vs redis-server 7.0', () => {
  let srv: RedisServerHandle;
  let cli: RedisConn;
  let cli3: RedisConn;
  /** writes the stream markers, in db 15 so that they never meet the compared keys */
  let mark: RedisConn;
  let replica: ReplicaStream;
  let marker = 0;

  beforeAll(async () => {
    srv = await startRedisServer({ config: { 'repl-diskless-sync': 'no', 'repl-ping-replica-period': 60 } });
    cli = await RedisConn.open(srv.port);
    cli3 = await RedisConn.open(srv.port);
    await cli3.call('HELLO', '3');
    mark = await RedisConn.open(srv.port);
    await mark.call('SELECT', '15');
    // the full sync's BGSAVE can take long on a loaded machine: a few attempts before giving up
    for (let attempt = 1; ; attempt++) {
      try {
        replica = await ReplicaStream.attach(srv.port);
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    // three attempts of up to 30 s each (the payload's deadline in replica-stream.ts)
  }, 100_000);

  afterAll(async () => {
    await replica?.close();
    await cli?.close();
    await cli3?.close();
    await mark?.close();
    await srv?.stop();
  });

  /** Redis's propagated commands since the last call (a marker SET on another connection ends them). */
  async function drain(): Promise<Array<{ db: number; argv: string[] }>> {
    const m = String(++marker);
    await mark.call('SET', '__marker__', m);
    return replica.readUntil((argv) => argv[0] === 'SET' && argv[1] === '__marker__' && argv[2] === m);
  }

  const runs = families.flatMap(([name, gens]) => Array.from({ length: SEEDS }, (_, i) => [name, gens, 500 + i * 104729] as const));
  it.each(runs)('%s, seed %#: replies, propagation and datasets are identical', async (_name, gens, seed) => {
    const resp = seed % 2 === 0 ? 2 : 3;
    const conn = resp === 2 ? cli : cli3;
    await conn.call('FLUSHDB');
    await conn.call('SELECT', '1');
    await conn.call('FLUSHDB');
    await conn.call('SELECT', '0');
    await drain();
    const ks = createKeyspace();
    const ours: PropagatedCommand[] = [];
    // the harness runs the keyspace side; this view of it keeps what each command propagated
    const view: Keyspace = Object.create(ks);
    view.execute = (argv, session) => {
      const r = ks.execute(argv, session);
      ours.push(...r.propagate);
      return r;
    };
    view.executeTransaction = (queued, session) => {
      const r = ks.executeTransaction(queued, session);
      ours.push(...r.propagate);
      return r;
    };
    const runner = { redis: conn, ks: view, session: { db: 0, resp: resp as 2 | 3 } };
    try {
      const steps = stepsOf(gens, seed);
      for (let i = 0; i < steps.length; i++) {
        const where = () => `step ${i} ${JSON.stringify(steps[i].multi ? steps[i].multi?.map((s) => s.argv) : steps[i].argv)}`;
        const d = await runStep(runner, steps[i]);
        if (d) throw new Error(`${where()}: ${d}`);
        const theirs = await drain();
        expect({ step: where(), stream: fmt(ours) }).toEqual({ step: where(), stream: fmt(theirs) });
        ours.length = 0;
      }
      const d = await compareDatasets(runner);
      if (d) throw new Error(`final dataset: ${d}`);
    } finally {
      ks.close();
    }
  });
});
