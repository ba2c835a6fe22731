import { mkdtempSync, rmSync } from 'node:fs';
import { createKeyspace } from '@replikit/keyspace';
import { openLmdbStorage } from './lmdb-storage';
const turn = () => new Promise((r) => setImmediate(r));
const kind = process.argv[2];
const N = 1_000_000, BATCH = 400;
(async () => {
  const dir = mkdtempSync('/tmp/lmdbw/micro/m-');
  const storage = kind === 'lmdb' ? openLmdbStorage(16, { dir, fsync: 'everysec' }) : undefined;
  const ks = createKeyspace({ databases: 16, ...(storage ? { storage } : {}) });
  const v = 'v'.repeat(100);
  const keys: string[] = [];
  for (let i = 0; i < 1000; i++) keys.push(`key:${String(Math.floor(Math.random() * 1e6)).padStart(12, '0')}`);
  const run = async (n: number) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i += BATCH) {
      for (let j = 0; j < BATCH; j++) ks.execute(['SET', `key:${String(Math.floor(Math.random() * 1e6)).padStart(12, '0')}`, v], { db: 0 });
      await turn();
    }
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  await run(300000);
  ks.execute(['FLUSHALL'], { db: 0 });
  await turn();
  for (let r = 0; r < 3; r++) console.log(kind, 'us/SET', (await run(200000)).toFixed(2), storage ? JSON.stringify({ rw: storage.stats.rewrites, log: storage.stats.logBytes }) : '');
  ks.close();
  rmSync(dir, { recursive: true, force: true });
})();
