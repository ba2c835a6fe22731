/**
 * Start-up with `appendonly yes`, side by side with redis-server 7.0 on copies of the same
 * damaged appendonlydir: a command cut short at the end (aof-load-truncated yes: same warnings,
 * same truncation offset, the server starts; no: same error, exit 1), garbage (same "Bad file
 * format" error, exit 1), an unfinished MULTI (reverted). Also: the RDB file is not read when the
 * AOF is on, CONFIG SET appendonly yes builds the AOF with a rewrite, and INFO persistence lists
 * the same aof_* fields in the same order.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findRedisServer, getFreePort, hasRedis, hasRedisCli, redisRequired, startRedisServer } from '@replikit/test-utils';
import { parseInfo, runCli, startCli } from '../server/ops-helpers';
import { aofFiles, connect, copyAofDir, datasetOf, tempDir, writeDataset } from './aof-helpers';

const ready = hasRedis() && hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-server/redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
if (!ready) console.warn('SKIPPED: aof start-up tests need redis-server and redis-cli 7.0');
const describeRedis = ready ? describe : describe.skip;

const INCR = join('appendonlydir', 'appendonly.aof.1.incr.aof');

/** The AOF-related log messages (without pid, role and time). */
function aofMessages(log: string): string[] {
  const out: string[] = [];
  for (const line of log.split('\n')) {
    const m = /^\d+:[CMSX] \d\d \w{3} \d{4} [\d:.]+ [#*.-] (.*)$/.exec(line.trimEnd());
    if (m && /AOF|append only|Truncating|short read|MULTI\/EXEC|Unknown command/.test(m[1] as string)) out.push((m[1] as string).replace(/\d+\.\d+ seconds/, 'N seconds'));
  }
  return out;
}

/** Runs redis-server on `dir` until it exits by itself (a load failure), or stops it once ready. */
async function redisOn(dir: string, extra: string[]): Promise<{ code: number | null; log: string }> {
  const port = await getFreePort();
  const r = spawnSync(findRedisServer() as string, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no', '--dir', dir, '--appendonly', 'yes', ...extra, '--shutdown-on-sigterm', 'default'], {
    encoding: 'utf8',
    timeout: 3000,
    killSignal: 'SIGTERM',
  });
  return { code: r.status, log: `${r.stdout}${r.stderr}` };
}

async function oursOn(dir: string, extra: string[]): Promise<{ code: number | string; log: string; keys: number }> {
  const run = await runCli(['--dir', dir, '--save', '', '--appendonly', 'yes', ...extra]);
  const outcome = await Promise.race([run.exited.then(() => 'exited' as const), run.waitForOutput(/Ready to accept connections/, 30000).then(() => 'ready' as const)]);
  if (outcome === 'exited') return { code: await run.exited, log: run.output(), keys: -1 };
  const keys = Number(run.cli('dbsize'));
  return { code: await run.stop(), log: run.output(), keys };
}

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

