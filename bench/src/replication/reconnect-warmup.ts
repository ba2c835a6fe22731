/**
 * Does the CPU of one reconnect + partial resync fall as the process repeats it? A reconnect is rare,
 * so its code may stay in V8's interpreter / baseline tiers: if the figure of reconnect-cpu.ts (150
 * cuts) drops over a few thousand cuts, that bench measures cold code. One contender (a replikit
 * rev or `redis`), a master and a synced replica; blocks of `block` cuts (a SET on the master, then
 * `CLIENT KILL TYPE master` on the replica, 40 ms apart) alternate with blocks of as many SETs
 * without a cut; per cut block, the CPU of the main thread of each process (schedstat, ns) minus
 * the mean of the two baseline blocks around it, per cut.
 *
 *   pnpm exec tsx bench/src/replication/reconnect-warmup.ts <rev|redis> [cuts=2000] [block=200]
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { buildPrivateServer, type PrivateBuild } from './bundle';
import { mainThreadCpuUs } from './reconnect-cpu-clock';
import { call, commonConfig, type Node, sleep, startNode, statNumber, syncReplica, useServerCli } from './servers';

const [rev = 'HEAD', cutsArg = '2000', blockArg = '200'] = process.argv.slice(2);
const BLOCK = Number(blockArg);
const BLOCKS = Math.max(1, Math.round(Number(cutsArg) / BLOCK));
const GAP_MS = 40;

async function phase(master: Node, replica: Node, cut: boolean): Promise<[number, number]> {
  const m0 = mainThreadCpuUs(master.pid);
  const r0 = mainThreadCpuUs(replica.pid);
  for (let i = 0; i < BLOCK; i++) {
    await call(master, 'SET', 'bench:reconnect', String(i));
    if (cut) await call(replica, 'CLIENT', 'KILL', 'TYPE', 'master');
    await sleep(GAP_MS);
  }
  return [mainThreadCpuUs(master.pid) - m0, mainThreadCpuUs(replica.pid) - r0];
}

async function run(): Promise<void> {
  let build: PrivateBuild | undefined;
  if (rev !== 'redis') {
    build = await buildPrivateServer(rev);
    useServerCli(build.cli);
  }
  const kind = rev === 'redis' ? 'redis' : 'replikit';
  const master = await startNode(kind, commonConfig());
  const replica = await startNode(kind, commonConfig());
  const load0 = os.loadavg();
  try {
    await syncReplica(replica, master, 0);
    for (let i = 0; i < 100; i++) await call(master, 'SET', `key:${i}`, 'v'.repeat(100));
    const base: Array<[number, number]> = [await phase(master, replica, false)];
    const cuts: Array<[number, number]> = [];
    for (let b = 0; b < BLOCKS; b++) {
      cuts.push(await phase(master, replica, true));
      base.push(await phase(master, replica, false));
    }
    const label = build === undefined ? 'redis-server' : `replikit ${build.commit.slice(0, 8)}`;
    console.log(`${label}, ${BLOCKS} blocks of ${BLOCK} cuts, load ${load0.map((x) => x.toFixed(1)).join(' ')} -> ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log('| cuts | master µs per reconnect | replica µs per reconnect | baseline master / replica µs per SET |');
    console.log('|---:|---:|---:|---:|');
    for (let b = 0; b < BLOCKS; b++) {
      const [cm, cr] = cuts[b] as [number, number];
      const [bm0, br0] = base[b] as [number, number];
      const [bm1, br1] = base[b + 1] as [number, number];
      const bm = (bm0 + bm1) / 2;
      const br = (br0 + br1) / 2;
      console.log(`| ${(b + 1) * BLOCK} | ${((cm - bm) / BLOCK).toFixed(0)} | ${((cr - br) / BLOCK).toFixed(0)} | ${(bm / BLOCK).toFixed(0)} / ${(br / BLOCK).toFixed(0)} |`);
    }
    console.log(`master sync_full / sync_partial_ok: ${await statNumber(master, 'stats', 'sync_full')} / ${await statNumber(master, 'stats', 'sync_partial_ok')}`);
  } finally {
    await replica.stop();
    await master.stop();
    if (build !== undefined) rmSync(build.dir, { recursive: true, force: true });
  }
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
