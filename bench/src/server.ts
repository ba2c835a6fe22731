/**
 * End-to-end benchmark: redis-benchmark against replikit-server and redis-server side by side in
 * one run, same flags (`-t set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100 -c 50`), unpipelined
 * (`-P 1`) and pipelined (`-P 16`).
 *
 *   pnpm exec tsx bench/src/server.ts [--requests N] [--warmup 300000] [--reps 2] [--tests set,get]
 *     [--pipelines 1,16] [--quick] [--write] [--from-source | --head <rev>]
 *
 * Each test, at each pipelining, `--reps` times on fresh servers: a cold pass, a warm-up of
 * `--warmup` requests of the same test at -P 16, FLUSHALL, the warm pass (see _warm.ts); a pass is
 * `--requests` requests (default 200000 at -P 1, 1000000 at -P 16: at least 2 s on
 * replikit-server). Prints a markdown section with ops/s and the servers' CPU µs per request for
 * both passes; a full run replaces the first section of bench/results/server.md (up to the next
 * `## ` heading; the sections written by hand after it stay), a partial one (`--tests`,
 * `--pipelines`, `--quick`, `--warmup 0`) prints only unless `--write`. `--quick`: SET at -P 16,
 * 3 reps (under 2 minutes; `--quick --pipelines 1` for the unpipelined target). replikit-server
 * runs in its own process from the build (`packages/server/bin/replikit-server.cjs`, run
 * `pnpm build` first), the way a user runs it, or from source with `--from-source` (tsx adds a
 * large overhead), or with `--head <rev>` (both modes) from a private build of that commit (see
 * replication/bundle.ts: the committed tree, whatever the work tree and dist hold); redis-server
 * 7.0 is the real binary with `--save "" --appendonly no`.
 * Targets (issue 5): >= 0.7x redis-server unpipelined, >= 0.5x pipelined, judged on the warm pass.
 *
 * Server CPU per request only:
 *
 *   pnpm exec tsx bench/src/server.ts --cpu [--tests set,get,incr] [--pipeline 16] [--requests 1000000]
 *     [--warmup 300000] [--reps 3] [--compare /path/to/other/bin/replikit-server.cjs]
 *
 * runs `redis-benchmark -t <test> -P <pipeline> -c 50 -r 100000` against redis-server and the built
 * replikit-server (and a second replikit build with `--compare`, e.g. a copy of an older build),
 * fresh servers per test and rep, cold and warm passes as above, and prints utime+stime of each
 * server process over the pass divided by the requests (median, min-max, and the user/system
 * split) with the load average. It prints only (the hand-written sections of
 * bench/results/server.md stay). Quick mode: `--cpu --tests set --reps 3`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as serverMain } from '../../packages/server/src/cli';
import { getFreePort, startRedisServer } from '@replikit/test-utils';
import { buildPrivateServer, type PrivateBuild } from './replication/bundle';
import { type ColdWarm, coldThenWarm, cpuCell, describeWarm, loadRange, opsCell, type Pass, ratio, type Summary, summarize, warmupArg, warmupPipeline } from './_warm';

const TESTS = 'set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100';
const CLIENTS = 50;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
}

/** redis-benchmark: the req/s of each test line it printed (in order). */
function benchmark(port: number, pipeline: number, requests: number, tests: string, extra: string[] = []): Array<{ test: string; rps: number }> {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', tests, '-c', String(CLIENTS), '-n', String(requests), '-P', String(pipeline), ...extra, '--csv'], {
    encoding: 'utf8',
    timeout: 30 * 60 * 1000,
  });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const rows: Array<{ test: string; rps: number }> = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line);
    if (m) rows.push({ test: m[1] as string, rps: Number(m[2]) });
  }
  if (rows.length === 0) throw new Error(`no result from redis-benchmark: ${r.stdout}`);
  return rows;
}

const BUILT_CLI = path.join(__dirname, '..', '..', 'packages', 'server', 'bin', 'replikit-server.cjs');
const BUILT = existsSync(path.join(__dirname, '..', '..', 'packages', 'server', 'dist', 'cli.js')) && !process.argv.includes('--from-source');
/** `--head <rev>`: the private build replikit-server runs from */
let headBuild: PrivateBuild | undefined;

