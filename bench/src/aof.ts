/**
 * AOF write-path benchmark (issue 11 §Benchmarks): redis-benchmark SET and a mixed workload against
 * redis-server and replikit-server side by side, `appendonly yes` with `appendfsync everysec` and
 * `always`, unpipelined and pipelined:
 *
 *   pnpm exec tsx bench/src/aof.ts [--quick] [--base <rev>] [--head <rev>] [--fsync everysec,always]
 *     [--workload set,mixed] [--pipeline 1,16,32] [--requests 300000] [--reps 3] [--profile <dir>]
 *
 * `--quick` is one case (SET -P 32, everysec, 3 reps: about a minute). replikit-server is a private
 * build of the committed HEAD or `--head <rev>` (and of `--base <rev>` for a before/after in the same run). Every run
 * starts fresh servers in temp dirs on the same file system, warms up with 50k SETs (-P 32), then measures
 * `--requests` requests (a quarter of them with `-P 1`; `-c 50 -r 100000 -d 100`; the mixed workload splits them evenly over
 * SET, GET, INCR, LPUSH, HSET); servers alternate run by run. Reported: ops/s (best of the reps, all
 * reps in brackets; for the mixed workload the requests over the summed time of its tests) and the
 * server's CPU µs per request (user + system from /proc over the measured load, median of the
 * reps), the figure that shifts least with the machine's load. Prints a markdown table.
 */
import { type Contender, contenders, cpuMicros, loadAvg, machine, redisBenchmark, removeBuilds, sleep, startServer } from './_servers';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = args.includes('--quick');
const list = (name: string, def: string, quick: string): string[] => (opt(name) ?? (QUICK ? quick : def)).split(',');
const FSYNC = list('fsync', 'everysec,always', 'everysec');
const WORKLOADS = list('workload', 'set,mixed', 'set');
const PIPELINES = list('pipeline', '1,16,32', '32').map(Number);
const REQUESTS = Number(opt('requests') ?? 300_000);
const REPS = Number(opt('reps') ?? 3);
const PROFILE = opt('profile');
const MIXED = ['set', 'get', 'incr', 'lpush', 'hset'];
/** unpipelined runs are several times slower (with `always`, one fdatasync per event-loop turn): a quarter of the requests */
const requestsFor = (pipeline: number): number => (pipeline === 1 ? Math.ceil(REQUESTS / 4) : REQUESTS);

interface RunResult {
  readonly rps: number;
  readonly cpuUsPerOp: number;
}

async function oneRun(c: Contender, fsync: string, workload: string, pipeline: number): Promise<RunResult> {
  const s = await startServer(c, { appendonly: 'yes', appendfsync: fsync }, { nodeArgs: PROFILE && c.kind === 'replikit' ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : [] });
  try {
    const common = ['-c', '50', '-r', '100000', '-d', '100'];
    // warm-up (JIT), pipelined whatever the measured case
    redisBenchmark(s.port, [...common, '-P', '32', '-t', 'set', '-n', '50000']);
    await sleep(200);
    const tests = workload === 'mixed' ? MIXED : ['set'];
    const perTest = Math.ceil(requestsFor(pipeline) / tests.length);
    const cpu0 = cpuMicros(s.pid);
    const r = redisBenchmark(s.port, [...common, '-P', String(pipeline), '-t', tests.join(','), '-n', String(perTest)]);
    const cpu = cpuMicros(s.pid) - cpu0;
    let seconds = 0;
    for (const rps of r.tests.values()) seconds += perTest / rps;
    const total = perTest * r.tests.size;
    return { rps: total / seconds, cpuUsPerOp: cpu / total };
  } finally {
    await s.stop();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const cs = await contenders(opt('base'), opt('head'));
  try {
    console.log(machine());
    console.log(`redis-benchmark -c 50 -r 100000 -d 100, ${REQUESTS} requests a run (-P 1: ${requestsFor(1)}) after 50k SETs, appendonly yes, save "", best of ${REPS} (ops/s), median (CPU)`);
    console.log('');
    const names = cs.map((c) => c.name);
    const rest = cs.slice(1);
    console.log(`| appendfsync | workload | -P | ${names.map((n) => `${n} ops/s`).join(' | ')} | ${rest.map((c) => `${c.name} ratio`).join(' | ')} | ${names.map((n) => `${n} CPU µs/op`).join(' | ')} | ${rest.map((c) => `${c.name} CPU ratio`).join(' | ')} | load avg |`);
    console.log(`|---|---|---:|${cs.map(() => '---:').join('|')}|${rest.map(() => '---:').join('|')}|${cs.map(() => '---:').join('|')}|${rest.map(() => '---:').join('|')}|---|`);
    for (const fsync of FSYNC) {
      for (const workload of WORKLOADS) {
        for (const pipeline of PIPELINES) {
          const runs: RunResult[][] = cs.map(() => []);
          for (let rep = 0; rep < REPS; rep++) {
            for (let i = 0; i < cs.length; i++) runs[i]?.push(await oneRun(cs[i] as Contender, fsync, workload, pipeline));
          }
          const best = runs.map((rs) => Math.max(...rs.map((r) => r.rps)));
          const cpu = runs.map((rs) => median(rs.map((r) => r.cpuUsPerOp)));
          const ops = runs.map((rs, i) => `${(best[i] ?? 0).toFixed(0)}${rs.length > 1 ? ` (${rs.map((r) => r.rps.toFixed(0)).join(', ')})` : ''}`);
          const ratios = best.slice(1).map((x) => `${(x / (best[0] ?? 1)).toFixed(2)}x`);
          const cpuRatios = cpu.slice(1).map((x) => `${((cpu[0] ?? 0) / x).toFixed(2)}x`);
          console.log(`| ${fsync} | ${workload === 'mixed' ? MIXED.join(',') : 'set'} | ${pipeline} | ${ops.join(' | ')} | ${ratios.join(' | ')} | ${cpu.map((x) => x.toFixed(2)).join(' | ')} | ${cpuRatios.join(' | ')} | ${loadAvg()} |`);
        }
      }
    }
  } finally {
    removeBuilds(cs);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
