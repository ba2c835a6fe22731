import { spawnSync } from 'node:child_process';
import { createKeyspace, runStorageAdapterConformance, type StorageAdapter } from '@replikit/keyspace';
import { tempDirs } from '@replikit/test-utils';
import { type LmdbFsyncPolicy, type LmdbStorageAdapter, openLmdbStorage } from './lmdb-storage';

const dirs = tempDirs('replikit-lmdb-');
const dirOf = new WeakMap<StorageAdapter, { dir: string; fsync: LmdbFsyncPolicy }>();
const adapters: LmdbStorageAdapter[] = [];

const freshDir = dirs.fresh;

function opened(databases: number, dir: string, fsync: LmdbFsyncPolicy): LmdbStorageAdapter {
  const a = openLmdbStorage(databases, { dir, fsync });
  dirOf.set(a, { dir, fsync });
  adapters.push(a);
  return a;
}

afterAll(() => {
  for (const a of adapters) a.close();
  dirs.removeAll();
});

const replid = 'a1'.repeat(20);

for (const fsync of ['everysec', 'always'] as const) {
  runStorageAdapterConformance(`lmdb (fsync ${fsync})`, (n) => opened(n, freshDir(), fsync), { describe, it, expect }, {
    reopen: (previous, n) => {
      const where = dirOf.get(previous);
      if (where === undefined) throw new Error('not an adapter of this test');
      previous.close?.();
      return opened(n, where.dir, where.fsync);
    },
  });
}

describe('LmdbStorageAdapter', () => {
  it('writes the units committed in one event-loop turn in one transaction (everysec)', async () => {
    const dir = freshDir();
    const a = opened(1, dir, 'everysec');
    const ks = createKeyspace({ databases: 1, storage: a });
    for (let i = 0; i < 100; i++) ks.execute(['SET', `k${i}`, 'v'], { db: 0 });
    expect(a.stats.transactions).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(a.stats.transactions).toBe(1);
    expect(a.stats.recordsWritten).toBe(100);
    ks.close();
  });

  it('one unit mixing strings, collections, TTLs, deletes and a FLUSHDB reopens with the state at its commit', async () => {
    const dir = freshDir();
    const a = opened(2, dir, 'everysec');
    const ks = createKeyspace({ databases: 2, storage: a, commits: 'manual' });
    const at = String(Date.now() + 3_600_000);
    const run = (db: number, ...cmds: string[][]) => {
      for (const c of cmds) ks.execute(c, { db });
    };
    run(0, ['SET', 'keep', 'k'], ['PEXPIREAT', 'keep', at]);
    ks.commit({ replid, offset: 1 });
    await new Promise((r) => setImmediate(r));
    run(0, ['APPEND', 'keep', '+'], ['SET', 's', '1'], ['PEXPIREAT', 's', at], ['SET', 's', '2'], ['SET', 'ttl', 'x', 'PXAT', at]);
    run(0, ['SET', 'l', 'str'], ['DEL', 'l'], ['RPUSH', 'l', 'a', 'b'], ['RPUSH', 'l', 'c'], ['SET', 'h', 'v'], ['DEL', 'h'], ['HSET', 'h', 'f', '1'], ['DEL', 'h']);
    run(1, ['SET', 'gone', '1'], ['FLUSHDB'], ['SET', 'after', '1'], ['DEL', 'after'], ['SET', 'after', '2'], ['RPUSH', 'l1', 'x']);
    ks.commit({ replid, offset: 2 });
    await new Promise((r) => setImmediate(r));
    const read = (k: ReturnType<typeof createKeyspace>) => [
      k.execute(['GET', 'keep'], { db: 0 }).reply,
      k.execute(['PEXPIRETIME', 'keep'], { db: 0 }).reply,
      k.execute(['GET', 's'], { db: 0 }).reply,
      k.execute(['PEXPIRETIME', 's'], { db: 0 }).reply,
      k.execute(['PEXPIRETIME', 'ttl'], { db: 0 }).reply,
      k.execute(['LRANGE', 'l', '0', '-1'], { db: 0 }).reply,
      k.execute(['EXISTS', 'h'], { db: 0 }).reply,
      k.execute(['KEYS', '*'], { db: 1 }).reply,
      k.execute(['GET', 'after'], { db: 1 }).reply,
    ];
    const want = read(ks);
    expect(want).toEqual(['k+', Number(at), '2', -1, Number(at), ['a', 'b', 'c'], 0, expect.arrayContaining(['after', 'l1']), '2']);
    ks.close();
    const again = createKeyspace({ databases: 2, storage: opened(2, dir, 'everysec') });
    expect(read(again)).toEqual(want);
    again.close();
  });

  it("fsync 'always' writes each unit inside commit()", () => {
    const a = opened(1, freshDir(), 'always');
    const ks = createKeyspace({ databases: 1, storage: a });
    ks.execute(['SET', 'a', '1'], { db: 0 });
    ks.execute(['GET', 'a'], { db: 0 });
    ks.executeTransaction([['SET', 'b', '1'], ['INCR', 'b']], { db: 0 });
    expect(a.stats.transactions).toBe(2);
    ks.close();
  });

  it('close() with writes after the last commit point stores them without a position', () => {
    const dir = freshDir();
    const a = opened(1, dir, 'everysec');
    const ks = createKeyspace({ databases: 1, storage: a, commits: 'manual' });
    ks.execute(['SET', 'a', '1'], { db: 0 });
    ks.commit({ replid, offset: 10 });
    ks.execute(['SET', 'b', '2'], { db: 0 });
    ks.close();
    const b = opened(1, dir, 'everysec');
    expect(b.committedPosition()).toBeUndefined();
    expect(b.db(0).get('b')).toBe('2');
    b.close();
  });

  it('refuses a file written with another database count', () => {
    const dir = freshDir();
    opened(2, dir, 'no').close();
    expect(() => openLmdbStorage(3, { dir })).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_LMDB_OPEN' }));
    expect(() => openLmdbStorage(3, { dir, fsync: 'sometimes' as 'no' })).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_LMDB_INVALID_OPTION' }));
  });

  it('a process killed with SIGKILL restarts from its last written unit, never half of one', () => {
    const dir = freshDir();
    // the child commits units with positions, then starts a unit (SET, INCR) that it never
    // commits, waits a turn so a flush could run, and is killed
    const script = `
      const { createKeyspace } = require('@replikit/keyspace');
      const { openLmdbStorage } = require('./lmdb-storage');
      const ks = createKeyspace({ databases: 1, storage: openLmdbStorage(1, { dir: ${JSON.stringify(dir)}, fsync: 'no' }), commits: 'manual' });
      const s = { db: 0 };
      for (let i = 1; i <= 50; i++) { ks.execute(['INCR', 'n'], s); ks.execute(['RPUSH', 'l', String(i)], s); ks.commit({ replid: '${replid}', offset: i * 100 }); }
      setImmediate(() => {
        ks.execute(['INCR', 'n'], s);
        ks.execute(['SET', 'half', 'x'], s);
        setImmediate(() => process.kill(process.pid, 'SIGKILL'));
      });
    `;
    const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 30000 });
    expect(r.signal).toBe('SIGKILL');
    const a = opened(1, dir, 'no');
    expect(a.committedPosition()).toEqual({ replid, offset: 5000, streamDb: 0 });
    expect(a.db(0).get('n')).toBe('50');
    expect(a.db(0).get('half')).toBeUndefined();
    const ks = createKeyspace({ databases: 1, storage: a });
    expect(ks.execute(['LLEN', 'l'], { db: 0 }).reply).toBe(50);
    ks.close();
  });
});
