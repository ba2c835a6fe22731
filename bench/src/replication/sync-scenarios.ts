/**
 * Full sync scenarios: the time from REPLICAOF to a replica with its link up and every key loaded,
 * and the master's request latency while it serves a full sync under client load.
 */
import { percentile } from './plot';
import { type Kind, type LoadRun, type Node, call, commonConfig, info, sleep, startLoad, startNode, statNumber, syncReplica } from './servers';

export interface SyncRow {
  kind: Kind;
  keys: number;
  diskless: boolean;
  ms: number[];
  fullSyncs: number;
}

/** Populates a master with `keys` keys of 100-byte values (DEBUG POPULATE, as the RDB benches do). */
async function populate(master: Node, keys: number): Promise<void> {
  await call(master, 'DEBUG', 'POPULATE', keys, 'key', 100);
  const n = await master.client.call('DBSIZE');
  if (n !== keys) throw new Error(`${master.kind} has ${String(n)} keys after DEBUG POPULATE ${keys}`);
}

/** Full sync time, alternating servers rep by rep; a fresh replica process for every sync. */
export async function fullSyncTimes(keys: number, diskless: boolean, reps: number, kinds: Kind[], profDir?: string): Promise<SyncRow[]> {
  const rows: SyncRow[] = [];
  const masters: Node[] = [];
  try {
    for (const kind of kinds) {
      const master = await startNode(kind, commonConfig({ 'repl-diskless-sync': diskless ? 'yes' : 'no' }), profDir);
      masters.push(master);
      await populate(master, keys);
      rows.push({ kind, keys, diskless, ms: [], fullSyncs: 0 });
    }
    for (let rep = 0; rep < reps; rep++) {
      for (let i = 0; i < kinds.length; i++) {
        const replica = await startNode(kinds[i], commonConfig(), profDir);
        try {
          rows[i].ms.push(await syncReplica(replica, masters[i], keys));
        } finally {
          await replica.stop();
        }
      }
    }
    for (let i = 0; i < kinds.length; i++) rows[i].fullSyncs = await statNumber(masters[i], 'stats', 'sync_full');
  } finally {
    for (const m of masters) await m.stop();
  }
  return rows;
}

export interface LatencyRun {
  kind: Kind;
  keys: number;
  /** probe samples: ms since REPLICAOF, round-trip ms */
  samples: Array<[number, number]>;
  syncMs: number;
  baseline: { p50: number; p99: number; max: number; n: number };
  during: { p50: number; p99: number; max: number; n: number };
  duringRtts: number[];
  forkUsec: number;
  /** commands per second the master processed (probe, load and INFO included) over the whole run */
  loadOps: number;
}

function summary(values: number[]): { p50: number; p99: number; max: number; n: number } {
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: values.length ? Math.max(...values) : Number.NaN, n: values.length };
}

/**
 * The master's latency while serving a full sync: a closed-loop GET probe (one request, then 1 ms
 * pause) from this process, next to a redis-benchmark SET load on random keys of the same keyspace,
 * for `baselineMs` before REPLICAOF, during the sync, and 1 s after.
 */
export async function latencyDuringSync(kind: Kind, keys: number, baselineMs: number, profDir?: string, onMasterLog?: (log: string) => void): Promise<LatencyRun> {
  const master = await startNode(kind, commonConfig({ 'repl-diskless-sync': 'yes' }), profDir);
  const replica = await startNode(kind, commonConfig());
  const { RawClient } = await import('@replikit/test-utils');
  const probe = await RawClient.connect(master.port);
  let load: LoadRun | undefined;
  const raw: Array<[number, number]> = [];
  let probing = true;
  try {
    await call(master, 'DEBUG', 'POPULATE', keys, 'key', 100);
    load = startLoad(master.port, ['-t', 'set', '-c', '10', '-P', '1', '-n', '100000000', '-r', String(keys), '-d', '100']);
    const cmd0 = await statNumber(master, 'stats', 'total_commands_processed');
    const tStart = performance.now();
    const loop = (async () => {
      while (probing) {
        const t = performance.now();
        const r = await probe.call('GET', 'key:1');
        if (r instanceof Error) throw r;
        raw.push([t, performance.now() - t]);
        await sleep(1);
      }
    })();
    await sleep(baselineMs);
    const t0 = performance.now();
    const syncMs = await syncReplica(replica, master, keys, 10);
    await sleep(1000);
    probing = false;
    await loop;
    const loadOps = ((await statNumber(master, 'stats', 'total_commands_processed')) - cmd0) / ((performance.now() - tStart) / 1000);
    load.stop();
    await load.done;
    load = undefined;
    const samples = raw.map(([t, rtt]) => [t - t0, rtt] as [number, number]);
    const base = samples.filter(([t]) => t < 0).map(([, r]) => r);
    const during = samples.filter(([t]) => t >= 0 && t <= syncMs).map(([, r]) => r);
    const forkUsec = kind === 'redis' ? Number((await info(master, 'stats')).get('latest_fork_usec')) : 0;
    onMasterLog?.(master.log());
    return { kind, keys, samples, syncMs, baseline: summary(base), during: summary(during), duringRtts: during, forkUsec, loadOps };
  } finally {
    probing = false;
    load?.stop();
    await probe.close();
    await replica.stop();
    await master.stop();
  }
}
