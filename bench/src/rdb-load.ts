/**
 * The RDB load alone: an RDB of `DEBUG POPULATE <n> key 100` data (keys `key:<i>`, values
 * `value:<i>` zero-padded to 100 bytes, LZF-compressed as a replikit master sends them) loaded from
 * a Buffer in 64 KiB pieces (as from a socket) into a fresh in-memory keyspace with
 * RdbKeyspaceLoader, the path of a replica's full sync and of the server's startup load.
 *
 *   pnpm exec tsx bench/src/rdb-load.ts [--keys 100000,1000000] [--reps 3] [--loads 4] [--rev <git rev>,...]
 *       [--profile <dir>]
 *
 * Each rep runs a fresh Node process per build that loads the same RDB `--loads` times, a new
 * keyspace each time (a forced GC in between, not counted): the first load is the *cold* figure
 * (a fresh process: the loader's code still runs in the interpreter and baseline tiers, as in a
 * replica started for a sync), the best of the others the *warm* one. Printed per load: CPU ms of
 * the process (user + system) and wall ms, CPU µs per key, and the GC pause ms inside the load.
 * Builds are bundled with esbuild from sources (`--rev`: that commit's packages/, `tree` or none:
 * this working tree as it is), so no dist directory is touched; they alternate rep by rep.
 * Quick mode: `--keys 100000 --reps 3` takes well under a minute.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ChildBuild, f1, f2, listArg, loadAvg, makeChildBuild, profileArgs, runChildBuild } from './_child-builds';

/** The child: `gen <file> <n>` writes the RDB; `load <file> <loads>` prints one JSON line per load. */
const CHILD_SOURCE = `
import { readFileSync, writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { createKeyspace } from '@replikit/keyspace';
import { RdbKeyspaceLoader, snapshotToRdbChunksSync } from '@replikit/keyspace-rdb';

export function main(argv: string[]): void {
  const [mode, file, arg] = argv;
  if (mode === 'gen') {
    const n = Number(arg);
    const ks = createKeyspace();
    const scratch = Buffer.alloc(100);
    for (let i = 0; i < n; i++) {
      scratch.fill(0);
      scratch.write('value:' + i, 0, 'latin1');
      ks.load(0, 'key:' + i, scratch.toString('latin1'));
    }
    const parts: Buffer[] = [];
    for (const c of snapshotToRdbChunksSync(ks, ks.snapshot(), { compress: true })) parts.push(Buffer.from(c));
    writeFileSync(file, Buffer.concat(parts));
    return;
  }
  const rdb = readFileSync(file);
  const loads = Number(arg);
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  const gc = (globalThis as { gc?: () => void }).gc;
  const run = (k: number) => {
    if (k >= loads) {
      obs.disconnect();
      return;
    }
    gc?.();
    // GC entries are delivered asynchronously: read the total after a turn of the event loop
    setImmediate(() => {
      const gc0 = gcMs;
      const ks = createKeyspace({ role: 'replica' });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const loader = new RdbKeyspaceLoader(ks, { role: 'replica' });
      for (let p = 0; p < rdb.length; p += 65536) loader.write(rdb.subarray(p, Math.min(p + 65536, rdb.length)));
      const r = loader.end();
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      setImmediate(() => {
        process.stdout.write(JSON.stringify({ keys: r.keysLoaded, cpuMs: (c.user + c.system) / 1000, wallMs: wall, gcMs: gcMs - gc0, size: ks.size(0) }) + '\\n');
        ks.close();
        run(k + 1);
      });
    });
  };
  run(0);
}
`;


interface LoadFigure {
  keys: number;
  cpuMs: number;
  wallMs: number;
  gcMs: number;
  size: number;
}

function runChild(b: ChildBuild, args: string[]): string {
  return runChildBuild(b, args, args[0] === 'load' ? profileArgs() : []);
}

async function main(): Promise<void> {
  const keys = listArg('--keys', '100000').map(Number);
  const reps = Number(listArg('--reps', '3')[0]);
  const loads = Math.max(2, Number(listArg('--loads', '4')[0]));
  const revs = listArg('--rev', 'tree');
  const work = mkdtempSync(path.join(os.tmpdir(), 'replikit-rdb-load-'));
  try {
    const builds: ChildBuild[] = [];
    for (const rev of revs) builds.push(await makeChildBuild(rev, work, 'rdb-load-child', CHILD_SOURCE));
    console.log(`RDB load from a Buffer in 64 KiB pieces, ${reps} reps, ${loads} loads per process (the first cold); node ${process.version}, ${os.cpus().length} CPUs`);
    console.log('');
    console.log('| keys | build | cold CPU ms | cold wall ms | cold CPU µs/key | cold GC ms | warm CPU ms (best) | warm CPU µs/key | warm GC ms | load avg |');
    console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const n of keys) {
      const file = path.join(work, `populate-${n}.rdb`);
      if (!existsSync(file)) runChild(builds[0], ['gen', file, String(n)]);
      for (let rep = 0; rep < reps; rep++) {
        for (const b of builds) {
          const figs = runChild(b, ['load', file, String(loads)])
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as LoadFigure);
          for (const f of figs) if (f.keys !== n || f.size !== n) throw new Error(`${b.name}: loaded ${f.keys} keys (dbsize ${f.size}), expected ${n}`);
          const cold = figs[0];
          const warm = figs.slice(1).reduce((a, x) => (x.cpuMs < a.cpuMs ? x : a));
          console.log(
            `| ${n} | ${b.name} | ${f1(cold.cpuMs)} | ${f1(cold.wallMs)} | ${f2((cold.cpuMs * 1000) / n)} | ${f1(cold.gcMs)} | ${f1(warm.cpuMs)} | ${f2((warm.cpuMs * 1000) / n)} | ${f1(warm.gcMs)} | ${loadAvg()} |`,
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
