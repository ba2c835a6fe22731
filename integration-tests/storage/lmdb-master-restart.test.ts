/**
 * A master on `storage lmdb` restarted after SIGKILL: its writes were committed together with its
 * replication position ({ replid, offset } in the same LMDB transaction, before the bytes went to
 * any replica), so the restarted process serves the data and, as redis-server 7.0 does with an RDB
 * carrying repl aux fields, takes a new id with the old one as replid2 up to offset + 1. Its two
 * replicas, a replikit-server and a real redis-server, continue by a partial resync (the new
 * process counts sync_partial_ok 2, sync_full 0) and end with a dataset equal to the master's.
 *
 * Killed mid-write, a replica may lose bytes that were in flight (a reset socket drops its
 * unsent data); the rule then is Redis's: partial exactly when the replica's offset is the
 * restored one, and the data equal either way.
 */
import { rmSync } from 'node:fs';
import { hasRedis, hasRedisCli, type RedisServerHandle, redisRequired, startRedisServer } from '@replikit/test-utils';
import Redis from 'ioredis';
import { datasetOf, tempDir } from '../aof/aof-helpers';
import { infoMap, type StartedReplikit, startReplikit, waitFor } from '../replication/helpers';
import { type BundledCli, bundleCli, type CliProcess, startBundledCli } from './bundled-cli';

const ready = hasRedis() && hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-server and redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
const describeRedis = ready ? describe : describe.skip;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function infoOf(port: number, section: string): Promise<Map<string, string>> {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  c.on('error', () => {});
  try {
    await c.connect();
    return infoMap(await c.info(section));
  } finally {
    c.disconnect();
  }
}

