/**
 * End-to-end stream benchmark: redis-benchmark running XADD and XREADGROUP against
 * replikit-server and redis-server side by side in one run, same flags, unpipelined (`-P 1`) and
 * pipelined (`-P 16`).
 *
 *   pnpm exec tsx bench/src/streams.ts [--requests 100000] [--reps 2] [--from-source]
 *
 * - XADD: `XADD bench:s MAXLEN ~ 10000 * field <value>` (the trim keeps memory flat and exercises
 *   the node layout; `~` trims whole nodes only)
 * - XREADGROUP: `XREADGROUP GROUP g c COUNT 1 STREAMS bench:r >` on a stream pre-filled with as many
 *   entries as requests, so every call delivers one entry and adds it to the PEL (and propagates its
 *   XCLAIM, as Redis does)
 *
 * Prints a markdown section and writes it to bench/results/streams.md. replikit-server runs in its
 * own process from the build (`packages/server/bin/replikit-server.cjs`, run `pnpm build` first) or
 * from source with `--from-source`. Target (issue 12): >= 0.5x redis-server's ops/s each.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, startRedisServer } from '@replikit/test-utils';
import { main as serverMain } from '../../packages/server/src/cli';

const CLIENTS = 50;

interface Case {
  name: string;
  /** prepares the server (before every measured run) */
  setup(port: number, requests: number): void;
  argv: string[];
}

function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Fills bench:r with `n` entries through redis-benchmark itself (fast on both servers). */
function fill(port: number, n: number): void {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', String(CLIENTS), '-n', String(n), '-P', '64', '-q', 'XADD', 'bench:r', '*', 'field', 'value'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`filling the stream failed: ${r.stderr}`);
}

const CASES: Case[] = [
  {
    name: 'XADD',
    setup: (port) => void cli(port, 'flushall'),
    argv: ['XADD', 'bench:s', 'MAXLEN', '~', '10000', '*', 'field', 'value-__rand_int__'],
  },
  {
    name: 'XREADGROUP',
    setup: (port, requests) => {
      cli(port, 'flushall');
      fill(port, requests);
      cli(port, 'XGROUP', 'CREATE', 'bench:r', 'g', '0');
    },
    argv: ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'bench:r', '>'],
  },
];

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

async function startReplikit(): Promise<{ port: number; child: ChildProcess }> {
  const port = await getFreePort();
  const serverArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'];
  const argv = BUILT ? [BUILT_CLI, ...serverArgs] : ['--import', 'tsx', __filename, '--serve', ...serverArgs];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout.trim() === 'PONG') return { port, child };
    await new Promise((res) => setTimeout(res, 200));
  }
  child.kill('SIGKILL');
  throw new Error('replikit-server did not start');
}

async function run(): Promise<void> {
  const i = process.argv.indexOf('--requests');
  const requests = i > 0 ? Number(process.argv[i + 1]) : 100000;
  const j = process.argv.indexOf('--reps');
  const reps = j > 0 ? Number(process.argv[j + 1]) : 2;
  const redis = await startRedisServer();
  const ours = await startReplikit();
  const rows: Array<{ pipeline: number; name: string; redis: number; replikit: number }> = [];
  try {
    // an unrecorded warm-up per server: V8 compiles replikit's hot paths during the first requests
    for (const c of CASES) {
      for (const port of [redis.port, ours.port]) {
        c.setup(port, 20000);
        benchmark(port, 16, 20000, c.argv);
      }
    }
    for (const pipeline of [1, 16]) {
      for (const c of CASES) {
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
  lines.push('## Streams: replikit-server vs redis-server (redis-benchmark)');
  lines.push('');
  lines.push(`- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores`);
  lines.push(`- node ${process.version}, redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?'}`);
  lines.push(`- date: ${new Date().toISOString()}`);
  lines.push(`- \`redis-benchmark -c ${CLIENTS} -n ${requests} -P <1|16> <command>\`; XADD: \`${CASES[0]?.argv.join(' ')}\`; XREADGROUP: \`${CASES[1]?.argv.join(' ')}\` on a stream pre-filled with ${requests} entries`);
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
  writeFileSync(path.join(__dirname, '..', 'results', 'streams.md'), text);
}

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
