/**
 * End-to-end benchmark: redis-benchmark against replikit-server and redis-server side by side in
 * one run, same flags (`-t set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100 -c 50 -n 100000`),
 * unpipelined (`-P 1`) and pipelined (`-P 16`).
 *
 *   pnpm exec tsx bench/src/server.ts [--requests 100000] [--reps 2] [--from-source]
 *
 * Prints a markdown section and writes it to bench/results/server.md. replikit-server runs in its
 * own process from the build (`packages/server/bin/replikit-server.cjs`, run `pnpm build` first),
 * the way a user runs it, or from source with `--from-source` (tsx adds a large overhead: esbuild's
 * `__name` helpers and live-binding getters on the hot path); redis-server 7.0 is the real binary
 * with `--save "" --appendonly no`.
 * Targets (issue 5): >= 0.7x redis-server unpipelined, >= 0.5x pipelined.
 *
 * Server CPU per request (req/s swings 2-3x on a shared machine; CPU time per request does not):
 *
 *   pnpm exec tsx bench/src/server.ts --cpu [--tests set,get,incr] [--pipeline 16] [--requests 500000]
 *     [--reps 3] [--compare /path/to/other/bin/replikit-server.cjs]
 *
 * runs `redis-benchmark -t <test> -P <pipeline> -c 50 -r 100000` against redis-server and the built
 * replikit-server (and a second replikit build with `--compare`, e.g. a copy of an older build),
 * alternating per rep, and prints utime+stime of each server process over the run divided by the
 * requests (median, min-max, and the user/system split) with the load average. It prints only (the
 * hand-written sections of bench/results/server.md stay). Quick mode: `--tests set --reps 1`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as serverMain } from '../../packages/server/src/cli';
import { getFreePort, startRedisServer } from '@replikit/test-utils';

const TESTS = 'set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100';
const CLIENTS = 50;

interface Row {
  test: string;
  rps: number;
}

function benchmark(port: number, pipeline: number, requests: number, tests = TESTS): Row[] {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', tests, '-c', String(CLIENTS), '-n', String(requests), '-P', String(pipeline), '--csv'], {
    encoding: 'utf8',
    timeout: 30 * 60 * 1000,
  });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const rows: Row[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line);
    if (m) rows.push({ test: m[1], rps: Number(m[2]) });
  }
  return rows;
}

const BUILT_CLI = path.join(__dirname, '..', '..', 'packages', 'server', 'bin', 'replikit-server.cjs');
const BUILT = existsSync(path.join(__dirname, '..', '..', 'packages', 'server', 'dist', 'cli.js')) && !process.argv.includes('--from-source');

async function startReplikit(cli = BUILT_CLI): Promise<{ port: number; child: ChildProcess }> {
  const port = await getFreePort();
  const serverArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'];
  const argv = BUILT || cli !== BUILT_CLI ? [cli, ...serverArgs] : ['--import', 'tsx', __filename, '--serve', ...serverArgs];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout.trim() === 'PONG') return { port, child };
    await new Promise((res) => setTimeout(res, 200));
  }
  child.kill('SIGKILL');
  throw new Error('replikit-server did not start');
}

function flush(port: number): void {
  spawnSync('redis-cli', ['-p', String(port), 'flushall'], { encoding: 'utf8' });
}

async function run(): Promise<void> {
  const i = process.argv.indexOf('--requests');
  const requests = i > 0 ? Number(process.argv[i + 1]) : 100000;
  const j = process.argv.indexOf('--reps');
  const reps = j > 0 ? Number(process.argv[j + 1]) : 2;
  const redis = await startRedisServer();
  const ours = await startReplikit();
  const results: Array<{ pipeline: number; redis: Row[]; replikit: Row[] }> = [];
  try {
    // warm-up, unrecorded, for both: V8 compiles replikit's hot paths during the first requests
    benchmark(redis.port, 16, Math.min(requests, 20000));
    benchmark(ours.port, 16, Math.min(requests, 20000));
    // test by test, alternating servers, best of `reps`: other load on the machine hits both alike
    const best = (into: Row[], rows: Row[]) => {
      for (const row of rows) {
        const old = into.find((x) => x.test === row.test);
        if (!old) into.push({ ...row });
        else if (row.rps > old.rps) old.rps = row.rps;
      }
    };
    for (const pipeline of [1, 16]) {
      const r: Row[] = [];
      const o: Row[] = [];
      for (const test of TESTS.split(',')) {
        for (let rep = 0; rep < reps; rep++) {
          flush(redis.port);
          best(r, benchmark(redis.port, pipeline, requests, test));
          flush(ours.port);
          best(o, benchmark(ours.port, pipeline, requests, test));
        }
      }
      results.push({ pipeline, redis: r, replikit: o });
    }
  } finally {
    ours.child.kill('SIGTERM');
    await redis.stop();
  }
  const cpu = os.cpus();
  const lines: string[] = [];
  lines.push('## replikit-server vs redis-server (redis-benchmark)');
  lines.push('');
  lines.push(`- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores`);
  lines.push(`- node ${process.version}, redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?'}`);
  lines.push(`- date: ${new Date().toISOString()}`);
  lines.push(`- \`redis-benchmark -t ${TESTS} -c ${CLIENTS} -n ${requests} -P <1|16>\`, both servers on 127.0.0.1, run one after the other in one process`);
  lines.push(`- replikit-server ${BUILT ? 'from the build (`packages/server/bin/replikit-server.cjs`)' : 'from source through tsx'}; load average at the end of the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (other jobs share this machine)`);
  lines.push(`- each test run alone, alternating between the servers, best of ${reps} runs per server`);
  lines.push('- one unrecorded warm-up pass (`-P 16`, 20000 requests) per server first; redis-benchmark shares the 2 cores with the server under test');
  lines.push('');
  const summary: string[] = [];
  for (const res of results) {
    lines.push(`### -P ${res.pipeline}`);
    lines.push('');
    lines.push('| test | redis-server req/s | replikit-server req/s | ratio |');
    lines.push('|---|---:|---:|---:|');
    const ratios: number[] = [];
    for (const row of res.redis) {
      const mine = res.replikit.find((x) => x.test === row.test);
      const ratio = mine ? mine.rps / row.rps : Number.NaN;
      ratios.push(ratio);
      lines.push(`| ${row.test} | ${row.rps.toFixed(0)} | ${mine ? mine.rps.toFixed(0) : '-'} | ${ratio.toFixed(2)}x |`);
    }
    const geo = Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length);
    const min = Math.min(...ratios);
    const target = res.pipeline === 1 ? 0.7 : 0.5;
    lines.push('');
    lines.push(`geometric mean ${geo.toFixed(2)}x, lowest ${min.toFixed(2)}x (target >= ${target}x: ${min >= target ? 'met' : geo >= target ? 'met on average, not for every test' : 'not met'})`);
    lines.push('');
    summary.push(`-P ${res.pipeline}: ${geo.toFixed(2)}x`);
  }
  lines.push(`Ratios (replikit / redis, geometric mean): ${summary.join(', ')}.`);
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  writeFileSync(path.join(__dirname, '..', 'results', 'server.md'), text);
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
}

/** utime and stime of a process in seconds (Linux /proc). */
function cpuTimes(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const hz = 100;
  return [Number(f[11]) / hz, Number(f[12]) / hz];
}

