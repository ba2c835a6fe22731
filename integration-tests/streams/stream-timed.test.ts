/**
 * The stream replies that carry times (XPENDING's idle column, XINFO CONSUMERS' idle, XINFO STREAM
 * FULL's seen-time and delivery times) and XCLAIM's time options, on replikit-server and
 * redis-server 7.0 with the same script: equal once the server-clock values are masked. Delivery
 * times set with XCLAIM TIME are not masked: they must be equal.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { client, type StartedReplikit, startReplikit } from '../replication/helpers';

const run = hasRedis() ? describe : describe.skip;

const SCRIPT: string[][] = [
  ['XADD', 's', '1-1', 'a', '1'],
  ['XADD', 's', '1-2', 'b', '2'],
  ['XADD', 's', '1-3', 'c', '3'],
  ['XADD', 's', '2-0', 'd', '4'],
  ['XGROUP', 'CREATE', 's', 'g', '0'],
  ['XGROUP', 'CREATECONSUMER', 's', 'g', 'zed'],
  ['XCLAIM', 's', 'g', 'alice', '0', '1-1', '1-2', 'FORCE', 'TIME', '1600000000000'],
  ['XCLAIM', 's', 'g', 'bob', '0', '1-3', 'FORCE', 'TIME', '1600000000500', 'RETRYCOUNT', '4', 'JUSTID'],
  ['XCLAIM', 's', 'g', 'bob', '0', '2-0', 'FORCE', 'IDLE', '100000000000000'],
  ['XCLAIM', 's', 'g', 'carol', '3600000', '1-1', 'JUSTID'],
  ['XCLAIM', 's', 'g', 'carol', 'x', '1-1'],
  ['XCLAIM', 's', 'g', 'carol', '0', '1-1', 'IDLE', 'x'],
  ['XCLAIM', 's', 'g', 'carol', '0', '1-1', 'TIME', 'x'],
  ['XCLAIM', 's', 'g', 'carol', '0', '1-1', 'RETRYCOUNT', 'x'],
  ['XCLAIM', 's', 'g', 'carol', '0', '1-1', 'LASTID', 'x'],
  ['XCLAIM', 's', 'nogroup', 'carol', '0', '1-1'],
  ['XPENDING', 's', 'g', '-', '+', '10'],
  ['XPENDING', 's', 'g', 'IDLE', '1000', '-', '+', '10'],
  ['XPENDING', 's', 'g', 'IDLE', '1000', '-', '+', '10', 'bob'],
  ['XPENDING', 's', 'g', '(1-1', '+', '10', 'alice'],
  ['XPENDING', 's', 'g', '-', '+', '10', 'nobody'],
  ['XPENDING', 's', 'g', 'IDLE', '1000', '-', '+'],
  ['XPENDING', 's', 'g', '-', '(0-0', '10'],
  ['XAUTOCLAIM', 's', 'g', 'dave', '1000', '0', 'COUNT', '2'],
  ['XINFO', 'CONSUMERS', 's', 'g'],
  ['XINFO', 'CONSUMERS', 's', 'nogroup'],
  ['XINFO', 'STREAM', 's', 'FULL'],
  ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '1'],
  ['XINFO', 'STREAM', 'missing'],
];

/** The values that come from the server's clock: idle columns, idle/seen-time fields, clock delivery times. */
function mask(argv: string[], reply: unknown): unknown {
  const cmd = `${argv[0]} ${argv[1]}`.toUpperCase();
  if (argv[0] === 'XPENDING' && Array.isArray(reply) && argv.length > 3) return reply.map((r) => (Array.isArray(r) ? [r[0], r[1], '*', r[3]] : r));
  const walk = (v: unknown): unknown => {
    // delivery times taken from the server clock (claims without TIME): after 2023-11, unlike the TIME values above
    if (typeof v === 'number' && v > 1_700_000_000_000) return 'clock';
    if (!Array.isArray(v)) return v;
    return v.map((x, i) => (v[i - 1] === 'idle' || v[i - 1] === 'seen-time' ? '*' : walk(x)));
  };
  if (cmd.startsWith('XINFO') || argv[0] === 'XAUTOCLAIM' || argv[0] === 'XCLAIM') return walk(reply);
  return reply;
}

async function runScript(c: Redis): Promise<unknown[]> {
  await c.flushall();
  const out: unknown[] = [];
  for (const argv of SCRIPT) {
    try {
      out.push(mask(argv, await c.call(argv[0] as string, ...argv.slice(1))));
    } catch (e) {
      out.push(`error: ${(e as Error).message}`);
    }
  }
  return out;
}

run('stream replies with times vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let ours: StartedReplikit;
  let r: Redis;
  let o: Redis;

  beforeAll(async () => {
    redis = await startRedisServer();
    ours = await startReplikit();
    r = client(redis.port);
    o = client(ours.port);
  });

  afterAll(async () => {
    r?.disconnect();
    o?.disconnect();
    await ours?.stop();
    await redis?.stop();
  });

  it('the same replies once server-clock values are masked', async () => {
    const theirs = await runScript(r);
    const mine = await runScript(o);
    for (let i = 0; i < SCRIPT.length; i++) expect({ argv: SCRIPT[i], reply: mine[i] }).toEqual({ argv: SCRIPT[i], reply: theirs[i] });
  });
});
