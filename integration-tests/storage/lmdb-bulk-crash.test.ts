/**
 * Kill points inside a bulk unit of the LMDB adapter (the sliced write of a full sync's load): a
 * child process holding a committed dataset loads a new one (FLUSHALL, many keys, one commit with
 * the new position, as a replica's full sync does) and SIGKILLs itself right after the marker
 * transaction, between two slices, or after the last transaction. Reopened, the file holds either
 * nothing and no position (the replica then full-syncs) or the whole new dataset with its
 * position; never the old dataset, never part of the new one with a position.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKeyspace } from '@replikit/keyspace';
import { openLmdbStorage } from '@replikit/storage-lmdb';

const SRC = resolve(__dirname, '../../packages/storage-lmdb/src');
const KEYS = 60000;
const replid = 'c3'.repeat(20);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs the child; `when` decides, on each turn after the load's commit, whether to kill itself now. */
function crashDuringLoad(dir: string, when: string): { signal: NodeJS.Signals | null; state: { slices: number; inBulk: boolean } } {
  const script = `
    const { createKeyspace } = require('@replikit/keyspace');
    const { openLmdbStorage } = require('./lmdb-storage');
    const a = openLmdbStorage(2, { dir: ${JSON.stringify(dir)}, fsync: 'no' });
    const ks = createKeyspace({ databases: 2, storage: a, commits: 'manual' });
    for (let i = 0; i < 100; i++) ks.execute(['SET', 'old:' + i, 'o'], { db: 0 });
    ks.execute(['SET', 'old1', 'o'], { db: 1 });
    ks.commit({ replid: '${replid}', offset: 5 });
    setImmediate(() => {
      ks.execute(['FLUSHALL'], { db: 0 });
      for (let i = 0; i < ${KEYS}; i++) ks.execute(['SET', 'k' + i, 'v' + i], { db: i % 2 });
      ks.commit({ replid: '${replid}', offset: 100 });
      const poll = () => {
        const s = a.stats;
        const inBulk = a.bulk !== null;
        if (${when}) {
          process.stdout.write(JSON.stringify({ slices: s.bulkSlices, inBulk }) + '\\n');
          process.kill(process.pid, 'SIGKILL');
        }
        setImmediate(poll);
      };
      setImmediate(poll);
    });
  `;
  const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], { cwd: SRC, encoding: 'utf8', timeout: 60000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { signal: r.signal, state: line === '' ? { slices: -1, inBulk: false } : JSON.parse(line) };
}

describe('LMDB bulk unit, SIGKILLed while it is written', () => {
  const cases: Array<[string, string, boolean]> = [
    ['right after the marker transaction', 's.bulkWrites === 1 && s.bulkSlices === 0', true],
    ['between two slices', 's.bulkSlices >= 2 && inBulk', true],
    ['after the last transaction', 's.bulkWrites === 1 && !inBulk && s.transactions >= 3 + s.bulkSlices', false],
  ];
  for (const [name, when, partial] of cases) {
    it(`${name}: reopens ${partial ? 'empty without a position' : 'with the whole new dataset and its position'}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'replikit-lmdb-bulk-crash-'));
      dirs.push(dir);
      const { signal, state } = crashDuringLoad(dir, when);
      expect(signal).toBe('SIGKILL');
      expect(state.inBulk).toBe(partial);
      const a = openLmdbStorage(2, { dir, fsync: 'no' });
      const ks = createKeyspace({ databases: 2, storage: a });
      try {
        const sizes = [a.db(0).size(), a.db(1).size()];
        if (partial) {
          expect({ discarded: a.stats.discardedPartialLoad, position: a.committedPosition(), sizes }).toEqual({ discarded: true, position: undefined, sizes: [0, 0] });
        } else {
          expect({ discarded: a.stats.discardedPartialLoad, position: a.committedPosition(), sizes }).toEqual({
            discarded: false,
            position: { replid, offset: 100, streamDb: 0 },
            sizes: [KEYS / 2, KEYS / 2],
          });
          expect(ks.execute(['GET', `k${KEYS - 1}`], { db: 1 }).reply).toBe(`v${KEYS - 1}`);
          expect(ks.execute(['EXISTS', 'old:1'], { db: 0 }).reply).toBe(0);
        }
      } finally {
        ks.close();
      }
    }, 90000);
  }
});
