/**
 * Quick write-path benchmark (issue 8 §7): master ops/s under `redis-benchmark -t set -P 32` with
 * 0..N replicas attached, and with `appendonly yes` + `appendfsync everysec`, for redis-server and
 * for one or two private builds of replikit-server, side by side in one run (a few minutes instead
 * of the ~10 of bench/src/replication.ts).
 *
 *   pnpm exec tsx bench/src/replication-quick.ts [--quick] [--base <rev>] [--replicas 0,1,2] [--aof]
 *     [--aof-always] [--replica-kind same|redis] [--requests N] [--warmup 300000] [--reps 1]
 *     [--profile <dir>]
 *
 * `--aof` adds a case with `appendfsync everysec`, `--aof-always` one with `always`; `--replicas none`
 * runs only those. `--quick`: one case, 1 replica, 2 reps (under 2 minutes). `head` is the committed
 * tree at HEAD; `--base <rev>` adds a build of that commit (before/after in the same run).
 * `--replica-kind redis` attaches real redis-server replicas to every master, so only the master's
 * cost differs. `--profile <dir>` runs the replikit masters with `--cpu-prof`.
 * Each rep starts fresh masters and replicas for every contender, all at once, and takes the
 * masters in turn through the steps of _warm.ts: a cold pass of `--requests` SETs (default 1M
 * without replicas, 500k with: a pass lasts >= 2 s on a replikit master either way), a warm-up of
 * `--warmup` SETs (the replicas get the same stream), FLUSHALL, every replica caught up with its
 * master's offset (the offsets are printed), the warm pass. Targets (>= 0.6x redis-server's ops/s
 * with the same number of replicas; replica catch-up <= 10 ms, see replication/catch-up.ts) are
 * judged on the warm pass. Prints a Markdown table.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { buildPrivateServer, type PrivateBuild } from './replication/bundle';
import { type CatchUp, catchUpAfterLoad } from './replication/catch-up';
import { attachReplicas } from './replication/load-scenarios';
import { commonConfig, info, type Node, sleep, startLoad, startNode, useServerCli } from './replication/servers';
import { type ColdWarm, coldThenWarm, cpuCell, describeWarm, median, opsCell, type Pass, ratio, type Summary, summarize, warmupArg } from './_warm';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = args.includes('--quick');
/**
 * Requests of a pass: `--requests`, else 1M without replicas (about 2 s on a warm replikit master)
 * and 500k with replicas (which share the 2 cores: 5 s or more), so a quick case stays < 2 min.
 */
const requestsFor = (replicas: number): number => Number(opt('requests') ?? (replicas > 0 ? 500_000 : 1_000_000));
const WARMUP = warmupArg();
const REPS = Number(opt('reps') ?? (QUICK ? 2 : 1));
// `--replicas none`: only the AOF cases
const COUNTS = opt('replicas') === 'none' ? [] : (opt('replicas') ?? (QUICK ? '1' : '0,1,2')).split(',').map(Number);
const REPLICA_KIND = opt('replica-kind') ?? 'same';
const PROFILE = opt('profile');
const BASE = opt('base');
const AOF = args.includes('--aof');
const AOF_ALWAYS = args.includes('--aof-always');
const BENCH = ['-t', 'set', '-P', '32', '-c', '50', '-r', '100000', '-d', '100'];

interface Contender {
  readonly name: string;
  readonly build: PrivateBuild | undefined;
}

interface Setup {
  readonly master: Node;
  readonly replicas: Node[];
}

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function startSetup(c: Contender, replicas: number, extra: Record<string, string | number>): Promise<Setup> {
  if (c.build) useServerCli(c.build.cli);
  const master = await startNode(c.build ? 'replikit' : 'redis', commonConfig(extra), c.build ? PROFILE : undefined);
  try {
    const kind = REPLICA_KIND === 'redis' || !c.build ? 'redis' : 'replikit';
    return { master, replicas: await attachReplicas(kind, master, replicas) };
  } catch (err) {
    await master.stop();
    throw err;
  }
}

/** FLUSHALL on the master, then every replica's applied offset up to the master's; returns the offsets. */
async function resetAndCatchUp(s: Setup): Promise<string> {
  await s.master.client.call('FLUSHALL');
  const target = Number((await info(s.master, 'replication')).get('master_repl_offset'));
  const offsets: number[] = [];
  const t0 = performance.now();
  for (const r of s.replicas) {
    for (;;) {
      const at = Number((await info(r, 'replication')).get('slave_repl_offset'));
      if (at >= target) {
        offsets.push(at);
        break;
      }
      if (performance.now() - t0 > 120_000) throw new Error(`${r.kind} replica at offset ${at} did not catch up with ${target}`);
      await sleep(20);
    }
  }
  return `master ${target}${offsets.length ? `, replicas ${offsets.join(', ')}` : ''}`;
}

/**
 * One rep of a case: every contender's master and replicas fresh, cold pass, warm-up, reset, warm
 * pass. With replicas, each measured pass ends with the replicas' catch-up (catch-up.ts), inside the
 * pass, so the replicas' CPU per request includes applying the whole stream.
 */
