// A real redis-server 7.0 replica of a ReplicationNode: a TCP listener on 127.0.0.1 hands each
// socket to node.serve(); the replica full-syncs (both payload forms, both replica load modes),
// follows thousands of propagated writes, and resyncs partially after CLIENT KILL TYPE master.
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { DoubleReply, formatDouble, MapReply, SetReply } from '@replikit/resp';
import { execFile } from 'node:child_process';
import { loadRdbFile } from '@replikit/keyspace-rdb';
import { findRedisCli, hasRedis, hasRedisCli, RawClient, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { createMaster, type ReplicationNode } from './index';
import { until } from './test-kit';

const describeRedis = hasRedis() ? describe : describe.skip;
const describeCli = hasRedisCli() ? describe : describe.skip;

type Plain = null | number | string | Plain[];

function plain(v: unknown): Plain {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Error) return `ERR:${v.message}`;
  if (v instanceof MapReply) return v.entries.flatMap(([k, x]) => [plain(k), plain(x)]);
  if (v instanceof SetReply) return v.items.map(plain);
  if (v instanceof DoubleReply) return formatDouble(v.value);
  const o = v as { value?: unknown; message?: string };
  if (o.message !== undefined) return `ERR:${o.message}`;
  if (o.value !== undefined) return plain(o.value);
  return String(v);
}

/** The read command that shows a key's whole value, sorted where Redis's order is not defined. */
function readCommand(type: string, key: string): { argv: string[]; sort: boolean } {
  switch (type) {
    case 'string':
      return { argv: ['GET', key], sort: false };
    case 'list':
      return { argv: ['LRANGE', key, '0', '-1'], sort: false };
    case 'hash':
      return { argv: ['HGETALL', key], sort: true };
    case 'set':
      return { argv: ['SMEMBERS', key], sort: true };
    case 'zset':
      return { argv: ['ZRANGE', key, '0', '-1', 'WITHSCORES'], sort: false };
    default:
      throw new Error(`type ${type}`);
  }
}

function pairsSorted(v: Plain, pairs: boolean): Plain {
  if (!Array.isArray(v)) return v;
  if (!pairs) return [...v].sort();
  const out: string[] = [];
  for (let i = 0; i < v.length; i += 2) out.push(`${v[i]}=${v[i + 1]}`);
  return out.sort();
}

function populate(ks: Keyspace): void {
  const far = Date.now() + 3_600_000;
  for (let db = 0; db < 4; db++) {
    const s = { db };
    ks.execute(['SET', `str:${db}`, `value-${db}`], s);
    ks.execute(['SET', `int:${db}`, String(12345 + db)], s);
    ks.execute(['SET', `long:${db}`, 'abc'.repeat(400)], s);
    ks.execute(['SET', `ttl:${db}`, 'expiring', 'PXAT', String(far + db)], s);
    ks.execute(['RPUSH', `list:${db}`, 'a', 'b', 'c', '1', '2'], s);
    for (let i = 0; i < 300; i++) ks.execute(['RPUSH', `biglist:${db}`, `element-${i}-${'x'.repeat(i % 40)}`], s);
    ks.execute(['HSET', `hash:${db}`, 'f1', 'v1', 'f2', '2'], s);
    for (let i = 0; i < 200; i++) ks.execute(['HSET', `bighash:${db}`, `field${i}`, `val${i}`], s);
    ks.execute(['PEXPIREAT', `bighash:${db}`, String(far + 1000)], s);
    ks.execute(['SADD', `intset:${db}`, '1', '2', '3', '-7'], s);
    ks.execute(['SADD', `set:${db}`, 'x', 'y', 'z'], s);
    for (let i = 0; i < 600; i++) ks.execute(['SADD', `bigset:${db}`, `m${i}`], s);
    ks.execute(['ZADD', `zset:${db}`, '1', 'one', '2.5', 'two', '-3', 'three'], s);
    for (let i = 0; i < 200; i++) ks.execute(['ZADD', `bigzset:${db}`, String(i / 3), `member-${i}`], s);
    ks.execute(['PEXPIREAT', `zset:${db}`, String(far + 2000)], s);
  }
}

