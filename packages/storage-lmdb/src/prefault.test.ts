import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, MemoryDbStore } from '@replikit/keyspace';
import { DEFAULT_LMDB_FILENAME } from './defaults';
import { openLmdbStorage } from './lmdb-storage';
import { loadStore, openTables, readMeta } from './load';
import { prefaultPages, sharedMemory } from './prefault';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SLAB = 4 * 1024 * 1024;

describe('prefaultPages', () => {
  it('changes no byte the main thread writes while the worker runs, and ends by itself after the list', async () => {
    const slabs = [sharedMemory(SLAB), sharedMemory(SLAB), sharedMemory(SLAB)];
    const entries = sharedMemory(1 << 20);
    const pre = prefaultPages(slabs, [entries]);
    // the first word of every page is what the worker ORs with 0: write exactly those meanwhile
    const views = [...slabs, entries].map((m) => new Int32Array(m));
    let ended = false;
    void pre.finished.then(() => {
      ended = true;
    });
    // rounds of writes until the worker has gone through the list by itself
    let round = 0;
    while (!ended) {
      round++;
      for (const v of views) for (let i = 0; i < v.length; i += 1024) v[i] = round * 1000 + (i >> 10);
      pre.read(round * SLAB);
      await new Promise((r) => setImmediate(r));
    }
    pre.stop();
    for (const v of views) for (let i = 0; i < v.length; i += 1024) expect(v[i]).toBe(round * 1000 + (i >> 10));
    expect(round).toBeGreaterThan(1);
  });

  it('waits for the load past its lead instead of faulting in memory a stale hint asked for; stop() ends the wait', async () => {
    const slabs = Array.from({ length: 10 }, () => sharedMemory(SLAB));
    const pre = prefaultPages(slabs);
    // the load never reports progress: the worker stops at the lead (8 slabs) and waits
    await new Promise((r) => setTimeout(r, 200));
    pre.stop();
    await pre.finished;
  });

  it('does nothing without memory', async () => {
    const pre = prefaultPages([]);
    pre.read(1);
    pre.stop();
    await pre.finished;
  });
});

describe('an open with the slab hint', () => {
  it('records the slab bytes per slot at close; a load prefaulting from them gives the same dataset as one that does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replikit-lmdb-prefault-'));
    dirs.push(dir);
    const a = openLmdbStorage(3, { dir, fsync: 'no' });
    const ks = createKeyspace({ databases: 3, storage: a });
    for (let i = 0; i < 20_000; i++) ks.execute(['SET', `key:${i}`, `${'v'.repeat(i % 200)}${i}`], { db: i % 2 });
    for (let i = 0; i < 20_000; i += 5) ks.execute(['SET', `key:${i}`, `again ${i}`], { db: i % 2 });
    for (let i = 1; i < 20_000; i += 9) ks.execute(['DEL', `key:${i}`], { db: i % 2 });
    ks.execute(['SET', 'ttl', 'x', 'PX', '100000000'], { db: 2 });
    ks.execute(['RPUSH', 'list', 'a', 'b', 'c'], { db: 2 });
    ks.execute(['HSET', 'hash', 'f', 'v'], { db: 0 });
    const slabBytes = [0, 1, 2].map((s) => (a.db(s) as unknown as { mem: MemoryDbStore }).mem.slabBytes());
    ks.close();
    expect(slabBytes[0]).toBeGreaterThan(0);

    const { env, tables } = openTables(dir, join(dir, DEFAULT_LMDB_FILENAME), 'no', 8);
    try {
      const meta = readMeta(env, tables, 3, dir);
      expect(meta.slabBytes).toEqual(slabBytes);
      const load = (prefaultMinBytes: number) => {
        const mems = [new MemoryDbStore(), new MemoryDbStore(), new MemoryDbStore()];
        loadStore(tables, meta.layout, mems, { sizes: meta.sizes, slabBytes: meta.slabBytes, prefaultMinBytes });
        return mems.map((m) => {
          const out: unknown[] = [];
          for (let it = m.keys(), r = it.next(); !r.done; r = it.next()) out.push([r.value, m.get(r.value), m.getExpire(r.value)]);
          return out.sort((x, y) => ((x as string[])[0] < (y as string[])[0] ? -1 : 1));
        });
      };
      const plain = load(Number.POSITIVE_INFINITY);
      expect(plain[0].length + plain[1].length + plain[2].length).toBe(20_000 - Math.ceil(19_999 / 9) + 3);
      expect(load(0)).toEqual(plain);
      // a hint far above the data: the same dataset (the unused slabs are dropped)
      const mems = [new MemoryDbStore(), new MemoryDbStore(), new MemoryDbStore()];
      loadStore(tables, meta.layout, mems, { sizes: meta.sizes, slabBytes: [10 * SLAB, 0, 0], prefaultMinBytes: 0 });
      expect(mems[0].size()).toBe(plain[0].length);
    } finally {
      void env.close();
    }
  });
});