async function oneRep(cs: readonly Contender[], replicas: number, extra: Record<string, string | number>, requests: number): Promise<{ passes: ColdWarm[]; catchUp: CatchUp[][] }> {
  const setups: Setup[] = [];
  const catchUp = new Map<Setup, CatchUp[]>();
  try {
    for (const c of cs) setups.push(await startSetup(c, replicas, extra));
    const passes = await coldThenWarm(setups, {
      requests,
      warmup: WARMUP,
      pids: (s) => [s.master.pid, ...s.replicas.map((r) => r.pid)],
      reset: resetAndCatchUp,
      load: async (s, n, warmup) => {
        const res = await startLoad(s.master.port, [...BENCH, '-n', String(n)]).done;
        if (!warmup && s.replicas.length > 0) {
          const c = await catchUpAfterLoad(s.master, s.replicas, res.endedAt);
          catchUp.set(s, [...(catchUp.get(s) ?? []), c]);
        }
        return res.rps;
      },
    });
    // per contender: [cold, warm]
    return { passes, catchUp: setups.map((s) => catchUp.get(s) ?? []) };
  } finally {
    for (const s of setups) {
      for (const r of s.replicas) await r.stop();
      await s.master.stop();
    }
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
  console.log('');
  console.log(`- \`redis-benchmark ${BENCH.join(' ')} -n <requests>\` against the master, ${REPS} rep(s)`);
  for (const line of describeWarm(WARMUP, 'the `requests` column')) console.log(line);
  console.log('- CPU: the master\'s CPU µs per request; replicas: each replica\'s CPU µs per request of the master, median of the reps');
  console.log('- catch-up (target <= 10 ms): from the benchmark\'s exit (right after its last reply) until every replica\'s `slave_repl_offset` equals the master\'s final `master_repl_offset`, INFO sent to each replica every 1 ms; median of the reps (every rep in brackets); then how far the replica was behind at the end of the load, per rep');
  console.log('');
  console.log(`| case | requests | pass | ${contenders.map((c) => `${c.name} ops/s`).join(' | ')} | ${contenders.slice(1).map((c) => `${c.name} ratio`).join(' | ')} | ${contenders.map((c) => `${c.name} CPU µs/op`).join(' | ')} | replicas CPU µs/op | ${contenders.map((c) => `${c.name} catch-up ms`).join(' | ')} | load avg |`);
  console.log(`|---|---:|---|${contenders.map(() => '---:').join('|')}|${contenders.slice(1).map(() => '---:').join('|')}|${contenders.map(() => '---:').join('|')}|---|${contenders.map(() => '---:').join('|')}|---|`);
  const notes: string[] = [];
  try {
    for (const k of cases) {
      const reps: ColdWarm[][] = [];
      const catchUps: CatchUp[][][] = [];
      const requests = requestsFor(k.replicas);
      for (let rep = 0; rep < REPS; rep++) {
        const r = await oneRep(contenders, k.replicas, k.extra, requests);
        reps.push(r.passes);
        catchUps.push(r.catchUp);
      }
      const catchUpCells = (pass: number): string =>
        contenders
          .map((_, i) => {
            const cs = catchUps.map((r) => r[i]?.[pass]).filter((x): x is CatchUp => x !== undefined);
            const ms = cs.map((c) => c.ms);
            const kib = cs.map((c) => (c.behindBytes / 1024).toFixed(0)).join(', ');
            return cs.length === 0 ? '-' : `${median(ms).toFixed(1)}${ms.length > 1 ? ` (${ms.map((x) => x.toFixed(1)).join(', ')})` : ''}; ${kib} KiB behind`;
          })
          .join(' | ');
      const row = (label: string, pick: (x: ColdWarm) => Pass & { extraCpu: number[] }, pass: number): void => {
        const sums: Summary[] = contenders.map((_, i) => summarize(reps.map((r) => pick(r[i] as ColdWarm))));
        const [theirs] = sums as [Summary];
        const replicaCpu = contenders.map((_, i) => {
          const per = reps.map((r) => pick(r[i] as ColdWarm).extraCpu);
          return per[0]?.length ? per[0].map((_, j) => summarize(per.map((xs) => ({ ops: 0, cpuUsPerOp: xs[j] as number, load: 0 }))).cpu.toFixed(2)).join(', ') : '-';
        });
        console.log(`| ${k.label} | ${requests} | ${label} | ${sums.map(opsCell).join(' | ')} | ${sums.slice(1).map((x) => ratio(x.ops, theirs.ops)).join(' | ')} | ${sums.map(cpuCell).join(' | ')} | ${replicaCpu.join(' / ')} | ${catchUpCells(pass)} | ${load()} |`);
      };
      row('cold', (x) => x.cold, 0);
      if (WARMUP > 0) row('**warm**', (x) => x.warm as Pass & { extraCpu: number[] }, 1);
      reps.forEach((r, rep) => {
        notes.push(`- ${k.label}, rep ${rep + 1}: offsets after the reset before the warm pass: ${r.map((x, i) => `${contenders[i]?.name}: ${x.notes.join('; ') || '-'}`).join('; ')}`);
      });
    }
  } finally {
    for (const b of builds) rmSync(b.dir, { recursive: true, force: true });
  }
  if (WARMUP > 0) console.log(['', ...notes].join('\n'));
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
