/**
 * MISCONF: with `stop-writes-on-bgsave-error yes` (the default) and save points configured, a
 * failed BGSAVE makes the server refuse writes and PING with Redis 7.0's exact text, in
 * processCommand order (queued writes flag the transaction, PING in subscribe context too), until
 * a save succeeds. Both servers get the same session after a BGSAVE that fails because their
 * `dir` was removed; replies must be byte-identical.
 */
import { mkdirSync, mkdtempSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort, hasRedis, startRedisServer, type RedisServerHandle } from '@replikit/test-utils';
import { loadConfigFromArgs } from '../../packages/server/src/config/load-config';
import { type ConfiguredServer, createServerFromConfig } from '../../packages/server/src/config-binding-server';
import { Logger } from '../../packages/server/src/logger';
import { ByteClient, encodeArgv } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

const w = (s: string) => s.split(' ');

const SESSION: string[][] = [
  w('SET a 2'),
  w('GET a'),
  w('PING'),
  w('ECHO x'),
  w('MULTI'),
  w('SET a 3'),
  w('EXEC'),
  w('MULTI'),
  w('GET a'),
  w('EXEC'),
  w('MULTI'),
  w('PING'),
  w('EXEC'),
  w('FLUSHALL'),
  w('PUBLISH x y'),
  w('DEL a'),
  w('CONFIG SET stop-writes-on-bgsave-error no'),
  w('SET b 1'),
  w('CONFIG SET stop-writes-on-bgsave-error yes'),
  w('INCR b'),
  w('HELLO 3'),
  w('PING'),
  w('SUBSCRIBE x'),
  w('PING'),
];

async function waitBgsaveErr(c: ByteClient): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!(await c.call('INFO', 'persistence')).includes('rdb_last_bgsave_status:err\r\n')) {
    if (Date.now() > deadline) throw new Error('BGSAVE did not fail');
    await new Promise((r) => setTimeout(r, 20));
  }
  while ((await c.call('INFO', 'persistence')).includes('rdb_bgsave_in_progress:1\r\n')) await new Promise((r) => setTimeout(r, 20));
}

async function run(port: number, removeDir: () => void): Promise<string[]> {
  const c = await ByteClient.connect(port);
  try {
    await c.call('SET', 'a', '1');
    removeDir();
    // a failed foreground SAVE answers -ERR but does not mark the bgsave status: writes go on
    const out = [`SAVE => ${JSON.stringify(await c.call('SAVE'))}`];
    out.push(`SET z 1 => ${JSON.stringify(await c.call('SET', 'z', '1'))}`);
    out.push(`status: ${/rdb_last_bgsave_status:(\w+)/.exec(await c.call('INFO', 'persistence'))?.[1]}`);
    const started = await c.call('BGSAVE');
    await waitBgsaveErr(c);
    out.push(`BGSAVE => ${JSON.stringify(started)}`);
    for (const argv of SESSION) {
      c.write(encodeArgv(argv));
      let r = await c.reply();
      if (argv[0] === 'HELLO') r = r.replace(/\$2\r\nid\r\n:\d+/, '$2\r\nid\r\n:ID');
      out.push(`${argv.join(' ')} => ${JSON.stringify(r)}`);
    }
    return out;
  } finally {
    c.close();
  }
}

describeRedis('MISCONF after a failed BGSAVE vs redis-server 7.0', () => {
  let base: string;
  let redis: RedisServerHandle;
  let ours: ConfiguredServer;
  let port: number;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'replikit-misconf-'));
    mkdirSync(join(base, 'redis'));
    mkdirSync(join(base, 'ours'));
    redis = await startRedisServer({ dir: join(base, 'redis'), config: { save: '3600 1' } });
    port = await getFreePort();
    const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', join(base, 'ours'), '--save', '3600 1']);
    ours = createServerFromConfig(config, { logger: new Logger({ sink: () => {} }) });
    await ours.start();
  });

  afterAll(async () => {
    // no save points left, so SIGTERM does not try (and fail) to save into the removed dir
    if (redis !== undefined) {
      const c = await ByteClient.connect(redis.port);
      await c.call('CONFIG', 'SET', 'save', '');
      c.close();
    }
    await ours?.close();
    await redis?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('refuses writes and PING with the exact MISCONF text, in processCommand order', async () => {
    const expected = await run(redis.port, () => rmdirSync(join(base, 'redis')));
    const actual = await run(port, () => rmdirSync(join(base, 'ours')));
    expect(actual).toEqual(expected);
    expect(expected.some((l) => l.startsWith('SET a 2 => "-MISCONF Redis is configured to save RDB snapshots'))).toBe(true);
  });
});