describeRedis('AOF start-up like redis-server 7.0', () => {
  let source: string;

  beforeAll(async () => {
    source = tempDir('src');
    cleanup.push(source);
    const redis = await startRedisServer({ dir: source, config: { appendonly: 'yes' } });
    const c = connect(redis.port);
    for (let i = 0; i < 20; i++) await c.set(`k${i}`, `v${i}`);
    c.disconnect();
    await redis.stop();
  }, 60000);

  function damaged(tag: string, tail: string): string {
    const d = copyAofDir(source, tag);
    cleanup.push(d);
    appendFileSync(join(d, INCR), tail);
    return d;
  }

  const cases: Array<[string, string, string[], 'starts' | 'exits']> = [
    ['a command cut short, aof-load-truncated yes', '*3\r\n$3\r\nset\r\n$1\r\nx\r\n$2\r\n1', [], 'starts'],
    ['a command cut short, aof-load-truncated no', '*3\r\n$3\r\nset\r\n$1\r\nx\r\n$2\r\n1', ['--aof-load-truncated', 'no'], 'exits'],
    ['garbage after the last command', 'garbage\r\n', [], 'exits'],
    ['an unfinished MULTI', '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nset\r\n$1\r\ny\r\n$1\r\n2\r\n', [], 'starts'],
  ];

  it.each(cases)('%s: same log lines, exit status and file size as redis-server', async (_name, tail, extra, expectation) => {
    const forRedis = damaged('redis', tail);
    const forOurs = damaged('ours', tail);
    const [theirs, ours] = [await redisOn(forRedis, extra), await oursOn(forOurs, extra)];
    const redisLines = aofMessages(theirs.log).filter((l) => !l.startsWith('Opening AOF') && !l.includes('fsync'));
    const ourLines = aofMessages(ours.log).filter((l) => !l.startsWith('Opening AOF') && !l.includes('fsync'));
    expect(redisLines.length).toBeGreaterThan(0);
    expect(ourLines).toEqual(redisLines);
    if (expectation === 'exits') {
      expect(theirs.code).toBe(1);
      expect(ours.code).toBe(1);
    } else {
      expect(ours.code).toBe(0);
      expect(ours.keys).toBe(20);
    }
    expect(statSync(join(forOurs, INCR)).size).toBe(statSync(join(forRedis, INCR)).size);
  }, 60000);

  it('with appendonly yes the RDB file is not loaded (an empty AOF is created, as redis-server does)', async () => {
    const dir = tempDir('rdb');
    cleanup.push(dir);
    const first = await startCli(['--dir', dir, '--save', '']);
    first.cli('set', 'only-in-rdb', '1');
    expect(first.cli('save')).toBe('OK');
    expect(await first.stop()).toBe(0);
    const second = await startCli(['--dir', dir, '--save', '', '--appendonly', 'yes']);
    expect(second.cli('dbsize')).toBe('0');
    expect(second.output()).toContain('Creating AOF base file appendonly.aof.1.base.rdb on server start');
    expect(await second.stop()).toBe(0);
    // the real binary on the same dump
    const copy = tempDir('rdb-redis');
    cleanup.push(copy);
    appendFileSync(join(copy, 'dump.rdb'), readFileSync(join(dir, 'dump.rdb')));
    const redis = await startRedisServer({ dir: copy, config: { appendonly: 'yes' } });
    const c = connect(redis.port);
    expect(await c.dbsize()).toBe(0);
    c.disconnect();
    await redis.stop();
  }, 60000);

  it('CONFIG SET appendonly yes writes the AOF through a rewrite; a restart loads it', async () => {
    const dir = tempDir('enable');
    cleanup.push(dir);
    let ours = await startCli(['--dir', dir, '--save', '']);
    let c = connect(ours.port);
    await writeDataset(c, 'before');
    expect(await c.config('SET', 'appendonly', 'yes')).toBe('OK');
    const t0 = Date.now();
    while (parseInfo(await c.info('persistence')).get('aof_rewrites') !== '1') {
      if (Date.now() - t0 > 20000) throw new Error('no rewrite');
      await new Promise((r) => setTimeout(r, 50));
    }
    await writeDataset(c, 'after');
    expect(aofFiles(dir)).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    const expected = await datasetOf(ours.port);
    c.disconnect();
    expect(await ours.stop()).toBe(0);
    ours = await startCli(['--dir', dir, '--save', '', '--appendonly', 'yes']);
    c = connect(ours.port);
    expect(await datasetOf(ours.port)).toEqual(expected);
    c.disconnect();
    expect(await ours.stop()).toBe(0);
  }, 90000);

  it('INFO persistence: the aof_* fields of redis-server 7.0, in its order', async () => {
    const dir = tempDir('info');
    cleanup.push(dir);
    const [ours, redis] = await Promise.all([startCli(['--dir', dir, '--save', '', '--appendonly', 'yes']), startRedisServer({ config: { appendonly: 'yes' } })]);
    try {
      const names = (text: string) => [...parseInfo(text).keys()];
      const theirs = names(spawnSync('redis-cli', ['-p', String(redis.port), 'info', 'persistence'], { encoding: 'utf8' }).stdout);
      expect(names(ours.cli('info', 'persistence'))).toEqual(theirs);
    } finally {
      await Promise.all([ours.stop(), redis.stop()]);
    }
  }, 60000);
});
