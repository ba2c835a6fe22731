/**
 * MEMORY against redis-server 7.0: MEMORY USAGE must equal redis-server's number for strings,
 * listpack, intset and quicklist values and for hash tables of same-sized elements (what the
 * estimate models exactly); skiplists are within 25% (Redis's node levels are random). MEMORY
 * STATS must have the same field names; DOCTOR, HELP, PURGE and the errors the same replies.
 */
import { hasRedis, type RawClient } from '@replikit/test-utils';
import { connect, show, type Target, useTargets } from './kit';

const describeRedis = hasRedis() ? describe : describe.skip;
if (!hasRedis()) {
  if (process.env.REPLIKIT_REQUIRE_REDIS === '1') throw new Error('redis-server is required (REPLIKIT_REQUIRE_REDIS=1)');
  console.warn('SKIPPED: memory tests need redis-server');
}

const range = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

const SETUP: string[][] = [
  ['SET', 's1', 'v'],
  ['SET', 's2', '12345'],
  ['SET', 's3', '5'],
  ['SET', 's4', 'a'.repeat(44)],
  ['SET', 's5', 'a'.repeat(45)],
  ['SET', 's6', 'a'.repeat(300)],
  ['SET', 's7', 'a'.repeat(70000)],
  ['SET', 's8', '-1'],
  ['SET', 's9', '3.14'],
  ['SET', 'a-much-longer-key-name-than-thirty-two-bytes', 'x'],
  ['HSET', 'h1', 'a', '1', 'bb', '22'],
  ['HSET', 'h2', 'f', 'v'.repeat(64), 'n', '-70000', 'm', '9999999999'],
  ['HSET', 'h3', ...range(200, (i) => [`f${String(i).padStart(4, '0')}`, 'vvvvvvvvvv']).flat()],
  ['RPUSH', 'l1', 'a', 'b', '1', '2'],
  ['RPUSH', 'l2', '127', '128', '-4096', '4096', '40000', '-8388608', '8388608', '2147483648', 'x'.repeat(70)],
  ['RPUSH', 'l3', ...range(300, () => 'y'.repeat(100))],
  ['SADD', 'set1', '1', '2', '3'],
  ['SADD', 'set2', '1', '70000'],
  ['SADD', 'set3', '1', '5000000000'],
  ['SADD', 'set4', 'a', 'b', 'c'],
  ['SADD', 'set5', ...range(600, (i) => String(1000 + i))],
  ['ZADD', 'z1', '1', 'a', '2.5', 'b', '-3', 'c', '10000000000', 'd'],
  ['ZADD', 'z2', ...range(200, (i) => [String(i), `member${String(i).padStart(4, '0')}`]).flat()],
];

const EXACT = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 'a-much-longer-key-name-than-thirty-two-bytes', 'h1', 'h2', 'h3', 'l1', 'l2', 'l3', 'set1', 'set2', 'set3', 'set4', 'set5'];

async function scenario(t: Target): Promise<{ exact: unknown[]; approx: number[]; stats: unknown }> {
  const c: RawClient = await connect(t);
  try {
    const exact: unknown[] = [];
    exact.push(show(await c.call('MEMORY', 'DOCTOR')));
    for (const s of SETUP) await c.call(...s);
    for (const k of EXACT) {
      exact.push(k, show(await c.call('OBJECT', 'ENCODING', k)), show(await c.call('MEMORY', 'USAGE', k)));
      exact.push(show(await c.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')));
    }
    exact.push(show(await c.call('MEMORY', 'USAGE', 'nokey')));
    exact.push(show(await c.call('MEMORY', 'USAGE', 's1', 'SAMPLES', 'x')));
    exact.push(show(await c.call('MEMORY', 'USAGE', 's1', 'SAMPLES')));
    exact.push(show(await c.call('MEMORY', 'USAGE', 's1', 'foo', 'bar')));
    exact.push(show(await c.call('MEMORY', 'USAGE', 'h3', 'SAMPLES', '-3')));
    exact.push(show(await c.call('MEMORY', 'USAGE')));
    exact.push(show(await c.call('MEMORY', 'HELP')));
    exact.push(show(await c.call('MEMORY', 'PURGE')));
    exact.push(show(await c.call('MEMORY', 'NOPE')));
    const approx = [Number(show(await c.call('MEMORY', 'USAGE', 'z2'))), Number(show(await c.call('MEMORY', 'USAGE', 'z2', 'SAMPLES', '0')))];
    exact.push(show(await c.call('OBJECT', 'ENCODING', 'z1')), show(await c.call('MEMORY', 'USAGE', 'z1')));
    const st = show(await c.call('MEMORY', 'STATS')) as unknown[];
    const names = st.filter((_, i) => i % 2 === 0);
    const db0 = st[st.indexOf('db.0') + 1] as unknown[];
    return { exact, approx, stats: [names, db0.filter((_, i) => i % 2 === 0)] };
  } finally {
    await c.close();
  }
}

describeRedis('MEMORY compared with redis-server 7.0', () => {
  const t = useTargets();

  test('USAGE per encoding, SAMPLES, errors, STATS fields, DOCTOR, HELP', async () => {
    const expected = await scenario(t.redis);
    const actual = await scenario(t.ours);
    expect(actual.exact).toEqual(expected.exact);
    expect(actual.stats).toEqual(expected.stats);
    for (let i = 0; i < expected.approx.length; i++) {
      const e = expected.approx[i] as number;
      expect(Math.abs((actual.approx[i] as number) - e) / e).toBeLessThan(0.25);
    }
  });
});
