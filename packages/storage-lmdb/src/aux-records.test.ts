// The LMDB adapter's aux records (StorageAdapter.putAux/getAux) beyond the conformance suite: a
// file without any reads as none, a bulk unit writes them with its last transaction, and a file
// emptied at open (load-in-progress marker) loses them with the keys.
import { join } from 'node:path';
import { createKeyspace } from '@replikit/keyspace';
import { tempDirs } from '@replikit/test-utils';
import { open } from 'lmdb';
import { DEFAULT_LMDB_FILENAME, LMDB_BULK_MIN_KEYS } from './defaults';
import { openLmdbStorage } from './lmdb-storage';

const dirs = tempDirs('replikit-lmdb-aux-');
const freshDir = dirs.fresh;
afterAll(dirs.removeAll);

const replid = 'c3'.repeat(20);
const turn = () => new Promise((r) => setImmediate(r));
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString());

describe('LmdbStorageAdapter aux records', () => {
  it('a file written without aux records has none; one put later is read back after a reopen', () => {
    const dir = freshDir();
    const a = openLmdbStorage(1, { dir, fsync: 'always' });
    a.db(0).set('k', 'v');
    a.commit({ replid, offset: 1 });
    a.close();
    const b = openLmdbStorage(1, { dir, fsync: 'always' });
    expect(b.getAux('functions')).toBeUndefined();
    b.putAux('functions', Buffer.from('libs'));
    b.commit({ replid, offset: 2 });
    b.close();
    const c = openLmdbStorage(1, { dir, fsync: 'always' });
    expect(text(c.getAux('functions'))).toBe('libs');
    expect(c.committedPosition()).toMatchObject({ offset: 2 });
    c.close();
  });

  it('a bulk unit (a full sync load) writes its aux records with its last transaction', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(1, { dir, fsync: 'everysec' });
    const ks = createKeyspace({ databases: 1, storage: a, commits: 'manual' });
    a.putAux('functions', Buffer.from('before'));
    ks.commit({ replid, offset: 1 });
    await turn();
    ks.flushAll();
    a.putAux('functions', Buffer.from('loaded'));
    for (let i = 0; i < LMDB_BULK_MIN_KEYS * 2; i++) ks.load(0, `k${i}`, 'v');
    ks.commit({ replid, offset: 2 });
    for (let i = 0; i < 1000 && a.stats.bulkWrites === 0; i++) await turn();
    expect(a.stats.bulkWrites).toBe(1);
    ks.close();
    const b = openLmdbStorage(1, { dir, fsync: 'everysec' });
    expect(b.db(0).size()).toBe(LMDB_BULK_MIN_KEYS * 2);
    expect(text(b.getAux('functions'))).toBe('loaded');
    b.close();
  });

  it('a file emptied at open (a bulk unit cut short) holds no aux records', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(1, { dir, fsync: 'always' });
    a.db(0).set('k', 'v');
    a.putAux('functions', Buffer.from('libs'));
    a.commit({ replid, offset: 5 });
    a.close();
    const env = open({ path: join(dir, DEFAULT_LMDB_FILENAME), maxDbs: 5 });
    env.openDB('meta', {}).putSync('loading', true);
    await env.close();
    const b = openLmdbStorage(1, { dir, fsync: 'always' });
    expect(b.stats.discardedPartialLoad).toBe(true);
    expect(b.getAux('functions')).toBeUndefined();
    b.close();
    const c = openLmdbStorage(1, { dir, fsync: 'always' });
    expect(c.getAux('functions')).toBeUndefined();
    c.close();
  });
});
