/**
 * AOF behaviour checked side by side with redis-server 7.0: BGREWRITEAOF's log lines, clients
 * served and writes kept while a rewrite of a large dataset runs, automatic rewrites by
 * auto-aof-rewrite-percentage / min-size, and `#TS:` annotations (aof-timestamp-enabled) that
 * redis-check-aof and redis-server accept.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hasRedis, hasRedisCli, redisRequired, startRedisServer } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { parseInfo, startCli } from '../server/ops-helpers';
import { checkAof, connect, copyAofDir, datasetOf, tempDir } from './aof-helpers';

const ready = hasRedis() && hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-server/redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
if (!ready) console.warn('SKIPPED: aof feature tests need redis-server and redis-cli 7.0');
const describeRedis = ready ? describe : describe.skip;

async function persistence(c: Redis): Promise<Map<string, string>> {
  return parseInfo(await c.info('persistence'));
}

async function until(cond: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The rewrite's log messages in order, pids and timings blanked. */
function rewriteLines(log: string): string[] {
  const out: string[] = [];
  for (const line of log.split('\n')) {
    const m = /^\d+:[CMSX] \d\d \w{3} \d{4} [\d:.]+ [#*.-] (.*)$/.exec(line.trimEnd());
    const msg = m?.[1];
    if (msg === undefined || msg.startsWith('Fork CoW')) continue;
    if (/rewrit|Removing the history|temporary AOF|on background rewrite/.test(msg)) out.push(msg.replace(/\d{2,}/g, 'N'));
  }
  return out;
}

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

describeRedis('AOF features', () => {
  it('BGREWRITEAOF: the log lines of redis-server; clients served and writes kept during the rewrite', async () => {
    const dir = tempDir('bg');
    cleanup.push(dir);
    const [ours, redis] = await Promise.all([startCli(['--dir', dir, '--save', '', '--appendonly', 'yes']), startRedisServer({ config: { appendonly: 'yes' } })]);
    const [c, r] = [connect(ours.port), connect(redis.port)];
    try {
      for (const x of [c, r]) {
        for (let batch = 0; batch < 20; batch++) {
          const p = x.pipeline();
          for (let i = 0; i < 5000; i++) p.set(`key:${batch}:${i}`, `value-${i}`);
          await p.exec();
        }
      }
      expect(await c.bgrewriteaof()).toBe('Background append only file rewriting started');
      // while the base is written from the snapshot, commands are answered and writes go to the new incr file
      let servedDuringRewrite = 0;
      for (let i = 0; (await persistence(c)).get('aof_rewrite_in_progress') === '1'; i++) {
        await c.set(`during:${i}`, String(i));
        servedDuringRewrite++;
      }
      expect(servedDuringRewrite).toBeGreaterThan(0);
      expect(await r.bgrewriteaof()).toBe('Background append only file rewriting started');
      await until(async () => (await persistence(r)).get('aof_rewrite_in_progress') === '0' && (await persistence(r)).get('aof_rewrites') === '1');
      expect(await c.bgrewriteaof()).toBe('Background append only file rewriting started');
      expect(await c.bgrewriteaof().catch((e: Error) => e.message)).toBe('ERR Background append only file rewriting already in progress');
      await until(async () => (await persistence(c)).get('aof_rewrites') === '2' && (await persistence(c)).get('aof_rewrite_in_progress') === '0');
      const info = await persistence(c);
      expect(info.get('aof_last_bgrewrite_status')).toBe('ok');
      expect(Number(info.get('aof_base_size'))).toBeGreaterThan(0);
      const ourLines = rewriteLines(ours.output());
      const theirLines = rewriteLines(redis.log());
      // the second of our two rewrites is logged like the first
      expect(ourLines.slice(0, theirLines.length)).toEqual(theirLines);
      expect(await c.dbsize()).toBe(100000 + servedDuringRewrite);
    } finally {
      c.disconnect();
      r.disconnect();
      await Promise.all([ours.stop(), redis.stop()]);
    }
    const again = await startCli(['--dir', dir, '--save', '', '--appendonly', 'yes']);
    const a = connect(again.port);
    expect(await a.dbsize()).toBeGreaterThan(100000);
    expect(await a.get('during:0')).toBe('0');
    expect(await a.get('key:19:4999')).toBe('value-4999');
    a.disconnect();
    await again.stop();
  }, 180000);

  it('auto-aof-rewrite-percentage / auto-aof-rewrite-min-size start a rewrite as the AOF grows', async () => {
    const dir = tempDir('auto');
    cleanup.push(dir);
    const ours = await startCli(['--dir', dir, '--save', '', '--appendonly', 'yes', '--auto-aof-rewrite-min-size', '64kb', '--auto-aof-rewrite-percentage', '100']);
    const c = connect(ours.port);
    try {
      await c.set('small', 'x');
      await new Promise((r) => setTimeout(r, 300));
      expect((await persistence(c)).get('aof_rewrites')).toBe('0');
      const p = c.pipeline();
      for (let i = 0; i < 2000; i++) p.set(`k${i}`, 'v'.repeat(50));
      await p.exec();
      await until(async () => (await persistence(c)).get('aof_rewrites') === '1');
      await ours.waitForOutput(/Starting automatic rewriting of AOF on \d+% growth/);
    } finally {
      c.disconnect();
      await ours.stop();
    }
  }, 60000);

  it('aof-timestamp-enabled: #TS annotations that redis-check-aof and redis-server accept', async () => {
    const dir = tempDir('ts');
    cleanup.push(dir);
    const args = ['--dir', dir, '--save', '', '--appendonly', 'yes', '--aof-timestamp-enabled', 'yes'];
    const ours = await startCli(args);
    const c = connect(ours.port);
    for (let i = 0; i < 5; i++) await c.set(`t${i}`, String(i));
    const expected = await datasetOf(ours.port);
    c.disconnect();
    await ours.stop();
    const incr = readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    expect(incr).toMatch(/^#TS:\d{10}\r\n\*2\r\n\$6\r\nSELECT\r\n/);
    expect(checkAof(join(dir, 'appendonlydir', 'appendonly.aof.manifest')).status).toBe(0);
    const copy = copyAofDir(dir, 'ts-redis');
    cleanup.push(copy);
    const redis = await startRedisServer({ dir: copy, config: { appendonly: 'yes' } });
    try {
      expect(await datasetOf(redis.port)).toEqual(expected);
    } finally {
      await redis.stop();
    }
    const again = await startCli(args);
    expect(await datasetOf(again.port)).toEqual(expected);
    await again.stop();
  }, 60000);
});
