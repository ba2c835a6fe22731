import { join } from 'node:path';
import { createKeyspace } from '@replikit/keyspace';
import { tempDirs } from '@replikit/test-utils';
import { open } from 'lmdb';
import { DEFAULT_LMDB_FILENAME, LMDB_BULK_MIN_KEYS } from './defaults';
import { openLmdbStorage } from './lmdb-storage';

const dirs = tempDirs('replikit-lmdb-bulk-');
const freshDir = dirs.fresh;
afterAll(dirs.removeAll);

const replid = 'b2'.repeat(20);
const N = LMDB_BULK_MIN_KEYS * 3;
const turn = () => new Promise((r) => setImmediate(r));

/** The keys of db 0 with their values, sorted. */
function contents(ks: ReturnType<typeof createKeyspace>): Array<[string, unknown]> {
  const keys = (ks.execute(['KEYS', '*'], { db: 0 }).reply as string[]).sort();
  return keys.map((k) => [k, ks.execute(['GET', k], { db: 0 }).reply]);
}

describe('LmdbStorageAdapter bulk units', () => {
  it('opens a file holding the load-in-progress marker empty, without a position, and removes the marker', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(2, { dir, fsync: 'no' });
    const ks = createKeyspace({ databases: 2, storage: a, commits: 'manual' });
    ks.execute(['SET', 'old', '1'], { db: 0 });
    ks.execute(['SET', 'other', '1'], { db: 1 });
    ks.commit({ replid, offset: 42 });
    ks.close();
    // the marker as a bulk unit's first transaction leaves it, with records already in the tables
    const env = open({ path: join(dir, DEFAULT_LMDB_FILENAME), maxDbs: 5 });
    env.openDB('meta', {}).putSync('loading', true);
    await env.close();
    const b = openLmdbStorage(2, { dir, fsync: 'no' });
    expect(b.stats.discardedPartialLoad).toBe(true);
    expect(b.stats.keysLoaded).toBe(0);
    expect(b.committedPosition()).toBeUndefined();
    expect([b.db(0).size(), b.db(1).size()]).toEqual([0, 0]);
    b.close();
    const c = openLmdbStorage(2, { dir, fsync: 'no' });
    expect(c.stats.discardedPartialLoad).toBe(false);
    expect(c.db(0).size()).toBe(0);
    c.close();
  });

  it('writes a large cleared slot in slices across turns, with the changes made between slices, then the position', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(1, { dir, fsync: 'everysec' });
    const ks = createKeyspace({ databases: 1, storage: a, commits: 'manual' });
    ks.execute(['SET', 'before', 'x'], { db: 0 });
    ks.commit({ replid, offset: 1 });
    await turn();
    // a full sync's load: flush, many keys, one commit with the new position
    ks.execute(['FLUSHALL'], { db: 0 });
    for (let i = 0; i < N; i++) ks.execute(['SET', `k${i}`, `v${i}`], { db: 0 });
    ks.commit({ replid, offset: 1000 });
    let turns = 0;
    while (a.stats.bulkWrites === 0 || a.stats.bulkSlices === 0) {
      await turn();
      turns++;
    }
    // the stream goes on while the slices are written: change, delete and add keys
    ks.execute(['SET', 'k0', 'changed'], { db: 0 });
    ks.execute(['DEL', `k${N - 1}`], { db: 0 });
    ks.execute(['SET', 'late', 'y'], { db: 0 });
    ks.commit({ replid, offset: 1100 });
    while (a.stats.transactions < 3 + a.stats.bulkSlices) await turn();
    expect(a.stats.bulkWrites).toBe(1);
    expect(turns).toBeGreaterThan(0);
    const want = contents(ks);
    ks.close();
    const b = openLmdbStorage(1, { dir, fsync: 'no' });
    expect(b.stats.discardedPartialLoad).toBe(false);
    expect(b.committedPosition()).toEqual({ replid, offset: 1100, streamDb: 0 });
    const again = createKeyspace({ databases: 1, storage: b });
    const got = contents(again);
    expect(got.length).toBe(N);
    expect(got).toEqual(want);
    expect(again.execute(['GET', 'k0'], { db: 0 }).reply).toBe('changed');
    expect(again.execute(['GET', 'before'], { db: 0 }).reply).toBeNull();
    again.close();
  });

  it('close() during the slices writes the rest and the position', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(1, { dir, fsync: 'no' });
    const ks = createKeyspace({ databases: 1, storage: a, commits: 'manual' });
    ks.execute(['FLUSHALL'], { db: 0 });
    for (let i = 0; i < N; i++) ks.execute(['SET', `k${i}`, 'v'], { db: 0 });
    ks.commit({ replid, offset: 7 });
    await turn();
    expect(a.stats.bulkWrites).toBe(1);
    ks.close();
    const b = openLmdbStorage(1, { dir, fsync: 'no' });
    expect(b.committedPosition()).toEqual({ replid, offset: 7, streamDb: 0 });
    expect(b.db(0).size()).toBe(N);
    b.close();
  });

  it('keeps a small load one transaction', async () => {
    const a = openLmdbStorage(1, { dir: freshDir(), fsync: 'no' });
    const ks = createKeyspace({ databases: 1, storage: a, commits: 'manual' });
    ks.execute(['FLUSHALL'], { db: 0 });
    for (let i = 0; i < 100; i++) ks.execute(['SET', `k${i}`, 'v'], { db: 0 });
    ks.commit({ replid, offset: 7 });
    await turn();
    expect({ bulk: a.stats.bulkWrites, tx: a.stats.transactions }).toEqual({ bulk: 0, tx: 1 });
    ks.close();
  });
});
