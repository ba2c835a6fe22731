/**
 * End-to-end bitmap and HyperLogLog benchmark: PFADD and SETBIT against replikit-server and
 * redis-server side by side in one run, same load, unpipelined (`-P 1`) and pipelined (`-P 16`).
 *
 *   pnpm exec tsx bench/src/bitmaps-hll.ts [--requests N] [--warmup 300000] [--reps 2] [--cases PFADD,SETBIT]
 *     [--pipelines 1,16] [--quick] [--write] [--fresh-build | --from-source] [--baseline <rev>]
 *   pnpm exec tsx bench/src/bitmaps-hll.ts --micro [--ops 200000] [--reps 3] [--roots <dir>,<dir>...]
 *   pnpm exec tsx bench/src/bitmaps-hll.ts --ab [--requests 100000] [--reps 3] [--pipelines 1,16] [--roots <dir>,<dir>...]
 *
 * - PFADD: `redis-benchmark -r 1000000 PFADD bench:hll __rand_int__`, one new random element per
 *   call into one HyperLogLog (sparse at first, dense after a few thousand elements, like Redis)
 * - SETBIT: `SETBIT bench:bm <offset> <0|1>` with random offsets below 1,000,000 (a bitmap of
 *   125 KB once grown) and random bits. redis-benchmark cannot generate these arguments (its
 *   `__rand_int__` is a 12-digit zero-padded number, which is not a valid bit offset), so this
 *   case uses the harness's own pipelined load generator (50 connections, same pipelining) for
 *   both servers.
 *
 * Every rep runs on fresh servers: a cold pass, a warm-up, FLUSHALL, a warm pass (see _warm.ts).
 * Prints a markdown section and writes it to bench/results/bitmaps-hll.md after a full run (a
 * partial one prints only unless `--write`). Target: >= 0.5x redis-server's ops/s each, judged on
 * the warm pass. Quick mode, one case under 2 minutes: `--quick` (PFADD at -P 16, 3 reps) or
 * `--quick --cases SETBIT`.
 *
 * `--micro`: the same two commands in one keyspace, no I/O (Keyspace.execute in a loop, arguments
 * generated beforehand), CPU us per call from process.cpuUsage(). `--roots` takes source trees
 * (default: this one), e.g. an older checkout (`git archive <rev> packages | tar -x -C /tmp/old`):
 * each tree's keyspace is bundled with esbuild and every tree runs once per rep, in turn, each run
 * in a fresh process. Prints a markdown table; writes nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BenchCase, bundleSources, CLIENTS, cli, pipelinedLoad, respCommand, runSideBySide } from './_side-by-side';
import { main as serverMain } from '../../packages/server/src/cli';
import { getFreePort, startRedisServer } from '@replikit/test-utils';

const BITS = 1_000_000;

/** A SETBIT with a random offset and bit. */
function setbitCommand(): string {
  return respCommand('SETBIT', 'bench:bm', String(Math.floor(Math.random() * BITS)), Math.random() < 0.5 ? '0' : '1');
}

const CASES: BenchCase[] = [
  {
    name: 'PFADD',
    setup: (port) => void cli(port, 'flushall'),
    argv: ['-r', '1000000', 'PFADD', 'bench:hll', '__rand_int__'],
  },
  {
    name: 'SETBIT',
    setup: (port) => void cli(port, 'flushall'),
    argv: ['SETBIT', 'bench:bm', '<random offset below 1000000>', '<random 0|1>'],
    load: (port, pipeline, requests) => pipelinedLoad(port, pipeline, requests, setbitCommand),
  },
];

function run(): Promise<void> {
  return runSideBySide({
    title: 'Bitmaps and HyperLogLog',
    resultFile: 'bitmaps-hll.md',
    cases: CASES,
    describeCases: () =>
      `PFADD: \`redis-benchmark ${CASES[0]?.argv.join(' ')}\`; SETBIT: \`SETBIT bench:bm <offset> <bit>\`, random offsets below ${BITS} and random bits, sent by the harness's own load generator (${CLIENTS} connections, same pipelining) to both servers because redis-benchmark cannot generate valid offsets`,
    script: __filename,
  });
}

/** The child of a --micro run: `bundle`'s keyspace, `ops` calls of each case, CPU us per call as JSON. */
const MICRO_CHILD = `
const { createKeyspace } = require(process.argv[2]);
const ops = Number(process.argv[3]);
const BITS = ${BITS};
const cases = {
  SETBIT: (i) => ['SETBIT', 'bench:bm', String(Math.floor(Math.random() * BITS)), Math.random() < 0.5 ? '0' : '1'],
  PFADD: (i) => ['PFADD', 'bench:hll', String(Math.floor(Math.random() * 1000000))],
  'SETBIT+GETBIT': (i) => (i & 1 ? ['GETBIT', 'bench:bm', String(Math.floor(Math.random() * BITS))] : ['SETBIT', 'bench:bm', String(Math.floor(Math.random() * BITS)), '1']),
  'PFADD+PFCOUNT': (i) => (i & 1 ? ['PFCOUNT', 'bench:hll'] : ['PFADD', 'bench:hll', String(Math.floor(Math.random() * 1000000))]),
};
const out = {};
for (const [name, gen] of Object.entries(cases)) {
  const ks = createKeyspace();
  const session = { db: 0 };
  const warm = [];
  for (let i = 0; i < 50000; i++) warm.push(gen(i));
  for (const a of warm) ks.execute(a, session);
  const argv = [];
  for (let i = 0; i < ops; i++) argv.push(gen(i));
  const t0 = process.cpuUsage();
  for (let i = 0; i < ops; i++) ks.execute(argv[i], session);
  const t = process.cpuUsage(t0);
  out[name] = (t.user + t.system) / ops;
  ks.close();
}
process.stdout.write(JSON.stringify(out));
`;

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const HERE = path.join(__dirname, '..', '..');

