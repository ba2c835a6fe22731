/**
 * Persistence, DUMP/RESTORE, DEBUG and redis-benchmark against replikit-server run from the CLI:
 * SAVE/BGSAVE then a restart finds the data; save points trigger a BGSAVE; BGSAVE keeps serving;
 * DUMP payloads travel redis-server -> replikit-server -> redis-server; redis-benchmark's default
 * test list runs without an error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisServerHandle, findRedisBenchmark, hasRedis, hasRedisBenchmark, hasRedisCli, startRedisServer } from '@replikit/test-utils';
import Redis from 'ioredis';
import { type CliRun, parseInfo, startCli } from './ops-helpers';

// redis-cli drives the server under test; redis-benchmark runs its default test list against it
const describeRedis = hasRedis() && hasRedisCli() && hasRedisBenchmark() ? describe : describe.skip;

async function waitFor(cond: () => boolean, timeoutMs = 15000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeRedis('persistence, DUMP/RESTORE, DEBUG, redis-benchmark', () => {
  let dir: string;
  let ours: CliRun;
  let redis: RedisServerHandle;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-ops-persist-'));
    [ours, redis] = await Promise.all([startCli(['--dir', dir, '--save', '', '--enable-debug-command', 'local']), startRedisServer()]);
    a = new Redis({ port: ours.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    b = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await Promise.all([a.connect(), b.connect()]);
  }, 60000);

  afterAll(async () => {
    a?.disconnect();
    b?.disconnect();
    await Promise.all([ours?.stop(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('SAVE, LASTSAVE, BGSAVE with Redis replies and logs', async () => {
    await a.flushall();
    await a.set('s', 'v');
    const before = Number(parseInfo(await a.info('persistence')).get('rdb_changes_since_last_save'));
    expect(before).toBeGreaterThanOrEqual(1);
    expect(await a.save()).toBe('OK');
    expect(Math.abs((await a.lastsave()) - Date.now() / 1000)).toBeLessThan(5);
    expect(parseInfo(await a.info('persistence')).get('rdb_changes_since_last_save')).toBe('0');
    await expect(a.call('bgsave', 'x')).rejects.toThrow('ERR syntax error');
    // a large enough keyspace that the background save takes a while
    expect(await a.call('debug', 'populate', '200000', 'big', '100')).toBe('OK');
    expect(await a.bgsave()).toBe('Background saving started');
    await expect(a.bgsave()).rejects.toThrow('ERR Background save already in progress');
    await expect(a.save()).rejects.toThrow('ERR Background save already in progress');
    // the event loop keeps serving while the snapshot is written: these replies come back while
    // INFO still reports the save in progress (a save that blocked the loop would be over by then)
    expect(await a.ping()).toBe('PONG');
    expect(parseInfo(await a.info('persistence')).get('rdb_bgsave_in_progress')).toBe('1');
    await a.set('written-during-bgsave', '1');
    await waitFor(() => /Background saving terminated with success/.test(ours.output()));
    const p = parseInfo(await a.info('persistence'));
    expect(p.get('rdb_bgsave_in_progress')).toBe('0');
    expect(p.get('rdb_last_bgsave_status')).toBe('ok');
    expect(Number(p.get('rdb_changes_since_last_save'))).toBeGreaterThanOrEqual(1);
    expect(ours.output()).toMatch(/\* Background saving started by pid \d+/);
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);
    // the dump is the point-in-time snapshot: redis-check-rdb style check by loading it in redis-server
    const check = await startRedisServer({ dir });
    try {
      await check.waitForLog(/DB loaded from disk/);
      const c = new Redis({ port: check.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      expect(await c.dbsize()).toBe(200001);
      expect(await c.get('written-during-bgsave')).toBeNull();
      expect(await c.get('big:199999')).toBe(`value:199999${'\0'.repeat(100 - 12)}`);
      c.disconnect();
    } finally {
      await check.stop();
    }
    await a.flushall();
  }, 60000);

  it('save points trigger a background save ("N changes in S seconds. Saving...")', async () => {
    expect(await a.config('SET', 'save', '1 2')).toBe('OK');
    await a.mset('p1', '1', 'p2', '2', 'p3', '3');
    await waitFor(() => /2 changes in 1 seconds\. Saving\.\.\./.test(ours.output()), 10000);
    await waitFor(() => parseInfo(ours.cli('info', 'persistence')).get('rdb_bgsave_in_progress') === '0');
    expect(await a.config('SET', 'save', '')).toBe('OK');
  }, 30000);

  it('DUMP in redis-server -> RESTORE in replikit-server -> DUMP -> RESTORE in redis-server', async () => {
    await b.flushall();
    await a.flushall();
    await b.set('str', 'hello');
    await b.set('int', '12345');
    await b.rpush('list', 'a', 'b', 'c');
    await b.sadd('intset', '1', '2', '3');
    await b.sadd('set', 'x', 'y');
    await b.hset('hash', 'f', 'v', 'g', 'w');
    await b.zadd('zset', '1.5', 'm1', '-2', 'm2');
    await b.xadd('stream', '1-1', 'field', 'value');
    await b.set('long', 'x'.repeat(5000));
    const keys = ['str', 'int', 'list', 'intset', 'set', 'hash', 'zset', 'stream', 'long'];
    for (const k of keys) {
      const payload = (await b.dumpBuffer(k)) as Buffer;
      expect(await a.restore(k, 0, payload)).toBe('OK');
      await expect(a.restore(k, 0, payload)).rejects.toThrow('BUSYKEY Target key name already exists.');
      expect(await a.restore(k, 0, payload, 'REPLACE')).toBe('OK');
      const back = (await a.dumpBuffer(k)) as Buffer;
      expect(await b.restore(`${k}:back`, 0, back)).toBe('OK');
    }
    expect(await b.get('str:back')).toBe('hello');
    expect(await b.lrange('list:back', 0, -1)).toEqual(['a', 'b', 'c']);
    expect((await b.smembers('intset:back')).sort()).toEqual(['1', '2', '3']);
    expect(await b.hgetall('hash:back')).toEqual({ f: 'v', g: 'w' });
    expect(await b.zrange('zset:back', 0, -1, 'WITHSCORES')).toEqual(['m2', '-2', 'm1', '1.5']);
    expect(await b.xrange('stream:back', '-', '+')).toEqual([['1-1', ['field', 'value']]]);
    expect(await b.get('long:back')).toBe('x'.repeat(5000));
    expect(await a.lrange('list', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await a.type('stream')).toBe('stream');
    // TTLs: relative, ABSTTL, already expired
    const p = (await b.dumpBuffer('str')) as Buffer;
    expect(await a.restore('ttl1', 100000, p)).toBe('OK');
    expect(await a.pttl('ttl1')).toBeGreaterThan(90000);
    expect(await a.call('restore', 'ttl2', String(Date.now() + 50000), p, 'ABSTTL')).toBe('OK');
    expect(await a.pttl('ttl2')).toBeGreaterThan(40000);
    expect(await a.call('restore', 'gone', '1', p, 'ABSTTL')).toBe('OK');
    expect(await a.exists('gone')).toBe(0);
    expect(await a.call('restore', 'idle', '0', p, 'IDLETIME', '10')).toBe('OK');
    // errors, compared with redis-server's
    const bad = Buffer.from(p);
    bad[bad.length - 1] ^= 1;
    const errorCases: Array<Array<string | Buffer>> = [
      ['restore', 'e1', '0', bad],
      ['restore', 'e2', '0', 'x'],
      ['restore', 'e3', '-1', p],
      ['restore', 'e4', 'abc', p],
      ['restore', 'e5', '0', p, 'FREQ', '300'],
      ['restore', 'e6', '0', p, 'IDLETIME', '-1'],
      ['restore', 'e7', '0', p, 'bogus'],
      ['dump'],
    ];
    for (const args of errorCases) {
      const ours = await a.call(args[0] as string, ...args.slice(1)).catch((e: Error) => e.message);
      const theirs = await b.call(args[0] as string, ...args.slice(1)).catch((e: Error) => e.message);
      expect([args[1], ours]).toEqual([args[1], theirs]);
    }
    // a payload with a good footer but a bad body (an unknown value type)
    const body = Buffer.from([99, 0x01, 0x61]);
    const fake = Buffer.concat([body, Buffer.from([10, 0]), Buffer.alloc(8)]);
    const { crc64 } = await import('@replikit/rdb');
    const crc = crc64(fake.subarray(0, fake.length - 8));
    fake.writeBigUInt64LE(BigInt.asUintN(64, BigInt(crc)), fake.length - 8);
    await expect(a.restore('e8', 0, fake)).rejects.toThrow('ERR Bad data format');
    await expect(b.restore('e8', 0, fake)).rejects.toThrow('ERR Bad data format');
    expect(await a.dump('nokey')).toBeNull();
  });

  it('DEBUG RELOAD keeps the data; DEBUG POPULATE; DEBUG SLEEP blocks', async () => {
    await a.flushall();
    await a.call('debug', 'populate', '100');
    await a.call('debug', 'populate', '10', 'p', '3');
    expect(await a.dbsize()).toBe(110);
    expect(await a.get('key:7')).toBe('value:7');
    expect(await a.get('p:5')).toBe('val');
    await a.hset('h', 'a', '1');
    await a.set('t', 'x', 'EX', 1000);
    expect(await a.call('debug', 'reload')).toBe('OK');
    expect(await a.dbsize()).toBe(112);
    expect(await a.hget('h', 'a')).toBe('1');
    expect(await a.ttl('t')).toBeGreaterThan(990);
    await expect(a.call('debug', 'reload', 'bogus')).rejects.toThrow('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
    await expect(a.call('debug', 'populate', '-1')).rejects.toThrow('ERR value is out of range, must be positive');
    const t0 = performance.now();
    expect(await a.call('debug', 'sleep', '0.2')).toBe('OK');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    await a.flushall();
  });

  it('a dump with repl-id/repl-offset: the restart rule of a master, field by field like redis-server', async () => {
    const { writeRdbFile } = await import('@replikit/rdb');
    const replId = 'ab'.repeat(20);
    const d1 = mkdtempSync(join(dir, 'aux-ours-'));
    const d2 = mkdtempSync(join(dir, 'aux-redis-'));
    for (const d of [d1, d2]) {
      await writeRdbFile(join(d, 'dump.rdb'), [{ key: Buffer.from('k'), value: { type: 'string', value: Buffer.from('v') } }], {
        replication: { streamDb: 0, replId, offset: 1000 },
      });
    }
    const mine = await startCli(['--dir', d1, '--save', '']);
    const theirs = await startRedisServer({ dir: d2 });
    try {
      await theirs.waitForLog(/DB loaded from disk/);
      const fields = ['role', 'connected_slaves', 'master_replid2', 'master_repl_offset', 'second_repl_offset', 'repl_backlog_active', 'repl_backlog_first_byte_offset', 'repl_backlog_histlen'];
      const o = parseInfo(mine.cli('info', 'replication'));
      const t = parseInfo(spawnSync('redis-cli', ['-p', String(theirs.port), 'info', 'replication'], { encoding: 'utf8' }).stdout);
      expect(fields.map((f) => [f, o.get(f)])).toEqual(fields.map((f) => [f, t.get(f)]));
      expect(o.get('master_replid2')).toBe(replId);
      expect(o.get('second_repl_offset')).toBe('1001');
      // the next dump carries our own replid and offset, like redis-server's
      expect(mine.cli('save')).toBe('OK');
      const { readRdbFile } = await import('@replikit/rdb');
      const aux = new Map((await readRdbFile(join(d1, 'dump.rdb'))).aux.map(([k, v]) => [k.toString(), v.toString()]));
      expect(aux.get('repl-id')).toBe(o.get('master_replid'));
      expect(aux.get('repl-offset')).toBe('1000');
      expect(aux.get('repl-stream-db')).toBe('0');
    } finally {
      await Promise.all([mine.stop(), theirs.stop()]);
    }
  }, 60000);

  it('redis-benchmark runs its default test list without an error', () => {
    const r = spawnSync(findRedisBenchmark() ?? 'redis-benchmark', ['-p', String(ours.port), '-q', '-n', '2000', '-c', '10'], { encoding: 'utf8', timeout: 60000 });
    expect(r.status).toBe(0);
    const lines = r.stdout.split(/\r/).join('\n').split('\n').filter((l) => /requests per second/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(15);
    expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/ERR|Error|error/);
  }, 90000);
});
