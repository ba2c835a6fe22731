/**
 * SLOWLOG and LATENCY against redis-server 7.0: the same commands on both servers; entries must
 * agree in id, arguments (with the 32-argument / 128-byte trimming and redaction), client and
 * name. Durations and times are only checked for plausibility (timings are not comparable).
 */
import { hasRedis, type RawClient } from '@replikit/test-utils';
import { connect, show, type Target, useTargets } from './kit';

const describeRedis = hasRedis() ? describe : describe.skip;
if (!hasRedis()) {
  if (process.env.REPLIKIT_REQUIRE_REDIS === '1') throw new Error('redis-server is required (REPLIKIT_REQUIRE_REDIS=1)');
  console.warn('SKIPPED: slowlog / latency tests need redis-server');
}

/** CONFIG GET's pairs sorted by name (Redis lists them in hash order). */
function pairs(r: unknown): string[] {
  const a = r as string[];
  const out: string[] = [];
  for (let i = 0; i < a.length; i += 2) out.push(`${a[i]}=${a[i + 1]}`);
  return out.sort();
}

type Entry = [number, number, number, string[], string, string];

/** SLOWLOG GET -1 with times checked and clients named by role. */
async function slowlog(c: RawClient, names: Map<string, string>): Promise<unknown[]> {
  const now = Math.floor(Date.now() / 1000);
  const entries = show(await c.call('SLOWLOG', 'GET', '-1')) as Entry[];
  return entries.map(([id, time, us, argv, addr, name]) => {
    expect(Math.abs(time - now)).toBeLessThan(60);
    expect(us).toBeGreaterThanOrEqual(0);
    return [id, argv, names.get(addr) ?? addr, name];
  });
}