/** Thousands of writes, each propagated as the server would. */
function writeMany(ks: Keyspace, node: ReplicationNode, n: number, tag: string): void {
  for (let i = 0; i < n; i++) {
    const db = i % 3;
    const s = { db };
    const argv: string[][] = [
      ['SET', `w:${tag}:${i % 500}`, `v${i}`],
      ['INCR', `counter:${tag}`],
      ['LPUSH', `wl:${tag}`, `e${i}`],
      ['HSET', `wh:${tag}`, `f${i % 50}`, `${i}`],
      ['SADD', `ws:${tag}`, `${i % 70}`],
      ['ZINCRBY', `wz:${tag}`, '1.5', `m${i % 30}`],
      ['EXPIRE', `w:${tag}:${i % 500}`, '5000'],
      ['DEL', `w:${tag}:${(i + 250) % 500}`],
      ['INCRBYFLOAT', `float:${tag}`, '0.25'],
      ['SPOP', `ws:${tag}`],
    ];
    node.propagate(ks.execute(argv[i % argv.length], s).propagate);
  }
}

async function info(c: RawClient, field: string): Promise<string | undefined> {
  const r = await c.call('INFO', 'replication');
  const m = new RegExp(`^${field}:(.*?)\\r?$`, 'm').exec(plain(r) as string);
  return m?.[1];
}

/** Polls INFO replication on the replica (one call at a time) until `field` satisfies `ok`. */
async function waitInfo(c: RawClient, field: string, ok: (v: string | undefined) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20000;
  while (!ok(await info(c, field))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function compare(ks: Keyspace, c: RawClient): Promise<number> {
  const snap = ks.snapshot();
  const entries: Array<{ db: number; key: string; expireAt: number }> = [];
  for (let b = snap.nextBatch(); b.length > 0; b = snap.nextBatch()) for (const e of b) entries.push({ db: e.db, key: e.key, expireAt: e.expireAt });
  snap.close();
  const perDb = new Map<number, number>();
  for (const e of entries) perDb.set(e.db, (perDb.get(e.db) ?? 0) + 1);
  for (let db = 0; db < 16; db++) {
    await c.call('SELECT', db);
    expect({ db, size: plain(await c.call('DBSIZE')) }).toEqual({ db, size: perDb.get(db) ?? 0 });
  }
  for (const e of entries) {
    await c.call('SELECT', e.db);
    const type = plain(ks.execute(['TYPE', e.key], { db: e.db }).reply) as string;
    expect({ key: e.key, type: plain(await c.call('TYPE', e.key)) }).toEqual({ key: e.key, type });
    const { argv, sort } = readCommand(type, e.key);
    const pairs = argv[0] === 'HGETALL';
    const mine = plain(ks.execute(argv, { db: e.db }).reply);
    const theirs = plain(await c.call(...argv));
    expect({ key: e.key, value: sort ? pairsSorted(theirs, pairs) : theirs }).toEqual({ key: e.key, value: sort ? pairsSorted(mine, pairs) : mine });
    expect({ key: e.key, pexpiretime: plain(await c.call('PEXPIRETIME', e.key)) }).toEqual({ key: e.key, pexpiretime: e.expireAt });
  }
  return entries.length;
}

describeRedis('a real redis-server 7.0 replica of a ReplicationNode', () => {
  let keyspace: Keyspace;
  let node: ReplicationNode;
  let listener: Server;
  let replica: RedisServerHandle | undefined;
  let client: RawClient | undefined;
  let dir: string;

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await replica?.stop();
    replica = undefined;
    node.close();
    await new Promise<void>((r) => listener.close(() => r()));
    keyspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<[boolean, string]> = [
    [true, 'disabled'],
    [true, 'swapdb'],
    [false, 'disabled'],
    [false, 'swapdb'],
  ];
  test.each(cases)('repl-diskless-sync %s on our side, repl-diskless-load %s on the replica', async (diskless, load) => {
    keyspace = createKeyspace();
    dir = mkdtempSync(join(tmpdir(), 'replikit-master-redis-'));
    node = createMaster({ keyspace }, { replDisklessSync: diskless, replDisklessSyncDelay: 0, dir });
    const errors: Error[] = [];
    node.on('error', (e) => errors.push(e));
    const syncs: string[] = [];
    node.on('sync:start', (s) => syncs.push(s.target));
    listener = createServer((socket) => node.serve(socket));
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    const port = (listener.address() as { port: number }).port;
    populate(keyspace);

    replica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${port}`, 'repl-diskless-load': load } });
    client = await RawClient.connect(replica.port);
    const c = client;
    await waitInfo(c, 'master_link_status', (v) => v === 'up', 'the replica link to come up');
    expect(syncs).toEqual([diskless ? 'socket' : 'disk']);
    expect(node.counters.syncFull).toBe(1);
    await compare(keyspace, c);

    writeMany(keyspace, node, 4000, 'a');
    await waitInfo(c, 'master_repl_offset', (v) => Number(v) === node.masterReplOffset, 'the replica to catch up');
    await compare(keyspace, c);
    expect(node.replicas()).toEqual([expect.objectContaining({ state: 'online', port: replica.port })]);

    // drop the link from the replica's side: it comes back with PSYNC and gets +CONTINUE
    expect(plain(await c.call('CLIENT', 'KILL', 'TYPE', 'master'))).toBe(1);
    writeMany(keyspace, node, 500, 'b');
    await until(() => node.counters.syncPartialOk === 1, 'a partial resync', 20000);
    writeMany(keyspace, node, 500, 'c');
    await waitInfo(c, 'master_repl_offset', (v) => Number(v) === node.masterReplOffset, 'the replica to catch up again');
    const keys = await compare(keyspace, c);
    expect(keys).toBeGreaterThan(50);
    expect(node.counters).toEqual({ syncFull: 1, syncPartialOk: 1, syncPartialErr: 0 });
    expect(await info(c, 'master_replid')).toBe(node.replid);
    expect(errors).toEqual([]);
    expect(replica.log()).not.toMatch(/Terminating server|Failed trying to load/);
  }, 60000);
});

describeRedis('a real replica authenticating with masterauth', () => {
  test('requirepass on our side: the replica AUTHs, then syncs', async () => {
    const keyspace = createKeyspace();
    const node = createMaster({ keyspace }, { requirepass: 'pw', replDisklessSyncDelay: 0 });
    const listener = createServer((socket) => node.serve(socket));
    let replica: RedisServerHandle | undefined;
    let client: RawClient | undefined;
    try {
      await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
      const port = (listener.address() as { port: number }).port;
      keyspace.execute(['SET', 'secret', 'value'], { db: 0 });
      replica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${port}`, masterauth: 'pw' } });
      client = await RawClient.connect(replica.port);
      await waitInfo(client, 'master_link_status', (v) => v === 'up', 'the link');
      expect(plain(await client.call('GET', 'secret'))).toBe('value');
      expect(node.counters.syncFull).toBe(1);
    } finally {
      await client?.close();
      await replica?.stop();
      node.close();
      await new Promise<void>((r) => listener.close(() => r()));
      keyspace.close();
    }
  }, 30000);
});

