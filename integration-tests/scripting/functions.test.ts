/**
 * Functions (FUNCTION LOAD/DELETE/FLUSH/LIST/STATS/KILL, FCALL, FCALL_RO) compared byte for byte
 * with redis-server 7.0, and a FUNCTION LOAD on a real master applied by a replikit replica.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { client, linkUp, type StartedReplikit, startReplikit, waitFor } from '../replication/helpers';
import { ByteClient } from '../server/helpers';
import { replyMismatches } from './scripting-corpus';

const run = hasRedis() ? describe : describe.skip;

const LIB = `#!lua name=mylib
redis.register_function('myfunc', function(keys, args) return redis.call('set', keys[1], args[1]) end)
redis.register_function{function_name='ro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}
redis.register_function('boom', function() error('bad') end)`;

const ONE = `#!lua name=one
redis.register_function{function_name='only', callback=function(keys, args) return #keys + #args end, flags={'no-writes', 'allow-stale'}, description='count'}`;

const CASES: string[][] = [
  ['FUNCTION', 'FLUSH'],
  ['FUNCTION', 'LOAD', LIB],
  ['FUNCTION', 'LOAD', LIB],
  ['FUNCTION', 'LOAD', 'return 1'],
  ['FUNCTION', 'LOAD', "#!lua name=x\nredis.call('ping')"],
  ['FUNCTION', 'LOAD', '#!lua name=x\n'],
  ['FUNCTION', 'LOAD', "#!lua name=x\nredis.register_function('a-b', function() end)"],
  ['FUNCTION', 'LOAD', "#!lua name=x\nredis.register_function('myfunc', function() end)"],
  ['FUNCTION', 'LOAD', '#!lua name=x\nreturn 1 +'],
  ['FCALL', 'myfunc', '1', 'k', 'v'],
  ['FCALL_RO', 'myfunc', '1', 'k', 'v'],
  ['FCALL_RO', 'ro', '1', 'k'],
  ['FCALL', 'nosuch', '0'],
  ['FCALL', 'ro', '2', 'k'],
  ['FCALL', 'ro', '-1'],
  ['FCALL', 'myfunc', '1', 'k'],
  ['FCALL', 'boom', '0'],
  ['FUNCTION', 'STATS'],
  ['FUNCTION', 'KILL'],
  ['FUNCTION', 'LOAD', 'REPLACE', LIB.replace("'boom'", "'boom2'")],
  ['FCALL', 'boom', '0'],
  ['FUNCTION', 'DELETE', 'nosuch'],
  ['FUNCTION', 'DELETE', 'mylib'],
  ['FCALL', 'myfunc', '1', 'k', 'v'],
  // one function per library: Redis lists a library's functions in its dict's (seeded hash) order
  ['FUNCTION', 'LOAD', ONE],
  ['FUNCTION', 'LIST'],
  ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'on*'],
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'nope*'],
  ['FUNCTION', 'FLUSH', 'bogus'],
  ['FUNCTION', 'FLUSH', 'ASYNC'],
];

run('functions', () => {
  test('replies match redis-server 7.0', async () => {
    const redis = await startRedisServer();
    const ours = await startReplikit();
    const a = await ByteClient.connect(redis.port);
    const b = await ByteClient.connect(ours.port);
    try {
      expect(await replyMismatches(a, b, CASES)).toEqual([]);
    } finally {
      a.socket.destroy();
      b.socket.destroy();
      await ours.stop();
      await redis.stop();
    }
  });

  test('FUNCTION LOAD on a real master reaches a replikit replica; FCALL effects replicate', async () => {
    let master: RedisServerHandle | undefined;
    let ours: StartedReplikit | undefined;
    try {
      master = await startRedisServer();
      ours = await startReplikit(['--replicaof', '127.0.0.1', String(master.port)]);
      const m = client(master.port);
      const r = client(ours.port);
      try {
        await linkUp(r);
        await m.call('FUNCTION', 'LOAD', LIB);
        await m.call('FCALL', 'myfunc', '1', 'fk', 'from-master');
        await waitFor('the value on the replica', async () => (await r.get('fk')) === 'from-master');
        expect(await r.call('FCALL_RO', 'ro', '1', 'fk')).toBe('from-master');
        await m.call('FUNCTION', 'DELETE', 'mylib');
        await waitFor('the library deleted on the replica', async () => ((await r.call('FUNCTION', 'LIST')) as unknown[]).length === 0);
      } finally {
        m.disconnect();
        r.disconnect();
      }
    } finally {
      await ours?.stop();
      await master?.stop();
    }
  });
});
