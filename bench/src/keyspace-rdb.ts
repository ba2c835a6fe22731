/**
 * @replikit/keyspace-rdb benchmark: a keyspace of 1M string keys with 100-byte values written as
 * an RDB (snapshotToRdbChunks, the BGSAVE / full-sync path, and the synchronous SAVE path) and
 * loaded back with RdbKeyspaceLoader (startup load / full-sync load), in keys/s and MB/s.
 *
 *   pnpm exec tsx bench/src/keyspace-rdb.ts         (REPLIKIT_BENCH_QUICK=1 for a 10x smaller run)
 *
 * Prints a markdown section and writes it to bench/results/keyspace-rdb.md. Best of 3 runs; the
 * written chunks are only counted; the load reads one RDB from memory in 64 KiB pieces, as from a socket.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { RdbKeyspaceLoader, snapshotToRdbChunks, snapshotToRdbChunksSync } from '@replikit/keyspace-rdb';

const QUICK = process.env.REPLIKIT_BENCH_QUICK === '1';
const N = QUICK ? 100_000 : 1_000_000;
const RUNS = 3;

function fill(): Keyspace {
  const ks = createKeyspace();
  let seed = 12345;
  const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  for (let i = 0; i < N; i++) {
    let v = '';
    for (let j = 0; j < 100; j++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      v += alnum[seed % 62];
    }
    ks.load(0, `key:${String(i).padStart(9, '0')}`, v);
  }
  return ks;
}

async function best(label: string, run: () => Promise<number> | number): Promise<{ label: string; ms: number; bytes: number }> {
  let ms = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    bytes = await run();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { label, ms, bytes };
}

async function main(): Promise<void> {
  const ks = fill();
  let rdb = Buffer.alloc(0);
  const rows = [];
  rows.push(
    await best('write, async (snapshotToRdbChunks, BGSAVE / full sync)', async () => {
      let n = 0;
      for await (const c of snapshotToRdbChunks(ks, ks.snapshot(), { compress: false })) n += c.length;
      return n;
    }),
  );
  rows.push(
    await best('write, sync (snapshotToRdbChunksSync, SAVE)', () => {
      let n = 0;
      for (const c of snapshotToRdbChunksSync(ks, ks.snapshot(), { compress: false })) n += c.length;
      return n;
    }),
  );
  rdb = Buffer.concat([...snapshotToRdbChunksSync(ks, ks.snapshot(), { compress: false })]);
  ks.close();
  rows.push(
    await best('load (RdbKeyspaceLoader, 64 KiB chunks)', () => {
      const dst = createKeyspace();
      const loader = new RdbKeyspaceLoader(dst);
      for (let off = 0; off < rdb.length; off += 65536) loader.write(rdb.subarray(off, off + 65536));
      const r = loader.end();
      if (r.keysLoaded !== N) throw new Error(`loaded ${r.keysLoaded} keys, expected ${N}`);
      dst.close();
      return rdb.length;
    }),
  );
  const lines = [
    `## @replikit/keyspace-rdb: ${N.toLocaleString('en-US')} keys x 100 B strings (node ${process.version}, best of ${RUNS})`,
    '',
    '| path | keys/s | MB/s | time |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${Math.round((N / r.ms) * 1000).toLocaleString('en-US')} | ${((r.bytes / r.ms) * 1000 / 1e6).toFixed(1)} | ${(r.ms / 1000).toFixed(2)} s |`),
    '',
    `RDB size: ${(rdb.length / 1e6).toFixed(1)} MB (compact encodings, no LZF, CRC64 on).`,
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  writeFileSync(path.join(__dirname, '..', 'results', QUICK ? 'keyspace-rdb.quick.md' : 'keyspace-rdb.md'), text);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