function serverDescription(): string {
  if (headBuild !== undefined) return `from a private build of ${headBuild.commit.slice(0, 8)} (\`--head\`)`;
  return BUILT ? 'from the build (`packages/server/bin/replikit-server.cjs`)' : 'from source through tsx';
}

interface Server {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startReplikit(name: string, cli = BUILT_CLI): Promise<Server> {
  const port = await getFreePort();
  // an empty directory of its own: a dump.rdb left in the working directory would be loaded
  const dir = mkdtempSync(path.join(os.tmpdir(), 'replikit-bench-dir-'));
  const serverArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning', '--dir', dir];
  const argv = BUILT || cli !== BUILT_CLI ? [cli, ...serverArgs] : ['--import', 'tsx', __filename, '--serve', ...serverArgs];
  const child: ChildProcess = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout.trim() === 'PONG') return { name, port, pid: child.pid as number, stop };
    await new Promise((res) => setTimeout(res, 200));
  }
  child.kill('SIGKILL');
  await stop();
  throw new Error('replikit-server did not start');
}

/** redis-server, replikit-server and the `--compare` build, all fresh. */
async function startServers(compare: string): Promise<Server[]> {
  const redis = await startRedisServer();
  const out: Server[] = [{ name: 'redis-server', port: redis.port, pid: redis.pid, stop: () => redis.stop() }];
  try {
    out.push(await startReplikit('replikit-server', headBuild?.cli));
    if (compare !== '') out.push(await startReplikit('compare', compare));
    return out;
  } catch (err) {
    for (const s of out) await s.stop();
    throw err;
  }
}

function flush(port: number): void {
  spawnSync('redis-cli', ['-p', String(port), 'flushall'], { encoding: 'utf8' });
}

/** utime and stime of a process in seconds (Linux /proc). */
function cpuTimes(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const hz = 100;
  return [Number(f[11]) / hz, Number(f[12]) / hz];
}

/**
 * `test` at `pipeline`, `reps` times on fresh servers through the cold, warm-up and warm steps.
 * `onPass` sees every measured pass's utime and stime (seconds) per server index.
 */
async function coldWarmReps(test: string, pipeline: number, requests: number, reps: number, compare: string, extra: string[] = [], onPass?: (i: number, user: number, sys: number) => void): Promise<{ names: string[]; runs: ColdWarm[][] }> {
  const warmup = warmupArg();
  const runs: ColdWarm[][] = [];
  let names: string[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const servers = await startServers(compare);
    names = servers.map((s) => s.name);
    try {
      runs.push(
        await coldThenWarm(servers, {
          requests,
          warmup,
          pids: (s) => [s.pid],
          reset: (s) => flush(s.port),
          load: (s, n, warming) => {
            const [u0, s0] = cpuTimes(s.pid);
            const rows = benchmark(s.port, warming ? warmupPipeline(pipeline) : pipeline, n, test, extra);
            const [u1, s1] = cpuTimes(s.pid);
            if (!warming) onPass?.(servers.indexOf(s), u1 - u0, s1 - s0);
            // lrange_100 runs redis-benchmark's own LPUSH fill first: the last line is the test
            return (rows[rows.length - 1] as { rps: number }).rps;
          },
        }),
      );
    } finally {
      for (const s of servers) await s.stop();
    }
  }
  return { names, runs };
}

const summaries = (runs: ColdWarm[][], pick: (x: ColdWarm) => Pass | undefined): Summary[] =>
  (runs[0] ?? []).map((_, i) => summarize(runs.map((r) => pick(r[i] as ColdWarm) as Pass)));

