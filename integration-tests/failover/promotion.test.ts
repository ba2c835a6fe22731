/**
 * The replication guide's failover walkthrough, operated with redis-cli: master A with replicas B
 * and C; A dies; `REPLICAOF NO ONE` on B; C re-pointed to B continues by a partial resync
 * (`+CONTINUE <B's new id>`: B counts sync_partial_ok, nobody counts a full sync) with every key
 * intact; A, restarted from its SHUTDOWN SAVE dump as a replica of B, continues partially too
 * (B's replid2 is A's old id). Run with replikit everywhere and mixed with real redis-server nodes.
 */
import { hasRedis, hasRedisCli } from '@replikit/test-utils';
import { dumpDataset, waitFor } from '../replication/helpers';
import { createNode, type FailoverNode, info, type NodeKind, seed, waitCaughtUp, waitLinkUp } from './failover-kit';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;
const ALL_DBS = Array.from({ length: 16 }, (_, i) => i);

const VARIANTS: Array<[string, NodeKind, NodeKind, NodeKind]> = [
  ['replikit A, B, C', 'replikit', 'replikit', 'replikit'],
  ['replikit A and B, redis-server C', 'replikit', 'replikit', 'redis'],
  ['redis-server A and B, replikit C', 'redis', 'redis', 'replikit'],
];

describeRedis.each(VARIANTS)('promotion walkthrough: %s', (_label, kindA, kindB, kindC) => {
  let a: FailoverNode;
  let b: FailoverNode;
  let c: FailoverNode;

  beforeAll(async () => {
    a = await createNode(kindA, 'A');
    b = await createNode(kindB, 'B');
    c = await createNode(kindC, 'C');
  });
  afterAll(async () => {
    await c?.dispose();
    await b?.dispose();
    await a?.dispose();
  });

  it('A dies, B is promoted, C follows B partially, A rejoins as a replica of B partially', async () => {
    const sync = ['--repl-diskless-sync-delay', '0'];
    await a.start(sync);
    const ca = a.client();
    await seed(ca, 'before', 60);
    await b.start([...sync, '--replicaof', '127.0.0.1', String(a.port)]);
    await c.start([...sync, '--replicaof', '127.0.0.1', String(a.port)]);
    await waitLinkUp(b);
    await waitLinkUp(c);
    await seed(ca, 'streamed', 40);
    await waitCaughtUp(a, b);
    await waitCaughtUp(a, c);
    const expected = await dumpDataset(ca, ALL_DBS);
    const aBefore = await info(a, 'replication');

    // A dies after a clean save (its dump carries repl-id and repl-offset)
    await a.shutdownSave();
    await waitFor('B sees the link down', async () => (await info(b, 'replication')).get('master_link_status') === 'down');
    // a real redis-server's SHUTDOWN sends REPLCONF GETACK to its replicas first: B's offset is the reference
    const bBefore = await info(b, 'replication');
    expect(Number(bBefore.get('master_repl_offset'))).toBeGreaterThanOrEqual(Number(aBefore.get('master_repl_offset')));

    // B is promoted: same data, the old id becomes replid2 up to offset + 1
    expect(await b.cli('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    const bInfo = await info(b, 'replication');
    expect(bInfo.get('role')).toBe('master');
    expect(bInfo.get('master_replid2')).toBe(aBefore.get('master_replid'));
    expect(bInfo.get('second_repl_offset')).toBe(String(Number(bBefore.get('master_repl_offset')) + 1));
    expect(bInfo.get('master_replid')).not.toBe(aBefore.get('master_replid'));
    const bStats = await info(b, 'stats');
    const fullBefore = Number(bStats.get('sync_full'));
    const partialBefore = Number(bStats.get('sync_partial_ok'));

    // C re-pointed to B: +CONTINUE with B's id, no full sync anywhere
    expect(await c.cli('REPLICAOF', '127.0.0.1', String(b.port))).toBe('OK');
    await waitLinkUp(c);
    const cb = b.client();
    const cc = c.client();
    await waitFor('C takes B\'s id', async () => (await info(c, 'replication')).get('master_replid') === bInfo.get('master_replid'));
    const after = await info(b, 'stats');
    expect(Number(after.get('sync_full')) - fullBefore).toBe(0);
    expect(Number(after.get('sync_partial_ok')) - partialBefore).toBe(1);
    if (kindC === 'redis') expect(c.log()).toContain('Successful partial resynchronization with master.');
    else expect(c.log()).toContain('Master accepted a Partial Resynchronization.');
    expect(await dumpDataset(cc, ALL_DBS)).toEqual(expected);

    // writes on the new master reach C
    await seed(cb, 'promoted', 20);
    await waitCaughtUp(b, c);
    const expected2 = await dumpDataset(cb, ALL_DBS);
    expect(await dumpDataset(cc, ALL_DBS)).toEqual(expected2);

    // A comes back from its dump as a replica of B: PSYNC with A's old id, which B knows as replid2
    await a.start([...sync, '--replicaof', '127.0.0.1', String(b.port)]);
    await waitLinkUp(a);
    await waitCaughtUp(b, a);
    const final = await info(b, 'stats');
    expect(Number(final.get('sync_full')) - fullBefore).toBe(0);
    expect(Number(final.get('sync_partial_ok')) - partialBefore).toBe(2);
    expect((await info(a, 'replication')).get('master_replid')).toBe(bInfo.get('master_replid'));
    expect(await dumpDataset(a.client(), ALL_DBS)).toEqual(expected2);
    const roles = (await b.cli('ROLE')).split('\n');
    expect(roles[0]).toBe('master');
    expect(roles.filter((l) => l === String(a.port) || l === String(c.port)).sort()).toEqual([String(a.port), String(c.port)].sort());
  });
});
