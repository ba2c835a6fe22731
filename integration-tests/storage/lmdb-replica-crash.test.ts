/**
 * Crash resume (bounded): a replikit-server replica on `storage lmdb` of a real redis-server
 * master under write load (plain writes, MULTI/EXEC blocks, two databases) is SIGKILLed again and
 * again: during its first full sync, right after a resync, and at random points while it streams.
 * Each restart continues from the position committed with its data: after every kill the test
 * opens the killed replica's LMDB file and reads the position on disk; whenever there is one, the
 * next incarnation must continue by a partial resync (the master's sync_partial_ok grows,
 * sync_full does not), and at the end its dataset equals the master's.
 *
 * REPLIKIT_LMDB_CRASH_KILLS sets the number of kills (default 20, about a minute here);
 * REPLIKIT_TEST_SEED replays the kill points.
 */
import { rmSync } from 'node:fs';
import { openLmdbStorage } from '@replikit/storage-lmdb';
import { hasRedis, hasRedisCli, type RedisServerHandle, redisRequired, seededRandom, startRedisServer, testSeed } from '@replikit/test-utils';
import Redis from 'ioredis';
import { tempDir } from '../aof/aof-helpers';
import { infoMap, waitFor } from '../replication/helpers';
import { type BundledCli, bundleCli, type CliProcess, startBundledCli } from './bundled-cli';

const ready = hasRedis() && hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-server and redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
const describeRedis = ready ? describe : describe.skip;

const KILLS = Number(process.env.REPLIKIT_LMDB_CRASH_KILLS ?? 20);
/** after a full sync, kills at streaming points wait this long (its load is written in slices first) */
const FULL_SYNC_MARGIN_MS = 1000;
const PRELOAD = 10000;
const FULL = /Full resync from master/;
const PARTIAL = /Master accepted a Partial Resynchronization/;
const SYNCED = /Finished with success|Master accepted a Partial Resynchronization/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The replication position a killed replica left on disk (opened the way the server opens it). */
function positionOnDisk(dir: string): string | undefined {
  const a = openLmdbStorage(16, { dir, fsync: 'no' });
  try {
    const p = a.committedPosition();
    return p === undefined ? undefined : `${p.replid}:${p.offset}`;
  } finally {
    a.close();
  }
}

/** Every key the load wrote (db 0 without the preloaded keys, db 3) with type, value and TTL. */
async function writtenKeys(c: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const db of [0, 3]) {
    await c.select(db);
    const keys = (await c.keys('*')).filter((k) => !k.startsWith('pre:')).sort();
    for (const k of keys) {
      const type = await c.type(k);
      let value: unknown = type;
      if (type === 'string') value = await c.get(k);
      else if (type === 'list') value = await c.lrange(k, 0, -1);
      else if (type === 'set') value = (await c.smembers(k)).sort();
      else if (type === 'hash') value = await c.hgetall(k);
      out[`${db}:${k}`] = { type, value, pttl: await c.pttl(k) };
    }
  }
  await c.select(0);
  return out;
}

