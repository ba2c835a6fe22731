import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createKeyspace, MemoryDbStore } from '@replikit/keyspace';
import { tempDirs } from '@replikit/test-utils';
import { open } from 'lmdb';
import { DEFAULT_LMDB_FILENAME, LMDB_BLOB_BYTES } from './defaults';
import { blobEnd, EntryWriter, entryKey, forEachEntry, J_CLEAR, J_DEL, J_SET, type JournalEntry, journalKey, journalSeq } from './journal';
import { type LmdbStorageAdapter, type LmdbStorageOptions, openLmdbStorage } from './lmdb-storage';
import { decodeRecordAt } from './record-codec';

const dirs = tempDirs('replikit-lmdb-journal-');
const freshDir = dirs.fresh;
afterAll(dirs.removeAll);

const replid = 'c3'.repeat(20);
const turn = () => new Promise((r) => setImmediate(r));
/** every log byte is worth a rewrite */
const EAGER: Partial<LmdbStorageOptions> = { rewriteMinBytes: 1, rewritePercentage: 1 };

async function rewritten(a: LmdbStorageAdapter, count: number): Promise<void> {
  for (let i = 0; i < 20000 && a.stats.rewrites < count; i++) await turn();
  expect(a.stats.rewrites).toBe(count);
}

const READ: Record<string, string[]> = { string: ['GET'], list: ['LRANGE', '0', '-1'], hash: ['HGETALL'] };

