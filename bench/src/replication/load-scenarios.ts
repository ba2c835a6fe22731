/**
 * Scenarios under a write load: master throughput with N replicas attached, the replicas' lag
 * sampled every ~10 ms, their catch-up once the load ends, the master's RSS, and the reconnect +
 * partial resync of a replica whose link is cut while writes keep coming.
 */
import { RawClient } from '@replikit/test-utils';
import { armResyncMarker } from './resync-marker';
import { type Kind, type Node, call, commonConfig, info, logTime, rssBytes, sleep, startLoad, startNode, statNumber, syncReplica } from './servers';

export interface LagSample {
  /** ms since the load started */
  t: number;
  master: number;
  replicas: number[];
  rss: number;
}

export interface ThroughputRun {
  kind: Kind;
  replicas: number;
  rps: number;
  samples: LagSample[];
  loadMs: number;
  /** ms from the end of the load until every replica reached the master's final offset */
  catchUpMs: number;
  rssBefore: number;
  rssPeak: number;
  lagBytes: number[];
  lagMs: number[];
}

/** Time at which the master's offset first reached `offset`, interpolated between samples. */
function masterReached(samples: LagSample[], offset: number): number {
  for (let i = 0; i < samples.length; i++) {
    if (samples[i].master >= offset) {
      if (i === 0) return samples[0].t;
      const a = samples[i - 1];
      const b = samples[i];
      return a.t + ((offset - a.master) / Math.max(1, b.master - a.master)) * (b.t - a.t);
    }
  }
  return samples.length ? samples[samples.length - 1].t : 0;
}

/** Per replica sample: bytes behind the master's offset at that tick, and how old its offset is in ms. */
export function lagOf(samples: LagSample[]): { bytes: number[]; ms: number[] } {
  const bytes: number[] = [];
  const ms: number[] = [];
  for (const s of samples) {
    for (const r of s.replicas) {
      bytes.push(Math.max(0, s.master - r));
      ms.push(r >= s.master ? 0 : Math.max(0, s.t - masterReached(samples, r)));
    }
  }
  return { bytes, ms };
}

export async function attachReplicas(kind: Kind, master: Node, n: number): Promise<Node[]> {
  const replicas: Node[] = [];
  for (let i = 0; i < n; i++) {
    const r = await startNode(kind, commonConfig());
    replicas.push(r);
    await syncReplica(r, master, 0);
  }
  return replicas;
}

async function waitCaughtUp(master: Node, replicas: Node[], pollMs: number, timeoutMs = 120000): Promise<void> {
  const target = Number((await info(master, 'replication')).get('master_repl_offset'));
  const t0 = performance.now();
  for (const r of replicas) {
    while (Number((await info(r, 'replication')).get('slave_repl_offset')) < target) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`${r.kind} replica did not catch up`);
      await sleep(pollMs);
    }
  }
}

/**
 * One measured `redis-benchmark -t set -P 32` run against a fresh master with `n` replicas, after
 * an unrecorded warm-up run of 100k requests.
 */
export async function throughputRun(kind: Kind, n: number, requests: number, keyRange: number): Promise<ThroughputRun> {
  const master = await startNode(kind, commonConfig());
  let replicas: Node[] = [];
  try {
    replicas = await attachReplicas(kind, master, n);
    const args = ['-t', 'set', '-P', '32', '-c', '50', '-r', String(keyRange), '-d', '100'];
    await startLoad(master.port, [...args, '-n', '100000']).done;
    await waitCaughtUp(master, replicas, 5);
    await sleep(300);
    const rssBefore = rssBytes(master.pid);
    const samples: LagSample[] = [];
    const t0 = performance.now();
    const load = startLoad(master.port, [...args, '-n', String(requests)]);
    let running = true;
    void load.done.then(() => {
      running = false;
    });
    while (running) {
      const tick = performance.now();
      const [m, ...rs] = await Promise.all([info(master, 'replication'), ...replicas.map((r) => info(r, 'replication'))]);
      samples.push({
        t: (tick + performance.now()) / 2 - t0,
        master: Number(m.get('master_repl_offset')),
        replicas: rs.map((x) => Number(x.get('slave_repl_offset'))),
        rss: rssBytes(master.pid),
      });
      await sleep(Math.max(0, 10 - (performance.now() - tick)));
    }
    const res = await load.done;
    const loadMs = res.endedAt - t0;
    // catch-up: polled every ms from the moment the benchmark process exited
    const finalOffset = Number((await info(master, 'replication')).get('master_repl_offset'));
    let caughtAt = performance.now();
    for (const r of replicas) {
      while (Number((await info(r, 'replication')).get('slave_repl_offset')) < finalOffset) await sleep(1);
      caughtAt = performance.now();
    }
    const catchUpMs = n === 0 ? 0 : caughtAt - res.endedAt;
    const during = samples.filter((s) => s.t <= loadMs);
    const lag = lagOf(during);
    const rssPeak = Math.max(rssBefore, ...samples.map((s) => s.rss));
    return { kind, replicas: n, rps: res.rps, samples: during, loadMs, catchUpMs, rssBefore, rssPeak, lagBytes: lag.bytes, lagMs: lag.ms };
  } finally {
    for (const r of replicas) await r.stop();
    await master.stop();
  }
}

