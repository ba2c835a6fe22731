/**
 * replikit-server as the master of a real redis-server 7.0 replica (`--replicaof`), and of
 * `redis-cli --replica` (legacy SYNC) and `redis-cli --rdb <file>`; INFO replication and ROLE of
 * our master compared with a real master's.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRedis, hasRedisCli, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { readRdbFile } from '@replikit/rdb';
import { type StartedReplikit, client, dumpDataset, infoFieldNames, infoMap, linkUp, redisCliAsync, startRedisCli, startReplikit, waitFor } from './helpers';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;

describeRedis('redis-server replica of replikit-server', () => {
  let ours: StartedReplikit;
  let replica: RedisServerHandle;

  beforeAll(async () => {
    ours = await startReplikit(['--repl-diskless-sync-delay', '0']);
    const c = client(ours.port);
    try {
      await c.set('s1', 'hello');
      await c.set('ttl1', 'v', 'EX', 1000);
      await c.rpush('l1', 'a', 'b', 'c');
      await c.sadd('set1', 'x', 'y');
      await c.hset('h1', 'f1', 'v1');
      await c.zadd('z1', 1, 'one', 2, 'two');
      await c.select(2);
      await c.set('db2key', 'two');
    } finally {
      c.disconnect();
    }
    replica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${ours.port}` } });
  });

  afterAll(async () => {
    await replica?.stop();
    await ours?.stop();
  });

  it('full sync then the stream; INFO replication and ROLE like a real master', async () => {
    const c = client(ours.port);
    const rc = client(replica.port);
    try {
      await linkUp(rc);
      await waitFor('dataset synced', async () => JSON.stringify(await dumpDataset(rc, [0, 2])) === JSON.stringify(await dumpDataset(c, [0, 2])));
      await c.incr('counter');
      await c.multi().set('tx', '1').rpush('l1', 'd').exec();
      await c.select(2);
      await c.del('db2key');
      await c.select(0);
      await waitFor('the stream', async () => JSON.stringify(await dumpDataset(rc, [0, 2])) === JSON.stringify(await dumpDataset(c, [0, 2])));

      // the replica ACKs once a second: wait until its ACK equals our offset (re-read: PINGs move it)
      const info = await waitFor('the replica ACKs our offset', async () => {
        const i = infoMap(await c.info('replication'));
        return i.get('slave0')?.includes(`,offset=${i.get('master_repl_offset')},`) ? i : undefined;
      });
      const offset = info.get('master_repl_offset') as string;
      expect(info.get('role')).toBe('master');
      expect(info.get('connected_slaves')).toBe('1');
      expect(info.get('slave0')).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${replica.port},state=online,offset=${offset},lag=\\d+$`));
      // the replica took our replid and offset
      const rinfo = infoMap(await rc.info('replication'));
      expect(rinfo.get('master_replid')).toBe(info.get('master_replid'));
      expect(Number(rinfo.get('slave_repl_offset'))).toBeGreaterThanOrEqual(Number(offset));
      expect(infoMap(await c.info('stats')).get('sync_full')).toBe('1');
      // WAIT: answered when the replica ACKs (GETACK asks it at once), or with the count at the timeout
      await c.set('waited', '1');
      expect(await c.call('WAIT', '1', '0')).toBe(1);
      await c.set('waited', '2');
      expect(await c.call('WAIT', '2', '200')).toBe(1);
      expect(Number(infoMap(await c.info('stats')).get('total_net_repl_output_bytes'))).toBeGreaterThan(0);

      // field names and order against a real master with one replica
      const realMaster = await startRedisServer();
      const realReplica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${realMaster.port}` } });
      const rm = client(realMaster.port);
      try {
        await waitFor('the real replica online', async () => infoMap(await rm.info('replication')).get('slave0')?.includes('state=online'));
        expect(infoFieldNames(await c.info('replication'))).toEqual(infoFieldNames(await rm.info('replication')));
        const roleReal = (await rm.call('ROLE')) as unknown[];
        const roleOurs = (await c.call('ROLE')) as unknown[];
        expect(roleOurs[0]).toBe(roleReal[0]);
        expect(typeof roleOurs[1]).toBe(typeof roleReal[1]);
        expect(roleOurs[2]).toEqual([['127.0.0.1', String(replica.port), expect.stringMatching(/^\d+$/)]]);
      } finally {
        rm.disconnect();
        await realReplica.stop();
        await realMaster.stop();
      }
    } finally {
      c.disconnect();
      rc.disconnect();
    }
  });

  it('redis-cli --rdb <file> writes our snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replikit-clirdb-'));
    try {
      const file = join(dir, 'out.rdb');
      const r = await redisCliAsync(ours.port, ['--rdb', file]);
      expect(r.out).toMatch(/Transfer finished with success/);
      expect(existsSync(file)).toBe(true);
      const parsed = await readRdbFile(file);
      const keys = parsed.entries.map((e) => `${e.db}:${e.key.toString('latin1')}`).sort();
      const c = client(ours.port);
      try {
        const expected = Object.keys(await dumpDataset(c, [0, 1, 2])).sort();
        expect(keys).toEqual(expected);
      } finally {
        c.disconnect();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redis-cli --replica (SYNC) receives the payload, then the stream', async () => {
    const c = client(ours.port);
    const cli = startRedisCli(ours.port, ['--replica']);
    try {
      await cli.waitForOutput(/SYNC done after \d+ bytes\. Logging commands from master\./);
      expect(cli.output()).toMatch(/SYNC with master, discarding /);
      await c.set('seen-by-cli', 'yes');
      await cli.waitForOutput(/"set","seen-by-cli","yes"/i);
    } finally {
      await cli.stop();
      c.disconnect();
    }
  });

  it('min-replicas-to-write: NOREPLICAS until a real replica is online, min_slaves_good_slaves in INFO', async () => {
    const m = await startReplikit(['--min-replicas-to-write', '1', '--repl-diskless-sync-delay', '0']);
    const c = client(m.port);
    let r: RedisServerHandle | undefined;
    try {
      const refused = await c.set('k', 'v').catch((e: Error) => e.message);
      const real = await startRedisServer({ config: { 'min-replicas-to-write': 1 } });
      const rc = client(real.port);
      try {
        expect(refused).toBe(await rc.set('k', 'v').catch((e: Error) => e.message));
        expect(refused).toMatch(/^NOREPLICAS /);
      } finally {
        rc.disconnect();
        await real.stop();
      }
      expect(infoMap(await c.info('replication')).get('min_slaves_good_slaves')).toBe('0');
      r = await startRedisServer({ config: { replicaof: `127.0.0.1 ${m.port}` } });
      await waitFor('a good replica', async () => infoMap(await c.info('replication')).get('min_slaves_good_slaves') === '1');
      expect(await c.set('k', 'v')).toBe('OK');
    } finally {
      c.disconnect();
      await r?.stop();
      await m.stop();
    }
  });
});
