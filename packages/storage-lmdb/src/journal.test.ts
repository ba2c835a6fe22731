import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace } from '@replikit/keyspace';
import { open } from 'lmdb';
import { DEFAULT_LMDB_FILENAME } from './defaults';
import { decodeJournalEntry, J_CLEAR, J_DEL, J_SET, journalClear, journalDel, journalKey, journalSeq, journalSet } from './journal';
import { type LmdbStorageAdapter, openLmdbStorage } from './lmdb-storage';
import { decodeRecord } from './record-codec';

const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'replikit-lmdb-journal-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const replid = 'c3'.repeat(20);
const turn = () => new Promise((r) => setImmediate(r));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function merged(a: LmdbStorageAdapter): Promise<void> {
  await turn();
  for (let i = 0; i < 2000 && a.stats.journalEntries !== 0; i++) await pause(5);
  expect(a.stats.journalEntries).toBe(0);
}

/** Every key of every database with its value, TTL and type, sorted. */
function dump(ks: ReturnType<typeof createKeyspace>, databases: number): unknown[] {
  const out: unknown[] = [];
  for (let db = 0; db < databases; db++) {
    const keys = (ks.execute(['KEYS', '*'], { db }).reply as string[]).sort();
    for (const k of keys) out.push([db, k, ks.execute(['DUMP', k], { db }).reply, ks.execute(['PEXPIRETIME', k], { db }).reply]);
  }
  return out;
}

/** Commands covering each entry kind: sets, TTLs set and removed, deletes, a FLUSHDB, SWAPDB, collections. */
function workload(ks: ReturnType<typeof createKeyspace>): void {
  const at = Date.now() + 3_600_000;
  for (let i = 0; i < 300; i++) ks.execute(['SET', `k${i}`, `v${i}`], { db: 0 });
  ks.commit({ replid, offset: 1 });
  for (let i = 0; i < 300; i += 3) ks.execute(['DEL', `k${i}`], { db: 0 });
  for (let i = 1; i < 300; i += 3) ks.execute(['PEXPIREAT', `k${i}`, String(at)], { db: 0 });
  ks.execute(['PERSIST', 'k1'], { db: 0 });
  ks.execute(['RPUSH', 'list', 'a', 'b', 'c'], { db: 0 });
  ks.execute(['HSET', 'h', 'f', '1'], { db: 1 });
  ks.execute(['SET', 'gone', 'x'], { db: 1 });
  ks.commit({ replid, offset: 2 });
  ks.execute(['FLUSHDB'], { db: 1 });
  ks.execute(['SET', 'after-flush', 'y'], { db: 1 });
  ks.execute(['SET', `long:${'x'.repeat(2000)}`, 'long key'], { db: 1 });
  ks.execute(['SWAPDB', '0', '1'], { db: 0 });
  ks.execute(['SET', 'k2', 'in the swapped db'], { db: 1 });
  ks.commit({ replid, offset: 3 });
}

