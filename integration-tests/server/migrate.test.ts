/**
 * MIGRATE against real redis-server 7.0 targets: the same sequence of MIGRATE forms is run from a
 * redis-server and from a replikit-server, and the replies (bytes) and what lands on the target
 * (DUMP payloads, TTLs) must be equal; then redis-server -> replikit-server the other way.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { getFreePort, hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { type StartedReplikit, startReplikit } from '../replication/helpers';
import { ByteClient } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

async function withClient<T>(port: number, fn: (c: ByteClient) => Promise<T>): Promise<T> {
  const c = await ByteClient.connect(port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

describeRedis('MIGRATE vs redis-server 7.0', () => {
  let source: RedisServerHandle;
  let target: RedisServerHandle;
  /** a second target for the redis-server baseline of the reverse direction: its MIGRATE connection starts fresh too */
  let target2: RedisServerHandle;
  let rk: StartedReplikit;
  let rkTarget: StartedReplikit;
  /** a listening socket that accepts and never answers */
  let hole: Server;
  let holePort: number;
  const held: Socket[] = [];
  let refusedPort: number;

  beforeAll(async () => {
    source = await startRedisServer();
    target = await startRedisServer({ config: { requirepass: 'secret' } });
    rk = await startReplikit();
    rkTarget = await startReplikit(['--requirepass', 'secret']);
    target2 = await startRedisServer({ config: { requirepass: 'secret' } });
    hole = createServer((s) => {
      s.on('error', () => {});
      held.push(s);
    });
    holePort = await getFreePort();
    await new Promise<void>((r) => hole.listen(holePort, '127.0.0.1', r));
    refusedPort = await getFreePort();
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((r) => hole.close(r));
    await rkTarget?.stop();
    await rk?.stop();
    await target?.stop();
    await target2?.stop();
    await source?.stop();
  });

  /** Every MIGRATE form from the server on `port` into db `db` of `dest`; the replies and the target's contents. */
  async function scenario(port: number, destPort: number, db: string): Promise<string[]> {
    const out: string[] = [];
    const h = '127.0.0.1';
    const dp = String(destPort);
    await withClient(port, async (c) => {
      const ports: Record<string, string> = { [dp]: 'TARGET', [String(holePort)]: 'HOLE', [String(refusedPort)]: 'REFUSED' };
      const run = async (...argv: string[]) => out.push(`${argv.map((a) => ports[a] ?? a).join(' ')} => ${await c.call(...argv)}`);
      await c.call('FLUSHALL');
      await c.call('SET', 'str', 'hello');
      await c.call('RPUSH', 'list', 'a', 'b', 'c');
      await c.call('HSET', 'hash', 'f', 'v');
      await c.call('SET', 'ttl', 'x', 'PX', '100000');
      await c.call('ZADD', 'z', '1', 'm');
      await c.call('SADD', 'copyme', '1', '2');
      await run('MIGRATE', h, dp, 'missing', db, '1000', 'AUTH', 'secret');
      await run('MIGRATE', h, dp, '', db, '1000', 'AUTH', 'secret', 'KEYS', 'nope1', 'nope2');
      await run('MIGRATE', h, dp, 'x', db, '1000', 'KEYS', 'str');
      await run('MIGRATE', h, dp, 'str', db, 'x');
      await run('MIGRATE', h, dp, 'str', db, '1000', 'AUTH');
      await run('MIGRATE', h, dp, 'str', db, '1000', 'AUTH2', 'default');
      await run('MIGRATE', h, dp, 'str', db, '1000', 'BOGUS');
      await run('MIGRATE', h, dp, 'str', db, '1000');
      await run('MIGRATE', h, dp, 'str', db, '1000', 'AUTH', 'wrong');
      await run('MIGRATE', h, dp, 'str', db, '1000', 'AUTH', 'secret');
      await run('EXISTS', 'str');
      await run('SET', 'str', 'again');
      await run('MIGRATE', h, dp, 'str', db, '1000', 'AUTH2', 'default', 'secret');
      await run('EXISTS', 'str');
      await run('MIGRATE', h, dp, 'str', db, '1000', 'AUTH2', 'default', 'secret', 'REPLACE');
      await run('EXISTS', 'str');
      await run('MIGRATE', h, dp, 'copyme', db, '1000', 'COPY', 'AUTH', 'secret');
      await run('EXISTS', 'copyme');
      await run('MIGRATE', h, dp, 'copyme', db, '1000', 'COPY', 'AUTH', 'secret');
      await run('MIGRATE', h, dp, '', db, '0', 'REPLACE', 'AUTH', 'secret', 'KEYS', 'list', 'gone', 'hash', 'ttl', 'z');
      await run('EXISTS', 'list', 'hash', 'ttl', 'z', 'copyme');
      await c.call('SET', 'held', 'v');
      await run('MIGRATE', h, String(holePort), 'held', db, '200');
      await run('MIGRATE', h, String(refusedPort), 'held', db, '200');
      await run('EXISTS', 'held');
    });
    await withClient(destPort, async (c) => {
      await c.call('AUTH', 'secret');
      await c.call('SELECT', db);
      for (const k of ['str', 'list', 'hash', 'ttl', 'z', 'copyme', 'held', 'missing']) out.push(`target ${k} => ${await c.call('DUMP', k)}`);
      const pttl = Number((await c.call('PTTL', 'ttl')).slice(1));
      out.push(`target ttl kept: ${pttl > 90000 && pttl <= 100000}`);
      await c.call('FLUSHDB');
    });
    return out;
  }

  it('replikit-server -> redis-server answers and transfers like redis-server -> redis-server', async () => {
    const theirs = await scenario(source.port, target.port, '3');
    expect(theirs).toContain('target ttl kept: true');
    expect(theirs.some((l) => l.includes('Target instance replied with error: NOAUTH'))).toBe(true);
    expect(theirs.some((l) => l.includes('IOERR error or timeout reading to target instance'))).toBe(true);
    expect(await scenario(rk.port, target.port, '3')).toEqual(theirs);
  });

  it('redis-server -> replikit-server lands the same keys as redis-server -> redis-server', async () => {
    const theirs = await scenario(source.port, target2.port, '5');
    expect(await scenario(source.port, rkTarget.port, '5')).toEqual(theirs);
  });

  it('propagates the migrated keys as DEL to a redis-server replica of the replikit source (COPY propagates nothing)', async () => {
    const replica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${rk.port}` } });
    try {
      await withClient(replica.port, async (r) => {
        for (let i = 0; i < 200 && !(await r.call('INFO', 'replication')).includes('master_link_status:up'); i++) await new Promise((ok) => setTimeout(ok, 50));
        expect(await r.call('INFO', 'replication')).toContain('master_link_status:up');
        await withClient(rk.port, async (c) => {
          await c.call('FLUSHALL');
          for (const k of ['a', 'b', 'c', 'd']) await c.call('SET', k, `v-${k}`);
          expect(await c.call('MIGRATE', '127.0.0.1', String(target.port), '', '7', '1000', 'AUTH', 'secret', 'KEYS', 'a', 'b', 'nope')).toBe('+OK\r\n');
          expect(await c.call('MIGRATE', '127.0.0.1', String(target.port), 'c', '7', '1000', 'COPY', 'AUTH', 'secret')).toBe('+OK\r\n');
          expect(await c.call('WAIT', '1', '2000')).toBe(':1\r\n');
          // where nothing may wait (MULTI/EXEC, scripts) MIGRATE refuses and the key stays
          await c.call('MULTI');
          await c.call('MIGRATE', '127.0.0.1', String(target.port), 'd', '7', '1000', 'AUTH', 'secret');
          expect(await c.call('EXEC')).toBe('*1\r\n-ERR MIGRATE cannot wait for its target inside MULTI/EXEC or a script\r\n');
          expect(await c.call('EVAL', `return redis.pcall('MIGRATE', '127.0.0.1', '${target.port}', 'd', '7', '1000', 'AUTH', 'secret')`, '0')).toBe('-ERR MIGRATE cannot wait for its target inside MULTI/EXEC or a script\r\n');
        });
        expect(await r.call('EXISTS', 'a', 'b')).toBe(':0\r\n');
        expect(await r.call('EXISTS', 'c', 'd')).toBe(':2\r\n');
      });
      await withClient(target.port, async (t) => {
        await t.call('AUTH', 'secret');
        await t.call('SELECT', '7');
        expect(await t.call('MGET', 'a', 'b', 'c', 'd')).toBe('*4\r\n$3\r\nv-a\r\n$3\r\nv-b\r\n$3\r\nv-c\r\n$-1\r\n');
        await t.call('FLUSHDB');
      });
    } finally {
      await replica.stop();
    }
  });
});
