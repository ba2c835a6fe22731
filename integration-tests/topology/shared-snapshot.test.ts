/**
 * Five replicas (three redis-server, two replikit-server) attaching to one replikit master at once
 * under `repl-diskless-sync-delay`: the master waits, then produces ONE snapshot that all five
 * load (one `sync:start` from the node naming all five, one "Starting BGSAVE for SYNC" log line,
 * sync_full 5, every replica reporting the same `Full resync from master: <replid>:<offset>`). A
 * real redis-server master with five real replicas under the same configuration is the reference.
 */
import type { FullSyncInfo } from '@replikit/master';
import { hasRedis } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { diffDatasets, seedDataset } from './dataset';
import { type AnyNode, Nodes, caughtUp, countMatches, info, linkUp, logOf, syncStats } from './topology-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

const DELAY_S = 3;
const FULL_RESYNC = /Full resync from master: ([0-9a-f]{40}:\d+)/;

/** The `<replid>:<offset>` each replica logged for its full sync. */
function fullResyncPoints(replicas: AnyNode[]): string[] {
  return replicas.map((r) => FULL_RESYNC.exec(logOf(r))?.[1] ?? `no full resync line in the log of :${r.port}`);
}

async function fillAndAttach(nodes: Nodes, master: AnyNode, kinds: Array<'redis' | 'replikit'>): Promise<{ replicas: AnyNode[]; clients: Redis[] }> {
  const m = nodes.client(master);
  await seedDataset(m, { streams: { kind: 'none' } });
  const p = m.pipeline();
  for (let i = 0; i < 5000; i++) p.set(`bulk:${i}`, `value-${i}-${'v'.repeat(i % 64)}`);
  await p.exec();
  // all five started together; redis-server replicas connect on their next once-a-second cron
  const replicas = await Promise.all(
    kinds.map((k) => (k === 'redis' ? nodes.redis({ replicaof: `127.0.0.1 ${master.port}` }) : nodes.replikit(['--replicaof', '127.0.0.1', String(master.port)]))),
  );
  const clients = replicas.map((r) => nodes.client(r));
  await Promise.all(clients.map((c) => linkUp(c)));
  return { replicas, clients };
}

describeRedis('five replicas attaching at once share one snapshot', () => {
  const nodes = new Nodes();
  afterAll(() => nodes.stopAll());

  it(`replikit master under repl-diskless-sync-delay ${DELAY_S}, next to a redis-server master under the same delay`, async () => {
    const conf = { 'repl-diskless-sync': 'yes', 'repl-diskless-sync-delay': DELAY_S, 'repl-diskless-sync-max-replicas': 0 };
    const ours = await nodes.replikit(Object.entries(conf).flatMap(([k, v]) => [`--${k}`, String(v)]));
    const snapshots: FullSyncInfo[] = [];
    ours.s.replication.node.on('sync:start', (i) => snapshots.push(i));
    const real = await nodes.redis(conf);

    const [a, b] = await Promise.all([
      fillAndAttach(nodes, ours, ['redis', 'replikit', 'redis', 'replikit', 'redis']),
      fillAndAttach(nodes, real, ['redis', 'redis', 'redis', 'redis', 'redis']),
    ]);
    const o = nodes.client(ours);
    const r = nodes.client(real);

    // the reference: Redis batches all five onto one fork
    expect((await syncStats(r)).full).toBe(5);
    expect(countMatches(logOf(real), /Starting BGSAVE for SYNC with target: replicas sockets/)).toBe(1);
    expect(countMatches(logOf(real), /Delay next BGSAVE for diskless SYNC/)).toBe(5);
    expect(new Set(fullResyncPoints(b.replicas)).size).toBe(1);

    // ours: one snapshot for the five
    expect((await syncStats(o)).full).toBe(5);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0].target).toBe('socket');
    expect(snapshots[0].replicas).toHaveLength(5);
    // Redis logs the delay line once per arriving replica; ours once per armed delay timer
    expect(countMatches(logOf(ours), /Delay next BGSAVE for diskless SYNC/)).toBeGreaterThanOrEqual(1);
    expect(countMatches(logOf(ours), /Starting BGSAVE for SYNC with target: replicas sockets/)).toBe(1);
    const point = `${(await info(o, 'replication')).get('master_replid')}:${snapshots[0].offset}`;
    expect(fullResyncPoints(a.replicas)).toEqual(a.replicas.map(() => point));
    const slaves = [...(await info(o, 'replication')).entries()].filter(([k, v]) => /^slave\d+$/.test(k) && v.includes('state=online'));
    expect(slaves).toHaveLength(5);

    // and each of them holds the master's data
    for (const c of a.clients) await caughtUp(o, c);
    const scratch = nodes.client(await nodes.redis());
    expect(await diffDatasets(o, a.clients[0], scratch)).toEqual([]);
    expect(await diffDatasets(o, a.clients[1], scratch)).toEqual([]);
    const dbsize = await o.dbsize();
    expect(await Promise.all(a.clients.map((c) => c.dbsize()))).toEqual(a.clients.map(() => dbsize));
    // twelve servers and two delayed syncs: 20-35 s on a loaded 2-core machine, more than jest's default
  }, 120_000);
});
