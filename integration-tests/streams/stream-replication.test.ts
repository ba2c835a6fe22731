/**
 * Streams through replication, both ways, with a consumer-group workload (XADD with `*` and `~`
 * trims, XREADGROUP with and without NOACK, a blocked XREADGROUP served by an XADD, XACK, XCLAIM
 * with every option, XAUTOCLAIM over deleted entries, XDEL, XTRIM MAXLEN/MINID, XSETID, XGROUP
 * SETID/CREATECONSUMER/DELCONSUMER/DESTROY), part of it before the replica attaches (the streams
 * travel in the RDB) and part after (the replication stream):
 * - redis-server master -> a redis-server replica and a replikit replica side by side: the replikit
 *   replica ends equal to the redis-server replica (XRANGE and XINFO STREAM FULL, consumer
 *   seen-times and radix-tree counters aside) and its entries equal to the master's;
 * - replikit master -> redis-server replica: the replica ends equal to the master (also minus
 *   entries-read/lag, which Redis's own replicas do not follow for XREADGROUP without NOACK).
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { client, linkUp, type StartedReplikit, startReplikit, waitFor } from '../replication/helpers';

const run = hasRedis() ? describe : describe.skip;

type Call = (...args: Array<string | number>) => Promise<unknown>;

/** Data written before the replica attaches (it arrives in the RDB). */
async function phase1(c: Redis): Promise<void> {
  const call: Call = (...a) => c.call(...(a.map(String) as [string, ...string[]]));
  for (let i = 0; i < 250; i++) await call('XADD', 's', 'MAXLEN', '~', '180', '*', 'n', i, 'payload', 'x'.repeat(i % 50));
  for (let i = 1; i <= 40; i++) await call('XADD', 's2', `${i}-*`, 'f', i);
  await call('XGROUP', 'CREATE', 's', 'g', '0');
  await call('XGROUP', 'CREATE', 's2', 'g', '0', 'ENTRIESREAD', '0');
  await call('XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '7', 'STREAMS', 's', 's2', '>', '>');
  await call('XREADGROUP', 'GROUP', 'g', 'c2', 'COUNT', '3', 'NOACK', 'STREAMS', 's', '>');
  await call('XGROUP', 'CREATE', 'empty', 'eg', '$', 'MKSTREAM');
}

/** Data written while the replica follows (it arrives as propagated commands). */
async function phase2(c: Redis, blocker: Redis): Promise<void> {
  const call: Call = (...a) => c.call(...(a.map(String) as [string, ...string[]]));
  const r1 = (await call('XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '10', 'STREAMS', 's', '>')) as Array<[string, Array<[string, string[]]>]>;
  const ids = r1[0][1].map((e) => e[0]);
  await call('XACK', 's', 'g', ids[0], ids[1], '0-1');
  await call('XCLAIM', 's', 'g', 'c3', '0', ids[2], ids[3]);
  await call('XCLAIM', 's', 'g', 'c3', '0', ids[4], 'JUSTID', 'RETRYCOUNT', '7');
  await call('XCLAIM', 's', 'g', 'c4', '0', ids[5], 'TIME', '1700000000000', 'LASTID', ids[9]);
  await call('XCLAIM', 's2', 'g', 'c4', '0', '20-0', 'FORCE', 'JUSTID');
  await call('XCLAIM', 's2', 'g', 'c5', '0', '99-0', 'LASTID', '30-0');
  await call('XDEL', 's', ids[6], ids[7]);
  await call('XAUTOCLAIM', 's', 'g', 'c5', '0', '0', 'COUNT', '4');
  await call('XAUTOCLAIM', 's2', 'g', 'c1', '0', '0', 'JUSTID');
  await call('XREADGROUP', 'GROUP', 'g', 'c2', 'NOACK', 'COUNT', '20', 'STREAMS', 's2', '>');
  // a blocked reader served by an XADD: its delivery is propagated like a direct read
  const pending = blocker.call('XREADGROUP', 'GROUP', 'eg', 'waiter', 'BLOCK', '0', 'STREAMS', 'empty', '>');
  await waitFor('reader blocked', async () => /blocked_clients:1/.test(await c.info('clients')));
  await call('XADD', 'empty', '*', 'wake', 'up');
  await pending;
  for (let i = 0; i < 60; i++) await call('XADD', 's', 'MAXLEN', '~', '100', '*', 'n', i);
  await call('XTRIM', 's', 'MAXLEN', '~', '30');
  await call('XTRIM', 's2', 'MINID', '25');
  await call('XADD', 's2', 'MINID', '=', '28', '100-1', 'f', 'late');
  await call('XADD', 'nomk', 'NOMKSTREAM', '*', 'f', 'v');
  await call('XSETID', 's2', '200-0', 'ENTRIESADDED', '500', 'MAXDELETEDID', '150-0');
  await call('XGROUP', 'CREATECONSUMER', 's2', 'g', 'idle-one');
  await call('XGROUP', 'DELCONSUMER', 's', 'g', 'c2');
  await call('XGROUP', 'CREATE', 's', 'g2', '$');
  await call('XGROUP', 'SETID', 's', 'g2', '0', 'ENTRIESREAD', '3');
  await call('XGROUP', 'CREATE', 's', 'gone', '0');
  await call('XGROUP', 'DESTROY', 's', 'gone');
  await call('XADD', 'marker', '1-1', 'done', 'yes');
}

const NEVER_COMPARED = ['seen-time', 'radix-tree-keys', 'radix-tree-nodes'];

/** Replaces the values of map keys in `names` (RESP2 flat maps) with '*'. */
function strip(v: unknown, names: readonly string[]): unknown {
  if (!Array.isArray(v)) return v;
  const out = v.map((x) => strip(x, names));
  for (let i = 0; i + 1 < out.length; i += 2) if (typeof out[i] === 'string' && names.includes(out[i] as string)) out[i + 1] = '*';
  return out;
}

async function streams(c: Redis, names: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const k of (await c.keys('*')).sort()) {
    const type = await c.type(k);
    if (type !== 'stream') {
      out[k] = type;
      continue;
    }
    out[k] = {
      entries: await c.call('XRANGE', k, '-', '+'),
      info: strip(await c.call('XINFO', 'STREAM', k, 'FULL', 'COUNT', '0'), names),
    };
  }
  return out;
}

async function caughtUp(c: Redis): Promise<void> {
  await waitFor('marker replicated', async () => (await c.exists('marker')) === 1);
}

run('streams through replication', () => {
  test('redis-server master -> replikit replica (equal to a redis-server replica of the same master)', async () => {
    let master: RedisServerHandle | undefined;
    let theirs: RedisServerHandle | undefined;
    let ours: StartedReplikit | undefined;
    const conns: Redis[] = [];
    try {
      master = await startRedisServer();
      const m = client(master.port);
      const blocker = client(master.port);
      conns.push(m, blocker);
      await phase1(m);
      theirs = await startRedisServer({ config: { replicaof: `127.0.0.1 ${master.port}` } });
      ours = await startReplikit(['--replicaof', '127.0.0.1', String(master.port)]);
      const rt = client(theirs.port);
      const ro = client(ours.port);
      conns.push(rt, ro);
      await linkUp(rt);
      await linkUp(ro);
      await phase2(m, blocker);
      await caughtUp(rt);
      await caughtUp(ro);
      const want = await streams(rt, NEVER_COMPARED);
      expect(await streams(ro, NEVER_COMPARED)).toEqual(want);
      const masterEntries = await streams(m, [...NEVER_COMPARED, 'entries-read', 'lag', 'pending', 'consumers', 'pel-count', 'groups', 'last-delivered-id']);
      expect(await streams(ro, [...NEVER_COMPARED, 'entries-read', 'lag', 'pending', 'consumers', 'pel-count', 'groups', 'last-delivered-id'])).toEqual(masterEntries);
    } finally {
      for (const c of conns) c.disconnect();
      await ours?.stop();
      await theirs?.stop();
      await master?.stop();
    }
  });

  test('replikit master -> redis-server replica', async () => {
    let ours: StartedReplikit | undefined;
    let replica: RedisServerHandle | undefined;
    const conns: Redis[] = [];
    try {
      ours = await startReplikit(['--repl-diskless-sync-delay', '0']);
      const m = client(ours.port);
      const blocker = client(ours.port);
      conns.push(m, blocker);
      await phase1(m);
      replica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${ours.port}` } });
      const r = client(replica.port);
      conns.push(r);
      await linkUp(r);
      await phase2(m, blocker);
      await caughtUp(r);
      const names = [...NEVER_COMPARED, 'entries-read', 'lag'];
      expect(await streams(r, names)).toEqual(await streams(m, names));
    } finally {
      for (const c of conns) c.disconnect();
      await replica?.stop();
      await ours?.stop();
    }
  });
});
