/**
 * Replication benchmark (issue 8 §7): replikit-server -> replikit-server next to redis-server ->
 * redis-server in one run, every server its own process on 127.0.0.1, the same directives for both.
 *
 *   pnpm exec tsx bench/src/replication.ts [--keys 1000000] [--small-keys 100000] [--sync-reps 2]
 *     [--requests 500000] [--tp-reps 2] [--resync-reps 3] [--only sync,throughput,resync,latency] [--use-dist]
 *     [--rev <commit>] [--sync-keys 100000] [--sync-modes diskless,disk] [--tp-replicas 0,1,2,3] [--profile <dir>]
 *
 * Quick runs of one case (about a minute each): `--only sync --sync-keys 100000 --sync-modes diskless
 * --sync-reps 1`, `--only resync --resync-reps 3`, `--only latency --keys 200000`, catch-up with
 * `--only throughput --tp-replicas 1 --tp-reps 1 --requests 100000`.
 *
 * replikit-server runs from a private esbuild bundle of the committed tree (HEAD), or with
 * `--use-dist` from the package build (`packages/server/bin/replikit-server.cjs`, `pnpm build` first). Sections: full sync time (diskless with delay 0, and disk-based), master throughput with
 * 0-3 replicas and the replicas' lag, catch-up and the master's RSS, reconnect + partial resync
 * under writes, and the master's latency while it serves a full sync under client load. Writes
 * bench/results/replication.md and the plots docs/img/replication-*.png. Bounded: about 10 minutes
 * on a shared 2-core machine with the defaults.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ResyncRun, type ThroughputRun, resyncRuns, throughputRun } from './replication/load-scenarios';
import { histogram, percentile, writePlot } from './replication/plot';
import { buildPrivateServer } from './replication/bundle';
import { type Kind, useServerCli } from './replication/servers';
import { type LatencyRun, type SyncRow, fullSyncTimes, latencyDuringSync } from './replication/sync-scenarios';

const args = process.argv.slice(2);
const num = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? args[onlyArg + 1].split(',') : ['sync', 'throughput', 'resync', 'latency'];
const KEYS = num('keys', 1_000_000);
const SMALL = num('small-keys', 100_000);
const SYNC_REPS = num('sync-reps', 2);
const REQUESTS = num('requests', 500_000);
const TP_REPS = num('tp-reps', 2);
const RESYNC_REPS = num('resync-reps', 3);
const listArg = (name: string): string[] | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1].split(',') : undefined;
};
/** quick modes: `--sync-keys 100000 --sync-modes diskless` runs one full-sync case in well under a minute */
const SYNC_KEYS = listArg('sync-keys')?.map(Number);
const SYNC_MODES = listArg('sync-modes');
/** `--tp-replicas 1 --tp-reps 1 --requests 100000`: the catch-up case alone */
const TP_REPLICAS = listArg('tp-replicas')?.map(Number) ?? [0, 1, 2, 3];
/** `--profile <dir>`: replikit processes of the sync and latency sections run with --cpu-prof */
const PROFILE = (() => {
  const i = args.indexOf('--profile');
  return i >= 0 ? path.resolve(args[i + 1]) : undefined;
})();
const KINDS: Kind[] = ['redis', 'replikit'];
// a partial run (`--only`, the quick modes) leaves the committed plots alone
const IMG_DIR = only.length === 4 ? path.join(__dirname, '..', '..', 'docs', 'img') : os.tmpdir();
const COLORS: Record<Kind, string> = { redis: '#c0392b', replikit: '#2471a3' };

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const mib = (x: number) => (x / 1048576).toFixed(1);
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
const lines: string[] = [];
const summary: string[] = [];
const out = (s = '') => {
  lines.push(s);
  console.log(s);
};

