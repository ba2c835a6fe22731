/**
 * replikit-server's command line against redis-server's: version/help, bad configuration reports
 * (byte-compared with the real binary), startup log, SHUTDOWN and SIGTERM with a final save that
 * a real redis-server loads, the pid file, a corrupt dump stopping the server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, hasRedis, startRedisServer } from '@replikit/test-utils';
import { CLI_ENTRY, REPO_ROOT, redisCli, runCli, startCli } from './ops-helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

function runSync(args: string[], cwd: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30000, env: { ...process.env, PWD: cwd } });
}

/** redis-server's report with our pid/timestamps removed (FATAL CONFIG FILE ERROR boxes have none). */
function redisServerReport(args: string[], cwd: string) {
  const bin = findRedisServer() as string;
  return spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 10000 });
}

describeRedis('replikit-server CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-ops-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--version and --help', () => {
    const v = runSync(['--version'], dir);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^replikit-server v=\d+\.\d+\.\d+ redis=7\.0\.15 /);
    const h = runSync(['--help'], dir);
    expect(h.status).toBe(1); // like redis-server's usage()
    expect(h.stderr).toContain('Usage: ./replikit-server [/path/to/redis.conf] [options] [-]');
  });

  it.each([
    ['unknown directive', (c: string) => [c, '--port', '1', '--bogus', 'x'], 'port 7000\n'],
    ['bad value in the file', (c: string) => [c], '# comment\nmaxclients abc\n'],
    ['bad enum', (c: string) => [c, '--loglevel', 'loud'], 'port 7000\n'],
    ['missing dir', (c: string) => [c, '--dir', '/nonexistent/replikit'], ''],
    ['dbfilename with a path', (c: string) => [c, '--dbfilename', 'a/b.rdb'], ''],
    ['bad save', (c: string) => [c, '--save', '10'], 'port 7000\n'],
  ])('reports %s exactly like redis-server and exits 1', (_name, argsOf, text) => {
    const conf = join(dir, `bad-${Math.random().toString(36).slice(2)}.conf`);
    writeFileSync(conf, text);
    const ours = runSync(argsOf(conf), dir);
    const theirs = redisServerReport(argsOf(conf), dir);
    expect(theirs.status).toBe(1);
    expect(ours.status).toBe(1);
    expect(ours.stderr).toBe(theirs.stderr);
    expect(ours.stderr).toContain('*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***');
  });

  it('a missing config file is one log line and exit 1, like redis-server', () => {
    const ours = runSync(['/nonexistent/replikit.conf'], dir);
    const theirs = redisServerReport(['/nonexistent/replikit.conf'], dir);
    expect(ours.status).toBe(1);
    expect(theirs.status).toBe(1);
    const strip = (s: string) => s.replace(/^\d+:C [^#]+# /m, '');
    expect(strip(ours.stderr)).toBe(strip(theirs.stdout + theirs.stderr));
  });

  it('starts with a config file, logs like Redis, SHUTDOWN saves, a real redis-server loads the dump', async () => {
    const d = mkdtempSync(join(dir, 'run-'));
    const conf = join(d, 'replikit.conf');
    writeFileSync(conf, `dir ${d}\nsave 3600 1\npidfile ${join(d, 'replikit.pid')}\nloglevel notice\n`);
    const run = await startCli([conf]);
    const out = run.output();
    expect(out).toMatch(/\d+:C \d\d \w{3} \d{4} [\d:.]+ # oO0OoO0OoO0Oo replikit is starting oO0OoO0OoO0Oo/);
    expect(out).toContain('# Configuration loaded');
    expect(out).toContain('# Server initialized');
    expect(out).toMatch(/:M .* \* Ready to accept connections/);
    expect(readFileSync(join(d, 'replikit.pid'), 'utf8').trim()).toBe(String(run.child.pid));
    expect(run.cli('set', 'greeting', 'hello')).toBe('OK');
    expect(run.cli('rpush', 'list', 'a', 'b', 'c')).toBe('3');
    expect(run.cli('hset', 'hash', 'f1', 'v1', 'f2', 'v2')).toBe('2');
    expect(run.cli('sadd', 'set', 'x', 'y')).toBe('2');
    expect(run.cli('zadd', 'zset', '1.5', 'm1', '2', 'm2')).toBe('2');
    expect(run.cli('set', 'ttl', 'v', 'EX', '1000')).toBe('OK');
    expect(run.cli('shutdown')).toBe('');
    expect(await run.exited).toBe(0);
    const log = run.output();
    expect(log).toContain('# User requested shutdown...');
    expect(log).toContain('* Saving the final RDB snapshot before exiting.');
    expect(log).toContain('* DB saved on disk');
    expect(log).toContain('* Removing the pid file.');
    expect(log).toContain('# Redis is now ready to exit, bye bye...');
    expect(existsSync(join(d, 'replikit.pid'))).toBe(false);
    expect(existsSync(join(d, 'dump.rdb'))).toBe(true);

    const redis = await startRedisServer({ dir: d });
    try {
      await redis.waitForLog(/DB loaded from disk/);
      const c = (...a: string[]) => redisCli(redis.port, ...a);
      expect(c('get', 'greeting')).toBe('hello');
      expect(c('lrange', 'list', '0', '-1')).toBe('a\nb\nc');
      expect(c('hgetall', 'hash')).toBe('f1\nv1\nf2\nv2');
      expect(c('smembers', 'set').split('\n').sort()).toEqual(['x', 'y']);
      expect(c('zrange', 'zset', '0', '-1', 'withscores')).toBe('m1\n1.5\nm2\n2');
      expect(Number(c('ttl', 'ttl'))).toBeGreaterThan(990);
      expect(c('dbsize')).toBe('6');
    } finally {
      await redis.stop();
    }
  }, 60000);

  it('SIGTERM: "Received SIGTERM scheduling shutdown...", saves with save points, exit code 0; the restart loads it', async () => {
    const d = mkdtempSync(join(dir, 'sig-'));
    const run = await startCli(['--dir', d, '--save', '3600 1']);
    expect(run.cli('set', 'k', 'v1')).toBe('OK');
    expect(run.cli('incr', 'n')).toBe('1');
    expect(await run.stop()).toBe(0);
    expect(run.output()).toContain('# Received SIGTERM scheduling shutdown...');
    expect(run.output()).toContain('* DB saved on disk');
    const again = await startCli(['--dir', d, '--save', '']);
    try {
      expect(again.output()).toMatch(/\* DB loaded from disk: \d+\.\d{3} seconds/);
      expect(again.output()).toContain('Done loading RDB, keys loaded: 2, keys expired: 0.');
      expect(again.cli('get', 'k')).toBe('v1');
      expect(again.cli('get', 'n')).toBe('1');
    } finally {
      expect(await again.stop()).toBe(0);
    }
    // no save points: SIGTERM does not save
    expect(again.output()).not.toContain('Saving the final RDB snapshot');
  }, 60000);

  it('SHUTDOWN NOSAVE does not save; SHUTDOWN with a bad combination is a syntax error', async () => {
    const d = mkdtempSync(join(dir, 'nosave-'));
    const run = await startCli(['--dir', d, '--save', '3600 1']);
    expect(run.cli('shutdown', 'save', 'nosave')).toBe('ERR syntax error');
    expect(run.cli('shutdown', 'abort')).toBe('ERR No shutdown in progress.');
    expect(run.cli('set', 'k', 'v')).toBe('OK');
    expect(run.cli('shutdown', 'nosave')).toBe('');
    expect(await run.exited).toBe(0);
    expect(existsSync(join(d, 'dump.rdb'))).toBe(false);
  }, 60000);

  it('logfile, unixsocket, protected configs: CONFIG SET dir then SAVE writes there', async () => {
    const d = mkdtempSync(join(dir, 'sock-'));
    const other = mkdtempSync(join(dir, 'other-'));
    const sock = join(d, 'replikit.sock');
    const logfile = join(d, 'replikit.log');
    const conf = join(d, 'replikit.conf');
    writeFileSync(conf, `dir ${d}\nsave ""\nunixsocket ${sock}\nunixsocketperm 700\nlogfile ${logfile}\nenable-protected-configs local\n`);
    const run = await runCli([conf]);
    const t0 = Date.now();
    while (!existsSync(logfile) || !readFileSync(logfile, 'utf8').includes('Ready to accept connections')) {
      if (Date.now() - t0 > 20000) throw new Error(`not started: ${run.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const log = readFileSync(logfile, 'utf8');
    expect(log).toContain(`* The server is now ready to accept connections at ${sock}`);
    const viaSock = spawnSync('redis-cli', ['-s', sock, 'ping'], { encoding: 'utf8' });
    expect(viaSock.stdout.trim()).toBe('PONG');
    expect(run.cli('config', 'set', 'dir', other)).toBe('OK');
    expect(run.cli('config', 'get', 'dir')).toBe(`dir\n${other}`);
    expect(run.cli('config', 'set', 'dir', '/nonexistent/dir')).toBe("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory");
    expect(run.cli('config', 'set', 'dbfilename', 'other.rdb')).toBe('OK');
    expect(run.cli('set', 'k', 'v')).toBe('OK');
    expect(run.cli('save')).toBe('OK');
    expect(existsSync(join(other, 'other.rdb'))).toBe(true);
    expect(await run.stop()).toBe(0);
    expect(readFileSync(logfile, 'utf8')).toContain('# Redis is now ready to exit, bye bye...');
  }, 60000);

  it('a corrupt dump stops the server with exit code 1, like redis-server', async () => {
    const d = mkdtempSync(join(dir, 'corrupt-'));
    const run = await startCli(['--dir', d, '--save', '']);
    run.cli('set', 'k', 'v');
    run.cli('save');
    await run.stop();
    const good = readFileSync(join(d, 'dump.rdb'));
    writeFileSync(join(d, 'dump.rdb'), good.subarray(0, good.length - 12));
    const bad = await runCli(['--dir', d]);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('# Short read or OOM loading DB. Unrecoverable error, aborting now.');
    expect(bad.output()).toContain('# Terminating server after rdb file reading failure.');
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] ^= 0xff;
    writeFileSync(join(d, 'dump.rdb'), flipped);
    const bad2 = await runCli(['--dir', d]);
    expect(await bad2.exited).toBe(1);
    expect(bad2.output()).toMatch(/# Wrong RDB checksum expected: \([0-9a-f]+\) but got \([0-9a-f]+\)\. Aborting now\./);
  }, 60000);
});