async function runCpu(): Promise<void> {
  const tests = option('--tests', 'set,get,incr').split(',');
  const pipeline = Number(option('--pipeline', '16'));
  const requests = Number(option('--requests', '500000'));
  const reps = Number(option('--reps', '3'));
  const compare = option('--compare', '');
  const redis = await startRedisServer();
  const servers: Array<{ name: string; port: number; pid: number; stop(): void }> = [
    { name: 'redis-server', port: redis.port, pid: redis.pid, stop: () => {} },
  ];
  const started: ChildProcess[] = [];
  try {
    for (const [name, cli] of compare === '' ? [['replikit-server', BUILT_CLI]] : [['replikit-server', BUILT_CLI], ['compare', compare]]) {
      const s = await startReplikit(cli);
      started.push(s.child);
      servers.push({ name: name as string, port: s.port, pid: s.child.pid ?? -1, stop: () => s.child.kill('SIGTERM') });
    }
    // warm-up, unrecorded: V8 compiles replikit's hot paths during the first requests
    for (const s of servers) spawnSync('redis-benchmark', ['-p', String(s.port), '-t', 'set,get,incr', '-P', '16', '-c', String(CLIENTS), '-n', '200000', '-r', '100000', '-q']);
    const rows: string[] = [];
    const loads: number[] = [];
    for (const test of tests) {
      const per = servers.map(() => [] as Array<{ us: number; user: number; sys: number }>);
      for (let rep = 0; rep < reps; rep++) {
        servers.forEach((s, k) => {
          flush(s.port);
          const [u0, s0] = cpuTimes(s.pid);
          const r = spawnSync('redis-benchmark', ['-p', String(s.port), '-t', test, '-P', String(pipeline), '-c', String(CLIENTS), '-n', String(requests), '-r', '100000', '-q'], { encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
          const [u1, s1] = cpuTimes(s.pid);
          const user = ((u1 - u0) * 1e6) / requests;
          const sys = ((s1 - s0) * 1e6) / requests;
          per[k]?.push({ us: user + sys, user, sys });
          loads.push(os.loadavg()[0] as number);
        });
      }
      const cells = per.map((xs) => {
        const sorted = [...xs].sort((a, b) => a.us - b.us);
        const mid = sorted[Math.floor(sorted.length / 2)] as { us: number; user: number; sys: number };
        return `${mid.us.toFixed(2)} (${(sorted[0] as { us: number }).us.toFixed(2)}-${(sorted[sorted.length - 1] as { us: number }).us.toFixed(2)}; user ${mid.user.toFixed(2)}, sys ${mid.sys.toFixed(2)})`;
      });
      const base = per[1]?.map((x) => x.us).sort((a, b) => a - b)[Math.floor(reps / 2)] ?? Number.NaN;
      const red = per[0]?.map((x) => x.us).sort((a, b) => a - b)[Math.floor(reps / 2)] ?? Number.NaN;
      rows.push(`| ${test.toUpperCase()} | ${cells.join(' | ')} | ${(base / red).toFixed(2)} |`);
    }
    const lines = [
      `## Server CPU per request (${new Date().toISOString()})`,
      '',
      `- \`redis-benchmark -t <test> -P ${pipeline} -c ${CLIENTS} -n ${requests} -r 100000\`, ${reps} reps alternating between the servers after one warm-up pass each; median (min-max) of (utime + stime) / requests in µs`,
      `- load average during the runs: ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores`,
      '',
      `| test | ${servers.map((s) => `${s.name} µs/req`).join(' | ')} | replikit / redis |`,
      `|---|${servers.map(() => '---:').join('|')}|---:|`,
      ...rows,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const c of started) c.kill('SIGTERM');
    await redis.stop();
  }
}

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else if (process.argv.includes('--cpu'))
  runCpu().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
else
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