/** Every key of every database with its type, value and TTL, sorted. */
function dump(ks: ReturnType<typeof createKeyspace>, databases: number): unknown[] {
  const out: unknown[] = [];
  for (let db = 0; db < databases; db++) {
    const keys = (ks.execute(['KEYS', '*'], { db }).reply as string[]).sort();
    for (const k of keys) {
      const type = (ks.execute(['TYPE', k], { db }).reply as { value: string }).value;
      const [cmd, ...rest] = READ[type];
      const value = ks.execute([cmd, k, ...rest], { db }).reply;
      if (value instanceof Error) throw value;
      out.push([db, k, type, value, ks.execute(['PEXPIRETIME', k], { db }).reply]);
    }
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
  ks.execute(['SET', `long:${'x'.repeat(3000)}`, 'long key'], { db: 1 });
  ks.execute(['SET', 'empty', ''], { db: 1 });
  ks.execute(['SWAPDB', '0', '1'], { db: 0 });
  ks.execute(['SET', 'k2', 'in the swapped db'], { db: 1 });
  ks.commit({ replid, offset: 3 });
}

describe('LMDB log and base', () => {
  it('encodes and decodes each entry kind', () => {
    const w = new EntryWriter();
    w.set(3, 'key', 'value', 1234);
    w.set(0, 'k', 'x'.repeat(100_000), -1);
    w.del(1, 'gone');
    w.clear(2);
    const got: Array<Pick<JournalEntry, 'kind' | 'slot'> & { key: string; record?: unknown }> = [];
    const blob = Buffer.from(w.blob());
    forEachEntry(blob, (e) => got.push({ kind: e.kind, slot: e.slot, key: entryKey(blob, e), record: e.kind === J_SET ? decodeRecordAt(blob, e.recordStart, e.recordEnd) : undefined }));
    expect(got).toEqual([
      { kind: J_SET, slot: 3, key: 'key', record: { value: 'value', expireAt: 1234 } },
      { kind: J_SET, slot: 0, key: 'k', record: { value: 'x'.repeat(100_000), expireAt: -1 } },
      { kind: J_DEL, slot: 1, key: 'gone', record: undefined },
      { kind: J_CLEAR, slot: 2, key: '', record: undefined },
    ]);
    expect(w.count).toBe(4);
    // values are cut at entry boundaries: after the entry that reaches the bound
    const first = 11 + 3 + 1 + 8 + 5;
    expect(blobEnd(blob, 0, 1)).toBe(first);
    expect(blobEnd(blob, 0, first)).toBe(first);
    expect(blobEnd(blob, 0, first + 1)).toBe(first + 11 + 1 + 1 + 100_000);
    expect(blobEnd(blob, first, 10 ** 9)).toBe(blob.length);
    // setBytes (a rewrite's slab records) writes the same entries as set() of the strings
    const bytes = new EntryWriter();
    const kb = Buffer.from('..key..', 'latin1');
    const vb = Buffer.from('xx\u00ffvalue\u0000', 'latin1');
    bytes.setBytes(3, kb, 2, 5, vb, 2, vb.length, 1234);
    bytes.setBytes(7, kb, 2, 5, vb, 0, vb.length, -1);
    const strings = new EntryWriter();
    strings.set(3, 'key', '\u00ffvalue\u0000', 1234);
    strings.set(7, 'key', 'xx\u00ffvalue\u0000', -1);
    expect(Buffer.from(bytes.blob())).toEqual(Buffer.from(strings.blob()));
    expect(bytes.count).toBe(2);
    expect(journalSeq(journalKey(2 ** 40 + 5))).toBe(2 ** 40 + 5);
    expect(Buffer.compare(journalKey(255), journalKey(256))).toBe(-1);
    const each = () => undefined;
    expect(() => forEachEntry(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), each)).toThrow('unknown entry kind');
    expect(() => forEachEntry(Buffer.from([J_SET, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x6b]), each)).toThrow('without its record');
    expect(() => forEachEntry(Buffer.from([J_SET, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0x6b]), each)).toThrow('truncated entry');
    expect(() => forEachEntry(Buffer.from([J_DEL, 0]), each)).toThrow('truncated entry head');
  });

  it('writes the changes of one turn in one transaction, as log values of about LMDB_BLOB_BYTES', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(1, { dir, fsync: 'no' });
    const ks = createKeyspace({ databases: 1, storage: a });
    for (let i = 0; i < 5000; i++) ks.execute(['SET', `k${i}`, 'v'.repeat(100)], { db: 0 });
    await turn();
    expect({ tx: a.stats.transactions, records: a.stats.recordsWritten }).toEqual({ tx: 1, records: 5000 });
    expect(a.stats.logBytes).toBe(a.stats.bytesWritten);
    ks.close();
    const env = open({ path: join(dir, DEFAULT_LMDB_FILENAME), maxDbs: 6 });
    const sizes = [...env.openDB('log', { keyEncoding: 'binary', encoding: 'binary' }).getRange({})].map((e) => (e.value as Buffer).length);
    await env.close();
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(a.stats.bytesWritten);
    expect(Math.max(...sizes)).toBeLessThan(LMDB_BLOB_BYTES + 200);
    expect(sizes.length).toBeGreaterThan(a.stats.bytesWritten / (LMDB_BLOB_BYTES + 200));
  });

  it('reopens from the log alone, and from a rewritten base, with the same dataset', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(2, { dir, fsync: 'everysec' });
    const ks = createKeyspace({ databases: 2, storage: a, commits: 'manual' });
    workload(ks);
    const want = dump(ks, 2);
    await turn();
    expect(a.stats.rewrites).toBe(0);
    ks.close();

    // reopened with an eager rewrite policy: the base is rewritten, the old log entries trimmed
    const lines: string[] = [];
    const b = openLmdbStorage(2, { dir, fsync: 'everysec', ...EAGER, log: (line) => lines.push(line) });
    expect(b.stats.logBytes).toBe(a.stats.logBytes);
    expect(b.committedPosition()).toEqual({ replid, offset: 3, streamDb: 0 });
    const ks2 = createKeyspace({ databases: 2, storage: b, commits: 'manual' });
    expect(dump(ks2, 2)).toEqual(want);
    await rewritten(b, 1);
    expect(b.stats.baseBytes).toBeGreaterThan(0);
    expect(b.stats.logBytes).toBe(0);
    expect(lines).toEqual([
      `Background rewrite of the lmdb base started (log ${a.stats.logBytes} bytes, base 0 bytes)`,
      `Background rewrite of the lmdb base finished: ${b.stats.keysLoaded} keys, ${b.stats.baseBytes} bytes in ${b.stats.rewriteSlices} slices`,
    ]);
    for (let i = 0; i < 10; i++) await turn();
    ks2.close();

    const c = openLmdbStorage(2, { dir, fsync: 'everysec' });
    expect({ log: c.stats.logBytes, base: c.stats.baseBytes }).toEqual({ log: 0, base: b.stats.baseBytes });
    expect(c.committedPosition()).toEqual({ replid, offset: 3, streamDb: 0 });
    const ks3 = createKeyspace({ databases: 2, storage: c, commits: 'manual' });
    expect(dump(ks3, 2)).toEqual(want);
    ks3.close();
    // the log entries the base covers were deleted
    const env = open({ path: join(dir, DEFAULT_LMDB_FILENAME), maxDbs: 6 });
    expect([...env.openDB('log', { keyEncoding: 'binary', encoding: 'binary' }).getKeys({})].length).toBe(0);
    await env.close();
  });

  it('records the keys per slot at close; an open sizes its tables from that hint, and loads the same with any hint', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(2, { dir, fsync: 'everysec' });
    const ks = createKeyspace({ databases: 2, storage: a });
    for (let i = 0; i < 3000; i++) ks.execute(['SET', `k${i}`, `v${i}`], { db: 1 });
    ks.execute(['SET', 'x', 'y'], { db: 0 });
    const want = dump(ks, 2);
    ks.close();
    const meta = (edit?: (m: { get(k: string): unknown; putSync(k: string, v: unknown): void }) => unknown) => {
      const env = open({ path: join(dir, DEFAULT_LMDB_FILENAME), maxDbs: 6 });
      const m = env.openDB('meta', {}) as unknown as { get(k: string): unknown; putSync(k: string, v: unknown): void };
      const r = edit?.(m) ?? m.get('sizes');
      void env.close();
      return r;
    };
    expect(meta()).toEqual([1, 3000]);
    // the same keys without a hint fill a table of 4096 entries; a hint of 10000 makes it 16384
    const plain = new MemoryDbStore();
    for (let i = 0; i < 3000; i++) plain.set(`k${i}`, `v${i}`);
    for (const [hint, bigger] of [[[1, 10000], true], ['junk', false], [[-5, 20000.5, 7], true]] as const) {
      meta((m) => m.putSync('sizes', hint));
      const b = openLmdbStorage(2, { dir, fsync: 'everysec' });
      const mem = (b.db(1) as unknown as { mem: MemoryDbStore }).mem;
      expect(mem.offHeapBytes() > plain.offHeapBytes()).toBe(bigger);
      const ks2 = createKeyspace({ databases: 2, storage: b });
      expect(dump(ks2, 2)).toEqual(want);
      ks2.close();
      expect(meta()).toEqual([1, 3000]);
    }
  });

  it('keeps committing while a background rewrite runs; every change made meanwhile survives a reopen', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(2, { dir, fsync: 'no', rewriteMinBytes: 200_000, rewritePercentage: 100 });
    const ks = createKeyspace({ databases: 2, storage: a, commits: 'manual' });
    let offset = 0;
    // enough keys that the rewrite takes well over four 5 ms slices on a fast, idle machine
    const n = 120_000;
    for (let i = 0; i < n; i++) ks.execute(['SET', `k${i}`, `first value of ${i}`], { db: i % 2 });
    ks.commit({ replid, offset: ++offset });
    await turn();
    // the rewrite started after that transaction; units go on between its slices
    let units = 0;
    while (a.stats.rewrites === 0) {
      const u = units++;
      // keys the rewrite's iterator visits first, and keys it visits last
      ks.execute(['SET', `k${2 * u}`, `changed in unit ${u}`], { db: 0 });
      ks.execute(['DEL', `k${2 * u + 1}`], { db: 1 });
      ks.execute(['DEL', `k${n - 1 - u}`], { db: (n - 1 - u) % 2 });
      ks.execute(['SET', `new${u}`, 'n'], { db: 0 });
      if (u === 3) ks.execute(['FLUSHDB'], { db: 1 });
      ks.commit({ replid, offset: ++offset });
      await turn();
    }
    expect(a.stats.rewriteSlices).toBeGreaterThan(1);
    expect(units).toBeGreaterThan(4);
    const want = dump(ks, 2);
    ks.close();
    const b = openLmdbStorage(2, { dir, fsync: 'no' });
    expect(b.committedPosition()).toEqual({ replid, offset, streamDb: 0 });
    const ks2 = createKeyspace({ databases: 2, storage: b });
    expect(dump(ks2, 2)).toEqual(want);
    ks2.close();
  }, 60000);

  it('a full sync load (bulk unit) becomes the new base, the keys changed meanwhile go to the log', async () => {
    const dir = freshDir();
    const a = openLmdbStorage(2, { dir, fsync: 'no' });
    const ks = createKeyspace({ databases: 2, storage: a, commits: 'manual' });
    ks.execute(['SET', 'old', '1'], { db: 0 });
    ks.execute(['SET', 'kept', '1'], { db: 1 });
    ks.commit({ replid, offset: 1 });
    await turn();
    ks.execute(['FLUSHDB'], { db: 0 });
    for (let i = 0; i < 10000; i++) ks.execute(['SET', `n${i}`, 'v'], { db: 0 });
    ks.commit({ replid, offset: 2 });
    await turn();
    expect(a.stats.bulkWrites).toBe(1);
    while (a.stats.rewrites === 0) await turn();
    expect(a.stats.baseBytes).toBeGreaterThan(10000 * 5);
    const want = dump(ks, 2);
    ks.close();
    const b = openLmdbStorage(2, { dir, fsync: 'no' });
    const ks2 = createKeyspace({ databases: 2, storage: b });
    expect(b.committedPosition()).toEqual({ replid, offset: 2, streamDb: 0 });
    expect(dump(ks2, 2)).toEqual(want);
    expect(ks2.execute(['GET', 'kept'], { db: 1 }).reply).toBe('1');
    expect(ks2.execute(['EXISTS', 'old'], { db: 0 }).reply).toBe(0);
    ks2.close();
  }, 60000);

  it('a process killed with SIGKILL between rewrite slices restarts with every committed key', () => {
    const dir = freshDir();
    // the child commits 40000 keys in units; a rewrite starts; it is killed between two slices
    const script = `
      const { createKeyspace } = require('@replikit/keyspace');
      const { openLmdbStorage } = require('./lmdb-storage');
      const a = openLmdbStorage(1, { dir: ${JSON.stringify(dir)}, fsync: 'no', rewriteMinBytes: 100000 });
      const ks = createKeyspace({ databases: 1, storage: a, commits: 'manual' });
      let u = 0;
      const unit = () => {
        for (let i = 0; i < 2000; i++) ks.execute(['SET', 'k' + (u * 2000 + i), 'v' + u], { db: 0 });
        ks.execute(['INCR', 'units'], { db: 0 });
        ks.commit({ replid: '${replid}', offset: ++u });
        if (a.stats.rewriteSlices >= 1 && a.bulk !== null) {
          process.stdout.write(JSON.stringify({ units: u, stats: a.stats }));
          process.kill(process.pid, 'SIGKILL');
        }
        if (u < 500) setImmediate(unit);
      };
      unit();
    `;
    const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 60000 });
    expect(r.signal).toBe('SIGKILL');
    const at = JSON.parse(r.stdout) as { units: number };
    const b = openLmdbStorage(1, { dir, fsync: 'no' });
    // the last unit was committed but not written (killed in the same turn)
    expect(b.committedPosition()).toEqual({ replid, offset: at.units - 1, streamDb: 0 });
    const ks = createKeyspace({ databases: 1, storage: b });
    expect(ks.execute(['DBSIZE'], { db: 0 }).reply).toBe((at.units - 1) * 2000 + 1);
    expect(ks.execute(['GET', 'units'], { db: 0 }).reply).toBe(String(at.units - 1));
    expect(ks.execute(['GET', 'k0'], { db: 0 }).reply).toBe('v0');
    ks.close();
  }, 90000);

  it('reports a malformed log entry at open with its sequence number; refuses a file of an unknown format (format 1 is migrated: migrate-v1.test.ts)', async () => {
    const dir = freshDir();
    openLmdbStorage(1, { dir, fsync: 'no' }).close();
    const env = open({ path: join(dir, DEFAULT_LMDB_FILENAME), maxDbs: 6 });
    env.openDB('log', { keyEncoding: 'binary', encoding: 'binary' }).putSync(journalKey(7), Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    await env.close();
    expect(() => openLmdbStorage(1, { dir, fsync: 'no' })).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_LMDB_CORRUPT_RECORD', message: expect.stringContaining('log entry 7') }));
    const env2 = open({ path: join(dir, DEFAULT_LMDB_FILENAME), maxDbs: 6 });
    env2.openDB('meta', {}).putSync('format', 3);
    await env2.close();
    expect(() => openLmdbStorage(1, { dir, fsync: 'no' })).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_LMDB_OPEN', message: expect.stringContaining('format 3') }));
    expect(() => openLmdbStorage(1, { dir: freshDir(), rewriteMinBytes: -1 })).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_LMDB_INVALID_OPTION' }));
  });
});
