/**
 * replikit-server as a replica of a real redis-server 7.0 master, configured the three ways the
 * replication guide teaches (config file, --replicaof, REPLICAOF at runtime) and promoted with
 * REPLICAOF NO ONE. The stream is applied through the command path: PUBLISH reaches subscribers,
 * a blocked BLPOP is served by a pushed element, MULTI/EXEC is applied as one unit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { type StartedReplikit, client, dumpDataset, infoFieldNames, infoMap, linkUp, startReplikit, waitFor } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

async function seed(m: Redis): Promise<void> {
  await m.set('s1', 'hello');
  await m.set('ttl1', 'v', 'EX', 1000);
  await m.rpush('l1', 'a', 'b', 'c');
  await m.sadd('set1', 'x', 'y');
  await m.hset('h1', 'f1', 'v1', 'f2', 'v2');
  await m.zadd('z1', 1, 'one', 2, 'two');
  await m.select(3);
  await m.set('db3key', 'three');
  await m.select(0);
}

describeRedis('replikit-server replica of redis-server', () => {
  let master: RedisServerHandle;
  let m: Redis;
  const opened: Array<{ quit(): Promise<unknown>; disconnect(): void }> = [];
  const started: StartedReplikit[] = [];

  function track<T extends Redis>(c: T): T {
    opened.push(c);
    return c;
  }

  beforeAll(async () => {
    master = await startRedisServer({ config: { 'repl-diskless-sync-delay': 0 } });
    m = client(master.port);
    await seed(m);
  });

  afterEach(async () => {
    for (const c of opened.splice(0)) c.disconnect();
    for (const s of started.splice(0)) await s.stop();
  });

  afterAll(async () => {
    m.disconnect();
    await master.stop();
  });

  it('replicaof in the config file: full sync, then the stream (PUBLISH, BLPOP, MULTI/EXEC), READONLY, INFO, ROLE', async () => {
    const confDir = mkdtempSync(join(tmpdir(), 'replikit-conf-'));
    const conf = join(confDir, 'replica.conf');
    writeFileSync(conf, `replicaof 127.0.0.1 ${master.port}\nreplica-read-only yes\n`);
    const rep = await startReplikit([conf]);
    rmSync(confDir, { recursive: true, force: true });
    started.push(rep);
    const c = track(client(rep.port));
    await linkUp(c);
    await waitFor('dataset synced', async () => JSON.stringify(await dumpDataset(c, [0, 3])) === JSON.stringify(await dumpDataset(m, [0, 3])));

    // PUBLISH on the master reaches a subscriber on our replica
    const sub = track(client(rep.port));
    const got = new Promise<[string, string]>((resolve) => sub.on('message', (ch: string, msg: string) => resolve([ch, msg])));
    await sub.subscribe('news');
    await m.publish('news', 'from-master');
    expect(await got).toEqual(['news', 'from-master']);

    // MULTI/EXEC from the master is applied as a unit
    await m.multi().set('tx1', 'a').incr('tx2').lpush('txl', 'z').exec();
    await waitFor('the transaction', async () => (await c.get('tx1')) === 'a');
    expect(await c.get('tx2')).toBe('1');
    expect(await c.lrange('txl', 0, -1)).toEqual(['z']);

    // READONLY: our exact text against redis-server's replica under the same master
    const real = await startRedisServer({ config: { replicaof: `127.0.0.1 ${master.port}` } });
    try {
      const rc = client(real.port);
      try {
        await linkUp(rc);
        const theirs = await rc.set('k', 'v').catch((e: Error) => e.message);
        const ours = await c.set('k', 'v').catch((e: Error) => e.message);
        expect(theirs).toMatch(/^READONLY /);
        expect(ours).toBe(theirs);
        expect(await c.call('WAIT', '1', '10').catch((e: Error) => e.message)).toBe(await rc.call('WAIT', '1', '10').catch((e: Error) => e.message));
        // BLPOP is a write: a read-only replica refuses it (see the replica-read-only no test for a served BLPOP)
        expect(await c.blpop('queue', 1).catch((e: Error) => e.message)).toBe(await rc.blpop('queue', 1).catch((e: Error) => e.message));

        // INFO replication: the same fields in the same order as a real replica of the same master
        const target = infoMap(await m.info('replication')).get('master_repl_offset');
        await waitFor('both replicas caught up', async () => infoMap(await c.info('replication')).get('slave_repl_offset') === target && infoMap(await rc.info('replication')).get('slave_repl_offset') === target);
        const oursInfo = await c.info('replication');
        const theirsInfo = await rc.info('replication');
        expect(infoFieldNames(oursInfo)).toEqual(infoFieldNames(theirsInfo));
        const o = infoMap(oursInfo);
        const t = infoMap(theirsInfo);
        for (const f of ['role', 'master_host', 'master_port', 'master_link_status', 'master_sync_in_progress', 'slave_read_only', 'master_replid', 'master_repl_offset', 'slave_repl_offset', 'connected_slaves', 'repl_backlog_active']) {
          expect([f, o.get(f)]).toEqual([f, t.get(f)]);
        }

        // the master client counts in connected_clients, like redis-server's: besides it, two
        // connections on ours (c, sub) and one on theirs (rc)
        const connected = async (x: Redis) => Number(infoMap(await x.info('clients')).get('connected_clients'));
        expect((await connected(c)) - 2).toBe((await connected(rc)) - 1);
        // ROLE: ["slave", host, port, "connected", offset] like the real replica
        const roleOurs = (await c.call('ROLE')) as unknown[];
        const roleTheirs = (await rc.call('ROLE')) as unknown[];
        expect(roleOurs.slice(0, 4)).toEqual(roleTheirs.slice(0, 4));
        expect(typeof roleOurs[4]).toBe('number');
        expect(roleOurs[4]).toBe(Number(target));
      } finally {
        rc.disconnect();
      }
    } finally {
      await real.stop();
    }
  });

  it('--replicaof host port at start, then REPLICAOF NO ONE: a master with the ids shifted', async () => {
    const rep = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--replica-read-only', 'no']);
    started.push(rep);
    const c = track(client(rep.port));
    await linkUp(c);
    await m.set('after-start', '1');
    await waitFor('the stream', async () => (await c.get('after-start')) === '1');

    // with replica-read-only no, a BLPOP blocked on our replica is served by the element the
    // master's stream pushes
    const blocker = track(client(rep.port));
    const popped = blocker.blpop('queue2', 0);
    await waitFor('the BLPOP to block', async () => infoMap(await c.info('clients')).get('blocked_clients') === '1');
    await m.rpush('queue2', 'job1');
    expect(await popped).toEqual(['queue2', 'job1']);
    expect(await c.call('REPLICAOF', '127.0.0.1', String(master.port))).toBe('OK Already connected to specified master');

    // the master client: CLIENT LIST flag M; CLIENT KILL TYPE master cuts the link, which comes back
    // with a partial resync
    expect((await c.call('CLIENT', 'LIST', 'TYPE', 'master')) as string).toMatch(/ flags=M /);
    const partialBefore = Number(infoMap(await m.info('stats')).get('sync_partial_ok'));
    expect(await c.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
    await m.set('while-cut', 'x');
    await waitFor('the partial resync', async () => Number(infoMap(await m.info('stats')).get('sync_partial_ok')) === partialBefore + 1);
    await linkUp(c);
    await waitFor('the write made while cut', async () => (await c.get('while-cut')) === 'x');

    const before = infoMap(await c.info('replication'));
    expect(before.get('master_replid')).toBe(infoMap(await m.info('replication')).get('master_replid'));
    expect(await c.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    const after = infoMap(await c.info('replication'));
    expect(after.get('role')).toBe('master');
    expect(after.get('master_replid2')).toBe(before.get('master_replid'));
    expect(after.get('second_repl_offset')).toBe(String(Number(before.get('master_repl_offset')) + 1));
    expect(after.get('master_replid')).not.toBe(before.get('master_replid'));
    // writes are accepted now, the master's later writes no longer arrive
    expect(await c.set('local', 'x')).toBe('OK');
    const role = (await c.call('ROLE')) as unknown[];
    expect(role[0]).toBe('master');
    expect(role[1]).toBe(Number(infoMap(await c.info('replication')).get('master_repl_offset')));
    expect(role[2]).toEqual([]);
  });

  it('REPLICAOF at runtime turns a master with data into a replica of redis-server', async () => {
    const rep = await startReplikit([]);
    started.push(rep);
    const c = track(client(rep.port));
    await c.set('mine-only', 'gone after the sync');
    // a client blocked on the master is unblocked with an error when it turns replica, like redis-server's
    const unblockedText = async (port: number, turn: Redis) => {
      const blocker = track(client(port));
      const p = blocker.blpop('nothing', 0).catch((e: Error) => e.message);
      await waitFor('the BLPOP to block', async () => infoMap(await turn.info('clients')).get('blocked_clients') === '1');
      expect(await turn.call('SLAVEOF', '127.0.0.1', String(master.port))).toBe('OK');
      return p;
    };
    const real = await startRedisServer();
    try {
      const rc = track(client(real.port));
      const theirs = await unblockedText(real.port, rc);
      expect(theirs).toMatch(/^UNBLOCKED /);
      expect(await unblockedText(rep.port, c)).toBe(theirs);
    } finally {
      await real.stop();
    }
    await linkUp(c);
    await waitFor('dataset synced', async () => JSON.stringify(await dumpDataset(c, [0, 3])) === JSON.stringify(await dumpDataset(m, [0, 3])));
    expect(await c.exists('mine-only')).toBe(0);
    expect(await c.call('REPLICAOF', '127.0.0.1', 'notaport').catch((e: Error) => e.message)).toBe('ERR Invalid master port');
    expect(infoMap(await m.info('stats')).get('sync_full')).toBeDefined();
  });

  it('replica-serve-stale-data no: MASTERDOWN with redis-server\'s exact text while the link is down', async () => {
    const deadPort = master.port + 1000 > 65000 ? master.port - 1000 : master.port + 1000;
    const real = await startRedisServer({ config: { replicaof: `127.0.0.1 ${deadPort}`, 'replica-serve-stale-data': 'no' } });
    try {
      const rc = client(real.port);
      const rep = await startReplikit(['--replicaof', '127.0.0.1', String(deadPort), '--replica-serve-stale-data', 'no']);
      started.push(rep);
      const c = track(client(rep.port));
      try {
        const theirs = await rc.get('x').catch((e: Error) => e.message);
        const ours = await c.get('x').catch((e: Error) => e.message);
        expect(theirs).toMatch(/^MASTERDOWN /);
        expect(ours).toBe(theirs);
        // INFO is allowed, and shows the link down with the same fields as redis-server's
        const oursInfo = await c.info('replication');
        expect(infoMap(oursInfo).get('master_link_status')).toBe('down');
        expect(infoFieldNames(oursInfo)).toEqual(infoFieldNames(await rc.info('replication')));
        // ROLE: ["slave", host, port, state, -1] with no master client, like redis-server's
        const roleOurs = (await c.call('ROLE')) as unknown[];
        const roleTheirs = (await rc.call('ROLE')) as unknown[];
        expect(roleOurs[0]).toBe(roleTheirs[0]);
        expect(roleOurs[2]).toBe(deadPort);
        expect(roleOurs[4]).toBe(roleTheirs[4]);
        expect(['connect', 'connecting']).toContain(roleOurs[3]);
      } finally {
        rc.disconnect();
      }
    } finally {
      await real.stop();
    }
  });
});
