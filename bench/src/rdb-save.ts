/**
 * The master's side of a full sync alone: a keyspace of `DEBUG POPULATE <n> key 100` data (keys
 * `key:<i>`, values `value:<i>` zero-padded to 100 bytes) written as the snapshot RDB a master sends
 * (snapshotToRdbChunks: the async path with its default batches, LZF on, as a full sync runs it),
 * the chunks counted and dropped. This is the master CPU of a sync without the socket.
 *
 *   pnpm exec tsx bench/src/rdb-save.ts [--keys 100000,1000000] [--reps 3] [--saves 4] [--rev <git rev>,...]
 *       [--ttl] [--profile <dir>]
 *
 * Each rep runs a fresh Node process per build that fills the keyspace once and saves it `--saves`
 * times (a forced GC in between, not counted): the first save is the *cold* figure (the encoder's
 * code still in the interpreter and baseline tiers, as in a master's first sync), the best of the
 * others the *warm* one. Printed per save: CPU ms of the process (user + system), wall ms, CPU µs
 * per key, GC ms inside the save, and the RDB size (equal across builds that write the same bytes).
 * `--ttl` gives every tenth key a TTL. Builds are bundled with esbuild from sources (`--rev`: that
 * commit's packages/, `tree` or none: this working tree), so no dist directory is touched; they
 * alternate rep by rep. Quick mode: `--keys 100000 --reps 3 --rev HEAD~1,tree` takes about a minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ChildBuild, f1, f2, listArg, loadAvg, makeChildBuild, profileArgs, runChildBuild } from './_child-builds';

/** The child: `save <n> <saves> <ttl 0|1>` prints one JSON line per save. */
const CHILD_SOURCE = `
import { PerformanceObserver } from 'node:perf_hooks';
import { createKeyspace } from '@replikit/keyspace';
import { snapshotToRdbChunks } from '@replikit/keyspace-rdb';

export function main(argv: string[]): void {
  const n = Number(argv[0]);
  const saves = Number(argv[1]);
  const ttl = argv[2] === '1';
  const ks = createKeyspace();
  const scratch = Buffer.alloc(100);
  for (let i = 0; i < n; i++) {
    scratch.fill(0);
    scratch.write('value:' + i, 0, 'latin1');
    ks.load(0, 'key:' + i, scratch.toString('latin1'), ttl && i % 10 === 0 ? 4102444800000 + i : -1);
  }
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  const gc = (globalThis as { gc?: () => void }).gc;
  const run = async (k: number): Promise<void> => {
    if (k >= saves) {
      obs.disconnect();
      ks.close();
      return;
    }
    gc?.();
    await new Promise<void>((r) => setImmediate(r));
    const gc0 = gcMs;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let bytes = 0;
    for await (const c of snapshotToRdbChunks(ks, ks.snapshot())) bytes += c.length;
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    await new Promise<void>((r) => setImmediate(r));
    process.stdout.write(JSON.stringify({ keys: ks.size(0), cpuMs: (c.user + c.system) / 1000, wallMs: wall, gcMs: gcMs - gc0, bytes }) + '\\n');
    return run(k + 1);
  };
  void run(0);
}
`;


interface SaveFigure {
  keys: number;
  cpuMs: number;
  wallMs: number;
  gcMs: number;
  bytes: number;
}

function runChild(b: ChildBuild, args: string[]): string {
  return runChildBuild(b, args, profileArgs());
}

async function main(): Promise<void> {
  const keys = listArg('--keys', '100000').map(Number);
  const reps = Number(listArg('--reps', '3')[0]);
  const saves = Math.max(2, Number(listArg('--saves', '4')[0]));
  const revs = listArg('--rev', 'tree');
  const ttl = process.argv.includes('--ttl');
  const work = mkdtempSync(path.join(os.tmpdir(), 'replikit-rdb-save-'));
  try {
    const builds: ChildBuild[] = [];
    for (const rev of revs) builds.push(await makeChildBuild(rev, work, 'rdb-save-child', CHILD_SOURCE));
    console.log(`snapshot -> RDB chunks (snapshotToRdbChunks, LZF on${ttl ? ', a TTL on every tenth key' : ''}), ${reps} reps, ${saves} saves per process (the first cold); node ${process.version}, ${os.cpus().length} CPUs`);
    console.log('');
    console.log('| keys | build | cold CPU ms | cold wall ms | cold CPU µs/key | cold GC ms | warm CPU ms (best) | warm CPU µs/key | warm GC ms | RDB bytes | load avg |');
    console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const n of keys) {
      for (let rep = 0; rep < reps; rep++) {
        for (const b of builds) {
          const figs = runChild(b, [String(n), String(saves), ttl ? '1' : '0'])
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as SaveFigure);
          for (const f of figs) if (f.keys !== n) throw new Error(`${b.name}: saved a keyspace of ${f.keys} keys, expected ${n}`);
          const cold = figs[0];
          const warm = figs.slice(1).reduce((a, x) => (x.cpuMs < a.cpuMs ? x : a));
          console.log(
            `| ${n} | ${b.name} | ${f1(cold.cpuMs)} | ${f1(cold.wallMs)} | ${f2((cold.cpuMs * 1000) / n)} | ${f1(cold.gcMs)} | ${f1(warm.cpuMs)} | ${f2((warm.cpuMs * 1000) / n)} | ${f1(warm.gcMs)} | ${cold.bytes} | ${loadAvg()} |`,
          );
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
