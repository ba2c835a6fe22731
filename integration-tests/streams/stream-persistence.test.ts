/**
 * Streams as live values in DUMP/RESTORE and RDB: a redis-server DUMP of a stream with consumer
 * groups, PELs and tombstone counters restores into replikit-server as the same stream (XRANGE and
 * XINFO STREAM FULL, seen-times and delivery times included) and replikit's DUMP restores into
 * redis-server the same way; DEBUG RELOAD (RDB save + load) keeps every stream unchanged.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { client, type StartedReplikit, startReplikit } from '../replication/helpers';

const run = hasRedis() ? describe : describe.skip;

/** A stream with every part an RDB carries; times are explicit so both servers agree. */
async function build(c: Redis, key: string): Promise<void> {
  const call = (...a: string[]) => c.call(a[0] as string, ...a.slice(1));
  for (let i = 1; i <= 130; i++) await call('XADD', key, `${1000 + i}-${i % 3}`, 'f', String(i), 'g', 'v'.repeat(i % 40));
  await call('XADD', key, '2000-0', 'other', 'fields', 'x', '1');
  await call('XDEL', key, '1005-2', '1130-1');
  await call('XGROUP', 'CREATE', key, 'g1', '0');
  await call('XGROUP', 'CREATE', key, 'g2', '1050-0', 'ENTRIESREAD', '40');
  await call('XCLAIM', key, 'g1', 'alice', '0', '1001-1', '1002-2', '1003-0', 'TIME', '1700000000000', 'RETRYCOUNT', '3', 'FORCE', 'JUSTID', 'LASTID', '1003-0');
  await call('XCLAIM', key, 'g1', 'bob', '0', '1010-1', 'TIME', '1700000001000', 'FORCE', 'JUSTID', 'LASTID', '1010-1');
  await call('XGROUP', 'SETID', key, 'g1', '1010-1', 'ENTRIESREAD', '10');
  await call('XSETID', key, '3000-0', 'ENTRIESADDED', '200', 'MAXDELETEDID', '1130-1');
  await call('XADD', `${key}:empty`, 'MAXLEN', '0', '5-5', 'x', 'y');
  await call('XGROUP', 'CREATE', `${key}:empty`, 'eg', '$');
}

async function view(c: Redis, key: string): Promise<unknown> {
  return { entries: await c.call('XRANGE', key, '-', '+'), info: await c.call('XINFO', 'STREAM', key, 'FULL', 'COUNT', '0') };
}

function withoutSeenTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x, i) => (v[i - 1] === 'seen-time' ? '*' : withoutSeenTimes(x)));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutSeenTimes(x)]));
  return v;
}

run('streams in DUMP/RESTORE and RDB', () => {
  let redis: RedisServerHandle;
  let ours: StartedReplikit;
  let r: Redis;
  let o: Redis;

  beforeAll(async () => {
    redis = await startRedisServer({ config: { 'enable-debug-command': 'yes' } });
    ours = await startReplikit(['--enable-debug-command', 'yes']);
    r = client(redis.port);
    o = client(ours.port);
  });

  afterAll(async () => {
    r?.disconnect();
    o?.disconnect();
    await ours?.stop();
    await redis?.stop();
  });

  it('a redis-server DUMP restores into replikit as the same stream, and back', async () => {
    await build(r, 'st');
    for (const key of ['st', 'st:empty']) {
      const payload = (await r.dumpBuffer(key)) as Buffer;
      await o.restore(key, 0, payload, 'REPLACE');
      expect(await view(o, key)).toEqual(await view(r, key));
      const back = (await o.dumpBuffer(key)) as Buffer;
      await r.restore(`${key}:back`, 0, back);
      expect(await view(r, `${key}:back`)).toEqual(await view(r, key));
    }
  });

  it('the same commands build the same stream; DEBUG RELOAD keeps it', async () => {
    await build(o, 'built');
    await build(r, 'built');
    const before = await view(o, 'built');
    // built by commands on two servers: only the consumers' seen-times (the servers' clocks) differ
    expect(withoutSeenTimes(before)).toEqual(withoutSeenTimes(await view(r, 'built')));
    await o.call('DEBUG', 'RELOAD');
    expect(await view(o, 'built')).toEqual(before);
    expect(await view(o, 'built:empty')).toEqual(await view(r, 'built:empty'));
  });
});