/** Writes of several types and two dbs, pipelined, until `stop()`; counts acknowledged INCRs. */
function writeLoad(port: number): { stop(): Promise<number> } {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  c.on('error', () => {});
  let running = true;
  let acked = 0;
  const loop = (async () => {
    await new Promise((r) => c.once('ready', r));
    for (let n = 1; running; n++) {
      try {
        const p = c.pipeline();
        p.select(0);
        p.set(`s:${n % 50}`, `v${n}`);
        p.incr('counter');
        p.rpush(`l:${n % 7}`, String(n));
        p.hset('h', `f${n % 30}`, String(n));
        p.zadd('z', n, `m${n % 40}`);
        p.set(`ttl:${n % 5}`, String(n), 'EX', 100000);
        p.call('MULTI');
        p.sadd('set', String(n));
        p.incr('tx');
        p.call('EXEC');
        p.select(3);
        p.set(`db3:${n % 10}`, String(n));
        const r = await p.exec();
        if (r === null || r[2]?.[0] !== null) return;
        acked = Number(r[2]?.[1]);
      } catch {
        return;
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      c.disconnect();
      return acked;
    },
  };
}

describeRedis('a master on storage lmdb, SIGKILLed and restarted', () => {
  let bundle: BundledCli | undefined;
  let master: CliProcess | undefined;
  let rk: StartedReplikit | undefined;
  let rr: RedisServerHandle | undefined;
  const cleanup: string[] = [];
  let dir = '';
  let port = 0;
  const args = () => ['--dir', dir, '--save', '', '--storage', 'lmdb', '--storage-fsync', 'always', '--repl-diskless-sync-delay', '0'];

  beforeAll(async () => {
    bundle = bundleCli();
    dir = tempDir('lmdb-master-restart');
    cleanup.push(dir);
    master = await startBundledCli(bundle, args());
    port = master.port;
    rk = await startReplikit(['--replicaof', '127.0.0.1', String(port)]);
    rr = await startRedisServer({ config: { replicaof: `127.0.0.1 ${port}` } });
    for (const p of [rk.port, rr.port]) await waitFor(`replica ${p} link up`, async () => (await infoOf(p, 'replication')).get('master_link_status') === 'up');
  }, 60000);
  afterAll(async () => {
    await rr?.stop();
    await rk?.stop();
    await master?.stop();
    bundle?.dispose();
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  const replicaPorts = () => [(rk as StartedReplikit).port, (rr as RedisServerHandle).port];

  async function caughtUp(): Promise<number> {
    return waitFor('replicas caught up', async () => {
      const m = Number((await infoOf(port, 'replication')).get('master_repl_offset'));
      for (const p of replicaPorts()) {
        const r = await infoOf(p, 'replication');
        if (r.get('master_link_status') !== 'up' || Number(r.get('master_repl_offset')) !== m) return false;
      }
      return m;
    }, 30000);
  }

  async function killAndRestart(): Promise<{ replid: string; offset: number; restarted: CliProcess }> {
    const before = await infoOf(port, 'replication');
    const m = master as CliProcess;
    m.child.kill('SIGKILL');
    expect(await m.exited).toBe('SIGKILL');
    master = await startBundledCli(bundle as BundledCli, args(), { port });
    return { replid: before.get('master_replid') as string, offset: Number(before.get('master_repl_offset')), restarted: master };
  }

  it('after writes it restarts with its data, accepts its old id as replid2, and both replicas continue partially', async () => {
    const load = writeLoad(port);
    await sleep(1200);
    const acked = await load.stop();
    expect(acked).toBeGreaterThan(3);
    const offset = await caughtUp();
    const { replid, restarted } = await killAndRestart();
    expect(restarted.output()).toContain('DB loaded from the lmdb storage at replication offset');
    const repl = await infoOf(port, 'replication');
    expect(repl.get('master_replid2')).toBe(replid);
    expect(repl.get('master_replid')).not.toBe(replid);
    expect(Number(repl.get('second_repl_offset'))).toBe(offset + 1);
    const c = new Redis({ port, host: '127.0.0.1' });
    try {
      expect(Number(await c.get('counter'))).toBe(acked);
      await caughtUp();
      const stats = await infoOf(port, 'stats');
      expect(stats.get('sync_full')).toBe('0');
      expect(stats.get('sync_partial_ok')).toBe('2');
      expect((rk as StartedReplikit).logs.join('\n')).toMatch(/Master accepted a Partial Resynchronization/);
      expect((rr as RedisServerHandle).log()).toContain('Successful partial resynchronization with master.');
      // the replicas follow the new id and get new writes
      await c.set('after-restart', 'yes');
      await caughtUp();
      const data = await datasetOf(port);
      expect(Object.keys(data).length).toBeGreaterThan(20);
      for (const p of replicaPorts()) {
        expect((await infoOf(p, 'replication')).get('master_replid')).toBe(repl.get('master_replid'));
        expect(await datasetOf(p)).toEqual(data);
      }
    } finally {
      c.disconnect();
    }
  }, 90000);

  it('killed mid-write: every acknowledged write is served; partial exactly when a replica held the restored offset', async () => {
    for (let round = 0; round < 3; round++) {
      const stats0 = { full: 0, partial: 0 };
      const load = writeLoad(port);
      await sleep(400 + round * 150);
      const m = master as CliProcess;
      m.child.kill('SIGKILL');
      expect(await m.exited).toBe('SIGKILL');
      const acked = await load.stop();
      // what each replica holds once the dead master's bytes are all in
      const held: number[] = [];
      for (const p of replicaPorts()) {
        let last = -1;
        held.push(await waitFor('replica offset settled', async () => {
          await sleep(100);
          const o = Number((await infoOf(p, 'replication')).get('master_repl_offset'));
          const settled = o === last;
          last = o;
          return settled ? o : false;
        }));
      }
      master = await startBundledCli(bundle as BundledCli, args(), { port });
      const restored = Number((await infoOf(port, 'replication')).get('second_repl_offset')) - 1;
      const c = new Redis({ port, host: '127.0.0.1' });
      try {
        // storage-fsync always: each write was committed before its reply
        expect(Number(await c.get('counter'))).toBeGreaterThanOrEqual(acked);
        await caughtUp();
        for (const h of held) {
          expect(h).toBeLessThanOrEqual(restored);
          if (h === restored) stats0.partial++;
          else stats0.full++;
        }
        const stats = await infoOf(port, 'stats');
        expect(Number(stats.get('sync_partial_ok'))).toBe(stats0.partial);
        expect(Number(stats.get('sync_full'))).toBe(stats0.full);
        const data = await datasetOf(port);
        for (const p of replicaPorts()) expect(await datasetOf(p)).toEqual(data);
      } finally {
        c.disconnect();
      }
    }
  }, 180000);
});
