/**
 * A file of format 1 (one record per key in keyed tables plus an unmerged journal, the layout of
 * earlier builds) opened by the current adapter: migrated to format 2 with the same dataset, SWAPDB
 * mapping and replication position; a process SIGKILLed inside the migration leaves a file that
 * the next open still migrates whole. The fixture writer (v1-fixture.ts) encodes format 1 on its own.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createKeyspace, MemoryStorageAdapter } from '@replikit/keyspace';
import { tempDirs } from '@replikit/test-utils';
import { openLmdbStorage } from './lmdb-storage';
import { buildV1, V1_DBS as DBS, datasetOf, V1_POSITION, V1Writer } from './v1-fixture';

const dirs = tempDirs('replikit-lmdb-v1-');
const freshDir = dirs.fresh;
afterAll(dirs.removeAll);

describe('LmdbStorageAdapter on a format-1 file', () => {
  it('migrates it to format 2: every type, TTLs, several dbs, the unmerged journal, the position', async () => {
    const dir = freshDir();
    const want = await buildV1(dir);
    const lines: string[] = [];
    const a = openLmdbStorage(DBS, { dir, log: (l) => lines.push(l) });
    const ks = createKeyspace({ databases: DBS, storage: a });
    const got = datasetOf(ks);
    expect(got.length).toBeGreaterThan(15);
    expect(got).toEqual(want);
    expect(a.committedPosition()).toEqual(V1_POSITION);
    expect(a.stats.migratedKeys).toBe(a.stats.keysLoaded);
    expect(lines).toEqual([`Migrated LMDB storage from format 1 to format 2: ${a.stats.keysLoaded} keys`]);
    ks.execute(['SET', 'post', 'migration'], { db: 2 });
    a.commit({ replid: V1_POSITION.replid, offset: 5000 });
    a.close();
    // reopened: a format-2 file (no second migration) with the same data and the new write
    const b = openLmdbStorage(DBS, { dir, log: (l) => lines.push(l) });
    const ks2 = createKeyspace({ databases: DBS, storage: b });
    expect(b.stats.migratedKeys).toBe(-1);
    expect(lines).toHaveLength(1);
    expect(ks2.execute(['GET', 'post'], { db: 2 })).toEqual(ks.execute(['GET', 'post'], { db: 2 }));
    ks2.execute(['DEL', 'post'], { db: 2 });
    expect(datasetOf(ks2)).toEqual(want);
    expect(b.committedPosition()).toEqual({ replid: V1_POSITION.replid, offset: 5000, streamDb: 0 });
    b.close();
  });

  it('keeps the SWAPDB mapping of format 1', async () => {
    const dir = freshDir();
    const store = new MemoryStorageAdapter(DBS);
    const ref = createKeyspace({ databases: DBS, storage: store });
    ref.execute(['SET', 'in-slot-0', 'x'], { db: 0 });
    const w = new V1Writer(dir);
    w.keyed(store);
    w.meta({ format: 1, databases: DBS, map: [1, 0, 2, 3], position: null });
    await w.close();
    const a = openLmdbStorage(DBS, { dir });
    const ks = createKeyspace({ databases: DBS, storage: a });
    expect(JSON.stringify(ks.execute(['EXISTS', 'in-slot-0'], { db: 1 }))).toContain('1');
    expect(JSON.stringify(ks.execute(['EXISTS', 'in-slot-0'], { db: 0 }))).not.toContain('1');
    expect(a.committedPosition()).toBeUndefined();
    a.close();
  });

  it('discards a format-1 file killed inside a bulk load (its marker set), as format 2 does', async () => {
    const dir = freshDir();
    await buildV1(dir);
    const w = new V1Writer(dir);
    w.meta({ loading: true });
    await w.close();
    const lines: string[] = [];
    const a = openLmdbStorage(DBS, { dir, log: (l) => lines.push(l) });
    expect(a.stats.keysLoaded).toBe(0);
    expect(a.stats.discardedPartialLoad).toBe(true);
    expect(a.committedPosition()).toBeUndefined();
    expect(lines).toEqual(['Migrated LMDB storage from format 1 to format 2: 0 keys (a partial load was discarded)']);
    a.close();
  });

  it('refuses a format-1 file of another database count, leaving it as it was', async () => {
    const dir = freshDir();
    const w = new V1Writer(dir);
    w.meta({ format: 1, databases: DBS, map: [0, 1, 2, 3], position: null });
    await w.close();
    expect(() => openLmdbStorage(2, { dir })).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_LMDB_OPEN' }));
    const a = openLmdbStorage(DBS, { dir });
    expect(a.stats.migratedKeys).toBe(0);
    a.close();
  });

  it('a process SIGKILLed inside the migration transaction leaves a file the next open migrates whole', async () => {
    const src = resolve(__dirname);
    // kill points: the Nth put into the new base, the drop of the journal, right after the commit
    const points = ['put:1', 'put:3', 'drop:db2', 'drop:journal', 'after'];
    for (const point of points) {
      const dir = freshDir();
      const want = await buildV1(dir);
      const script = `
        // lmdb makes a table class per environment: its methods are wrapped as open() returns it
        const lmdb = require('lmdb');
        const open = lmdb.open;
        const [what, arg] = ${JSON.stringify(point)}.split(':');
        let puts = 0;
        lmdb.open = function (...args) {
          const root = open.apply(this, args);
          const proto = Object.getPrototypeOf(root);
          const put = proto.putSync, drop = proto.dropSync;
          proto.putSync = function (...a) {
            if (what === 'put' && this.name === 'base0' && ++puts === Number(arg)) process.kill(process.pid, 'SIGKILL');
            return put.apply(this, a);
          };
          proto.dropSync = function (...a) {
            if (what === 'drop' && this.name === arg) process.kill(process.pid, 'SIGKILL');
            return drop.apply(this, a);
          };
          return root;
        };
        const { openLmdbStorage } = require('./lmdb-storage');
        openLmdbStorage(${DBS}, { dir: ${JSON.stringify(dir)}, log: () => { if (what === 'after') process.kill(process.pid, 'SIGKILL'); } });
        process.stdout.write('not killed\\n');
      `;
      const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], { cwd: src, encoding: 'utf8', timeout: 60000 });
      expect({ point, signal: r.signal, stderr: r.stderr }).toEqual({ point, signal: 'SIGKILL', stderr: '' });
      const a = openLmdbStorage(DBS, { dir });
      const ks = createKeyspace({ databases: DBS, storage: a });
      // killed before the commit: format 1 intact, migrated now; after it: format 2, nothing to migrate
      expect(a.stats.migratedKeys === -1).toBe(point === 'after');
      expect(datasetOf(ks)).toEqual(want);
      expect(a.committedPosition()).toEqual(V1_POSITION);
      a.close();
    }
  }, 120000);
});
