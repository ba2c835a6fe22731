/**
 * Reconnect + partial resync latency of several builds (and redis-server) measured in turn, cut by
 * cut, so that each sees the same machine load: on a shared 2-core machine the load drifts within
 * a minute, and separate runs of the resync section (`bench/src/replication.ts --only resync`)
 * then compare the load more than the builds.
 *
 * Per contender a master with one replica (each in an empty dir, synced first). For every cut the
 * contenders take turns: a redis-benchmark SET load on its master (`-c 2 -P 1 -r 100000 -d 100`,
 * the resync section's), 250 ms later `CLIENT KILL TYPE master` on its replica, then INFO
 * replication polled every 1 ms until the link is up with the offset past the master's at the
 * kill (the resync section's *outside* figure), the load stopped. Prints per contender the median,
 * p25 and p75 in ms, the cuts under 4 and 5 ms, and the master's sync_full / sync_partial_ok.
 *
 * A second end marker without polling, the same for both servers (*blocked* column,
 * resync-marker.ts): a second client on the replica blocked in XREAD on an entry the master writes
 * right after the kill's reply: kill sent -> entry seen on the replica. With a
 * third argument `blocked` the INFO poll is left out (its CPU competes with the servers on a small
 * machine) and only this marker is measured.
 *
 *   pnpm exec tsx bench/src/replication/reconnect-paired.ts <contender,...> [cuts=30] [both|blocked]
 *
 * A contender is `redis`, a replikit rev, or `<master>/<replica>` with one of those on each side
 * (e.g. `redis/HEAD`: a redis-server master and a replikit replica), which tells which side a
 * difference comes from. e.g. `e2088a4,HEAD,redis 30` (about a minute),
 * `HEAD,redis/HEAD,HEAD/redis,redis 30`.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { RawClient } from '@replikit/test-utils';
import { buildPrivateServer, type PrivateBuild } from './bundle';
import { armResyncMarker } from './resync-marker';
import { call, commonConfig, info, type Node, sleep, startLoad, startNode, statNumber, syncReplica, useServerCli } from './servers';

const [revsArg = 'HEAD,redis', cutsArg = '30', markersArg = 'both'] = process.argv.slice(2);
const CUTS = Number(cutsArg);
/** `blocked`: no INFO poll during the cut (the poll's own CPU is left out), only the XREAD marker */
const POLL = markersArg !== 'blocked';

interface Contender {
  readonly label: string;
  readonly master: Node;
  readonly replica: Node;
  /** a second connection to the replica, blocked in XREAD across each cut */
  readonly reader: RawClient;
  readonly ms: number[];
  readonly blockedMs: number[];
}

/** One side of a contender: redis-server, or replikit-server of a private build. */
async function startSide(build: PrivateBuild | 'redis'): Promise<Node> {
  if (build === 'redis') return startNode('redis', commonConfig());
  useServerCli(build.cli);
  return startNode('replikit', commonConfig());
}

async function startContender(spec: string, build: (rev: string) => Promise<PrivateBuild | 'redis'>): Promise<Contender> {
  const [m = spec, r = m] = spec.split('/');
  const mb = await build(m);
  const rb = await build(r);
  const name = (b: PrivateBuild | 'redis') => (b === 'redis' ? 'redis-server' : `replikit ${b.commit.slice(0, 8)}`);
  const master = await startSide(mb);
  const replica = await startSide(rb);
  await syncReplica(replica, master, 0);
  const reader = await RawClient.connect(replica.port);
  return { label: m === r ? name(mb) : `${name(mb)} -> ${name(rb)}`, master, replica, reader, ms: [], blockedMs: [] };
}

/**
 * One cut under load: ms from the kill to link up with the offset past the master's at the kill
 * (INFO poll), and ms from the kill to the replica's blocked XREAD answer (an entry the master
 * wrote after the kill).
 */
async function cut(c: Contender): Promise<{ polled: number; blocked: number }> {
  const load = startLoad(c.master.port, ['-t', 'set', '-c', '2', '-P', '1', '-n', '100000000', '-r', '100000', '-d', '100']);
  try {
    await sleep(250);
    const killOffset = Number((await info(c.master, 'replication')).get('master_repl_offset'));
    const mark = armResyncMarker(c.reader);
    // time for the XREAD to reach the replica before the kill (were it late, the figure only grows)
    await sleep(2);
    const t0 = performance.now();
    await call(c.replica, 'CLIENT', 'KILL', 'TYPE', 'master');
    await call(c.master, 'XADD', mark.key, '*', 'm', '1');
    for (; POLL; ) {
      const r = await info(c.replica, 'replication');
      if (r.get('master_link_status') === 'up' && Number(r.get('slave_repl_offset')) >= killOffset) break;
      if (performance.now() - t0 > 30000) throw new Error(`${c.label}: no resync in 30 s`);
      await sleep(1);
    }
    const polled = POLL ? performance.now() - t0 : Number.NaN;
    return { polled, blocked: (await mark.seen) - t0 };
  } finally {
    load.stop();
    await load.done;
  }
}

const q = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;

async function run(): Promise<void> {
  const builds: PrivateBuild[] = [];
  const contenders: Contender[] = [];
  const load0 = os.loadavg();
  try {
    const byRev = new Map<string, PrivateBuild>();
    const build = async (rev: string): Promise<PrivateBuild | 'redis'> => {
      if (rev === 'redis') return 'redis';
      let b = byRev.get(rev);
      if (b === undefined) {
        b = await buildPrivateServer(rev);
        byRev.set(rev, b);
        builds.push(b);
      }
      return b;
    };
    for (const spec of revsArg.split(',')) contenders.push(await startContender(spec, build));
    for (let i = 0; i < CUTS; i++) {
      // the order rotates, so no contender always runs right after the same one
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(i + k) % contenders.length] as Contender;
        const r = await cut(c);
        c.ms.push(r.polled);
        c.blockedMs.push(r.blocked);
        await sleep(50);
      }
    }
    const fmt = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(1));
    console.log(`date ${new Date().toISOString()}, ${CUTS} cuts per contender in turn, load average ${load0.map(fmt).join(' ')} -> ${os.loadavg().map(fmt).join(' ')}`);
    console.log('');
    console.log('| server | polled median ms | p25 / p75 ms | cuts <= 4 / <= 5 ms | blocked median ms | p25 / p75 ms | cuts <= 4 / <= 5 ms | master sync_full / sync_partial_ok |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const c of contenders) {
      const under = (ms: number) => c.ms.filter((x) => x <= ms).length;
      const underB = (ms: number) => c.blockedMs.filter((x) => x <= ms).length;
      const b = c.blockedMs;
      const full = await statNumber(c.master, 'stats', 'sync_full');
      const partial = await statNumber(c.master, 'stats', 'sync_partial_ok');
      console.log(`| ${c.label} | ${fmt(q(c.ms, 0.5))} | ${fmt(q(c.ms, 0.25))} / ${fmt(q(c.ms, 0.75))} | ${under(4)} / ${under(5)} of ${c.ms.length} | ${fmt(q(b, 0.5))} | ${fmt(q(b, 0.25))} / ${fmt(q(b, 0.75))} | ${underB(4)} / ${underB(5)} | ${full} / ${partial} |`);
    }
  } finally {
    for (const c of contenders) {
      await c.reader.close();
      await c.replica.stop();
      await c.master.stop();
    }
    for (const b of builds) rmSync(b.dir, { recursive: true, force: true });
  }
}

run().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
