/**
 * Chained replication: redis -> replikit -> redis, replikit -> redis -> replikit, and replikit <->
 * replikit (a switchover: the replica promoted, the old master demoted under it and resumed
 * partially through replid2). Every node of a chain ends with the head's replid and
 * master_repl_offset, and with the head's data (values through DUMP, PEXPIRETIME, PTTL).
 */
import { hasRedis } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { diffDatasets, mixedWrites, seedDataset, streamPayloads } from './dataset';
import { Nodes, caughtUp, ids, info, linkUp, syncStats, waitFor } from './topology-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

/** Every client in `chain` has the head's replid and offset (the head is the first). */
async function sameIdsAlong(chain: Redis[]): Promise<void> {
  const head = chain[0];
  for (const c of chain.slice(1)) await caughtUp(head, c);
  const all = await Promise.all(chain.map((c) => ids(c)));
  const offsets = all.map((x) => x.offset);
  expect(all.map((x) => x.replid)).toEqual(all.map(() => all[0].replid));
  expect(offsets).toEqual(offsets.map(() => offsets[0]));
}

describeRedis('replication chains', () => {
  const shared = new Nodes();
  const nodes = new Nodes();
  let scratch: Redis;
  let streams: Buffer[];

  beforeAll(async () => {
    scratch = shared.client(await shared.redis());
    streams = await streamPayloads(scratch);
  });
  afterEach(() => nodes.stopAll());
  afterAll(() => shared.stopAll());

  it('redis -> replikit -> redis: ids, offsets and data equal at every depth; the middle link cut and resumed partially', async () => {
    const head = await nodes.redis({ 'repl-diskless-sync-delay': 0 });
    const h = nodes.client(head);
    await seedDataset(h, { streams: { kind: 'xadd' } });
    const mid = await nodes.replikit(['--replicaof', '127.0.0.1', String(head.port), '--repl-diskless-sync-delay', '0']);
    const m = nodes.client(mid);
    await linkUp(m);
    const tail = await nodes.redis({ replicaof: `127.0.0.1 ${mid.port}` });
    const t = nodes.client(tail);
    await linkUp(t);

    expect(await mixedWrites(h, 3000, 11)).toBe(3000);
    await sameIdsAlong([h, m, t]);
    expect(await diffDatasets(h, t, scratch)).toEqual([]);

    // the middle node's upstream cut: it resumes partially and its own replica keeps its link
    const headStats = await syncStats(h);
    const midStats = await syncStats(m);
    expect(await m.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
    expect(await mixedWrites(h, 2000, 12)).toBe(2000);
    await waitFor('the middle node to resume partially', async () => (await syncStats(h)).partialOk === headStats.partialOk + 1);
    await sameIdsAlong([h, m, t]);
    expect(await syncStats(h)).toEqual({ ...headStats, partialOk: headStats.partialOk + 1 });
    expect(await syncStats(m)).toEqual(midStats);
    expect(await diffDatasets(h, m, scratch)).toEqual([]);
    expect(await diffDatasets(h, t, scratch)).toEqual([]);
  });

  it('replikit -> redis -> replikit: ids, offsets and data equal at every depth', async () => {
    const head = await nodes.replikit(['--repl-diskless-sync-delay', '0']);
    const h = nodes.client(head);
    await seedDataset(h, { streams: { kind: 'payloads', payloads: streams } });
    const mid = await nodes.redis({ replicaof: `127.0.0.1 ${head.port}`, 'repl-diskless-sync-delay': 0 });
    const m = nodes.client(mid);
    await linkUp(m);
    const tail = await nodes.replikit(['--replicaof', '127.0.0.1', String(mid.port)]);
    const t = nodes.client(tail);
    await linkUp(t);

    expect(await mixedWrites(h, 3000, 21)).toBe(3000);
    await sameIdsAlong([h, m, t]);
    expect(await diffDatasets(h, t, scratch)).toEqual([]);
    expect(await diffDatasets(h, m, scratch)).toEqual([]);
  });

  it('replikit <-> replikit: a switchover (promote the replica, demote the master under it) resumes partially through replid2', async () => {
    // no PING from A's cron in the moment between B's promotion and A noticing B left: it would put
    // 14 bytes into A's stream that B never saw, and A's offset past B's history means a full
    // resync (in Redis too); the switchover itself is what this test is about
    const a = await nodes.replikit(['--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '3600']);
    const ca = nodes.client(a);
    await seedDataset(ca, { streams: { kind: 'payloads', payloads: streams } });
    const b = await nodes.replikit(['--replicaof', '127.0.0.1', String(a.port), '--repl-diskless-sync-delay', '0']);
    const cb = nodes.client(b);
    await linkUp(cb);
    expect(await mixedWrites(ca, 3000, 31)).toBe(3000);
    await sameIdsAlong([ca, cb]);
    expect(await diffDatasets(ca, cb, scratch)).toEqual([]);
    const before = await ids(ca);

    // switchover: B becomes the master (new replid, the old one kept as replid2 up to offset+1),
    // A follows B and continues from its own offset with a partial resync
    expect(await cb.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    const promoted = await ids(cb);
    expect(promoted.replid2).toBe(before.replid);
    expect((await info(cb, 'replication')).get('second_repl_offset')).toBe(String(before.offset + 1));
    const bStats = await syncStats(cb);
    expect(await ca.call('REPLICAOF', '127.0.0.1', String(b.port))).toBe('OK');
    await linkUp(ca);
    await waitFor('B to accept A partially', async () => (await syncStats(cb)).partialOk === bStats.partialOk + 1);
    expect((await syncStats(cb)).full).toBe(bStats.full);

    expect(await mixedWrites(cb, 2000, 32)).toBe(2000);
    await sameIdsAlong([cb, ca]);
    expect((await ids(ca)).replid).toBe(promoted.replid);
    expect(await diffDatasets(cb, ca, scratch)).toEqual([]);
  });
});
