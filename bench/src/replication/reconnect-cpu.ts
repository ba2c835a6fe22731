/**
 * CPU of one reconnect + partial resync, master and replica, for builds of replikit-server and
 * redis-server side by side: the figure that moves least with the machine's load (the resync
 * section of bench/src/replication.ts times the same thing from outside, in milliseconds that a
 * busy 2-core machine stretches 2-3x).
 *
 *   pnpm exec tsx bench/src/replication/reconnect-cpu.ts <rev,rev,...|redis> [cuts=150] [rounds=3]
 *
 * e.g. `38109a4,HEAD,redis 150 3` (about a minute). Per contender a master and a replica (each in
 * an empty dir, replica synced, 100 keys); every round, contenders in turn: `cuts` times a SET on
 * the master then `CLIENT KILL TYPE master` on the replica, 40 ms apart, against the same number of
 * SETs without a cut (the baseline), CPU of the main thread (the event loop, where the reconnect
 * runs) read from /proc/<pid>/task/<pid>/schedstat in ns (reconnect-cpu-clock.ts). Printed: µs of CPU
 * per reconnect, cut minus baseline, median of the rounds (every round in brackets), and the
 * master's sync_full / sync_partial_ok to show every cut resynced partially.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { buildPrivateServer, type PrivateBuild } from './bundle';
import { mainThreadCpuUs as mainThreadCpu } from './reconnect-cpu-clock';
import { call, commonConfig, info, type Kind, type Node, sleep, startNode, syncReplica, useServerCli } from './servers';

const [revsArg = 'HEAD,redis', cutsArg = '150', roundsArg = '3'] = process.argv.slice(2);
const CUTS = Number(cutsArg);
const ROUNDS = Number(roundsArg);
const GAP_MS = 40;

interface Pair {
  readonly label: string;
  readonly master: Node;
  readonly replica: Node;
  readonly masterUs: number[];
  readonly replicaUs: number[];
}

async function startPair(label: string, kind: Kind, build: PrivateBuild | undefined): Promise<Pair> {
  if (build) useServerCli(build.cli);
  const master = await startNode(kind, commonConfig());
  const replica = await startNode(kind, commonConfig());
  await syncReplica(replica, master, 0);
  for (let i = 0; i < 100; i++) await call(master, 'SET', `key:${i}`, 'v'.repeat(100));
  return { label, master, replica, masterUs: [], replicaUs: [] };
}

/** CPU µs of master and replica over `CUTS` SETs, each followed by a cut when `cut` is true. */
async function phase(p: Pair, cut: boolean): Promise<[number, number]> {
  const m0 = mainThreadCpu(p.master.pid);
  const r0 = mainThreadCpu(p.replica.pid);
  for (let i = 0; i < CUTS; i++) {
    await call(p.master, 'SET', 'bench:reconnect', String(i));
    if (cut) await call(p.replica, 'CLIENT', 'KILL', 'TYPE', 'master');
    await sleep(GAP_MS);
  }
  return [mainThreadCpu(p.master.pid) - m0, mainThreadCpu(p.replica.pid) - r0];
}

async function run(): Promise<void> {
  const builds: PrivateBuild[] = [];
  const pairs: Pair[] = [];
  try {
    for (const rev of revsArg.split(',')) {
      if (rev === 'redis') {
        pairs.push(await startPair('redis-server', 'redis', undefined));
        continue;
      }
      const b = await buildPrivateServer(rev);
      builds.push(b);
      pairs.push(await startPair(`replikit ${b.commit.slice(0, 8)}`, 'replikit', b));
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of pairs) {
        const [mBase, rBase] = await phase(p, false);
        const [mCut, rCut] = await phase(p, true);
        const r = await info(p.replica, 'replication');
        if (r.get('master_link_status') !== 'up') await sleep(200);
        p.masterUs.push((mCut - mBase) / CUTS);
        p.replicaUs.push((rCut - rBase) / CUTS);
      }
    }
    const cell = (xs: number[]): string => `${[...xs].sort((a, b) => a - b)[xs.length >> 1]?.toFixed(0)} (${xs.map((x) => x.toFixed(0)).join(', ')})`;
    console.log(`date ${new Date().toISOString()}, ${CUTS} cuts x ${ROUNDS} rounds, load at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log('');
    console.log('| server | master CPU µs per reconnect | replica CPU µs per reconnect | master sync_full / sync_partial_ok |');
    console.log('|---|---:|---:|---|');
    for (const p of pairs) {
      const st = await info(p.master, 'stats');
      console.log(`| ${p.label} | ${cell(p.masterUs)} | ${cell(p.replicaUs)} | ${st.get('sync_full')} / ${st.get('sync_partial_ok')} |`);
    }
  } finally {
    for (const p of pairs) {
      await p.replica.stop();
      await p.master.stop();
    }
    for (const b of builds) rmSync(b.dir, { recursive: true, force: true });
  }
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
