/**
 * Script effects replicate as the commands the script ran (7.0 effects replication, MULTI/EXEC
 * around more than one write, SELECT inside a script carried by the stream): replikit master ->
 * real redis-server replica, and real redis-server master -> replikit replica, datasets equal.
 * Scripts themselves are not propagated: EVALSHA on a replica that never loaded the script is
 * NOSCRIPT.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { client, dumpDataset, linkUp, type StartedReplikit, startReplikit, waitFor } from '../replication/helpers';

const run = hasRedis() ? describe : describe.skip;

const WRITES = `
redis.call('set', KEYS[1], ARGV[1])
redis.call('rpush', KEYS[2], 'a', 'b', 'c')
redis.call('incrby', KEYS[3], 5)
redis.call('select', 3)
redis.call('set', 'in-db3', 'x')
redis.call('hset', 'h3', 'f', math.floor(10 / 4))
return redis.call('dbsize')
`;

const READ_ONLY = "return redis.call('get', KEYS[1])";

async function scriptWorkload(port: number): Promise<string> {
  const c = client(port);
  try {
    await c.eval(WRITES, 3, 's', 'l', 'n', 'value');
    await c.eval(WRITES, 3, 's2', 'l2', 'n', 'other');
    await c.eval("redis.call('del', KEYS[1]) return 1", 1, 'l2');
    await c.eval("return redis.call('get', KEYS[1])", 1, 's');
    await c.eval("redis.call('expire', KEYS[1], 1000) return redis.call('ttl', KEYS[1])", 1, 's2');
    return (await c.script('LOAD', READ_ONLY)) as string;
  } finally {
    c.disconnect();
  }
}

async function datasetsEqual(masterPort: number, replicaPort: number): Promise<void> {
  const m = client(masterPort);
  const r = client(replicaPort);
  try {
    await waitFor('datasets equal', async () => {
      const a = JSON.stringify(await dumpDataset(m, [0, 3]));
      const b = JSON.stringify(await dumpDataset(r, [0, 3]));
      return a === b && a.includes('in-db3');
    });
  } finally {
    m.disconnect();
    r.disconnect();
  }
}

run('script effects replication', () => {
  test('replikit master -> redis-server replica', async () => {
    let ours: StartedReplikit | undefined;
    let replica: RedisServerHandle | undefined;
    try {
      ours = await startReplikit(['--repl-diskless-sync-delay', '0']);
      replica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${ours.port}` } });
      const rc = client(replica.port);
      try {
        await linkUp(rc);
        const sha = await scriptWorkload(ours.port);
        await datasetsEqual(ours.port, replica.port);
        await expect(rc.evalsha(sha, 1, 's')).rejects.toThrow('NOSCRIPT No matching script. Please use EVAL.');
        expect(await rc.eval(READ_ONLY, 1, 's')).toBe('value');
      } finally {
        rc.disconnect();
      }
    } finally {
      await replica?.stop();
      await ours?.stop();
    }
  });

  test('redis-server master -> replikit replica', async () => {
    let master: RedisServerHandle | undefined;
    let ours: StartedReplikit | undefined;
    try {
      master = await startRedisServer();
      ours = await startReplikit(['--replicaof', '127.0.0.1', String(master.port)]);
      const rc = client(ours.port);
      try {
        await linkUp(rc);
        const sha = await scriptWorkload(master.port);
        await datasetsEqual(master.port, ours.port);
        await expect(rc.evalsha(sha, 1, 's')).rejects.toThrow('NOSCRIPT No matching script. Please use EVAL.');
        // a read-only script runs on the replica; a write from a script is refused as READONLY
        expect(await rc.eval(READ_ONLY, 1, 's')).toBe('value');
        await expect(rc.eval("return redis.call('set', KEYS[1], 'x')", 1, 's')).rejects.toThrow("READONLY You can't write against a read only replica.");
        await expect(rc.eval("#!lua\nreturn redis.call('get', KEYS[1])", 1, 's')).rejects.toThrow('READONLY Can not run script with write flag on readonly replica');
        expect(await rc.eval("#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", 1, 's')).toBe('value');
      } finally {
        rc.disconnect();
      }
    } finally {
      await ours?.stop();
      await master?.stop();
    }
  });
});
