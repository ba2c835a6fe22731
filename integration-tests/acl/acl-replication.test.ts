/**
 * Replication with a limited ACL user (`masteruser`), as the Redis docs suggest:
 * `user repl on >pw +psync +replconf +ping`. A real redis-server replica and a replikit replica
 * of a replikit master that requires it; a replikit replica of a redis-server master with that
 * user; and a replica whose own default user may run almost nothing still applies the stream
 * (the master client is never ACL-checked).
 */
import Redis from 'ioredis';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { type StartedReplikit, client, dumpDataset, linkUp, startReplikit, waitFor } from '../replication/helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

const LIMITED = ['--user', 'repl', 'on', '>replpw', '+psync', '+replconf', '+ping'];

async function write(c: Redis, tag: string): Promise<void> {
  await c.set(`${tag}:s`, 'v');
  await c.rpush(`${tag}:l`, 'a', 'b');
  await c.hset(`${tag}:h`, 'f', '1');
  await c.sadd(`${tag}:set`, 'x', 'y');
  await c.zadd(`${tag}:z`, 1, 'm');
  await c.multi().incr(`${tag}:n`).incr(`${tag}:n`).exec();
}

async function sameData(master: Redis, replica: Redis): Promise<void> {
  const want = await dumpDataset(master, [0]);
  await waitFor('replica dataset equal', async () => JSON.stringify(await dumpDataset(replica, [0])) === JSON.stringify(want));
}

describeRedis('ACL masteruser with a +psync +replconf +ping user', () => {
  const replikits: StartedReplikit[] = [];
  const redises: RedisServerHandle[] = [];
  const clients: Redis[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const r of redises.splice(0)) await r.stop();
    for (const s of replikits.splice(0).reverse()) await s.stop();
  });

  function track(c: Redis): Redis {
    clients.push(c);
    return c;
  }

  it('a real redis-server replica and a replikit replica of a replikit master', async () => {
    const master = await startReplikit(['--requirepass', 'adminpw', ...LIMITED]);
    replikits.push(master);
    const m = track(new Redis({ port: master.port, host: '127.0.0.1', password: 'adminpw', maxRetriesPerRequest: 0 }));
    await write(m, 'before');
    // the user can do what a replica does and nothing else
    expect(await m.call('ACL', 'DRYRUN', 'repl', 'get', 'x')).toBe("This user has no permissions to run the 'get' command");
    expect(await m.call('ACL', 'DRYRUN', 'repl', 'replconf', 'ack', '0')).toBe('OK');

    const redisReplica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${master.port}`, masteruser: 'repl', masterauth: 'replpw' } });
    redises.push(redisReplica);
    const ourReplica = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--masteruser', 'repl', '--masterauth', 'replpw']);
    replikits.push(ourReplica);
    const r1 = track(client(redisReplica.port));
    const r2 = track(client(ourReplica.port));
    await linkUp(r1);
    await linkUp(r2);
    await write(m, 'after');
    await sameData(m, r1);
    await sameData(m, r2);
    // both replicas authenticated as `repl`
    const list = (await m.call('CLIENT', 'LIST', 'TYPE', 'replica')) as string;
    expect(list.trim().split('\n').map((l) => / user=(\S+) /.exec(l)?.[1])).toEqual(['repl', 'repl']);
    expect(await m.call('ACL', 'LOG')).toEqual([]);
  });

  it('a replikit replica of a redis-server master with that user', async () => {
    const master = await startRedisServer({ config: { 'repl-diskless-sync-delay': 0 } });
    redises.push(master);
    const m = track(client(master.port));
    await m.call('ACL', 'SETUSER', 'repl', 'on', '>replpw', '+psync', '+replconf', '+ping');
    await write(m, 'before');
    const replica = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--masteruser', 'repl', '--masterauth', 'replpw']);
    replikits.push(replica);
    const r = track(client(replica.port));
    await linkUp(r);
    await write(m, 'after');
    await sameData(m, r);
    expect(await m.call('ACL', 'LOG')).toEqual([]);
  });

  it("the replicated stream is applied even when the replica's own users may not run those commands", async () => {
    const master = await startRedisServer({ config: { 'repl-diskless-sync-delay': 0 } });
    redises.push(master);
    const m = track(client(master.port));
    const replica = await startReplikit([
      '--replicaof', '127.0.0.1', String(master.port),
      '--user', 'default', 'on', 'nopass', '~*', '-@all', '+ping', '+info', '+get', '+type', '+pttl', '+select', '+keys', '+lrange', '+hgetall', '+smembers', '+zrange',
    ]);
    replikits.push(replica);
    const r = track(client(replica.port));
    await linkUp(r);
    await write(m, 'w');
    await sameData(m, r);
    await expect(r.set('x', 'y')).rejects.toThrow("NOPERM this user has no permissions to run the 'set' command");
  });
});
