/**
 * Quick write-path benchmark: master ops/s under `redis-benchmark -t set -P 32` with 0..N replicas
 * attached, and with `appendonly yes` + `appendfsync everysec`, for redis-server and for one or two
 * private builds of replikit-server, side by side in one run (a few minutes instead of the ~10 of
 * bench/src/replication.ts).
 *
 *   pnpm exec tsx bench/src/replication-quick.ts [--base <rev>] [--replicas 0,1,2] [--aof]
 *     [--aof-always] [--replica-kind same|redis] [--requests 300000] [--reps 1] [--profile <dir>]
 *
 * `--aof` adds a case with `appendfsync everysec`, `--aof-always` one with `always`; `--replicas none`
 * runs only those. `head` is the committed tree at HEAD; `--base <rev>` adds a build of that commit (before/after in
 * the same run). `--replica-kind redis` attaches real redis-server replicas to every master, so
 * only the master's cost differs. `--profile <dir>` runs the replikit masters with `--cpu-prof`.
 * Servers alternate run by run; every run starts fresh processes. Prints a Markdown table.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { buildPrivateServer, type PrivateBuild } from './replication/bundle';
import { attachReplicas } from './replication/load-scenarios';
import { commonConfig, type Node, sleep, startLoad, startNode, useServerCli } from './replication/servers';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const REQUESTS = Number(opt('requests') ?? 300_000);
const REPS = Number(opt('reps') ?? 1);
// `--replicas none`: only the AOF cases
const COUNTS = opt('replicas') === 'none' ? [] : (opt('replicas') ?? '0,1,2').split(',').map(Number);
const REPLICA_KIND = opt('replica-kind') ?? 'same';
const PROFILE = opt('profile');
const BASE = opt('base');
const AOF = args.includes('--aof');
const AOF_ALWAYS = args.includes('--aof-always');

interface Contender {
  readonly name: string;
  readonly build: PrivateBuild | undefined;
}

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function startMaster(c: Contender, extra: Record<string, string | number>): Promise<Node> {
  if (c.build) useServerCli(c.build.cli);
  return startNode(c.build ? 'replikit' : 'redis', commonConfig(extra), c.build ? PROFILE : undefined);
}

/** CPU time (user + system) the process has used, in µs, from /proc (Linux clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

interface RunResult {
  readonly rps: number;
  /** the master's CPU µs per request during the measured load: less sensitive to the machine's load than ops/s */
  readonly cpuUsPerOp: number;
}

async function oneRun(c: Contender, replicas: number, extra: Record<string, string | number>): Promise<RunResult> {
  const master = await startMaster(c, extra);
  let attached: Node[] = [];
  try {
    if (c.build) useServerCli(c.build.cli);
    const kind = REPLICA_KIND === 'redis' || !c.build ? 'redis' : 'replikit';
    attached = await attachReplicas(kind, master, replicas);
    const bench = ['-t', 'set', '-P', '32', '-c', '50', '-r', '100000', '-d', '100'];
    await startLoad(master.port, [...bench, '-n', '100000']).done;
    await sleep(200);
    const cpu0 = cpuMicros(master.pid);
    const res = await startLoad(master.port, [...bench, '-n', String(REQUESTS)]).done;
    return { rps: res.rps, cpuUsPerOp: (cpuMicros(master.pid) - cpu0) / REQUESTS };
  } finally {
    for (const r of attached) await r.stop();
    await master.stop();
  }
}

async function run(): Promise<void> {
  const contenders: Contender[] = [{ name: 'redis', build: undefined }];
  const builds: PrivateBuild[] = [];
  if (BASE) {
    const b = await buildPrivateServer(BASE);
    builds.push(b);
    contenders.push({ name: `replikit ${b.commit.slice(0, 8)} (base)`, build: b });
  }
  const head = await buildPrivateServer('HEAD');
  builds.push(head);
  contenders.push({ name: `replikit ${head.commit.slice(0, 8)} (HEAD)`, build: head });
  const cases: Array<{ label: string; replicas: number; extra: Record<string, string | number> }> = COUNTS.map((n) => ({
    label: `${n} replica(s)${n > 0 ? `, ${REPLICA_KIND === 'redis' ? 'redis-server' : 'same-kind'} replicas` : ''}`,
    replicas: n,
    extra: {},
  }));
  if (AOF) cases.push({ label: 'appendonly yes, appendfsync everysec', replicas: 0, extra: { appendonly: 'yes', appendfsync: 'everysec' } });
  if (AOF_ALWAYS) cases.push({ label: 'appendonly yes, appendfsync always', replicas: 0, extra: { appendonly: 'yes', appendfsync: 'always' } });
  console.log(`date ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} cores, load at start ${load()}`);
  console.log(`redis-benchmark -t set -P 32 -c 50 -n ${REQUESTS} -r 100000 -d 100, best of ${REPS}`);
  console.log('');
  console.log('ops/s: best of the runs (all runs in brackets); CPU: the master\'s CPU µs per request, median of the runs');
  console.log('');
  console.log(`| case | ${contenders.map((c) => `${c.name} ops/s`).join(' | ')} | ${contenders.slice(1).map((c) => `${c.name} ratio`).join(' | ')} | ${contenders.map((c) => `${c.name} CPU µs/op`).join(' | ')} | load avg |`);
  console.log(`|---|${contenders.map(() => '---:').join('|')}|${contenders.slice(1).map(() => '---:').join('|')}|${contenders.map(() => '---:').join('|')}|---|`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  try {
    for (const k of cases) {
      const runs: RunResult[][] = contenders.map(() => []);
      for (let rep = 0; rep < REPS; rep++) {
        for (let i = 0; i < contenders.length; i++) runs[i]?.push(await oneRun(contenders[i] as Contender, k.replicas, k.extra));
      }
      const best = runs.map((rs) => Math.max(...rs.map((r) => r.rps)));
      const ratios = best.slice(1).map((x) => `${(x / (best[0] ?? 1)).toFixed(2)}x`);
      const ops = runs.map((rs, i) => `${(best[i] ?? 0).toFixed(0)}${rs.length > 1 ? ` (${rs.map((r) => r.rps.toFixed(0)).join(', ')})` : ''}`);
      const cpu = runs.map((rs) => median(rs.map((r) => r.cpuUsPerOp)).toFixed(2));
      console.log(`| ${k.label} | ${ops.join(' | ')} | ${ratios.join(' | ')} | ${cpu.join(' | ')} | ${load()} |`);
    }
  } finally {
    for (const b of builds) rmSync(b.dir, { recursive: true, force: true });
  }
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
