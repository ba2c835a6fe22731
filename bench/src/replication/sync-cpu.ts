/**
 * Master and replica CPU of one full sync, builds side by side: a replikit master filled with
 * `DEBUG POPULATE <keys> key 100`, a fresh replikit replica given REPLICAOF; prints the sync time
 * (REPLICAOF until link up with every key) and each process's CPU ms over it (utime + stime from
 * /proc, 10 ms ticks). `warm`: the master first serves one sync to a throwaway replica (its snapshot
 * encoder then runs in the optimizing tiers, as in a long-running master); `cold`: the first sync.
 * Builds alternate run by run, fresh processes every run; `redis` in the list runs redis-server
 * master and replica in the same rotation (its master CPU is the parent's, the forked child's is
 * not counted; in disk mode it also saves to a file).
 *
 *   pnpm exec tsx bench/src/replication/sync-cpu.ts <rev>[,<rev>...] [reps=3] [keys=100000] [diskless|disk] [cold|warm]
 *
 * One pair of builds at 100k keys takes about a minute on a quiet 2-core machine.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { buildPrivateServer } from './bundle';
import { call, commonConfig, type Node, startNode, syncReplica, useServerCli } from './servers';

/** CPU time (user + system) of a process in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function syncOnce(master: Node, keys: number, kind: 'redis' | 'replikit'): Promise<{ ms: number; masterMs: number; replicaMs: number }> {
  const replica = await startNode(kind, commonConfig());
  try {
    const m0 = cpuMs(master.pid);
    const r0 = cpuMs(replica.pid);
    const ms = await syncReplica(replica, master, keys, 2);
    return { ms, masterMs: cpuMs(master.pid) - m0, replicaMs: cpuMs(replica.pid) - r0 };
  } finally {
    await replica.stop();
  }
}

async function main(): Promise<void> {
  const revs = (process.argv[2] ?? 'HEAD').split(',');
  const reps = Number(process.argv[3] ?? 3);
  const keys = Number(process.argv[4] ?? 100_000);
  const mode = process.argv[5] === 'disk' ? 'disk' : 'diskless';
  const warm = process.argv[6] === 'warm';
  const builds = [];
  for (const rev of revs) builds.push({ rev, build: rev === 'redis' ? undefined : await buildPrivateServer(rev) });
  console.log(`full sync of ${keys} keys x 100 B, ${mode}, ${warm ? 'warm master (one sync served before)' : 'cold master (its first sync)'}`);
  console.log('');
  console.log('| build | sync ms | master CPU ms | replica CPU ms | load avg |');
  console.log('|---|---:|---:|---:|---|');
  for (let rep = 0; rep < reps; rep++) {
    for (const { build } of builds) {
      if (build !== undefined) useServerCli(build.cli);
      const kind = build === undefined ? 'redis' : 'replikit';
      const master = await startNode(kind, commonConfig({ 'repl-diskless-sync': mode === 'disk' ? 'no' : 'yes' }));
      try {
        await call(master, 'DEBUG', 'POPULATE', keys, 'key', 100);
        if (warm) await syncOnce(master, keys, kind);
        const r = await syncOnce(master, keys, kind);
        const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
        console.log(`| ${build?.commit.slice(0, 10) ?? 'redis-server'} | ${r.ms.toFixed(0)} | ${r.masterMs} | ${r.replicaMs} | ${load} |`);
      } finally {
        await master.stop();
      }
    }
  }
  for (const { build } of builds) if (build !== undefined) rmSync(build.dir, { recursive: true, force: true });
}

void main();