async function run(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const requestsArg = option('--requests', '');
  const requestsFor = (pipeline: number): number => (requestsArg !== '' ? Number(requestsArg) : pipeline === 1 ? 200_000 : 1_000_000);
  const reps = Number(option('--reps', quick ? '3' : '2'));
  const tests = option('--tests', quick ? 'set' : TESTS).split(',');
  const pipelines = option('--pipelines', quick ? '16' : '1,16').split(',').map(Number);
  const warmup = warmupArg();
  const partial = quick || option('--tests', '') !== '' || option('--pipelines', '') !== '' || warmup === 0;
  const loadAtStart = os.loadavg();
  const passes: Pass[] = [];
  const results: Array<{ pipeline: number; rows: Array<{ test: string; cold: Summary[]; warm?: Summary[] }> }> = [];
  for (const pipeline of pipelines) {
    const rows: Array<{ test: string; cold: Summary[]; warm?: Summary[] }> = [];
    for (const test of tests) {
      const { runs } = await coldWarmReps(test, pipeline, requestsFor(pipeline), reps, '');
      for (const r of runs) for (const x of r) passes.push(x.cold, ...(x.warm ? [x.warm] : []));
      rows.push({ test: test.toUpperCase(), cold: summaries(runs, (x) => x.cold), ...(warmup > 0 ? { warm: summaries(runs, (x) => x.warm) } : {}) });
      process.stderr.write(`-P ${pipeline} ${test} done, load ${os.loadavg()[0]?.toFixed(1)}\n`);
    }
    results.push({ pipeline, rows });
  }
  const cpu = os.cpus();
  const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  const lines = [
    '## replikit-server vs redis-server (redis-benchmark)',
    '',
    `- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores`,
    `- node ${process.version}, redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?'}`,
    `- date: ${new Date().toISOString()}`,
    `- \`redis-benchmark -t <test> -c ${CLIENTS} -n <requests> -P <${pipelines.join('|')}>\`, each test run alone, both servers on 127.0.0.1; redis-benchmark shares the 2 cores with the server under test`,
    `- replikit-server ${serverDescription()}; load average at the start ${la(loadAtStart)}, at the end ${la(os.loadavg())}, over the passes ${loadRange(passes)} (other jobs share this machine)`,
    ...describeWarm(warmup, pipelines.map((p) => `${requestsFor(p)} at -P ${p}`).join(', ')),
    `- ${reps} reps per test; LRANGE_100: redis-benchmark fills the list with as many LPUSHes first, and the CPU per request counts them too`,
    '',
  ];
  const summary: string[] = [];
  for (const res of results) {
    lines.push(`### -P ${res.pipeline}`, '');
    lines.push('| test | pass | redis-server req/s | replikit-server req/s | ratio | redis-server CPU µs/op | replikit-server CPU µs/op |');
    lines.push('|---|---|---:|---:|---:|---:|---:|');
    const ratios = { cold: [] as number[], warm: [] as number[] };
    for (const row of res.rows) {
      for (const [pass, s] of [['cold', row.cold], ['warm', row.warm]] as const) {
        if (s === undefined) continue;
        const [theirs, mine] = s as [Summary, Summary];
        ratios[pass].push(mine.ops / theirs.ops);
        lines.push(`| ${row.test} | ${pass === 'warm' ? '**warm**' : 'cold'} | ${opsCell(theirs)} | ${opsCell(mine)} | ${ratio(mine.ops, theirs.ops)} | ${cpuCell(theirs)} | ${cpuCell(mine)} |`);
      }
    }
    const target = res.pipeline === 1 ? 0.7 : 0.5;
    const judged = warmup > 0 ? 'warm' : 'cold';
    const stat = (xs: number[]) => ({ geo: Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length), min: Math.min(...xs) });
    const j = stat(ratios[judged]);
    lines.push('');
    lines.push(`${judged} pass: geometric mean ${j.geo.toFixed(2)}x, lowest ${j.min.toFixed(2)}x (target >= ${target}x, judged on the ${judged} pass: ${j.min >= target ? 'met' : j.geo >= target ? 'met on average, not for every test' : 'not met'})${warmup > 0 ? `; cold pass: geometric mean ${stat(ratios.cold).geo.toFixed(2)}x, lowest ${stat(ratios.cold).min.toFixed(2)}x` : ''}`);
    lines.push('');
    summary.push(`-P ${res.pipeline}: ${j.geo.toFixed(2)}x`);
  }
  lines.push(`Ratios (replikit / redis, geometric mean of the ${warmup > 0 ? 'warm' : 'cold'} passes): ${summary.join(', ')}.`);
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (partial && !process.argv.includes('--write')) {
    process.stdout.write('(partial run: bench/results/server.md left as it was; --write writes it)\n');
    return;
  }
  const file = path.join(__dirname, '..', 'results', 'server.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  // the sections after the generated one were written by hand: they stay
  const next = old.indexOf('\n## ', 1);
  writeFileSync(file, next < 0 ? text : `${text}\n${old.slice(next + 1)}`);
}