async function syncSection(): Promise<void> {
  out('### Full sync time (REPLICAOF to `master_link_status:up` with every key loaded)');
  out('');
  out(`Master filled with \`DEBUG POPULATE <n> key 100\` (100-byte values, as the RDB benches); a fresh replica process per sync, replica polled every 5 ms; both sides \`repl-diskless-load disabled\` (the default); servers alternate rep by rep, ${SYNC_REPS} reps, best and all runs shown.`);
  out('');
  out('| keys | master mode | redis-server ms (runs) | replikit-server ms (runs) | ratio (best) | target <= 1.0x | load avg |');
  out('|---:|---|---:|---:|---:|---|---|');
  for (const keys of SYNC_KEYS ?? [SMALL, KEYS]) {
    for (const diskless of (SYNC_MODES ?? ['diskless', 'disk']).map((m) => m === 'diskless')) {
      const rows: SyncRow[] = await fullSyncTimes(keys, diskless, SYNC_REPS, KINDS, PROFILE);
      const [r, o] = rows;
      const rb = Math.min(...r.ms);
      const ob = Math.min(...o.ms);
      const ratio = ob / rb;
      const mode = diskless ? 'diskless (delay 0)' : 'disk';
      out(`| ${keys} | ${mode} | ${f1(rb)} (${r.ms.map(f1).join(', ')}) | ${f1(ob)} (${o.ms.map(f1).join(', ')}) | ${f2(ratio)}x | ${verdict(ratio <= 1)} | ${load()} |`);
      summary.push(`| full sync ${keys} keys, ${mode} <= 1.0x Redis (8) | ${f2(ratio)}x (${f1(ob)} vs ${f1(rb)} ms) | ${verdict(ratio <= 1)} |`);
    }
  }
  out('');
}

function lagStats(run: ThroughputRun): string {
  if (run.replicas === 0) return '- | - | - | -';
  return `${percentile(run.lagBytes, 50).toFixed(0)} | ${percentile(run.lagBytes, 99).toFixed(0)} | ${f1(percentile(run.lagMs, 50))} | ${f1(percentile(run.lagMs, 99))}`;
}