async function slowlogScenario(t: Target): Promise<unknown[]> {
  const a = await connect(t);
  const b = await connect(t);
  const names = new Map([
    [`127.0.0.1:${a.socket.localPort}`, 'A'],
    [`127.0.0.1:${b.socket.localPort}`, 'B'],
  ]);
  const out: unknown[] = [];
  try {
    out.push(show(await a.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0')));
    out.push(show(await a.call('SLOWLOG', 'RESET')));
    const steps: string[][] = [
      ['SET', 'x'.repeat(200), 'v'],
      ['SET', 'y'.repeat(128), 'z'.repeat(129)],
      ['RPUSH', 'l', ...Array.from({ length: 40 }, (_, i) => String(i))],
      ['RPUSH', 'm', ...Array.from({ length: 30 }, (_, i) => String(i))],
      ['AUTH', 'secret'],
      ['AUTH', 'someone', 'secret'],
      ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'named'],
      ['GET', 'x'],
      ['CLIENT', 'SETNAME', 'other'],
      ['MULTI'],
      ['SET', 'a', '1'],
      ['INCR', 'a'],
      ['EXEC'],
      ['EVAL', "redis.call('set','x',1) return redis.call('get','x')", '0'],
      ['SLOWLOG', 'GET', 'abc'],
      ['SLOWLOG', 'GET', '-2'],
      ['SLOWLOG', 'GET', '1', '2'],
      ['SLOWLOG', 'LEN'],
      ['SLOWLOG', 'HELP'],
      ['SLOWLOG', 'NOPE'],
    ];
    for (const s of steps) {
      const r = show(await a.call(...s));
      // HELLO's map has the connection id
      out.push(s[0] === 'HELLO' && Array.isArray(r) ? r.map((x, i) => (r[i - 1] === 'id' ? '<id>' : x)) : r);
    }
    out.push(show(await b.call('SET', 'from', 'b')));
    out.push(show(await a.call('SLOWLOG', 'GET', '0')));
    out.push((show(await a.call('SLOWLOG', 'GET')) as unknown[]).length);
    out.push(await slowlog(a, names));
    // slowlog-max-len trims at once and on every push; -1 disables logging
    out.push(show(await a.call('CONFIG', 'SET', 'slowlog-max-len', '3')));
    out.push(show(await a.call('SLOWLOG', 'LEN')));
    out.push(await slowlog(a, names));
    out.push(show(await a.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1')));
    out.push(show(await a.call('SLOWLOG', 'RESET')));
    out.push(show(await a.call('SET', 'k', 'v')));
    out.push(show(await a.call('SLOWLOG', 'LEN')));
    out.push(pairs(show(await a.call('CONFIG', 'GET', 'slowlog-*'))));
    return out;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

async function latencyScenario(t: Target): Promise<unknown[]> {
  const a = await connect(t);
  const out: unknown[] = [];
  try {
    out.push(show(await a.call('LATENCY', 'DOCTOR')));
    out.push(show(await a.call('LATENCY', 'HELP')));
    out.push(show(await a.call('LATENCY', 'LATEST')));
    out.push(show(await a.call('LATENCY', 'HISTORY', 'command')));
    out.push(show(await a.call('LATENCY', 'GRAPH', 'command')));
    out.push(show(await a.call('LATENCY', 'NOPE')));
    out.push(show(await a.call('CONFIG', 'SET', 'latency-monitor-threshold', '5')));
    out.push(show(await a.call('LATENCY', 'DOCTOR')));
    out.push(show(await a.call('DEBUG', 'SLEEP', '0.02')));
    const latest = show(await a.call('LATENCY', 'LATEST')) as Array<[string, number, number, number]>;
    out.push(latest.map(([event, , ms, max]) => [event, ms >= 20, max >= ms]));
    const history = show(await a.call('LATENCY', 'HISTORY', 'command')) as Array<[number, number]>;
    out.push(history.length, history.every(([time, ms]) => time > 1e9 && ms >= 20));
    out.push((show(await a.call('LATENCY', 'DOCTOR')) as string).split('\n')[0]);
    out.push((show(await a.call('LATENCY', 'GRAPH', 'command')) as string).split('\n')[0]?.replace(/\d+/g, 'N'));
    out.push(show(await a.call('LATENCY', 'RESET', 'nope', 'command')));
    out.push(show(await a.call('LATENCY', 'LATEST')));
    out.push(show(await a.call('LATENCY', 'RESET')));
    // histograms: calls per command, cumulative buckets
    await a.call('CONFIG', 'RESETSTAT');
    for (let i = 0; i < 25; i++) await a.call('SET', `h${i}`, 'v');
    await a.call('GET', 'h1');
    const h = show(await a.call('LATENCY', 'HISTOGRAM', 'set', 'get', 'nosuch', 'client')) as unknown[];
    out.push(h.filter((_, i) => i % 2 === 0));
    for (let i = 1; i < h.length; i += 2) {
      const [, calls, , buckets] = h[i] as [string, number, string, number[]];
      const counts = buckets.filter((_, j) => j % 2 === 1);
      out.push(calls, counts[counts.length - 1] === calls, counts.every((c, j) => j === 0 || c > (counts[j - 1] as number)));
      out.push(buckets.filter((_, j) => j % 2 === 0).every((us) => HDR_LEVELS_US.includes(us)));
    }
    out.push(pairs(show(await a.call('CONFIG', 'GET', 'latency-*'))));
    return out;
  } finally {
    await a.close();
  }
}

/** The bucket labels Redis reports (highest equivalent values of 1024 ns · 2^k in µs). */
const HDR_LEVELS_US = [1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16909, 33818, 67637, 135274, 270549, 541098, 1082196];

describeRedis('SLOWLOG and LATENCY compared with redis-server 7.0', () => {
  const t = useTargets({ 'enable-debug-command': 'yes' });

  test('SLOWLOG entries, trimming, redaction, scripts, max-len, errors', async () => {
    const expected = await slowlogScenario(t.redis);
    const actual = await slowlogScenario(t.ours);
    expect(actual).toEqual(expected);
  });

  test('LATENCY events, doctor texts, reset, histograms', async () => {
    const expected = await latencyScenario(t.redis);
    const actual = await latencyScenario(t.ours);
    expect(actual).toEqual(expected);
  });
});
