/**
 * AOF write-path benchmark (issue 11 §Benchmarks): redis-benchmark SET and a mixed workload against
 * redis-server and replikit-server side by side, `appendonly yes` with `appendfsync everysec` and
 * `always`, unpipelined and pipelined:
 *
 *   pnpm exec tsx bench/src/aof.ts [--quick] [--base <rev>] [--head <rev>] [--fsync everysec,always]
 *     [--workload set,mixed] [--pipeline 1,16,32] [--requests 1000000] [--warmup 300000] [--reps 3]
 *     [--profile <dir>]
 *
 * `--quick` is one case (SET -P 32, everysec, 3 reps: under 2 minutes; pick another with
 * `--quick --workload mixed` or `--quick --fsync always`). replikit-server is a private build
 * of the committed HEAD or `--head <rev>` (and of `--base <rev>` for a before/after in the same
 * run). Each rep starts fresh servers in temp dirs on the same file system, all at once, and takes
 * them in turn through the steps of _warm.ts: a cold pass, a warm-up of `--warmup` SETs at -P 32
 * (the same tests for the mixed workload), FLUSHALL, the warm pass. A pass is `--requests`
 * requests for SET with everysec, half as many for the mixed workload and with `always`, a tenth
 * of that at `-P 1` (`-c 50 -r 100000 -d 100`; the mixed workload splits them evenly over SET,
 * GET, INCR, LPUSH, HSET). Automatic AOF rewrites are off for both servers
 * (`auto-aof-rewrite-percentage 0`): a pass writes more than the 64 MB that would start one, and
 * redis-server rewrites in a forked child whose CPU its own process does not show, so the figures
 * are the append path alone on both sides. Reported per pass (cold, warm): ops/s (best of the reps,
 * all reps in brackets; for the mixed workload the requests over the summed time of its tests) and
 * the server's CPU µs per request (median of the reps). Targets are judged on the warm pass. Prints
 * a markdown table.
 */
import { type Contender, contenders, command, loadAvg, machine, redisBenchmark, removeBuilds, type Running, startServer } from './_servers';
import { type ColdWarm, coldThenWarm, cpuCell, describeWarm, opsCell, type Pass, ratio, type Summary, summarize, warmupArg } from './_warm';

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
const REQUESTS = Number(opt('requests') ?? 1_000_000);
const WARMUP = warmupArg();
const REPS = Number(opt('reps') ?? 3);
const PROFILE = opt('profile');
const MIXED = ['set', 'get', 'incr', 'lpush', 'hset'];
/**
 * Requests of a pass: `--requests` for SET with everysec, half of them for the mixed workload
 * (its commands cost about twice a SET) and with `always` (one fdatasync per event-loop turn), a
 * tenth of that unpipelined; each pass lasts >= 2 s on replikit-server and a quick case < 2 min.
 */
const requestsFor = (fsync: string, workload: string, pipeline: number): number =>
  Math.ceil(REQUESTS / (workload === 'mixed' || fsync === 'always' ? 2 : 1) / (pipeline === 1 ? 10 : 1));
const COMMON = ['-c', '50', '-r', '100000', '-d', '100'];

/** One pass of `workload` (`requests` in all): ops/s over the summed time of its tests. */
function pass(s: Running, workload: string, pipeline: number, requests: number): number {
  const tests = workload === 'mixed' ? MIXED : ['set'];
  const perTest = Math.ceil(requests / tests.length);
  const r = redisBenchmark(s.port, [...COMMON, '-P', String(pipeline), '-t', tests.join(','), '-n', String(perTest)]);
  let seconds = 0;
  for (const rps of r.tests.values()) seconds += perTest / rps;
  return (perTest * r.tests.size) / seconds;
}

/** One rep of a case: every contender started fresh, cold pass, warm-up, FLUSHALL, warm pass. */
async function oneRep(cs: readonly Contender[], fsync: string, workload: string, pipeline: number, requests: number): Promise<ColdWarm[]> {
  const servers: Running[] = [];
  try {
    for (const c of cs) {
      const nodeArgs = PROFILE && c.kind === 'replikit' ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : [];
      servers.push(await startServer(c, { appendonly: 'yes', appendfsync: fsync, 'auto-aof-rewrite-percentage': 0 }, { nodeArgs }));
    }
    return await coldThenWarm(servers, {
      requests,
      warmup: WARMUP,
      pids: (s) => [s.pid],
      reset: (s) => command(s.port, 'FLUSHALL'),
      // the warm-up at -P 32 whatever the measured case: unpipelined with `always` it would take minutes
      load: (s, n, warming) => pass(s, workload, warming ? 32 : pipeline, warming ? n : requests),
    });
  } finally {
    for (const s of servers) await s.stop();
  }
}

async function main(): Promise<void> {
  const cs = await contenders(opt('base'), opt('head'));
  try {
    console.log(machine());
    console.log('');
    console.log(`- \`redis-benchmark -c 50 -r 100000 -d 100 -P <p> -n <requests>\`, appendonly yes, auto-aof-rewrite-percentage 0, save "", ${REPS} reps`);
    for (const line of describeWarm(WARMUP, 'the `requests` column')) console.log(line);
    console.log('');
    const names = cs.map((c) => c.name);
    const rest = cs.slice(1);
    console.log(`| appendfsync | workload | -P | requests | pass | ${names.map((n) => `${n} ops/s`).join(' | ')} | ${rest.map((c) => `${c.name} ratio`).join(' | ')} | ${names.map((n) => `${n} CPU µs/op`).join(' | ')} | ${rest.map((c) => `${c.name} CPU ratio`).join(' | ')} | load avg |`);
    console.log(`|---|---|---:|---:|---|${cs.map(() => '---:').join('|')}|${rest.map(() => '---:').join('|')}|${cs.map(() => '---:').join('|')}|${rest.map(() => '---:').join('|')}|---|`);
    for (const fsync of FSYNC) {
      for (const workload of WORKLOADS) {
        for (const pipeline of PIPELINES) {
          const reps: ColdWarm[][] = [];
          const requests = requestsFor(fsync, workload, pipeline);
          for (let rep = 0; rep < REPS; rep++) reps.push(await oneRep(cs, fsync, workload, pipeline, requests));
          const row = (label: string, pick: (x: ColdWarm) => Pass): void => {
            const sums: Summary[] = cs.map((_, i) => summarize(reps.map((r) => pick(r[i] as ColdWarm))));
            const [theirs] = sums as [Summary];
            const cpuRatios = sums.slice(1).map((x) => ratio(theirs.cpu, x.cpu));
            console.log(
              `| ${fsync} | ${workload === 'mixed' ? MIXED.join(',') : 'set'} | ${pipeline} | ${requests} | ${label} | ${sums.map(opsCell).join(' | ')} | ${sums.slice(1).map((x) => ratio(x.ops, theirs.ops)).join(' | ')} | ${sums.map(cpuCell).join(' | ')} | ${cpuRatios.join(' | ')} | ${loadAvg()} |`,
            );
          };
          row('cold', (x) => x.cold);
          if (WARMUP > 0) row('**warm**', (x) => x.warm as Pass);
        }
      }
    }
    console.log('');
    console.log('CPU ratio: redis-server\'s CPU µs/op over replikit-server\'s (1.00x: the same CPU per request). Targets (>= 0.6x redis-server\'s ops/s) are judged on the warm rows.');
  } finally {
    removeBuilds(cs);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