describe('LMDB journal', () => {
  it('encodes and decodes each entry kind', () => {
    const set = decodeJournalEntry(journalSet(3, 'key', 'value', 1234));
    expect({ ...set, record: undefined }).toEqual({ kind: J_SET, slot: 3, key: 'key', record: undefined });
    expect(decodeRecord(set.record)).toEqual({ value: 'value', expireAt: 1234, key: undefined });
    expect({ ...decodeJournalEntry(journalDel(1, 'k')), record: undefined }).toEqual({ kind: J_DEL, slot: 1, key: 'k', record: undefined });
    expect(decodeJournalEntry(journalClear(2)).kind).toBe(J_CLEAR);
    expect(journalSeq(journalKey(2 ** 40 + 5))).toBe(2 ** 40 + 5);
    expect(Buffer.compare(journalKey(255), journalKey(256))).toBe(-1);
    expect(() => decodeJournalEntry(Buffer.from([9, 0, 0, 0, 0, 0, 0]))).toThrow('unknown journal entry kind');
    expect(() => decodeJournalEntry(Buffer.from([J_SET, 0, 0, 1, 0, 0, 0, 0x6b]))).toThrow('without its record');
  });

  it('reopens from the journal alone, and from the keyed tables once merged, with the same dataset', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(2, { dir, fsync: 'everysec' });
    const ks = createKeyspace({ databases: 2, storage: a, commits: 'manual' });
    workload(ks);
    const want = dump(ks, 2);
    await turn();
    // closed before any merge: everything is in the journal
    expect(a.stats.mergedEntries).toBe(0);
    expect(a.stats.journalEntries).toBeGreaterThan(0);
    ks.close();

    const b = openLmdbStorage(2, { dir, fsync: 'everysec' });
    expect(b.stats.journalEntries).toBe(a.stats.journalEntries);
    expect(b.committedPosition()).toEqual({ replid, offset: 3, streamDb: 0 });
    const ks2 = createKeyspace({ databases: 2, storage: b, commits: 'manual' });
    expect(dump(ks2, 2)).toEqual(want);
    // the background merge empties the journal into the keyed tables
    await merged(b);
    expect(b.stats.mergeSlices).toBeGreaterThan(0);
    ks2.close();

    const c = openLmdbStorage(2, { dir, fsync: 'everysec' });
    expect(c.stats.journalEntries).toBe(0);
    const ks3 = createKeyspace({ databases: 2, storage: c, commits: 'manual' });
    expect(dump(ks3, 2)).toEqual(want);
    ks3.close();
  });

  it('bounds the journal: past journalMaxEntries a unit merges as many entries as it appends', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(1, { dir, fsync: 'no', journalMaxEntries: 50 });
    const ks = createKeyspace({ databases: 1, storage: a, commits: 'manual' });
    for (let i = 0; i < 40; i++) ks.execute(['SET', `a${i}`, 'v'], { db: 0 });
    ks.commit({ replid, offset: 1 });
    await turn();
    expect([a.stats.journalEntries, a.stats.mergedEntries]).toEqual([40, 0]);
    for (let i = 0; i < 100; i++) ks.execute(['SET', `b${i}`, 'v'], { db: 0 });
    ks.commit({ replid, offset: 2 });
    await turn();
    expect([a.stats.journalEntries, a.stats.mergedEntries]).toEqual([50, 90]);
    const want = dump(ks, 1);
    ks.close();
    const b = openLmdbStorage(1, { dir, fsync: 'no' });
    const ks2 = createKeyspace({ databases: 1, storage: b });
    expect(dump(ks2, 1)).toEqual(want);
    ks2.close();
    expect(() => openLmdbStorage(1, { dir, journalMaxEntries: -1 })).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_LMDB_INVALID_OPTION' }));
  });

  it('a full sync load (bulk unit) goes through the journal: a CLEAR entry, then the keys, merged in the background', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(2, { dir, fsync: 'no' });
    const ks = createKeyspace({ databases: 2, storage: a, commits: 'manual' });
    ks.execute(['SET', 'old', '1'], { db: 0 });
    ks.execute(['SET', 'kept', '1'], { db: 1 });
    ks.commit({ replid, offset: 1 });
    await merged(a);
    ks.execute(['FLUSHDB'], { db: 0 });
    for (let i = 0; i < 10000; i++) ks.execute(['SET', `n${i}`, 'v'], { db: 0 });
    ks.commit({ replid, offset: 2 });
    await turn();
    expect(a.stats.bulkWrites).toBe(1);
    while (a.stats.transactions < 3 + a.stats.bulkSlices) await turn();
    expect(a.stats.journalEntries).toBeGreaterThan(10000);
    const want = dump(ks, 2);
    ks.close();
    // from the journal (its CLEAR drops `old` from the keyed table's copy), then once merged
    for (let round = 0; round < 2; round++) {
      const b = openLmdbStorage(2, { dir, fsync: 'no' });
      const ks2 = createKeyspace({ databases: 2, storage: b });
      expect(b.committedPosition()).toEqual({ replid, offset: 2, streamDb: 0 });
      expect(dump(ks2, 2)).toEqual(want);
      expect(ks2.execute(['GET', 'kept'], { db: 1 }).reply).toBe('1');
      expect(ks2.execute(['EXISTS', 'old'], { db: 0 }).reply).toBe(0);
      if (round === 0) await merged(b);
      ks2.close();
    }
  }, 60000);

  it('a process killed with SIGKILL between merge slices restarts with every committed key', () => {
    const dir = freshDir();
    // the child commits 20000 keys in units, waits until merge slices have run but the journal
    // is not empty yet, and is killed
    const script = `
      const { createKeyspace } = require('@replikit/keyspace');
      const { openLmdbStorage } = require('./lmdb-storage');
      const a = openLmdbStorage(1, { dir: ${JSON.stringify(dir)}, fsync: 'no' });
      const ks = createKeyspace({ databases: 1, storage: a, commits: 'manual' });
      for (let u = 0; u < 20; u++) {
        for (let i = 0; i < 1000; i++) ks.execute(['SET', 'k' + (u * 1000 + i), 'v' + u], { db: 0 });
        ks.execute(['INCR', 'units'], { db: 0 });
        ks.commit({ replid: '${replid}', offset: u + 1 });
      }
      const poll = () => {
        if (a.stats.mergeSlices >= 2 && a.stats.journalEntries > 0) {
          process.stdout.write(JSON.stringify(a.stats));
          process.kill(process.pid, 'SIGKILL');
        }
        setTimeout(poll, 1);
      };
      poll();
    `;
    const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 60000 });
    expect(r.signal).toBe('SIGKILL');
    const at = JSON.parse(r.stdout);
    expect(at.mergedEntries).toBeGreaterThan(0);
    const b = openLmdbStorage(1, { dir, fsync: 'no' });
    expect(b.stats.journalEntries).toBe(at.journalEntries);
    expect(b.committedPosition()).toEqual({ replid, offset: 20, streamDb: 0 });
    const ks = createKeyspace({ databases: 1, storage: b });
    expect(ks.execute(['DBSIZE'], { db: 0 }).reply).toBe(20001);
    expect(ks.execute(['GET', 'units'], { db: 0 }).reply).toBe('20');
    expect(ks.execute(['GET', 'k19999'], { db: 0 }).reply).toBe('v19');
    expect(ks.execute(['GET', 'k0'], { db: 0 }).reply).toBe('v0');
    ks.close();
  }, 90000);

  it('reports a malformed journal entry at open with its sequence number', async () => {
    const dir = freshDir();
    openLmdbStorage(1, { dir, fsync: 'no' }).close();
    const env = open({ path: join(dir, DEFAULT_LMDB_FILENAME), maxDbs: 4 });
    env.openDB('journal', { keyEncoding: 'binary', encoding: 'binary' }).putSync(journalKey(7), Buffer.from([9, 0, 0, 0, 0, 0, 0]));
    await env.close();
    expect(() => openLmdbStorage(1, { dir, fsync: 'no' })).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_LMDB_CORRUPT_RECORD', message: expect.stringContaining('journal entry 7') }));
  });
});
