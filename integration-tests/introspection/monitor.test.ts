/**
 * MONITOR against redis-server 7.0: the same clients run the same commands on both servers; the
 * monitor's lines must be equal once the timestamp is dropped and each client's address is
 * replaced by its role (the text between the brackets is otherwise Redis's exact format).
 */
import { hasRedis, type RawClient } from '@replikit/test-utils';
import { connect, show, type Target, useTargets } from './kit';

const describeRedis = hasRedis() ? describe : describe.skip;
if (!hasRedis()) {
  if (process.env.REPLIKIT_REQUIRE_REDIS === '1') throw new Error('redis-server is required (REPLIKIT_REQUIRE_REDIS=1)');
  console.warn('SKIPPED: monitor tests need redis-server');
}

const LINE = /^(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)$/s;

/** Reads monitor lines until one contains `until`; each normalized to `[db who] args`. */
async function readLines(m: RawClient, names: Map<string, string>, until: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const r = show(await m.next());
    if (typeof r !== 'string') {
      out.push(JSON.stringify(r));
      continue;
    }
    const x = LINE.exec(r);
    if (x === null) {
      out.push(r);
      continue;
    }
    const origin = x[4] as string;
    out.push(`[${x[3]} ${names.get(origin) ?? (origin === 'lua' ? 'lua' : 'unknown')}] ${x[5]}`);
    if ((x[5] as string).includes(until)) return out;
  }
}

function addrOf(c: RawClient): string {
  return `127.0.0.1:${c.socket.localPort}`;
}

async function scenario(t: Target): Promise<{ lines: string[]; replies: unknown[] }> {
  const m = await connect(t);
  const a = await connect(t);
  const b = await connect(t);
  const names = new Map([
    [addrOf(m), 'M'],
    [addrOf(a), 'A'],
    [addrOf(b), 'B'],
  ]);
  const replies: unknown[] = [];
  try {
    replies.push(show(await m.call('MONITOR')));
    const steps: Array<Array<string | Buffer>> = [
      ['SET', 'k', 'a"b\\c'],
      ['SET', 'bin', Buffer.from([0, 1, 0xff, 9, 10, 13, 7, 8, 32, 0xc3, 0xa9, 0x7e, 0x7f])],
      ['AUTH', 'foo', 'bar'],
      ['HELLO', '2', 'AUTH', 'default', 'any', 'SETNAME', 'n'],
      ['AUTH', 'onlypass'],
      ['SELECT', '3'],
      ['SET', '12', '345'],
      ['SELECT', '0'],
      ['MULTI'],
      ['SET', 'a', '1'],
      ['INCR', 'a'],
      ['EXEC'],
      ['EVAL', "redis.call('set','x',1) redis.call('get','x') return 1", '0'],
      ['EVAL', 'return 1', 'notanumber'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CLIENT', 'KILL', 'ID', '999999'],
      ['SLOWLOG', 'HELP'],
      ['DEBUG', 'SLEEP', '0'],
      ['PING'],
      ['INFO', 'nosuchsection'],
      ['GET', 'nokey'],
      ['nosuchcommand'],
      ['GET'],
    ];
    for (const s of steps) {
      if (process.env.DEBUG_INTRO) console.log(t.kind, s);
      const r = show(await a.call(...s));
      // HELLO's map has the connection id
      replies.push(s[0] === 'HELLO' && Array.isArray(r) ? r.map((x, i) => (r[i - 1] === 'id' ? '<id>' : x)) : r);
    }
    replies.push(show(await b.call('ECHO', 'from b')));
    replies.push(show(await b.call('MULTI')));
    replies.push(show(await b.call('MONITOR')));
    replies.push(show(await b.call('EXEC')));
    replies.push(show(await a.call('ECHO', 'phase1')));
    const lines = await readLines(m, names, '"phase1"');
    // the monitor itself: keyspace commands refused, others run and are shown to it
    m.writeRaw('GET k\r\nPING\r\nCLIENT ID\r\nSET a b\r\nMONITOR\r\nECHO phase2\r\n');
    lines.push(...(await readLines(m, names, '"phase2"')).map((l) => l.replace(/^\d+$/, '<id>')));
    replies.push(show(await m.call('RESET')));
    replies.push(show(await m.call('GET', 'k')));
    replies.push(show(await a.call('SET', 'after', 'reset')));
    replies.push(show(await m.call('PING')));
    // CLIENT LIST flag O while monitoring
    const m2 = await connect(t);
    await m2.call('MONITOR');
    const list = show(await a.call('CLIENT', 'LIST')) as string;
    replies.push(list.split('\n').filter((l) => l !== '').map((l) => / flags=(\S+) .* cmd=(\S+) /.exec(l)?.slice(1).join(' ')));
    await m2.close();
    return { lines, replies };
  } finally {
    await Promise.all([m.close(), a.close(), b.close()]);
  }
}

describeRedis('MONITOR compared with redis-server 7.0', () => {
  const t = useTargets({ 'enable-debug-command': 'yes' });

  test('lines, redaction, scripts, transactions and the monitor client itself', async () => {
    const expected = await scenario(t.redis);
    const actual = await scenario(t.ours);
    expect(expected.lines.length).toBeGreaterThan(10);
    expect(actual.lines).toEqual(expected.lines);
    expect(actual.replies).toEqual(expected.replies);
  });
});