export interface ResyncRun {
  kind: Kind;
  /** from CLIENT KILL TYPE master on the replica to link up, partial resync counted and offset caught up */
  outsideMs: number[];
  /** from "Connection with master lost" to "Master accepted a Partial Resynchronization" in the replica's log (ms stamps) */
  logMs: number[];
  /** from the kill to a blocked XREAD on the replica answering with an entry the master wrote after the kill (resync-marker.ts) */
  blockedMs: number[];
  fullSyncsDuring: number;
  partialOk: number;
  loadOps: number;
}

/**
 * A replica's link cut `reps` times under a steady unpipelined SET load (2 clients); every cut is
 * timed from the outside and from the replica's log. Both servers reconnect at once after the kill
 * (redis-server 7.0 logs "Reconnecting to MASTER"); the log times cover the reconnect + PSYNC.
 */
export async function resyncRuns(kind: Kind, reps: number): Promise<ResyncRun> {
  const master = await startNode(kind, commonConfig());
  const [replica] = await attachReplicas(kind, master, 1);
  const load = startLoad(master.port, ['-t', 'set', '-c', '2', '-P', '1', '-n', '100000000', '-r', '100000', '-d', '100']);
  const reader = await RawClient.connect(replica.port);
  try {
    await sleep(1000);
    const full0 = await statNumber(master, 'stats', 'sync_full');
    const cmd0 = await statNumber(master, 'stats', 'total_commands_processed');
    const tl0 = performance.now();
    const outsideMs: number[] = [];
    const logMs: number[] = [];
    const blockedMs: number[] = [];
    for (let i = 0; i < reps; i++) {
      const partial0 = await statNumber(master, 'stats', 'sync_partial_ok');
      const logFrom = replica.log().length;
      const killOffset = Number((await info(master, 'replication')).get('master_repl_offset'));
      const mark = armResyncMarker(reader);
      await sleep(2);
      const t0 = performance.now();
      await call(replica, 'CLIENT', 'KILL', 'TYPE', 'master');
      await call(master, 'XADD', mark.key, '*', 'm', '1');
      // only the replica is polled (an INFO to the loaded master every ms would slow what is measured);
      // the master counted the partial resync before it sent +CONTINUE, so it is checked once after
      for (;;) {
        const r = await info(replica, 'replication');
        if (r.get('master_link_status') === 'up' && Number(r.get('slave_repl_offset')) >= killOffset) break;
        if (performance.now() - t0 > 30000) throw new Error(`${kind} replica did not resync in 30 s`);
        await sleep(1);
      }
      const elapsed = performance.now() - t0;
      if ((await statNumber(master, 'stats', 'sync_partial_ok')) <= partial0) throw new Error(`${kind}: link up again without a partial resync`);
      outsideMs.push(elapsed);
      blockedMs.push((await mark.seen) - t0);
      // the same two lines in both logs: Redis 7.0 reconnects at once too ("Reconnecting to MASTER")
      for (let w = 0; w < 200; w++) {
        const start = logTime(replica.log(), /Connection with master lost/, logFrom);
        const end = start && logTime(replica.log(), /accepted a Partial Resynchronization/, start.at);
        if (start && end) {
          logMs.push(end.ms - start.ms);
          break;
        }
        await sleep(10);
      }
      await sleep(500);
    }
    const loadOps = ((await statNumber(master, 'stats', 'total_commands_processed')) - cmd0) / ((performance.now() - tl0) / 1000);
    const fullSyncsDuring = (await statNumber(master, 'stats', 'sync_full')) - full0;
    const partialOk = await statNumber(master, 'stats', 'sync_partial_ok');
    return { kind, outsideMs, logMs, blockedMs, fullSyncsDuring, partialOk, loadOps };
  } finally {
    await reader.close();
    load.stop();
    await load.done;
    await replica.stop();
    await master.stop();
  }
}
