// The LMDB cursor store: round trip across a reopen, concurrent saves (the last one wins), a garbage
// record reported as a typed error, and the position written in the application's own transaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { createLmdbCursorStore, LMDB_CURSOR_TABLE } from './cursor-store';

const R = 'c'.repeat(40);

describe('LMDB cursor store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-lmdb-cursor-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads undefined, then the saved position, also after a reopen; named cursors are apart', async () => {
    const a = createLmdbCursorStore({ dir });
    expect(await a.load()).toBeUndefined();
    await a.save({ replid: R, offset: 4242, db: 9 });
    expect(await a.load()).toEqual({ replid: R, offset: 4242, db: 9 });
    await a.close();
    const b = createLmdbCursorStore({ dir });
    expect(await b.load()).toEqual({ replid: R, offset: 4242, db: 9 });
    await b.close();
    const other = createLmdbCursorStore({ dir, name: 'audit-log' });
    expect(await other.load()).toBeUndefined();
    await other.close();
  });

  it('concurrent saves all resolve and the last one wins', async () => {
    const s = createLmdbCursorStore({ dir });
    await Promise.all(Array.from({ length: 300 }, (_, i) => s.save({ replid: R, offset: i, db: i % 7 })));
    expect(await s.load()).toEqual({ replid: R, offset: 299, db: 299 % 7 });
    await s.close();
  });

  it('a garbage or invalid record is ERR_STORAGE_LMDB_CURSOR_CORRUPT; an invalid position is refused', async () => {
    const env = open({ path: join(dir, 'app.lmdb'), maxDbs: 4 });
    const raw = env.openDB(LMDB_CURSOR_TABLE, { encoding: 'binary' });
    const s = createLmdbCursorStore({ env });
    for (const bad of [Buffer.from([0xde, 0xad, 0xbe, 0xef]), Buffer.from('{"replid":"x y","offset":1,"db":0}'), Buffer.from('{"replid":"ab","offset":-5,"db":0}'), Buffer.alloc(5000, 0x20)]) {
      await raw.put('default', bad);
      await expect(s.load()).rejects.toMatchObject({ code: 'ERR_STORAGE_LMDB_CURSOR_CORRUPT', cursor: 'default' });
    }
    await expect(s.save({ replid: R, offset: 1.5, db: 0 })).rejects.toMatchObject({ code: 'ERR_STORAGE_LMDB_CURSOR_CORRUPT' });
    await s.close();
    await env.close();
  });

  it('putSync writes the position in the application transaction: both commit, or neither', async () => {
    const env = open({ path: join(dir, 'app.lmdb'), maxDbs: 4 });
    const data = env.openDB('sink', {});
    const s = createLmdbCursorStore({ env, name: 'sink' });
    env.transactionSync(() => {
      data.putSync('k', 'v1');
      s.putSync({ replid: R, offset: 100, db: 0 });
    });
    expect(await s.load()).toEqual({ replid: R, offset: 100, db: 0 });
    expect(() =>
      env.transactionSync(() => {
        data.putSync('k', 'v2');
        s.putSync({ replid: R, offset: 200, db: 0 });
        throw new Error('the application failed mid-way');
      }),
    ).toThrow('mid-way');
    expect(data.get('k')).toBe('v1');
    expect(await s.load()).toEqual({ replid: R, offset: 100, db: 0 });
    await s.close();
    await env.close();
  });
});
