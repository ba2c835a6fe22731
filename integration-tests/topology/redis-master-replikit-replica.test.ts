/**
 * A real redis-server 7.0 master and a replikit-server replica (`--replicaof`), in both payload
 * forms (`$EOF:` diskless and `$<len>` disk): every type with expiries in several dbs through the
 * full sync, then 12k mixed writes with the link cut on our side (`CLIENT KILL TYPE master`) in
 * the middle and resumed by a partial resync; at the end every key equal (values through DUMP,
 * PEXPIRETIME exactly, PTTL within a tolerance) in every db.
 */
import { hasRedis } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { diffDatasets, mixedWrites, seedDataset, shortKeysExpired, volatileKeys } from './dataset';
import { Nodes, caughtUp, ids, linkUp, logOf, syncStats, waitFor } from './topology-kit';

const describeRedis = hasRedis() ? describe : describe.skip;

const FORMS = [
  { form: '$EOF: (diskless)', master: { 'repl-diskless-sync': 'yes' }, replica: ['--repl-diskless-load', 'on-empty-db'], target: 'replicas sockets' },
  { form: '$<len> (disk)', master: { 'repl-diskless-sync': 'no' }, replica: [] as string[], target: 'disk' },
];

describeRedis('redis-server master -> replikit replica', () => {
  const shared = new Nodes();
  const nodes = new Nodes();
  let scratch: Redis;

  beforeAll(async () => {
    scratch = shared.client(await shared.redis());
  });
  afterEach(() => nodes.stopAll());
  afterAll(() => shared.stopAll());

  it.each(FORMS)('full sync in the $form form, 12k mixed writes, a cut link resumed partially, every key equal', async ({ master: masterConf, replica: replicaArgs, target }) => {
    const master = await nodes.redis({ ...masterConf, 'repl-diskless-sync-delay': 0 });
    const m = nodes.client(master);
    await seedDataset(m, { streams: { kind: 'xadd' } });
    expect(await volatileKeys(m)).toBeGreaterThan(10);

    const rep = await nodes.replikit(['--replicaof', '127.0.0.1', String(master.port), ...replicaArgs]);
    const r = nodes.client(rep);
    await linkUp(r);
    await master.handle.waitForLog(new RegExp(`Starting BGSAVE for SYNC with target: ${target}`));
    // the master expires the short-lived keys itself and sends DELs; the replica never expires keys on its own
    await waitFor('the master to expire the short keys', () => shortKeysExpired(m));
    await caughtUp(m, r);
    expect(await diffDatasets(m, r, scratch)).toEqual([]);
    const afterFull = await syncStats(m);
    expect(afterFull.full).toBe(1);

    expect(await mixedWrites(m, 6000, 1)).toBe(6000);
    await caughtUp(m, r);
    expect(await r.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
    expect(await mixedWrites(m, 6000, 2)).toBe(6000);
    await waitFor('a partial resync', async () => (await syncStats(m)).partialOk === afterFull.partialOk + 1);
    expect(logOf(master)).toMatch(/Partial resynchronization request from 127\.0\.0\.1:\d+ accepted/);
    await caughtUp(m, r);

    const end = await syncStats(m);
    expect(end).toEqual({ full: afterFull.full, partialOk: afterFull.partialOk + 1, partialErr: afterFull.partialErr });
    expect(await diffDatasets(m, r, scratch)).toEqual([]);
    const [mi, ri] = await Promise.all([ids(m), ids(r)]);
    expect(ri.replid).toBe(mi.replid);
    expect(ri.offset).toBe(mi.offset);
  });
});
