/**
 * The Lua sandbox of Redis 7.0 compared with redis-server: globals are read-only for scripts
 * and functions (assigning, creating, deleting a global, or changing a library table errors with
 * Redis's text), reading an undefined global errors, and `redis.log` writes a line to the server
 * log at the given level in redis-server's format.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { type StartedReplikit, startReplikit, waitFor } from '../replication/helpers';
import { ByteClient } from '../server/helpers';
import { replyMismatches } from './scripting-corpus';

const run = hasRedis() ? describe : describe.skip;

const e = (script: string): string[] => ['EVAL', script, '0'];

const CASES: string[][] = [
  e('x = 1'),
  e('return x'),
  e('redis = nil'),
  e('_G.x = 1'),
  e("rawset(_G, 'x', 1)"),
  e('string.len = nil'),
  e('redis.call = nil'),
  e('cjson.encode = nil'),
  e('setmetatable(_G, nil)'),
  e('return _G.nonexist'),
  e('function f() end'),
  e('local t = {} t.x = 1 return t.x'),
  e('local function f() return 2 end return f()'),
  e('KEYS = {}'),
  e('return type(getmetatable(_G))'),
  ['FUNCTION', 'FLUSH'],
  ['FUNCTION', 'LOAD', "#!lua name=g1\nx = 1\nredis.register_function('f1', function() return 1 end)"],
  ['FUNCTION', 'LOAD', "#!lua name=g2\nredis.register_function('f2', function() return y end)"],
  ['FUNCTION', 'LOAD', "#!lua name=g3\nlocal function s() z = 1 end\nredis.register_function('f3', s)"],
  ['FUNCTION', 'LOAD', "#!lua name=g4\nstring.len = nil\nredis.register_function('f4', function() return 1 end)"],
  ['FUNCTION', 'LOAD', "#!lua name=g5\nlocal n = redis.call\nredis.register_function('f5', function() return 1 end)"],
  ['FUNCTION', 'LOAD', "#!lua name=g6\nredis.register_function('f6', function() redis.register_function('x', function() end) end)"],
  ['FUNCTION', 'LOAD', "#!lua name=g7\nredis.register_function('f7', function() string.upper = nil end)"],
  ['FCALL', 'f2', '0'],
  ['FCALL', 'f3', '0'],
  ['FCALL', 'f6', '0'],
  ['FCALL', 'f7', '0'],
  ['FUNCTION', 'FLUSH'],
];

run('Lua sandbox', () => {
  let redis: RedisServerHandle;
  let ours: StartedReplikit;
  beforeAll(async () => {
    redis = await startRedisServer({ config: { loglevel: 'debug', logfile: 'redis.log' } });
    ours = await startReplikit(['--loglevel', 'debug']);
  });
  afterAll(async () => {
    await ours?.stop();
    await redis?.stop();
  });

  test('read-only globals: replies match redis-server 7.0', async () => {
    const a = await ByteClient.connect(redis.port);
    const b = await ByteClient.connect(ours.port);
    try {
      expect(await replyMismatches(a, b, CASES)).toEqual([]);
    } finally {
      a.socket.destroy();
      b.socket.destroy();
    }
  });

  test('redis.log lines: the same level symbol and message as redis-server, filtered by loglevel', async () => {
    const script = "redis.log(redis.LOG_WARNING, 'w-line', 42) redis.log(redis.LOG_NOTICE, 'n-line') redis.log(redis.LOG_VERBOSE, 'v-line') redis.log(redis.LOG_DEBUG, 'd-line', 'x')";
    const fn = "#!lua name=logs\nredis.log(redis.LOG_NOTICE, 'at-load')\nredis.register_function('logit', function() redis.log(redis.LOG_WARNING, 'from-function') end)";
    const tail = (lines: string[]) => lines.map((l) => /^\d+:[MSC] \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} (. .*)$/.exec(l.trimEnd())?.[1]).filter((l) => l !== undefined && /line|at-load|from-function/.test(l));
    const rows = async (port: number, read: () => string[]) => {
      const c = await ByteClient.connect(port);
      try {
        for (const level of ['debug', 'warning']) {
          await c.call('CONFIG', 'SET', 'loglevel', level);
          await c.call('EVAL', script, '0');
        }
        await c.call('CONFIG', 'SET', 'loglevel', 'debug');
        await c.call('FUNCTION', 'LOAD', 'REPLACE', fn);
        await c.call('FCALL', 'logit', '0');
        await waitFor('the log lines', async () => tail(read()).length >= 7);
        return tail(read());
      } finally {
        c.socket.destroy();
      }
    };
    const want = await rows(redis.port, () => readFileSync(join(redis.dir, 'redis.log'), 'latin1').split('\n'));
    expect(want).toEqual(['# w-line 42', '* n-line', '- v-line', '. d-line x', '# w-line 42', '* at-load', '# from-function']);
    expect(await rows(ours.port, () => ours.logs.flatMap((l) => l.split('\n')))).toEqual(want);
  });
});
