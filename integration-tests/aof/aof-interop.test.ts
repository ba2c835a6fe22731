/**
 * AOF files interchangeable with redis-server 7.0 in both directions: replikit-server (the CLI,
 * from source) writes a multi-part AOF with every data type, TTLs, MULTI/EXEC and several
 * databases, rewrites it with BGREWRITEAOF (RDB-preamble base and command-form base), Debian's
 * redis-check-aof accepts the directory, and both the real redis-server and replikit-server
 * load it back to the same dataset; an appendonlydir written by the real binary loads in ours.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hasRedis, hasRedisCli, redisRequired, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { type CliRun, parseInfo, startCli } from '../server/ops-helpers';
import { aofFiles, checkAof, connect, copyAofDir, datasetOf, tempDir, writeDataset } from './aof-helpers';

const ready = hasRedis() && hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-server/redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
if (!ready) console.warn('SKIPPED: aof interop tests need redis-server and redis-cli 7.0');
const describeRedis = ready ? describe : describe.skip;

async function until(cond: () => Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rewriteAndWait(c: Redis): Promise<void> {
  const before = Number(parseInfo(await c.info('persistence')).get('aof_rewrites'));
  expect(await c.bgrewriteaof()).toBe('Background append only file rewriting started');
  await until(async () => {
    const info = parseInfo(await c.info('persistence'));
    return info.get('aof_rewrite_in_progress') === '0' && Number(info.get('aof_rewrites')) === before + 1;
  });
}

async function stopCli(run: CliRun, c: Redis): Promise<void> {
  c.disconnect();
  expect(await run.stop()).toBe(0);
}

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

describeRedis.each([
  ['RDB preamble', 'yes', 'rdb'],
  ['command form', 'no', 'aof'],
])('replikit-server writes the AOF (%s base)', (_label, preamble, ext) => {
  it('redis-check-aof accepts it; redis-server and replikit-server load the same dataset', async () => {
    const dir = tempDir(`w-${ext}`);
    cleanup.push(dir);
    const args = ['--dir', dir, '--save', '', '--appendonly', 'yes', '--aof-use-rdb-preamble', preamble];
    let ours = await startCli(args);
    let c = connect(ours.port);
    expect(ours.output()).toContain('Creating AOF base file appendonly.aof.1.base.');
    expect(ours.output()).toContain('Creating AOF incr file appendonly.aof.1.incr.aof on server start');
    await writeDataset(c, 'a');
    // the incr file holds the client's argv bytes and the rewritten forms, each file with its own SELECTs
    const incr1 = readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    expect(incr1.startsWith('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n')).toBe(true);
    expect(incr1).toContain('$4\r\nPXAT\r\n');
    expect(incr1).toContain('*1\r\n$5\r\nMULTI\r\n');
    await rewriteAndWait(c);
    expect(aofFiles(dir)).toEqual([`appendonly.aof.2.base.${ext}`, 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    expect(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1')).toBe(
      `file appendonly.aof.2.base.${ext} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n`,
    );
    await writeDataset(c, 'b');
    const expected = await datasetOf(ours.port);
    expect(Object.keys(expected).length).toBeGreaterThan(30);
    await stopCli(ours, c);

    const check = checkAof(join(dir, 'appendonlydir', 'appendonly.aof.manifest'));
    expect(check.output).toContain('All AOF files and manifest are valid');
    expect(check.status).toBe(0);

    const copy = copyAofDir(dir, 'to-redis');
    cleanup.push(copy);
    const redis = await startRedisServer({ dir: copy, config: { appendonly: 'yes' } });
    try {
      expect(await datasetOf(redis.port)).toEqual(expected);
      expect(redis.log()).toContain('DB loaded from append only file');
    } finally {
      await redis.stop();
    }

    ours = await startCli(args);
    c = connect(ours.port);
    expect(ours.output()).toContain('DB loaded from append only file');
    expect(ours.output()).toContain('Opening AOF incr file appendonly.aof.2.incr.aof on server start');
    expect(await datasetOf(ours.port)).toEqual(expected);
    await stopCli(ours, c);
  }, 120000);
});

describeRedis.each([
  ['RDB preamble', 'yes'],
  ['command form', 'no'],
])('redis-server writes the AOF (%s base)', (_label, preamble) => {
  it('replikit-server loads its appendonlydir to the same dataset', async () => {
    const dir = tempDir(`r-${preamble}`);
    cleanup.push(dir);
    const redis = await startRedisServer({ dir, config: { appendonly: 'yes', 'aof-use-rdb-preamble': preamble } });
    let expected: Record<string, unknown>;
    try {
      const r = connect(redis.port);
      await writeDataset(r, 'a');
      await rewriteAndWait(r);
      await writeDataset(r, 'b');
      expected = await datasetOf(redis.port);
      r.disconnect();
    } finally {
      await redis.stop();
    }
    const copy = copyAofDir(dir, 'from-redis');
    cleanup.push(copy);
    const ours = await startCli(['--dir', copy, '--save', '', '--appendonly', 'yes']);
    const c = connect(ours.port);
    expect(await datasetOf(ours.port)).toEqual(expected);
    expect(ours.output()).toContain(`DB loaded from base file appendonly.aof.2.base.${preamble === 'yes' ? 'rdb' : 'aof'}`);
    await stopCli(ours, c);
  }, 120000);
});
