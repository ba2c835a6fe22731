/**
 * Function libraries outside memory, against redis-server 7.0: FUNCTION DUMP byte for byte,
 * FUNCTION RESTORE of redis-server's payloads and its error replies, libraries in RDB files
 * (SAVE and restart, DEBUG RELOAD, each server loading the other's dump.rdb), in the AOF base,
 * and through full syncs both ways.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFunctionDumpPayload, readRdbBuffer, writeRdbToBuffer } from '@replikit/rdb';
import { createServerFromConfig, loadConfigFromArgs, Logger } from '@replikit/server';
import { findRedisServer, hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { client, linkUp, redisCliAsync, type StartedReplikit, startReplikit, waitFor } from '../replication/helpers';
import { ByteClient } from '../server/helpers';

const run = hasRedis() ? describe : describe.skip;

// long enough for its RDB string to be LZF-compressed (rdbcompression yes)
const LIB = `#!lua name=mylib
local function set_it(keys, args) return redis.call('set', keys[1], args[1]) end
redis.register_function('myset', set_it)
redis.register_function{function_name='myget', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}`;
const OTHER = "#!lua name=other\nredis.register_function('otherfn', function() return 'other' end)";
const CLASH = "#!lua name=clash\nredis.register_function('myset', function() return 'clash' end)";

async function dumpOf(port: number): Promise<Buffer> {
  const c = client(port);
  try {
    return (await c.callBuffer('FUNCTION', 'DUMP')) as Buffer;
  } finally {
    c.disconnect();
  }
}

/** Sends `argv` (binary arguments allowed) and returns the raw reply bytes. */
async function raw(port: number, ...argv: Array<string | Buffer>): Promise<string> {
  const c = await ByteClient.connect(port);
  try {
    const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
    for (const a of argv) {
      const b = typeof a === 'string' ? Buffer.from(a) : a;
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    c.write(Buffer.concat(parts));
    return await c.reply();
  } finally {
    c.socket.destroy();
  }
}

run('functions outside memory', () => {
  let redis: RedisServerHandle;
  let ours: StartedReplikit;
  beforeAll(async () => {
    redis = await startRedisServer();
    ours = await startReplikit(['--enable-debug-command', 'yes']);
  });
  afterAll(async () => {
    await ours?.stop();
    await redis?.stop();
  });
  beforeEach(async () => {
    for (const port of [redis.port, ours.port]) expect(await raw(port, 'FUNCTION', 'FLUSH')).toBe('+OK\r\n');
  });

  test('FUNCTION DUMP is byte-identical to redis-server: none, one library, compressed or not', async () => {
    expect(await dumpOf(ours.port)).toEqual(await dumpOf(redis.port));
    expect((await dumpOf(ours.port)).length).toBe(10);
    for (const port of [redis.port, ours.port]) expect(await raw(port, 'FUNCTION', 'LOAD', LIB)).toBe('$5\r\nmylib\r\n');
    const want = await dumpOf(redis.port);
    expect(await dumpOf(ours.port)).toEqual(want);
    // compressed: the source is not in the payload as plain text
    expect(want.includes(Buffer.from(LIB))).toBe(false);
    try {
      for (const port of [redis.port, ours.port]) await raw(port, 'CONFIG', 'SET', 'rdbcompression', 'no');
      const plain = await dumpOf(redis.port);
      expect(plain.includes(Buffer.from(LIB))).toBe(true);
      expect(await dumpOf(ours.port)).toEqual(plain);
    } finally {
      for (const port of [redis.port, ours.port]) await raw(port, 'CONFIG', 'SET', 'rdbcompression', 'yes');
    }
  });

  test("many libraries' DUMP payloads equal redis-server's (its LZF output included)", async () => {
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 16;
    };
    const words = ['redis', '.call', "('get'", ', keys[1])', 'local ', 'return ', 'end', ' ', '\n', 'x', 'args', '=', '..', '"a"'];
    const mismatches: string[] = [];
    for (let i = 0; i < 60; i++) {
      const comment = Array.from({ length: 3 + (rnd() % 300) }, () => words[rnd() % words.length]).join('').replace(/\n/g, '\n-- ');
      const code = `#!lua name=gen${i}\n-- ${comment}\nredis.register_function('gen${i}', function() return ${i} end)`;
      await raw(redis.port, 'FUNCTION', 'FLUSH');
      expect(await raw(redis.port, 'FUNCTION', 'LOAD', code)).toBe(`$${`gen${i}`.length}\r\ngen${i}\r\n`);
      const want = await dumpOf(redis.port);
      const got = createFunctionDumpPayload([Buffer.from(code)]);
      if (!got.equals(want)) mismatches.push(code);
    }
    expect(mismatches).toEqual([]);
  });

  test("FUNCTION RESTORE of redis-server's payloads; every policy and refusal replies as redis-server does", async () => {
    await raw(redis.port, 'FUNCTION', 'LOAD', LIB);
    await raw(redis.port, 'FUNCTION', 'LOAD', OTHER);
    const both = await dumpOf(redis.port);
    await raw(redis.port, 'FUNCTION', 'DELETE', 'other');
    const one = await dumpOf(redis.port);
    await raw(redis.port, 'FUNCTION', 'FLUSH');
    const corrupt = Buffer.from(one);
    corrupt[3] ^= 0xff;
    const setDump = Buffer.from('\x00\x01v\x0a\x00', 'latin1'); // a key's DUMP body: type 0 (string)
    const c = client(redis.port);
    await c.set('k', 'v');
    const keyDump = (await c.callBuffer('DUMP', 'k')) as Buffer;
    await c.del('k');
    c.disconnect();
    const badLib = createFunctionDumpPayload([Buffer.from("#!lua name=broken\nredis.register_function('x', function() return 1 end")]);
    const twice = createFunctionDumpPayload([Buffer.from(OTHER), Buffer.from(OTHER)]);
    const steps: Array<Array<string | Buffer>> = [
      ['FUNCTION', 'RESTORE', one],
      ['FCALL', 'myset', '1', 'fk', 'restored'],
      ['FCALL_RO', 'myget', '1', 'fk'],
      ['FUNCTION', 'RESTORE', one],
      ['FUNCTION', 'RESTORE', one, 'APPEND'],
      ['FUNCTION', 'RESTORE', both],
      ['FUNCTION', 'RESTORE', one, 'REPLACE'],
      ['FUNCTION', 'RESTORE', both, 'replace'],
      // one library, one function: Redis lists its dicts in seeded-hash order
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'oth*'],
      ['FUNCTION', 'RESTORE', one, 'FLUSH'],
      ['FUNCTION', 'STATS'],
      ['FUNCTION', 'RESTORE', one, 'BOGUS'],
      ['FUNCTION', 'RESTORE', one, 'FLUSH', 'extra'],
      ['FUNCTION', 'RESTORE', corrupt],
      ['FUNCTION', 'RESTORE', 'short'],
      ['FUNCTION', 'RESTORE', keyDump],
      ['FUNCTION', 'RESTORE', setDump],
      ['FUNCTION', 'RESTORE', badLib],
      ['FUNCTION', 'RESTORE', twice],
      ['FUNCTION', 'LOAD', CLASH],
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', CLASH],
      ['FUNCTION', 'RESTORE', one],
      ['FUNCTION', 'RESTORE', one, 'REPLACE'],
      ['FUNCTION', 'RESTORE', await dumpOf(ours.port), 'FLUSH'],
      ['FUNCTION', 'LIST'],
      ['FUNCTION', 'DUMP'],
    ];
    const mismatches: string[] = [];
    for (const s of steps) {
      const want = await raw(redis.port, ...s);
      const got = await raw(ours.port, ...s);
      if (got !== want) mismatches.push(`${JSON.stringify(s.map((a) => (typeof a === 'string' ? a : `<${a.length} bytes>`)))}\n  redis:    ${JSON.stringify(want)}\n  replikit: ${JSON.stringify(got)}`);
    }
    expect(mismatches).toEqual([]);
  });

  test("SAVE and restart, DEBUG RELOAD, and each server loading the other's dump.rdb keep the libraries", async () => {
    await raw(ours.port, 'FUNCTION', 'LOAD', LIB);
    await raw(ours.port, 'SET', 'k', 'v');
    expect(await raw(ours.port, 'DEBUG', 'RELOAD')).toBe('+OK\r\n');
    expect(await raw(ours.port, 'FCALL_RO', 'myget', '1', 'k')).toBe('$1\r\nv\r\n');
    expect(await raw(ours.port, 'SAVE')).toBe('+OK\r\n');
    // replikit's dump.rdb, loaded by replikit after a restart and by redis-server
    const dir = ours.dir;
    const copy = mkdtempSync(join(tmpdir(), 'replikit-fn-rdb-'));
    copyFileSync(join(dir, 'dump.rdb'), join(copy, 'dump.rdb'));
    let again: StartedReplikit | undefined;
    let reader: RedisServerHandle | undefined;
    try {
      again = await startReplikit([], { dir: copy });
      expect(await raw(again.port, 'FCALL', 'myset', '1', 'k2', 'after-restart')).toBe('+OK\r\n');
      expect(await raw(again.port, 'FUNCTION', 'DUMP')).toBe(await raw(ours.port, 'FUNCTION', 'DUMP'));
      await again.stop(true);
      again = undefined;
      reader = await startRedisServer({ dir: copy });
      expect(await raw(reader.port, 'FCALL_RO', 'myget', '1', 'k')).toBe('$1\r\nv\r\n');
      // the same library source (FUNCTION LIST orders a library's functions by a seeded hash in redis-server)
      expect(await raw(reader.port, 'FUNCTION', 'DUMP')).toBe(await raw(ours.port, 'FUNCTION', 'DUMP'));
      // and back: redis-server's dump.rdb (its functions record) loaded by replikit
      await raw(reader.port, 'FUNCTION', 'LOAD', OTHER);
      expect(await raw(reader.port, 'SAVE')).toBe('+OK\r\n');
      await reader.stop();
      reader = undefined;
      again = await startReplikit([], { dir: copy });
      expect(await raw(again.port, 'FCALL', 'otherfn', '0')).toBe('$5\r\nother\r\n');
      expect(await raw(again.port, 'FCALL_RO', 'myget', '1', 'k')).toBe('$1\r\nv\r\n');
    } finally {
      await again?.stop(true);
      await reader?.stop();
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('a payload with one library that does not compile changes nothing, on either server', async () => {
    const bad = createFunctionDumpPayload([Buffer.from(OTHER), Buffer.from('#!lua name=bad\nreturn 1 +')]);
    for (const port of [redis.port, ours.port]) {
      await raw(port, 'FUNCTION', 'LOAD', LIB);
      expect(await raw(port, 'FUNCTION', 'RESTORE', bad, 'FLUSH')).toMatch(/^-ERR Error compiling function/);
    }
    expect(await raw(ours.port, 'FUNCTION', 'DUMP')).toBe(await raw(redis.port, 'FUNCTION', 'DUMP'));
    expect(await raw(ours.port, 'FCALL', 'otherfn', '0')).toBe('-ERR Function not found\r\n');
  });

  test('the AOF base (RDB preamble, and command form) carries the libraries across a restart', async () => {
    for (const preamble of ['yes', 'no']) {
      const dir = mkdtempSync(join(tmpdir(), 'replikit-fn-aof-'));
      const args = ['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble];
      let s: StartedReplikit | undefined = await startReplikit(args, { dir });
      try {
        await raw(s.port, 'FUNCTION', 'LOAD', LIB);
        await raw(s.port, 'SET', 'k', 'aof');
        // the rewrite leaves the libraries only in the new base
        expect(await raw(s.port, 'BGREWRITEAOF')).toMatch(/^\+Background append only file rewriting/);
        const c = client(s.port);
        await waitFor('the rewrite', async () => /aof_rewrite_in_progress:0/.test(await c.info('persistence')) && /aof_rewrites:1/.test(await c.info('persistence')));
        c.disconnect();
        await s.stop(true);
        s = await startReplikit(args, { dir });
        expect(await raw(s.port, 'FCALL_RO', 'myget', '1', 'k')).toBe('$3\r\naof\r\n');
        expect(await raw(s.port, 'FUNCTION', 'STATS')).toContain('libraries_count\r\n:1');
        // without a rewrite the commands themselves are in the AOF and replayed
        await raw(s.port, 'FUNCTION', 'LOAD', OTHER);
        await raw(s.port, 'FUNCTION', 'DELETE', 'mylib');
        await s.stop(true);
        s = await startReplikit(args, { dir });
        expect(await raw(s.port, 'FCALL', 'otherfn', '0')).toBe('$5\r\nother\r\n');
        expect(await raw(s.port, 'FCALL_RO', 'myget', '1', 'k')).toBe('-ERR Function not found\r\n');
      } finally {
        await s?.stop(true);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

run('functions through full syncs', () => {
  test('a redis-server master with libraries -> a replikit replica: FCALL works after the sync', async () => {
    let master: RedisServerHandle | undefined;
    let replica: StartedReplikit | undefined;
    try {
      master = await startRedisServer();
      await raw(master.port, 'FUNCTION', 'LOAD', LIB);
      await raw(master.port, 'SET', 'k', 'from-master');
      for (const load of ['disabled', 'swapdb']) {
        replica = await startReplikit(['--repl-diskless-load', load]);
        // a library the master does not have is dropped by the sync, as redis-server does
        await raw(replica.port, 'FUNCTION', 'LOAD', OTHER);
        expect(await raw(replica.port, 'REPLICAOF', '127.0.0.1', String(master.port))).toBe('+OK\r\n');
        const r = client(replica.port);
        await linkUp(r);
        await waitFor('the key on the replica', async () => (await r.get('k')) === 'from-master');
        expect(await raw(replica.port, 'FCALL_RO', 'myget', '1', 'k')).toBe('$11\r\nfrom-master\r\n');
        expect(await raw(replica.port, 'FUNCTION', 'DUMP')).toBe(await raw(master.port, 'FUNCTION', 'DUMP'));
        expect(await raw(replica.port, 'FCALL', 'otherfn', '0')).toBe('-ERR Function not found\r\n');
        r.disconnect();
        await replica.stop();
        replica = undefined;
      }
    } finally {
      await replica?.stop();
      await master?.stop();
    }
  });

  test('a replikit master with libraries -> a redis-server replica; a resync replaces the replica libraries', async () => {
    let master: StartedReplikit | undefined;
    let replica: RedisServerHandle | undefined;
    try {
      master = await startReplikit();
      await raw(master.port, 'FUNCTION', 'LOAD', LIB);
      await raw(master.port, 'SET', 'k', 'ours');
      replica = await startRedisServer();
      await raw(replica.port, 'FUNCTION', 'LOAD', OTHER);
      await raw(replica.port, 'REPLICAOF', '127.0.0.1', String(master.port));
      const r = client(replica.port);
      await waitFor('the key on the redis-server replica', async () => (await r.get('k')) === 'ours');
      r.disconnect();
      expect(await raw(replica.port, 'FCALL_RO', 'myget', '1', 'k')).toBe('$4\r\nours\r\n');
      expect(await raw(replica.port, 'FUNCTION', 'DUMP')).toBe(await raw(master.port, 'FUNCTION', 'DUMP'));
      expect(await raw(replica.port, 'FCALL', 'otherfn', '0')).toBe('-ERR Function not found\r\n');
    } finally {
      await replica?.stop();
      await master?.stop();
    }
  });

  test('redis-cli --functions-rdb (rdb-filter-only functions) gets the libraries and no keys, like from redis-server', async () => {
    let redis: RedisServerHandle | undefined;
    let ours: StartedReplikit | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'replikit-fn-cli-'));
    try {
      redis = await startRedisServer();
      ours = await startReplikit();
      const got: Array<{ functions: string[]; keys: number }> = [];
      for (const port of [redis.port, ours.port]) {
        await raw(port, 'FUNCTION', 'LOAD', LIB);
        await raw(port, 'SET', 'k', 'v');
        const file = join(dir, `${port}.rdb`);
        const r = await redisCliAsync(port, ['--functions-rdb', file]);
        expect(r.code).toBe(0);
        const rdb = readRdbBuffer(readFileSync(file));
        got.push({ functions: rdb.functions.map((f) => f.toString('latin1')), keys: rdb.entries.length });
      }
      expect(got[0]).toEqual({ functions: [LIB], keys: 0 });
      expect(got[1]).toEqual(got[0]);
    } finally {
      await ours?.stop();
      await redis?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an RDB whose library does not compile fails the startup load with the line redis-server logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replikit-fn-bad-'));
    try {
      writeFileSync(join(dir, 'dump.rdb'), writeRdbToBuffer([], { functions: [Buffer.from('#!lua name=bad\nreturn 1 +')] }));
      const { config } = loadConfigFromArgs(['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', '']);
      const logs: string[] = [];
      const s = createServerFromConfig(config, { logger: new Logger({ sink: (l) => logs.push(l) }) });
      let failure: { logLines?: readonly string[] } | undefined;
      try {
        await s.start();
      } catch (err) {
        failure = err as { logLines?: readonly string[] };
      } finally {
        await s.close();
      }
      expect(failure?.logLines?.[0]).toMatch(/^Failed loading library, Error compiling function: /);
      // redis-server on the same file: the same line, then it gives up loading
      const copy = mkdtempSync(join(tmpdir(), 'replikit-fn-bad-redis-'));
      copyFileSync(join(dir, 'dump.rdb'), join(copy, 'dump.rdb'));
      // it logs the error and exits by itself (no TCP port: a unix socket in the temp dir)
      const r = spawnSync(findRedisServer() as string, ['--port', '0', '--unixsocket', join(copy, 'redis.sock'), '--dir', copy, '--save', ''], { encoding: 'utf8', timeout: 5000 });
      rmSync(copy, { recursive: true, force: true });
      const line = /Failed loading library, [^\n]*/.exec(`${r.stdout}${r.stderr}`)?.[0];
      expect(line).toBe(failure?.logLines?.[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