describeCli('redis-cli --rdb against serve()', () => {
  test.each([true, false])('repl-diskless-sync %s: the RDB holds the dataset, the connection is closed after it', async (diskless) => {
    const keyspace = createKeyspace();
    const dir = mkdtempSync(join(tmpdir(), 'replikit-master-cli-'));
    const node = createMaster({ keyspace }, { replDisklessSync: diskless, replDisklessSyncDelay: 0, dir: join(dir) });
    const listener = createServer((socket) => node.serve(socket));
    try {
      await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
      const port = (listener.address() as { port: number }).port;
      populate(keyspace);
      const out = join(dir, 'cli.rdb');
      const cli = findRedisCli() as string;
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(cli, ['-h', '127.0.0.1', '-p', String(port), '--rdb', out], { timeout: 20000 }, (err, so, se) => (err ? reject(new Error(`${err.message}\n${se}`)) : resolve(so + se))),
      );
      expect(stdout).toMatch(/Transfer finished with success/);
      const loaded = createKeyspace();
      await loadRdbFile(out, loaded);
      for (let db = 0; db < 4; db++) {
        expect(loaded.size(db)).toBe(keyspace.size(db));
        for (const key of ['str', 'int', 'long', 'ttl', 'list', 'biglist', 'hash', 'bighash', 'intset', 'set', 'bigset', 'zset', 'bigzset']) {
          expect(loaded.dump(db, `${key}:${db}`)).toEqual(keyspace.dump(db, `${key}:${db}`));
        }
      }
      loaded.close();
      await until(() => node.replicas().length === 0 && node.counters.syncFull === 1, 'the rdb-only link to end');
    } finally {
      node.close();
      await new Promise<void>((r) => listener.close(() => r()));
      keyspace.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30000);
});
