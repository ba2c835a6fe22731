/**
 * Chains through replikit-server: redis-server -> replikit -> redis-server, and replikit ->
 * replikit. The middle replica forwards the exact bytes it applied, so replid and offsets are the
 * same at every depth (protocol.md §5.5).
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { type StartedReplikit, client, dumpDataset, infoMap, linkUp, startReplikit, waitFor } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

async function sameOffsets(nodes: Redis[]): Promise<Map<string, string>[]> {
  return waitFor('every node at the same offset', async () => {
    const infos = await Promise.all(nodes.map(async (n) => infoMap(await n.info('replication'))));
    const offsets = new Set(infos.map((i) => i.get('master_repl_offset')));
    const ids = new Set(infos.map((i) => i.get('master_replid')));
    return offsets.size === 1 && ids.size === 1 ? infos : undefined;
  });
}

describeRedis('replication chains through replikit-server', () => {
  const servers: Array<{ stop(): Promise<void> }> = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of servers.splice(0).reverse()) await s.stop();
  });
  const track = (c: Redis) => {
    clients.push(c);
    return c;
  };

  it('redis-server -> replikit -> redis-server: data, replid and offsets equal at every depth', async () => {
    const top: RedisServerHandle = await startRedisServer({ config: { 'repl-diskless-sync-delay': 0 } });
    servers.push(top);
    const mid: StartedReplikit = await startReplikit(['--replicaof', '127.0.0.1', String(top.port), '--repl-diskless-sync-delay', '0']);
    servers.push(mid);
    const t = track(client(top.port));
    await t.set('k1', 'v1');
    await t.rpush('l', 'a', 'b');
    const m = track(client(mid.port));
    await linkUp(m);
    const bottom = await startRedisServer({ config: { replicaof: `127.0.0.1 ${mid.port}` } });
    servers.push(bottom);
    const b = track(client(bottom.port));
    await linkUp(b);
    await t.incr('counter');
    await t.select(4);
    await t.set('db4', 'x');
    await t.select(0);
    await t.multi().set('tx', '1').del('k1').exec();
    await sameOffsets([t, m, b]);
    const expected = await dumpDataset(t, [0, 4]);
    expect(await dumpDataset(m, [0, 4])).toEqual(expected);
    expect(await dumpDataset(b, [0, 4])).toEqual(expected);
    expect(infoMap(await m.info('replication')).get('connected_slaves')).toBe('1');

    // promotion of the middle: its sub-replica reconnects and continues partially with the new id
    const before = infoMap(await m.info('replication'));
    const statsBefore = infoMap(await m.info('stats'));
    expect(await m.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    await waitFor('the sub-replica back online', async () => infoMap(await m.info('replication')).get('slave0')?.includes('state=online'));
    const stats = infoMap(await m.info('stats'));
    expect([stats.get('sync_partial_ok'), stats.get('sync_full')]).toEqual([String(Number(statsBefore.get('sync_partial_ok')) + 1), statsBefore.get('sync_full')]);
    await m.set('after-promotion', 'y');
    await waitFor('the stream from the new master', async () => (await b.get('after-promotion')) === 'y');
    const promoted = infoMap(await m.info('replication'));
    expect(promoted.get('master_replid2')).toBe(before.get('master_replid'));
    expect(infoMap(await b.info('replication')).get('master_replid')).toBe(promoted.get('master_replid'));
  });
});

// needs no redis-server: runs everywhere
describe('replikit-server -> replikit-server', () => {
  const servers: Array<{ stop(): Promise<void> }> = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of servers.splice(0).reverse()) await s.stop();
  });
  const track = (c: Redis) => {
    clients.push(c);
    return c;
  };

  it('replikit -> replikit: full sync, the stream, and REPLICAOF NO ONE on the replica', async () => {
    const a = await startReplikit(['--repl-diskless-sync-delay', '0']);
    servers.push(a);
    const ca = track(client(a.port));
    await ca.set('x', '1');
    await ca.hset('h', 'f', 'v');
    const r = await startReplikit([]);
    servers.push(r);
    const cr = track(client(r.port));
    expect(await cr.call('REPLICAOF', '127.0.0.1', String(a.port))).toBe('OK');
    expect(await cr.call('CONFIG', 'GET', 'replicaof')).toEqual(['replicaof', `127.0.0.1 ${a.port}`]);
    await linkUp(cr);
    await ca.set('y', '2');
    await ca.zadd('z', 3, 'm');
    await sameOffsets([ca, cr]);
    expect(await dumpDataset(cr, [0])).toEqual(await dumpDataset(ca, [0]));
    const role = (await ca.call('ROLE')) as unknown[];
    expect(role[0]).toBe('master');
    expect((role[2] as unknown[]).length).toBe(1);
    expect(await cr.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    expect(await cr.call('CONFIG', 'GET', 'replicaof')).toEqual(['replicaof', '']);
    expect(await cr.set('own', 'write')).toBe('OK');
  });
});
