/**
 * PSYNC in the handshake's write (`REPLCONF capa pipelined-psync`) on a reconnection, against real
 * masters that require AUTH: a redis-server 7.0 master refuses it once (`pending output`, one
 * error reply in its errorstats) and the replica sends PSYNC again alone; a replikit master answers
 * it in the same round trip; an AUTH that fails in that write is reported as before and starts no
 * sync on the master, whatever the PSYNC behind it was answered.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import Redis from 'ioredis';
import { type StartedReplikit, client, infoMap, linkUp, startReplikit, waitFor } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

async function syncStats(c: Redis): Promise<{ full: number; partialOk: number; partialErr: number }> {
  const i = infoMap(await c.info('stats'));
  return { full: Number(i.get('sync_full')), partialOk: Number(i.get('sync_partial_ok')), partialErr: Number(i.get('sync_partial_err')) };
}

/** The master's count of `-ERR` replies (the replica's unauthenticated PING adds NOAUTH ones). */
async function errCount(c: Redis): Promise<number> {
  return Number(/count=(\d+)/.exec(infoMap(await c.info('errorstats')).get('errorstat_ERR') ?? 'count=0')?.[1]);
}

/** Drops the replica's link from its side (the replica reconnects at once) and waits for the next partial resync. */
async function cutAndResume(replica: Redis, master: Redis, partialOkBefore: number): Promise<void> {
  await replica.call('CLIENT', 'KILL', 'TYPE', 'master');
  await waitFor('the partial resync', async () => (await syncStats(master)).partialOk === partialOkBefore + 1);
  await linkUp(replica);
}

describeRedis('pipelined PSYNC on reconnection, masters with requirepass', () => {
  const started: StartedReplikit[] = [];
  const redisServers: RedisServerHandle[] = [];
  const clients: Redis[] = [];
  const track = (c: Redis): Redis => {
    clients.push(c);
    return c;
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of started.splice(0)) await s.stop();
    for (const r of redisServers.splice(0)) await r.stop();
  });

  it('redis-server master: the pipelined PSYNC is refused once, sent again alone, partial resyncs only', async () => {
    const redis = await startRedisServer({ config: { requirepass: 'pw1', 'repl-diskless-sync-delay': 0 } });
    redisServers.push(redis);
    const m = track(new Redis({ port: redis.port, host: '127.0.0.1', password: 'pw1', maxRetriesPerRequest: 0 }));
    await m.set('a', '1');
    const rep = await startReplikit(['--replicaof', '127.0.0.1', String(redis.port), '--masterauth', 'pw1']);
    started.push(rep);
    const r = track(client(rep.port));
    await linkUp(r);
    const errorsBefore = await errCount(m);
    await cutAndResume(r, m, 0);
    await m.set('b', '2');
    await cutAndResume(r, m, 1);
    await m.set('c', '3');
    await waitFor('the stream', async () => (await r.get('c')) === '3');
    expect(await r.mget('a', 'b', 'c')).toEqual(['1', '2', '3']);
    expect(await syncStats(m)).toEqual({ full: 1, partialOk: 2, partialErr: 0 });
    // the first reconnection tried the pipelined PSYNC (one -ERR pending output), the second did not
    expect((await errCount(m)) - errorsBefore).toBe(1);
  });

  it('redis-server master: an AUTH error in the pipelined write fails the attempt as before, no sync starts; fixed, it resumes partially', async () => {
    const redis = await startRedisServer({ config: { requirepass: 'pw1', 'repl-diskless-sync-delay': 0 } });
    redisServers.push(redis);
    const m = track(new Redis({ port: redis.port, host: '127.0.0.1', password: 'pw1', maxRetriesPerRequest: 0 }));
    await m.set('a', '1');
    const rep = await startReplikit(['--replicaof', '127.0.0.1', String(redis.port), '--masterauth', 'pw1', '--repl-timeout', '60']);
    started.push(rep);
    const r = track(client(rep.port));
    await linkUp(r);
    // the link stays authenticated; the next handshake's AUTH fails
    await m.call('CONFIG', 'SET', 'requirepass', 'pw2');
    const logged = rep.logs.length;
    await r.call('CLIENT', 'KILL', 'TYPE', 'master');
    await waitFor('the failed AUTH reported', () => rep.logs.slice(logged).some((l) => /WRONGPASS/.test(l)));
    expect(infoMap(await r.info('replication')).get('master_link_status')).toBe('down');
    expect(await syncStats(m)).toEqual({ full: 1, partialOk: 0, partialErr: 0 });
    await m.call('CONFIG', 'SET', 'requirepass', 'pw1');
    await waitFor('the partial resync', async () => (await syncStats(m)).partialOk === 1, 20000);
    await linkUp(r);
    await m.set('b', '2');
    await waitFor('the stream', async () => (await r.get('b')) === '2');
    expect(await syncStats(m)).toEqual({ full: 1, partialOk: 1, partialErr: 0 });
  });

  it('replikit master: the pipelined PSYNC is answered in the same round trip, no error reply; a failed AUTH starts no sync', async () => {
    const master = await startReplikit(['--requirepass', 'pw1', '--repl-diskless-sync-delay', '0']);
    started.push(master);
    const m = track(new Redis({ port: master.port, host: '127.0.0.1', password: 'pw1', maxRetriesPerRequest: 0 }));
    await m.set('a', '1');
    const rep = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--masterauth', 'pw1', '--repl-timeout', '60']);
    started.push(rep);
    const r = track(client(rep.port));
    await linkUp(r);
    await cutAndResume(r, m, 0);
    const errorsBefore = await errCount(m);
    await cutAndResume(r, m, 1);
    expect((await errCount(m)) - errorsBefore).toBe(0);
    await m.call('CONFIG', 'SET', 'requirepass', 'pw2');
    const logged = rep.logs.length;
    await r.call('CLIENT', 'KILL', 'TYPE', 'master');
    await waitFor('the failed AUTH reported', () => rep.logs.slice(logged).some((l) => /WRONGPASS/.test(l)));
    expect(await syncStats(m)).toEqual({ full: 1, partialOk: 2, partialErr: 0 });
    await m.call('CONFIG', 'SET', 'requirepass', 'pw1');
    await waitFor('the partial resync', async () => (await syncStats(m)).partialOk === 3, 20000);
    await m.set('b', '2');
    await waitFor('the stream', async () => (await r.get('b')) === '2');
    expect(await syncStats(m)).toEqual({ full: 1, partialOk: 3, partialErr: 0 });
  });
});