describeRedis('replikit replica on LMDB, SIGKILLed under load', () => {
  let master: RedisServerHandle | undefined;
  let bundle: BundledCli | undefined;
  const cleanup: string[] = [];
  beforeAll(() => {
    bundle = bundleCli();
  });
  afterAll(async () => {
    await master?.stop();
    bundle?.dispose();
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  it(`restarts ${KILLS} times by partial resync from its committed position, then equals the master`, async () => {
    const seed = testSeed('lmdb-replica-crash');
    const rand = seededRandom(seed);
    master = await startRedisServer({ config: { 'repl-backlog-size': '64mb', 'repl-diskless-sync': 'no' } });
    const m = new Redis({ port: master.port, host: '127.0.0.1' });
    // a dataset large enough that the first full sync takes a while to load
    const pipe = m.pipeline();
    for (let i = 0; i < PRELOAD; i++) pipe.set(`pre:${i}`, `v${i}`.padEnd(100, '.'));
    await pipe.exec();

    let stop = false;
    const writer = new Redis({ port: master.port, host: '127.0.0.1' });
    const other = new Redis({ port: master.port, host: '127.0.0.1', db: 3 });
    const load = (async () => {
      for (let n = 1; !stop; n++) {
        await writer.incr('counter');
        await writer.rpush('log', String(n));
        await writer.multi().incr('tx').rpush('txlog', String(n)).hset('txhash', `f${n % 40}`, String(n)).exec();
        await other.set(`db3:${n % 500}`, String(n));
        if (n % 7 === 0) await other.sadd('db3set', String(n));
      }
    })();

    const dir = tempDir('lmdb-crash');
    cleanup.push(dir);
    const args = ['--dir', dir, '--save', '', '--storage', 'lmdb', '--replicaof', '127.0.0.1', String(master.port)];
    const statsBefore = infoMap(await m.info('stats'));
    let fulls = 0;
    let partials = 0;
    /** the previous incarnation left a position on disk: the next one continues from it */
    let mustContinue = false;
    const points: string[] = [];
    let replica: CliProcess | undefined;
    try {
      for (let k = 0; k <= KILLS; k++) {
        const t0 = Date.now();
        replica = await startBundledCli(bundle as BundledCli, args);
        await replica.waitForOutput(/MASTER <-> REPLICA sync started/);
        const t1 = Date.now();
        if (k === KILLS) break;
        let point: string;
        if (k === 0) {
          // during the full sync: once the transfer began, before or while it loads
          await replica.waitForOutput(FULL, 30000);
          await sleep(Math.floor(rand() * 300));
          point = 'full sync';
        } else {
          await replica.waitForOutput(SYNCED, 30000);
          const justAfter = k % 4 === 1;
          // after a full sync, its first (large) transaction needs a moment to reach the disk
          const margin = FULL.test(replica.output()) ? FULL_SYNC_MARGIN_MS : 100;
          await sleep(justAfter ? Math.floor(rand() * 100) : margin + Math.floor(rand() * 800));
          point = justAfter ? 'right after the resync' : 'streaming';
        }
        const out = replica.output();
        const wasFull = FULL.test(out);
        const wasPartial = PARTIAL.test(out);
        if (k > 0 && mustContinue) expect({ kill: k, partial: wasPartial, full: wasFull }).toEqual({ kill: k, partial: true, full: false });
        // the killed incarnation's own sync: a partial one, or a full one only without a position
        if (k > 0 && !mustContinue) expect({ kill: k, partial: wasPartial }).toEqual({ kill: k, partial: false });
        fulls += wasFull ? 1 : 0;
        partials += wasPartial ? 1 : 0;
        replica.child.kill('SIGKILL');
        expect(await replica.exited).toBe('SIGKILL');
        const synced = SYNCED.test(out);
        const onDisk = positionOnDisk(dir);
        mustContinue = onDisk !== undefined;
        points.push(`${point}${synced ? '' : ' (before the sync ended)'}${onDisk ? '' : ' (no position on disk)'} [start ${t1 - t0} ms, killed after ${Date.now() - t1} ms]`);
        if (process.env.REPLIKIT_LMDB_CRASH_VERBOSE === '1') console.log(points[points.length - 1]);
        replica = undefined;
      }
      // the last incarnation: its own resync, then catch up with the master and compare
      const last = replica as CliProcess;
      await last.waitForOutput(SYNCED, 30000);
      const out = last.output();
      if (mustContinue) expect(PARTIAL.test(out)).toBe(true);
      fulls += FULL.test(out) ? 1 : 0;
      partials += PARTIAL.test(out) ? 1 : 0;
      stop = true;
      await load;
      const r = new Redis({ port: last.port, host: '127.0.0.1' });
      try {
        const target = Number(infoMap(await m.info('replication')).get('master_repl_offset'));
        await waitFor('the replica caught up', async () => Number(infoMap(await r.info('replication')).get('master_repl_offset')) >= target, 30000);
        const statsAfter = infoMap(await m.info('stats'));
        const delta = (f: string) => Number(statsAfter.get(f)) - Number(statsBefore.get(f));
        expect({ seed, sync_full: delta('sync_full'), sync_partial_ok: delta('sync_partial_ok') }).toEqual({ seed, sync_full: fulls, sync_partial_ok: partials });
        // most kills landed in streaming, where a partial resync is required
        expect(partials).toBeGreaterThanOrEqual(Math.floor(KILLS / 2));
        // the preloaded keys by MGET, the written ones key by key with type, value and TTL
        const names = Array.from({ length: PRELOAD }, (_, i) => `pre:${i}`);
        expect(await r.mget(names)).toEqual(await m.mget(names));
        await r.select(0);
        await m.select(0);
        expect(await r.dbsize()).toBe(await m.dbsize());
        const mine = await writtenKeys(r);
        const theirs = await writtenKeys(m);
        expect(Object.keys(mine).length).toBe(Object.keys(theirs).length);
        expect(mine).toEqual(theirs);
        expect(await r.get('counter')).toBe(String(await r.llen('log')));
        expect(await r.get('tx')).toBe(String(await r.llen('txlog')));
      } finally {
        r.disconnect();
        await last.stop();
      }
    } catch (err) {
      throw new Error(`seed ${seed}, kill points ${points.join(', ')}: ${(err as Error).message}`, { cause: err });
    } finally {
      stop = true;
      await load.catch(() => undefined);
      if (replica !== undefined && replica.child.exitCode === null) await replica.stop();
      writer.disconnect();
      other.disconnect();
      m.disconnect();
    }
  }, 300000);
});
