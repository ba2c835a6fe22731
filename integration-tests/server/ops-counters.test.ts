/**
 * INFO counters against redis-server 7.0: the same command sequence goes to both; keyspace_hits,
 * keyspace_misses, expired_keys (lazy and active) and rdb_changes_since_last_save must match
 * after every step. rdb_changes counts changes (MSET a 1 b 2 = 2), not write commands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort, hasRedis, startRedisServer, type RedisServerHandle } from '@replikit/test-utils';
import { loadConfigFromArgs } from '../../packages/server/src/config/load-config';
import { type ConfiguredServer, createServerFromConfig } from '../../packages/server/src/config-binding-server';
import { Logger } from '../../packages/server/src/logger';
import { ByteClient, encodeArgv } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

const FIELDS = ['keyspace_hits', 'keyspace_misses', 'expired_keys', 'rdb_changes_since_last_save'];

type Step = string[] | { sleep: number } | { waitExpired: number } | { restore: string; from: string };

const w = (s: string) => s.split(' ');

const STEPS: Step[] = [
  w('SET a 1'),
  w('MSET b 2 c 3'),
  w('GET a'),
  w('GET nope'),
  w('MGET a b nope'),
  w('EXISTS a nope'),
  w('TYPE a'),
  w('TTL nope'),
  w('STRLEN a'),
  w('SET a 1 NX'),
  w('SET a 2 GET'),
  w('GETSET a 3'),
  w('DEL nope'),
  w('DEL b c'),
  w('INCR n'),
  w('INCRBY n 5'),
  w('APPEND s xyz'),
  w('LPUSH l a b c'),
  w('LPOP l'),
  w('LRANGE l 0 -1'),
  w('LLEN nolist'),
  w('LMOVE l l2 LEFT RIGHT'),
  w('RPOPLPUSH nolist l2'),
  w('HSET h f v g w'),
  w('HGET h f'),
  w('HGET h nof'),
  w('HGETALL h'),
  w('HDEL h f nof'),
  w('HINCRBY h n 2'),
  w('SADD s1 a b c'),
  w('SADD s2 b c d'),
  w('SMEMBERS s1'),
  w('SISMEMBER s1 a'),
  w('SINTER s1 s2 nos'),
  w('SUNIONSTORE s3 s1 s2'),
  w('SINTERCARD 2 s1 s2'),
  w('ZADD z 1 a 2 b'),
  w('ZSCORE z a'),
  w('ZRANGE z 0 -1'),
  w('ZUNIONSTORE z2 2 z noz'),
  w('ZINCRBY z 1 a'),
  w('ZPOPMIN z'),
  w('GETDEL a'),
  w('GETDEL a'),
  w('GETEX n PERSIST'),
  w('COPY n n2'),
  w('RENAME n2 n3'),
  w('EXPIRE n3 100'),
  w('PERSIST n3'),
  w('KEYS *'),
  w('SCAN 0 COUNT 100'),
  // COUNT covers every key: with the default 10, how many keys Redis visits depends on its hash seed
  w('SCAN 0 TYPE string COUNT 1000'),
  w('DBSIZE'),
  w('MULTI'),
  w('INCR m'),
  w('MSET m1 1 m2 2'),
  w('GET m'),
  w('EXEC'),
  // lazy expiry with the active cycle off (deterministic), then the cycle reclaims the rest
  w('DEBUG SET-ACTIVE-EXPIRE 0'),
  w('SET lazy 1 PX 30'),
  w('SET act1 1 PX 30'),
  w('SET act2 1 PX 30'),
  { sleep: 80 },
  w('GET lazy'),
  w('DEBUG SET-ACTIVE-EXPIRE 1'),
  { waitExpired: 3 },
  w('DBSIZE'),
  w('DEBUG POPULATE 5'),
  w('SET src hello'),
  { restore: 'dst', from: 'src' },
  w('FLUSHDB'),
  w('SET q 1'),
  w('SWAPDB 0 1'),
  w('FLUSHALL'),
  w('CONFIG RESETSTAT'),
  w('GET x'),
];

function infoFields(info: string): string {
  const out: string[] = [];
  for (const f of FIELDS) {
    const m = new RegExp(`\\r\\n${f}:(\\d+)\\r\\n`).exec(info);
    out.push(`${f}=${m?.[1] ?? '?'}`);
  }
  return out.join(' ');
}

async function run(port: number): Promise<string[]> {
  const c = await ByteClient.connect(port);
  const out: string[] = [];
  try {
    for (const s of STEPS) {
      if ('sleep' in s) {
        await new Promise((r) => setTimeout(r, s.sleep));
        continue;
      }
      if ('waitExpired' in s) {
        // the active cycle's timing differs; wait until it has reclaimed the keys (at most 5 s)
        const deadline = Date.now() + 5000;
        while (!new RegExp(`\\r\\nexpired_keys:${s.waitExpired}\\r\\n`).test(await c.call('INFO', 'stats')) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        continue;
      }
      let label: string;
      if ('restore' in s) {
        const dump = await c.call('DUMP', s.from);
        const payload = dump.slice(dump.indexOf('\r\n') + 2, -2);
        label = `RESTORE ${s.restore}`;
        c.write(encodeArgv(['RESTORE', s.restore, '0', Buffer.from(payload, 'latin1')]));
        await c.reply();
      } else {
        label = s.join(' ');
        c.write(encodeArgv(s));
        await c.reply();
      }
      const info = await c.call('INFO', 'all');
      out.push(`${label} -> ${infoFields(info)}`);
    }
  } finally {
    c.close();
  }
  return out;
}

describeRedis('INFO counters vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let ours: ConfiguredServer;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedisServer({ config: { 'enable-debug-command': 'yes' } });
    dir = mkdtempSync(join(tmpdir(), 'replikit-counters-'));
    port = await getFreePort();
    const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--enable-debug-command', 'yes']);
    ours = createServerFromConfig(config, { logger: new Logger({ sink: () => {} }) });
    await ours.start();
  });

  afterAll(async () => {
    await ours?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keyspace_hits, keyspace_misses, expired_keys and rdb_changes_since_last_save match step by step', async () => {
    const [expected, actual] = await Promise.all([run(redis.port), run(port)]);
    expect(actual).toEqual(expected);
  });
});
