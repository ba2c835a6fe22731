/**
 * Function libraries on `storage lmdb` (kept in the adapter's aux record `functions`, written with
 * the unit that changed them): a master SIGKILLed after FUNCTION LOAD restarts with them (FCALL
 * works, FUNCTION LIST unchanged, `redis-cli --functions-rdb` gets them), after FUNCTION DELETE without them; a corrupt record refuses the
 * start. A replikit-server replica on LMDB of a real redis-server master (a library from the first
 * full sync, one from the stream) SIGKILLed and restarted continues by partial resync with the
 * master's libraries, and applies the master's next FUNCTION DELETE like the master did.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRdbBuffer } from '@replikit/rdb';
import { openLmdbStorage } from '@replikit/storage-lmdb';
import { getFreePort, hasRedis, hasRedisCli, type RedisServerHandle, redisRequired, startRedisServer, waitFor, watchProcess } from '@replikit/test-utils';
import Redis from 'ioredis';
import { tempDir } from '../aof/aof-helpers';
import { infoMap, redisCliAsync } from '../replication/helpers';
import { type BundledCli, bundleCli, bundledCliEnv, type CliProcess, startBundledCli } from './bundled-cli';

const ready = hasRedis() && hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-server and redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
const describeRedis = ready ? describe : describe.skip;

const lib = (name: string, fn: string, value: string) =>
  `#!lua name=${name}\nredis.register_function{function_name='${fn}', callback=function(keys, args) return '${value}' .. (redis.call('GET', keys[1]) or '') end, flags={'no-writes'}}`;

/** FUNCTION LIST WITHCODE as comparable data: libraries and their functions by name. */
async function functionList(c: Redis): Promise<unknown[]> {
  const obj = (flat: unknown[]): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) o[String(flat[i])] = flat[i + 1];
    return o;
  };
  const libs = ((await c.call('FUNCTION', 'LIST', 'WITHCODE')) as unknown[][]).map(obj);
  for (const l of libs) l.functions = (l.functions as unknown[][]).map(obj).sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return libs.sort((a, b) => String(a.library_name).localeCompare(String(b.library_name)));
}

async function sigkill(p: CliProcess): Promise<void> {
  p.child.kill('SIGKILL');
  expect(await p.exited).toBe('SIGKILL');
}