async function micro(): Promise<void> {
  const roots = (argValue('--roots') ?? path.join(__dirname, '..', '..')).split(',');
  const ops = Number(argValue('--ops') ?? 200000);
  const reps = Number(argValue('--reps') ?? 3);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'replikit-bitmaps-micro-'));
  try {
    const child = path.join(dir, 'child.cjs');
    writeFileSync(child, MICRO_CHILD);
    const bundles: string[] = [];
    for (let i = 0; i < roots.length; i++) {
      bundles.push(path.join(dir, `keyspace-${i}.cjs`));
      await bundleSources(roots[i] as string, 'packages/keyspace/src/index.ts', bundles[i] as string);
    }
    const runs: Array<Record<string, number>[]> = roots.map(() => []);
    const loads: string[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (let i = 0; i < roots.length; i++) {
        loads.push(os.loadavg()[0].toFixed(1));
        const r = spawnSync(process.execPath, [child, bundles[i] as string, String(ops)], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`micro run failed: ${r.stderr}`);
        runs[i]?.push(JSON.parse(r.stdout) as Record<string, number>);
      }
    }
    const names = Object.keys(runs[0]?.[0] ?? {});
    const lines = [`keyspace only, ${ops} calls per case, ${reps} reps (interleaved), CPU us per call, each rep's figure; load average (1 min) at each run: ${loads.join(' ')}`, '', `| case | ${roots.join(' | ')} |`, `|---|${roots.map(() => '---:').join('|')}|`];
    for (const n of names) lines.push(`| ${n} | ${runs.map((rs) => rs.map((r) => (r[n] as number).toFixed(2)).join(' / ')).join(' | ')} |`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A process's user + system CPU seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A PFADD of one random element (the load generator's form of the redis-benchmark case). */
function pfaddCommand(): string {
  return respCommand('PFADD', 'bench:hll', String(Math.floor(Math.random() * 1_000_000)));
}

/**
 * `--ab`: redis-server and replikit-server built from each of `--roots` (bundled with esbuild),
 * all running at once; for each case and pipelining, every server in turn, `--reps` times, with
 * the harness's load generator (50 connections) for all. Prints server CPU us/op and ops/s.
 */
async function ab(): Promise<void> {
  const roots = (argValue('--roots') ?? HERE).split(',');
  const requests = Number(argValue('--requests') ?? 100000);
  const reps = Number(argValue('--reps') ?? 3);
  const pipelines = (argValue('--pipelines') ?? '1,16').split(',').map(Number);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'replikit-bitmaps-ab-'));
  const servers: Array<{ name: string; port: number; pid: number; stop(): Promise<void> }> = [];
  try {
    const redis = await startRedisServer();
    servers.push({ name: 'redis-server', port: redis.port, pid: redis.pid, stop: () => redis.stop() });
    const env = { ...process.env, NODE_PATH: [path.join(HERE, 'packages', 'server', 'node_modules'), path.join(HERE, 'node_modules')].join(path.delimiter) };
    for (let i = 0; i < roots.length; i++) {
      const out = path.join(dir, `server-${i}.cjs`);
      await bundleSources(roots[i] as string, 'packages/server/src/cli.ts', out);
      const launcher = path.join(dir, `run-${i}.cjs`);
      writeFileSync(launcher, `require(${JSON.stringify(out)}).main(process.argv.slice(2));\n`);
      const port = await getFreePort();
      const child = spawn(process.execPath, [launcher, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'], { stdio: ['ignore', 'inherit', 'inherit'], env });
      const stop = () =>
        new Promise<void>((res) => {
          if (child.exitCode !== null) return res();
          child.once('exit', () => res());
          child.kill('SIGTERM');
        });
      servers.push({ name: roots[i] as string, port, pid: child.pid as number, stop });
      for (let t = 0; t < 100 && spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG'; t++) await new Promise((r) => setTimeout(r, 200));
    }
    const cases: Array<[string, () => string]> = [
      ['PFADD', pfaddCommand],
      ['SETBIT', setbitCommand],
    ];
    const lines = [`| command | -P | ${servers.map((s) => `${s.name} CPU us/op (ops/s)`).join(' | ')} |`, `|---|---:|${servers.map(() => '---').join('|')}|`];
    const loads: string[] = [];
    for (const [name, command] of cases) {
      for (const s of servers) {
        cli(s.port, 'flushall');
        await pipelinedLoad(s.port, 16, 20000, command);
      }
      for (const pipeline of pipelines) {
        const cells: string[][] = servers.map(() => []);
        for (let rep = 0; rep < reps; rep++) {
          loads.push(os.loadavg()[0].toFixed(1));
          for (let i = 0; i < servers.length; i++) {
            const s = servers[i] as (typeof servers)[number];
            cli(s.port, 'flushall');
            const c0 = cpuSeconds(s.pid);
            const ops = await pipelinedLoad(s.port, pipeline, requests, command);
            cells[i]?.push(`${(((cpuSeconds(s.pid) - c0) / requests) * 1e6).toFixed(2)} (${ops.toFixed(0)})`);
          }
        }
        lines.push(`| ${name} | ${pipeline} | ${cells.map((c) => c.join(' / ')).join(' | ')} |`);
      }
    }
    process.stdout.write(`${requests} requests per run, ${reps} reps, servers in turn within each rep; load average (1 min) per rep: ${loads.join(' ')}\n\n${lines.join('\n')}\n`);
  } finally {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else
  (process.argv.includes('--micro') ? micro() : process.argv.includes('--ab') ? ab() : run()).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