async function runCpu(): Promise<void> {
  const tests = option('--tests', 'set,get,incr').split(',');
  const pipeline = Number(option('--pipeline', '16'));
  const requests = Number(option('--requests', '1000000'));
  const reps = Number(option('--reps', '3'));
  const compare = option('--compare', '');
  const warmup = warmupArg();
  const rows: string[] = [];
  const passes: Pass[] = [];
  let names: string[] = [];
  for (const test of tests) {
    // utime and stime per server and pass, in the order of the passes (cold then warm per rep)
    const split: Array<Array<{ user: number; sys: number }>> = [];
    const r = await coldWarmReps(test, pipeline, requests, reps, compare, ['-r', '100000'], (i, user, sys) => {
      split[i] ??= [];
      split[i]?.push({ user: (user * 1e6) / requests, sys: (sys * 1e6) / requests });
    });
    names = r.names;
    for (const x of r.runs) for (const y of x) passes.push(y.cold, ...(y.warm ? [y.warm] : []));
    for (const pass of warmup > 0 ? (['cold', 'warm'] as const) : (['cold'] as const)) {
      const per = names.map((_, i) =>
        r.runs.map((rep, k) => {
          const p = pass === 'cold' ? (rep[i] as ColdWarm).cold : ((rep[i] as ColdWarm).warm as Pass);
          const us = split[i]?.[k * (warmup > 0 ? 2 : 1) + (pass === 'cold' ? 0 : 1)] ?? { user: Number.NaN, sys: Number.NaN };
          return { us: p.cpuUsPerOp, ...us };
        }),
      );
      const cells = per.map((xs) => {
        const sorted = [...xs].sort((a, b) => a.us - b.us);
        const mid = sorted[Math.floor(sorted.length / 2)] as { us: number; user: number; sys: number };
        return `${mid.us.toFixed(2)} (${(sorted[0] as { us: number }).us.toFixed(2)}-${(sorted[sorted.length - 1] as { us: number }).us.toFixed(2)}; user ${mid.user.toFixed(2)}, sys ${mid.sys.toFixed(2)})`;
      });
      const med = (i: number) => per[i]?.map((x) => x.us).sort((a, b) => a - b)[Math.floor(reps / 2)] ?? Number.NaN;
      rows.push(`| ${test.toUpperCase()} | ${pass === 'warm' ? '**warm**' : 'cold'} | ${cells.join(' | ')} | ${(med(1) / med(0)).toFixed(2)} |`);
    }
  }
  const lines = [
    `## Server CPU per request (${new Date().toISOString()})`,
    '',
    `- \`redis-benchmark -t <test> -P ${pipeline} -c ${CLIENTS} -n ${requests} -r 100000\`, ${reps} reps on fresh servers, replikit-server ${serverDescription()}; median (min-max) of (utime + stime) / requests in µs`,
    ...describeWarm(warmup, String(requests)),
    `- load average during the runs: ${loadRange(passes)} on ${os.cpus().length} cores`,
    '',
    `| test | pass | ${names.map((s) => `${s} µs/req`).join(' | ')} | replikit / redis |`,
    `|---|---|${names.map(() => '---:').join('|')}|---:|`,
    ...rows,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function withHead(f: () => Promise<void>): Promise<void> {
  const rev = option('--head', '');
  if (rev !== '') headBuild = await buildPrivateServer(rev);
  try {
    await f();
  } finally {
    if (headBuild !== undefined) rmSync(headBuild.dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') void serverMain(process.argv.slice(3));
else
  withHead(process.argv.includes('--cpu') ? runCpu : run).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