async function throughputSection(): Promise<void> {
  out('### Master throughput, replica lag, catch-up and memory under `redis-benchmark -t set -P 32`');
  out('');
  out(`\`redis-benchmark -t set -P 32 -c 50 -n ${REQUESTS} -r 100000 -d 100\` against a fresh master with N replicas attached (each synced first), after an unrecorded 100k-request warm-up. During the load the master's \`master_repl_offset\` and every replica's \`slave_repl_offset\` are sampled together every ~10 ms: lag in bytes is the difference at a tick; lag in ms is how long before the tick the master had reached the replica's offset (interpolated between ticks, so resolution is about 10 ms). Catch-up: from the benchmark's exit until every replica's offset reaches the master's final offset, polled every 1 ms. RSS is the master's VmRSS from /proc, sampled at every tick. Servers alternate run by run, ${TP_REPS} reps; the best run by ops/s is kept per server and N.`);
  out('');
  out('| replicas | server | ops/s (runs) | ratio (best) | lag p50 B | lag p99 B | lag p50 ms | lag p99 ms | catch-up ms | RSS before MiB | RSS peak MiB | load avg |');
  out('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const best = new Map<string, ThroughputRun>();
  for (const n of TP_REPLICAS) {
    const runs: Record<Kind, ThroughputRun[]> = { redis: [], replikit: [] };
    const loads: string[] = [];
    for (let rep = 0; rep < TP_REPS; rep++) {
      for (const kind of KINDS) runs[kind].push(await throughputRun(kind, n, REQUESTS, 100_000));
      loads.push(load());
    }
    const pick = (k: Kind) => runs[k].reduce((a, b) => (b.rps > a.rps ? b : a));
    const r = pick('redis');
    const o = pick('replikit');
    best.set(`redis:${n}`, r);
    best.set(`replikit:${n}`, o);
    const ratio = o.rps / r.rps;
    for (const run of [r, o]) {
      const all = runs[run.kind].map((x) => x.rps.toFixed(0)).join(', ');
      out(`| ${n} | ${run.kind} | ${run.rps.toFixed(0)} (${all}) | ${run.kind === 'replikit' ? `${f2(ratio)}x` : ''} | ${lagStats(run)} | ${n ? f1(run.catchUpMs) : '-'} | ${mib(run.rssBefore)} | ${mib(run.rssPeak)} | ${run.kind === 'replikit' ? loads.join('; ') : ''} |`);
    }
    if (n <= 2) summary.push(`| master SET -P 32 ops/s with ${n} replica(s) >= 0.6x Redis (8) | ${f2(ratio)}x (${o.rps.toFixed(0)} vs ${r.rps.toFixed(0)}) | ${verdict(ratio >= 0.6)} |`);
  }
  out('');
  // catch-up and memory verdicts
  const catchUps = [1, 2, 3].map((n) => best.get(`replikit:${n}`)?.catchUpMs ?? Number.NaN);
  const redisCatch = [1, 2, 3].map((n) => best.get(`redis:${n}`)?.catchUpMs ?? Number.NaN);
  const worst = Math.max(...catchUps);
  out(`Catch-up after the load (replikit, 1/2/3 replicas): ${catchUps.map(f1).join(' / ')} ms; redis-server: ${redisCatch.map(f1).join(' / ')} ms. Target <= 10 ms: ${verdict(worst <= 10)}.`);
  summary.push(`| replica catch-up after the load <= 10 ms (8) | ${catchUps.map(f1).join(' / ')} ms with 1/2/3 replicas (Redis ${redisCatch.map(f1).join(' / ')}) | ${verdict(worst <= 10)} |`);
  const growth = (k: Kind, n: number) => {
    const b = best.get(`${k}:${n}`);
    return b ? b.rssPeak - b.rssBefore : Number.NaN;
  };
  const o1 = growth('replikit', 1);
  const o3 = growth('replikit', 3);
  const r1 = growth('redis', 1);
  const r3 = growth('redis', 3);
  // growth also holds the keyspace's own growth during the load, the same for 1 and 3 replicas
  const memOk = o3 <= o1 * 1.1 + 4 * 1048576;
  out(`Master RSS growth during the load (peak - before): replikit ${mib(o1)} MiB with 1 replica, ${mib(o3)} MiB with 3; redis-server ${mib(r1)} MiB and ${mib(r3)} MiB. The growth includes the keyspace filling up (the same for 1 and 3 replicas); 3 replicas cost no more than 1 when the two agree within 10% + 4 MiB: ${verdict(memOk)}.`);
  summary.push(`| master memory: 3 replicas cost no more stream memory than 1 (8) | RSS growth ${mib(o1)} MiB (1) vs ${mib(o3)} MiB (3); Redis ${mib(r1)} vs ${mib(r3)} MiB | ${verdict(memOk)} |`);
  out('');
  const lagPlot = (n: number, file: string) => {
    const series = KINDS.map((k) => {
      const run = best.get(`${k}:${n}`);
      const pts: Array<[number, number]> = [];
      if (run) {
        const { ms } = { ms: run.samples.map((s, i) => [s.t / 1000, run.lagMs[i * n] ?? 0] as [number, number]) };
        pts.push(...ms);
      }
      return { name: `${k}-server (${n} replica${n > 1 ? 's' : ''}, replica 0)`, color: COLORS[k], points: pts };
    });
    return writePlot(path.join(IMG_DIR, file), { title: `Replica lag during redis-benchmark SET -P 32 (${n} replica${n > 1 ? 's' : ''})`, xLabel: 'seconds since the load started', yLabel: 'lag, ms', series });
  };
  const lagBytesPlot = (n: number, file: string) => {
    const series = KINDS.map((k) => {
      const run = best.get(`${k}:${n}`);
      const pts: Array<[number, number]> = run ? run.samples.map((s) => [s.t / 1000, Math.max(0, s.master - s.replicas[0]) / 1024] as [number, number]) : [];
      return { name: `${k}-server (replica 0)`, color: COLORS[k], points: pts };
    });
    return writePlot(path.join(IMG_DIR, file), { title: `Replica lag in KiB during redis-benchmark SET -P 32 (${n} replica${n > 1 ? 's' : ''})`, xLabel: 'seconds since the load started', yLabel: 'lag, KiB', series });
  };
  const a = lagPlot(1, 'replication-lag-ms');
  const b = lagBytesPlot(1, 'replication-lag-bytes');
  out(`![replica lag in ms over time, 1 replica](../../docs/img/${a})`);
  out('');
  out(`![replica lag in KiB over time, 1 replica](../../docs/img/${b})`);
  out('');
}

async function resyncSection(): Promise<void> {
  out('### Reconnect + partial resync under a steady write load');
  out('');
  out(`A master with one replica under \`redis-benchmark -t set -c 2 -P 1 -r 100000 -d 100\`; the replica's link is cut with \`CLIENT KILL TYPE master\` on the replica ${RESYNC_REPS} times, 500 ms apart. *outside*: from the kill to link up, the master's \`sync_partial_ok\` counted and the replica's offset past the master's offset at the kill (polled every 1 ms). *log*: from \`Connection with master lost\` to \`Master accepted a Partial Resynchronization\` in the replica's log (millisecond stamps; both servers log both lines and reconnect at once). *blocked*: from the kill to the answer of an \`XREAD BLOCK\` sent to the replica before the kill, for an entry the master got right after the kill (no polling; bench/src/replication/resync-marker.ts).`);
  out('');
  out('| server | outside ms (runs) | log ms (runs) | blocked ms (runs) | full syncs during the cuts | sync_partial_ok | load ops/s | load avg |');
  out('|---|---:|---:|---:|---:|---:|---:|---|');
  const res: ResyncRun[] = [];
  for (const kind of KINDS) {
    const r = await resyncRuns(kind, RESYNC_REPS);
    res.push(r);
    out(`| ${kind} | ${r.outsideMs.map(f1).join(', ')} | ${r.logMs.join(', ')} | ${r.blockedMs.map(f1).join(', ')} | ${r.fullSyncsDuring} | ${r.partialOk} | ${r.loadOps.toFixed(0)} | ${load()} |`);
  }
  out('');
  const o = res[1];
  const worst = Math.max(...o.outsideMs);
  const ok = worst <= 5 && o.fullSyncsDuring === 0;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  out(`Medians: outside ${res.map((r) => `${r.kind} ${f1(median(r.outsideMs))} ms`).join(', ')}; log ${res.map((r) => `${r.kind} ${r.logMs.length ? median(r.logMs) : '-'} ms`).join(', ')}; blocked ${res.map((r) => `${r.kind} ${f1(median(r.blockedMs))} ms`).join(', ')}.`);
  out('');
  out(`Target (replikit) <= 5 ms and zero full syncs: worst outside ${f1(worst)} ms, ${o.fullSyncsDuring} full syncs: ${verdict(ok)}.`);
  out('');
  summary.push(`| reconnect + partial resync under writes <= 5 ms, zero full syncs (8) | ${o.outsideMs.map(f1).join(' / ')} ms, ${o.fullSyncsDuring} full syncs (Redis ${res[0].outsideMs.map(f1).join(' / ')} ms; log ${res[0].logMs.join(' / ')} ms) | ${verdict(ok)} |`);
}

async function latencySection(): Promise<void> {
  out(`### Master latency while serving a ${KEYS}-key full sync under client load`);
  out('');
  out(`Master with \`DEBUG POPULATE ${KEYS} key 100\`, \`repl-diskless-sync yes\` (delay 0), under \`redis-benchmark -t set -c 10 -P 1 -r ${KEYS} -d 100\`; a probe in the bench process sends \`GET key:1\`, waits for the reply, pauses 1 ms, repeats. 2 s of baseline, then REPLICAOF on a fresh replica; *during* covers REPLICAOF until the replica is up with every key loaded.`);
  out('');
  out('| server | sync ms | baseline p50 / p99 / max ms | during sync p50 / p99 / max ms | probes during | fork (Redis) | master ops/s | target p99 <= 10 ms | load avg |');
  out('|---|---:|---|---|---:|---:|---:|---|---|');
  const runs: LatencyRun[] = [];
  for (const kind of KINDS) {
    const r = await latencyDuringSync(kind, KEYS, 2000, PROFILE, (log) => {
      if (process.env.REPLIKIT_BENCH_NODE_ARGS && kind === 'replikit') writeFileSync(path.join(os.tmpdir(), 'replikit-latency-master.log'), log);
    });
    runs.push(r);
    const ok = r.during.p99 <= 10;
    out(`| ${kind} | ${f1(r.syncMs)} | ${f2(r.baseline.p50)} / ${f2(r.baseline.p99)} / ${f1(r.baseline.max)} | ${f2(r.during.p50)} / ${f2(r.during.p99)} / ${f1(r.during.max)} | ${r.during.n} | ${kind === 'redis' ? `${(r.forkUsec / 1000).toFixed(1)} ms` : 'none'} | ${r.loadOps.toFixed(0)} | ${kind === 'replikit' ? verdict(ok) : ''} | ${load()} |`);
  }
  out('');
  out('Latency histogram of the probe during the sync (count of requests per bucket):');
  out('');
  out('| up to ms | redis-server | replikit-server |');
  out('|---:|---:|---:|');
  const hr = histogram(runs[0].duringRtts);
  const ho = histogram(runs[1].duringRtts);
  const bounds = [...new Set([...hr, ...ho].map((x) => x.upTo))].sort((a, b) => a - b);
  for (const b of bounds) out(`| ${Number.isFinite(b) ? b : '> 2048'} | ${hr.find((x) => x.upTo === b)?.count ?? 0} | ${ho.find((x) => x.upTo === b)?.count ?? 0} |`);
  out('');
  const file = writePlot(path.join(IMG_DIR, 'replication-sync-latency'), {
    title: `Master request latency (GET probe) around a ${KEYS}-key full sync under SET load`,
    xLabel: 'seconds since the probe started (REPLICAOF at 2 s)',
    yLabel: 'round trip, ms',
    series: runs.map((r) => ({ name: `${r.kind}-server`, color: COLORS[r.kind], points: r.samples.map(([t, rtt]) => [t / 1000 + 2, rtt] as [number, number]) })),
    bands: runs.map((r) => ({ from: 2, to: 2 + r.syncMs / 1000, color: COLORS[r.kind], label: `${r.kind} full sync` })),
  });
  out(`![master latency around a full sync](../../docs/img/${file}) (REPLICAOF at 2 s: the 2 s baseline comes first)`);
  out('');
  const o = runs[1];
  summary.push(`| master p99 while serving a ${KEYS}-key full sync under load <= 10 ms (8) | p99 ${f2(o.during.p99)} ms, max ${f1(o.during.max)} ms (Redis p99 ${f2(runs[0].during.p99)}, max ${f1(runs[0].during.max)} ms) | ${verdict(o.during.p99 <= 10)} |`);
}

async function run(): Promise<void> {
  const cpu = os.cpus();
  let built = 'from the build (`packages/server/bin/replikit-server.cjs`)';
  let buildDir = '';
  if (!args.includes('--use-dist')) {
    const revArg = args.indexOf('--rev');
    const b = await buildPrivateServer(revArg >= 0 ? args[revArg + 1] : 'HEAD');
    buildDir = b.dir;
    useServerCli(b.cli);
    built = `from commit ${b.commit.slice(0, 10)} (\`git archive\` of that commit bundled by esbuild, tsup's bundler, into a private temp dir: other jobs rebuild \`packages/*/dist\` while this runs)`;
  }
  out('## Replication: replikit -> replikit vs redis-server -> redis-server');
  out('');
  out(`- machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores, shared with other jobs (load average given per row)`);
  out(`- node ${process.version}, redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?'}; replikit-server ${built}`);
  out(`- date: ${new Date().toISOString()}; load average at the start: ${load()}`);
  out('- every server its own process on 127.0.0.1 with `--save "" --appendonly no --repl-diskless-sync-delay 0 --repl-backlog-size 64mb`, stopped by pid; redis-benchmark and this script share the cores with them');
  out('');
  try {
    if (only.includes('sync')) await syncSection();
    if (only.includes('throughput')) await throughputSection();
    if (only.includes('resync')) await resyncSection();
    if (only.includes('latency')) await latencySection();
  } finally {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  }
  out(`Load average at the end: ${load()}.`);
  writeFileSync(path.join(__dirname, '..', 'results', only.length === 4 ? 'replication.md' : `replication-partial.md.tmp`), `${lines.join('\n')}\n`);
  writeFileSync(path.join(__dirname, '..', 'results', 'replication-summary.tmp'), `${summary.join('\n')}\n`);
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
