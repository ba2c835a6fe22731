/**
 * The side-by-side redis-benchmark harness of the per-family benchmarks (streams, scripting): one
 * redis-server and one replikit-server, every case run against both alternately, unpipelined and
 * pipelined, best of N, written as a markdown section to bench/results/<name>.md. The `_` prefix
 * keeps bench/scripts/run-all.mjs from running this file as a topic of its own.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, startRedisServer } from '@replikit/test-utils';

export const CLIENTS = 50;

export interface BenchCase {
  name: string;
  /** prepares the server (before every measured run) */
  setup(port: number, requests: number): void;
  argv: string[];
}

export interface SideBySide {
  /** the section title, e.g. `Streams` */
  title: string;
  /** the results file name under bench/results */
  resultFile: string;
  cases: BenchCase[];
  /** one markdown bullet saying what the cases run, given the request count */
  describeCases(requests: number): string;
  /** the calling script: run with `--serve <args>` it starts replikit-server from source */
  script: string;
}

export function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

function benchmark(port: number, pipeline: number, requests: number, argv: string[]): number {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', String(CLIENTS), '-n', String(requests), '-P', String(pipeline), '--csv', ...argv], {
    encoding: 'utf8',
    timeout: 30 * 60 * 1000,
  });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line);
    if (m) return Number(m[2]);
  }
  throw new Error(`no result from redis-benchmark: ${r.stdout}`);
}

const BUILT_CLI = path.join(__dirname, '..', '..', 'packages', 'server', 'bin', 'replikit-server.cjs');
const BUILT = existsSync(path.join(__dirname, '..', '..', 'packages', 'server', 'dist', 'cli.js')) && !process.argv.includes('--from-source');

async function startReplikit(script: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await getFreePort();
  const serverArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'];
  const argv = BUILT ? [BUILT_CLI, ...serverArgs] : ['--import', 'tsx', script, '--serve', ...serverArgs];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout.trim() === 'PONG') return { port, child };
    await new Promise((res) => setTimeout(res, 200));
  }
  child.kill('SIGKILL');
  throw new Error('replikit-server did not start');
}

function argNumber(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export async function runSideBySide(b: SideBySide): Promise<void> {
  const requests = argNumber('--requests', 100000);
  const reps = argNumber('--reps', 2);
  const redis = await startRedisServer();
  const ours = await startReplikit(b.script);
  const rows: Array<{ pipeline: number; name: string; redis: number; replikit: number }> = [];
  try {
    // an unrecorded warm-up per server: V8 compiles replikit's hot paths during the first requests
    for (const c of b.cases) {
      for (const port of [redis.port, ours.port]) {
        c.setup(port, 20000);
        benchmark(port, 16, 20000, c.argv);
      }
    }
    for (const pipeline of [1, 16]) {
      for (const c of b.cases) {
        let theirs = 0;
        let mine = 0;
        // alternating servers, best of `reps`: other load on the machine hits both alike
        for (let rep = 0; rep < reps; rep++) {
          c.setup(redis.port, requests);
          theirs = Math.max(theirs, benchmark(redis.port, pipeline, requests, c.argv));
          c.setup(ours.port, requests);
          mine = Math.max(mine, benchmark(ours.port, pipeline, requests, c.argv));
        }
        rows.push({ pipeline, name: c.name, redis: theirs, replikit: mine });
      }
    }
  } finally {
    ours.child.kill('SIGTERM');
    await redis.stop();
  }
  const cpu = os.cpus();
  const lines: string[] = [];
  lines.push(`## ${b.title}: replikit-server vs redis-server (redis-benchmark)`);
  lines.push('');
  lines.push(`- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores`);
  lines.push(`- node ${process.version}, redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?'}`);
  lines.push(`- date: ${new Date().toISOString()}`);
  lines.push(`- \`redis-benchmark -c ${CLIENTS} -n ${requests} -P <1|16> <command>\`; ${b.describeCases(requests)}`);
  lines.push(`- replikit-server ${BUILT ? 'from the build (`packages/server/bin/replikit-server.cjs`)' : 'from source through tsx'}; load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (other jobs share this machine)`);
  lines.push(`- alternating between the servers, best of ${reps} runs per server; one unrecorded warm-up per server and command first`);
  lines.push('');
  lines.push('| command | -P | redis-server ops/s | replikit-server ops/s | ratio |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const r of rows) lines.push(`| ${r.name} | ${r.pipeline} | ${r.redis.toFixed(0)} | ${r.replikit.toFixed(0)} | ${(r.replikit / r.redis).toFixed(2)}x |`);
  const min = Math.min(...rows.map((r) => r.replikit / r.redis));
  lines.push('');
  lines.push(`Lowest ratio ${min.toFixed(2)}x (target >= 0.5x each: ${min >= 0.5 ? 'met' : 'not met'}).`);
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  writeFileSync(path.join(__dirname, '..', 'results', b.resultFile), text);
}
