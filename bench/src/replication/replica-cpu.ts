/**
 * The replica's apply path, builds side by side: a replikit master with one replikit replica under
 * `redis-benchmark -t set -P 32 -c 50 -r 100000 -d 100` (after a 100k-request warm-up); prints the
 * replica's and the master's CPU µs per SET (utime + stime from /proc over the measured load), the
 * master's ops/s and the catch-up (benchmark exit until the replica's offset reaches the master's
 * final offset, polled every 1 ms). Builds alternate run by run, fresh processes every run.
 *
 *   pnpm exec tsx bench/src/replication/replica-cpu.ts <rev>[,<rev>...] [reps=3] [requests=200000]
 *
 * `redis` in the list runs a redis-server master and replica in the same rotation (their CPU per
 * SET and catch-up, measured the same way).
 * One pair of builds with the defaults takes about a minute on a quiet 2-core machine.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { buildPrivateServer } from './bundle';
import { commonConfig, info, sleep, startLoad, startNode, syncReplica, useServerCli } from './servers';

/** CPU time (user + system) of a process in µs, from /proc (clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

const setLoad = (port: number, n: number) => startLoad(port, ['-t', 'set', '-P', '32', '-c', '50', '-n', String(n), '-r', '100000', '-d', '100']).done;

async function main(): Promise<void> {
  const revs = (process.argv[2] ?? 'HEAD').split(',');
  const reps = Number(process.argv[3] ?? 3);
  const n = Number(process.argv[4] ?? 200_000);
  const builds = [];
  for (const rev of revs) builds.push({ rev, build: rev === 'redis' ? undefined : await buildPrivateServer(rev) });
  console.log('| build | replica CPU µs/SET | master CPU µs/SET | master ops/s | catch-up ms | load avg |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (let rep = 0; rep < reps; rep++) {
    for (const { build } of builds) {
      if (build !== undefined) useServerCli(build.cli);
      const kind = build === undefined ? 'redis' : 'replikit';
      const master = await startNode(kind, commonConfig());
      const replica = await startNode(kind, commonConfig());
      try {
        await syncReplica(replica, master, 0);
        await setLoad(master.port, 100_000);
        await sleep(200);
        const r0 = cpuMicros(replica.pid);
        const m0 = cpuMicros(master.pid);
        const res = await setLoad(master.port, n);
        const final = Number((await info(master, 'replication')).get('master_repl_offset'));
        while (Number((await info(replica, 'replication')).get('slave_repl_offset')) < final) await sleep(1);
        const catchUp = performance.now() - res.endedAt;
        const r1 = cpuMicros(replica.pid);
        const m1 = cpuMicros(master.pid);
        const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
        console.log(`| ${build?.commit.slice(0, 10) ?? 'redis-server'} | ${((r1 - r0) / n).toFixed(2)} | ${((m1 - m0) / n).toFixed(2)} | ${res.rps.toFixed(0)} | ${catchUp.toFixed(1)} | ${load} |`);
      } finally {
        await replica.stop();
        await master.stop();
      }
    }
  }
  for (const { build } of builds) if (build !== undefined) rmSync(build.dir, { recursive: true, force: true });
}

void main();
