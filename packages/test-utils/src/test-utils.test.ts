import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuplexPair, hasRedis, RawClient, redisServerVersion, startRedisServer } from './index';

describe('createDuplexPair', () => {
  it('carries bytes both ways and ends the peer', async () => {
    const [a, b] = createDuplexPair();
    const got: Buffer[] = [];
    b.on('data', (d: Buffer) => got.push(d));
    const ended = new Promise((r) => b.once('end', r));
    a.write('hello ');
    a.end('world');
    await ended;
    expect(Buffer.concat(got).toString()).toBe('hello world');
    a.destroy();
  });
});

const describeRedis = hasRedis() ? describe : describe.skip;
describeRedis('startRedisServer + RawClient', () => {
  it('starts a real redis-server, talks RESP and stops it by pid', async () => {
    const srv = await startRedisServer();
    try {
      const c = await RawClient.connect(srv.port);
      expect(String(await c.call('SET', 'k', 'v'))).toBe('OK');
      expect((await c.call('GET', 'k'))?.toString()).toBe('v');
      const info = String(await c.call('INFO', 'server'));
      expect(info).toMatch(/redis_version:7\./);
      await c.close();
    } finally {
      await srv.stop();
    }
    expect(() => process.kill(srv.pid, 0)).toThrow();
  });

  it('reports the 7.0.x version it requires', () => {
    expect(redisServerVersion()).toMatch(/^7\.0\.\d+$/);
  });

  it('refuses a port answered by another process than the child it started', async () => {
    const first = await startRedisServer();
    try {
      // the second child cannot bind the port: whether the launcher sees it exit or sees the first
      // server's process_id in INFO, it must not hand back a handle that talks to the first server
      await expect(startRedisServer({ port: first.port })).rejects.toThrow(/answered by process \d+, not by the redis-server child|exited at start/);
      const c = await RawClient.connect(first.port);
      const info = String(await c.call('INFO', 'server'));
      expect(info).toContain(`process_id:${first.pid}\r\n`);
      await c.close();
    } finally {
      await first.stop();
    }
  });

  it('confirms the child behind a password (requirepass)', async () => {
    const srv = await startRedisServer({ config: { requirepass: 'pw' } });
    try {
      const c = await RawClient.connect(srv.port);
      expect(String(await c.call('PING'))).toMatch(/NOAUTH/);
      await c.close();
    } finally {
      await srv.stop();
    }
  });
});

describe('REPLIKIT_REQUIRE_REDIS=1', () => {
  // a fresh node process, so the tool lookups are not cached: a missing tool must throw, not skip
  const probe = (env: Record<string, string>, code: string) =>
    spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', code], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
  const requirements = JSON.stringify(join(__dirname, 'requirements.ts'));

  it('turns a missing redis-cli, redis-benchmark, redis-server or build into an exception', () => {
    for (const [env, call] of [
      [{ REPLIKIT_REDIS_CLI: '/nonexistent/redis-cli' }, 'hasRedisCli()'],
      [{ REPLIKIT_REDIS_BENCHMARK: '/nonexistent/redis-benchmark' }, 'hasRedisBenchmark()'],
      [{ REPLIKIT_REDIS_SERVER: '/nonexistent/redis-server' }, 'hasRedis()'],
      [{}, 'hasBuild("/nonexistent/dist/cli.js", "nothing")'],
    ] as const) {
      const code = `const r = require(${requirements}); console.log('result=' + r.${call});`;
      const required = probe({ ...env, REPLIKIT_REQUIRE_REDIS: '1' }, code);
      expect(required.status).not.toBe(0);
      expect(required.stderr).toMatch(/REPLIKIT_REQUIRE_REDIS=1/);
      const optional = probe({ ...env, REPLIKIT_REQUIRE_REDIS: '0' }, code);
      expect(optional.stdout).toContain('result=false');
      expect(optional.stderr).toMatch(/SKIPPED/);
    }
  });

  it('refuses a redis-server that is not 7.0.x', () => {
    // a stand-in binary that claims another version
    const dir = mkdtempSync(join(tmpdir(), 'replikit-fake-redis-'));
    const fake = join(dir, 'redis-server');
    writeFileSync(fake, '#!/bin/sh\necho "Redis server v=6.2.14 sha=00000000:0"\n', { mode: 0o755 });
    try {
      const code = `const r = require(${requirements}); console.log('result=' + r.hasRedis());`;
      const required = probe({ REPLIKIT_REDIS_SERVER: fake, REPLIKIT_REQUIRE_REDIS: '1' }, code);
      expect(required.status).not.toBe(0);
      expect(required.stderr).toMatch(/redis-server 6\.2\.14 is not 7\.0\.x/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
