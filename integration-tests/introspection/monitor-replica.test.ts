/**
 * MONITOR on a replica: the commands applied from the master's stream are shown with the
 * master link's address, as a redis-server 7.0 replica shows them. A redis-server master feeds a
 * redis-server replica and a replikit replica; both monitors must print the same lines (the
 * master's keepalive PINGs aside).
 */
import { hasRedis, RawClient } from '@replikit/test-utils';
import { show, startRedisTarget, startReplikitTarget, type Target } from './kit';

const describeRedis = hasRedis() ? describe : describe.skip;
if (!hasRedis()) {
  if (process.env.REPLIKIT_REQUIRE_REDIS === '1') throw new Error('redis-server is required (REPLIKIT_REQUIRE_REDIS=1)');
  console.warn('SKIPPED: replica MONITOR test needs redis-server');
}

async function waitLinkUp(c: RawClient): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = show(await c.call('INFO', 'replication')) as string;
    if (info.includes('master_link_status:up')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('replica link did not come up');
}

async function linesUntil(m: RawClient, masterAddr: string, until: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const line = show(await m.next()) as string;
    const x = /^\d+\.\d{6} \[(\d+) ([^\]]+)\] (.*)$/s.exec(line);
    if (x === null) throw new Error(`not a monitor line: ${line}`);
    if (/^"(PING|ping)"$/.test(x[3] as string)) continue;
    out.push(`[${x[1]} ${x[2] === masterAddr ? 'master' : x[2]}] ${x[3]}`);
    if ((x[3] as string).includes(until)) return out;
  }
}

describeRedis('MONITOR on a replica compared with redis-server 7.0', () => {
  let master: Target;
  let redisReplica: Target;
  let ours: Target;
  beforeAll(async () => {
    master = await startRedisTarget();
    redisReplica = await startRedisTarget({ replicaof: `127.0.0.1 ${master.port}` });
    ours = await startReplikitTarget({ replicaof: `127.0.0.1 ${master.port}` });
  });
  afterAll(async () => {
    await ours?.close();
    await redisReplica?.close();
    await master?.close();
  });

  test('the master stream as the replica applies it', async () => {
    const mc = await RawClient.connect(master.port);
    const rm = await RawClient.connect(redisReplica.port);
    const om = await RawClient.connect(ours.port);
    try {
      await waitLinkUp(rm);
      await waitLinkUp(om);
      expect(show(await rm.call('MONITOR'))).toBe('OK');
      expect(show(await om.call('MONITOR'))).toBe('OK');
      await mc.call('SET', 'k', 'v');
      await mc.call('SELECT', '2');
      await mc.call('MSET', 'a', '1', 'b', '2');
      await mc.call('EVAL', "redis.call('incr','n') redis.call('set','x','y')", '0');
      await mc.call('EXPIRE', 'a', '100');
      await mc.call('SET', 'done', 'yes');
      const expected = await linesUntil(rm, `127.0.0.1:${master.port}`, '"done"');
      const actual = await linesUntil(om, `127.0.0.1:${master.port}`, '"done"');
      expect(expected.length).toBeGreaterThan(4);
      expect(actual).toEqual(expected);
    } finally {
      await Promise.all([mc.close(), rm.close(), om.close()]);
    }
  });
});
