/**
 * End-to-end stream benchmark: redis-benchmark running XADD and XREADGROUP against
 * replikit-server and redis-server side by side in one run, same flags, unpipelined (`-P 1`) and
 * pipelined (`-P 16`).
 *
 *   pnpm exec tsx bench/src/streams.ts [--requests N] [--warmup 300000] [--reps 2] [--cases XADD|XREADGROUP]
 *     [--pipelines 1,16] [--quick] [--write] [--fresh-build | --from-source] [--baseline <rev>]
 *   pnpm exec tsx bench/src/streams.ts --keyspace [--calls 1000000]
 *
 * - XADD: `XADD bench:s MAXLEN ~ 10000 * field <value>` (the trim keeps memory flat and exercises
 *   the node layout; `~` trims whole nodes only)
 * - XREADGROUP: `XREADGROUP GROUP g c COUNT 1 STREAMS bench:r >` on a stream pre-filled with as many
 *   entries as requests, so every call delivers one entry and adds it to the PEL (and propagates its
 *   XCLAIM, as Redis does)
 *
 * Every rep runs on fresh servers: a cold pass, a warm-up, the data reset (XREADGROUP: the stream
 * filled again and the group created again), a warm pass (see _warm.ts). Prints a markdown
 * section and writes it to bench/results/streams.md after a full run only (`--write` for a partial
 * one). replikit-server runs in its own process from the build
 * (`packages/server/bin/replikit-server.cjs`, run `pnpm build` first) or from source with
 * `--from-source`, or bundled from the sources first with `--fresh-build` (see _side-by-side.ts).
 * Target: >= 0.5x redis-server's ops/s each, judged on the warm pass. Quick mode, one case under
 * 2 minutes: `--quick` (XADD at -P 16, 3 reps) or `--quick --cases XREADGROUP` (`--case` is
 * accepted for `--cases`).
 *
 * `--keyspace`: no server, no I/O: XADD `MAXLEN ~ 10000 *` into one stream straight through
 * @replikit/keyspace, `--calls` times after a warm-up, with the CLI's young-generation setting
 * (`--semi-space-growth-factor=1`); prints the process CPU per call. Arguments are fresh strings per
 * call, decoded from bytes as the RESP decoder does (their building is part of the figure). Prints
 * only (nothing is written).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { createKeyspace } from '@replikit/keyspace';
import { main as serverMain } from '../../packages/server/src/cli';
import { type BenchCase, CLIENTS, cli, runSideBySide } from './_side-by-side';

/** Fills bench:r with `n` entries through redis-benchmark itself (fast on both servers). */
function fill(port: number, n: number): void {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', String(CLIENTS), '-n', String(n), '-P', '64', '-q', 'XADD', 'bench:r', '*', 'field', 'value'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`filling the stream failed: ${r.stderr}`);
}

const CASES: BenchCase[] = [
  {
    name: 'XADD',
    setup: (port) => void cli(port, 'flushall'),
    argv: ['XADD', 'bench:s', 'MAXLEN', '~', '10000', '*', 'field', 'value-__rand_int__'],
  },
  {
    name: 'XREADGROUP',
    // about 60k/s on replikit-server: 200k last > 3 s, and each pass fills the stream first
    requests: 200_000,
    setup: (port, requests) => {
      cli(port, 'flushall');
      fill(port, requests);
      cli(port, 'XGROUP', 'CREATE', 'bench:r', 'g', '0');
    },
    argv: ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'bench:r', '>'],
  },
];

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** XADD through the keyspace alone: process CPU microseconds per call. */
function keyspaceOnly(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  const calls = Number(flag('--calls') ?? 1_000_000);
  const ks = createKeyspace();
  const session = { db: 0 };
  const argv = ['XADD', 'bench:s', 'MAXLEN', '~', '10000', '*', 'field', ''];
  const bytes = argv.map((a) => Buffer.from(a, 'latin1'));
  const value = Buffer.from('value-000000000000', 'latin1');
  const call = (i: number): void => {
    value.write(String(i % 1_000_000).padStart(12, '0'), 6, 'latin1');
    const a = bytes.map((b) => b.toString('latin1'));
    a[7] = value.toString('latin1');
    ks.execute(a, session);
  };
  for (let i = 0; i < 200_000; i++) call(i);
  const load = loadavg()[0].toFixed(1);
  const c0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) call(i);
  const cpu = process.cpuUsage(c0);
  ks.close();
  console.log(`XADD bench:s MAXLEN ~ 10000 * field <18 B>, keyspace only: ${((cpu.user + cpu.system) / calls).toFixed(2)} us CPU per call (${calls} calls, load ${load})`);
}

function run(): Promise<void> {
  return runSideBySide({
    title: 'Streams',
    resultFile: 'streams.md',
    cases: CASES,
    describeCases: () => `XADD: \`${CASES[0]?.argv.join(' ')}\`; XREADGROUP: \`${CASES[1]?.argv.join(' ')}\` on a stream filled with as many entries as the pass has requests before each pass`,
    script: __filename,
  });
}

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else if (process.argv.includes('--keyspace')) keyspaceOnly();
else
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