describeRedis('function libraries on storage lmdb survive SIGKILL', () => {
  let bundle: BundledCli | undefined;
  let master: RedisServerHandle | undefined;
  const cleanup: string[] = [];
  beforeAll(() => {
    bundle = bundleCli();
  });
  afterAll(async () => {
    await master?.stop();
    bundle?.dispose();
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  it('a master: FUNCTION LOAD and DELETE are kept across kill -9; a corrupt record refuses the start', async () => {
    const dir = tempDir('lmdb-functions-master');
    cleanup.push(dir);
    const args = ['--dir', dir, '--save', '', '--storage', 'lmdb', '--storage-fsync', 'always', '--repl-diskless-sync-delay', '0'];
    let p = await startBundledCli(bundle as BundledCli, args);
    let c = new Redis({ port: p.port, host: '127.0.0.1' });
    await c.set('k', 'v');
    expect(await c.call('FUNCTION', 'LOAD', lib('libone', 'one', '1:'))).toBe('libone');
    expect(await c.call('FUNCTION', 'LOAD', lib('libtwo', 'two', '2:'))).toBe('libtwo');
    const before = await functionList(c);
    expect(before).toHaveLength(2);
    c.disconnect();
    await sigkill(p);

    p = await startBundledCli(bundle as BundledCli, args);
    c = new Redis({ port: p.port, host: '127.0.0.1' });
    expect(await c.call('FCALL', 'one', '1', 'k')).toBe('1:v');
    expect(await c.call('FCALL', 'two', '1', 'k')).toBe('2:v');
    expect(await functionList(c)).toEqual(before);
    // what it serves a replica asking for the libraries only (rdb-filter-only functions)
    const file = join(dir, 'functions.rdb');
    expect((await redisCliAsync(p.port, ['--functions-rdb', file])).code).toBe(0);
    expect(readRdbBuffer(readFileSync(file)).functions.map((f) => f.toString('latin1'))).toEqual([lib('libone', 'one', '1:'), lib('libtwo', 'two', '2:')]);
    expect(await c.call('FUNCTION', 'DELETE', 'libone')).toBe('OK');
    c.disconnect();
    await sigkill(p);

    p = await startBundledCli(bundle as BundledCli, args);
    c = new Redis({ port: p.port, host: '127.0.0.1' });
    await expect(c.call('FCALL', 'one', '1', 'k')).rejects.toThrow('Function not found');
    expect(await c.call('FCALL', 'two', '1', 'k')).toBe('2:v');
    expect(await functionList(c)).toEqual(before.slice(1));
    expect(await c.call('FUNCTION', 'FLUSH')).toBe('OK');
    c.disconnect();
    await sigkill(p);

    // a record that is not a FUNCTION DUMP payload: the start is refused, naming the cause
    const a = openLmdbStorage(16, { dir, fsync: 'always' });
    expect(a.getAux('functions')).toBeUndefined();
    a.putAux('functions', Buffer.from('not a payload'));
    a.commit();
    a.close();
    const root = resolve(__dirname, '../..');
    const bad = watchProcess(spawn(process.execPath, [(bundle as BundledCli).file, ...args, '--port', String(await getFreePort()), '--bind', '127.0.0.1'], { cwd: root, env: bundledCliEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/function libraries stored in the lmdb storage .* cannot be loaded: DUMP payload version or checksum are wrong/);
  }, 60000);

  it('a replica of redis-server: libraries of the full sync and of the stream survive kill -9 and a partial resync', async () => {
    master = await startRedisServer({ config: { 'repl-diskless-sync': 'no' } });
    const m = new Redis({ port: master.port, host: '127.0.0.1' });
    await m.set('k', 'v');
    await m.call('FUNCTION', 'LOAD', lib('synced', 'fromsync', 's:'));
    const dir = tempDir('lmdb-functions-replica');
    cleanup.push(dir);
    const args = ['--dir', dir, '--save', '', '--storage', 'lmdb', '--storage-fsync', 'always', '--replicaof', '127.0.0.1', String(master.port)];
    let p = await startBundledCli(bundle as BundledCli, args);
    let r: Redis | undefined;
    try {
      await p.waitForOutput(/Finished with success/);
      await m.call('FUNCTION', 'LOAD', lib('streamed', 'fromstream', 't:'));
      r = new Redis({ port: p.port, host: '127.0.0.1' });
      const replica = r;
      await waitFor('the streamed library on the replica', async () => (await functionList(replica)).length === 2);
      expect(await functionList(r)).toEqual(await functionList(m));
      r.disconnect();
      const statsBefore = infoMap(await m.info('stats'));
      await sigkill(p);

      p = await startBundledCli(bundle as BundledCli, args);
      await p.waitForOutput(/Master accepted a Partial Resynchronization/);
      const statsAfter = infoMap(await m.info('stats'));
      const delta = (f: string) => Number(statsAfter.get(f)) - Number(statsBefore.get(f));
      expect({ sync_full: delta('sync_full'), sync_partial_ok: delta('sync_partial_ok') }).toEqual({ sync_full: 0, sync_partial_ok: 1 });
      r = new Redis({ port: p.port, host: '127.0.0.1' });
      expect(await functionList(r)).toEqual(await functionList(m));
      expect(await r.call('FCALL_RO', 'fromsync', '1', 'k')).toBe('s:v');
      expect(await r.call('FCALL_RO', 'fromstream', '1', 'k')).toBe('t:v');
      // the master's next change applies on top of what the replica restarted with
      await m.call('FUNCTION', 'DELETE', 'synced');
      await m.set('k', 'w');
      const again = r;
      await waitFor('the replica caught up', async () => (await again.get('k')) === 'w');
      expect(await functionList(r)).toEqual(await functionList(m));
      expect(await r.call('FCALL_RO', 'fromstream', '1', 'k')).toBe('t:w');
    } finally {
      r?.disconnect();
      m.disconnect();
      if (p.child.exitCode === null && p.child.signalCode === null) await p.stop();
    }
  }, 60000);
});
