/**
 * Deaths in the middle of a full sync, with the snapshot slowed by a throttled proxy so the kill
 * lands mid-transfer: the replica killed and restarted (it syncs again from scratch), and the
 * master killed and restarted from its RDB (the replica follows the restarted master). Each ends
 * with the replica's dataset equal to the master's, key by key with TTLs. Mixed with redis-server
 * on either side.
 */
import { type NodeKind, waitCaughtUp } from '../failover/failover-kit';
import { describeRedis, expectSameData, fill, replicaOfArgs, statField, useProxiedPair, waitSyncInProgress } from './scenario-kit';

const PAIRS: Array<[string, NodeKind, NodeKind]> = [
  ['redis-server master, replikit replica', 'redis', 'replikit'],
  ['replikit master, redis-server replica', 'replikit', 'redis'],
  ['replikit master, replikit replica', 'replikit', 'replikit'],
];

describeRedis.each(PAIRS)('killed mid full sync: %s', (_label, kindM, kindR) => {
  const pair = useProxiedPair(kindM, kindR, 'each');

  it('the replica dies while loading, restarts, syncs again; datasets equal', async () => {
    const { m, r, proxy } = pair;
    await m.start(['--repl-diskless-sync', 'no']);
    const c = m.client();
    await fill(c, 'k', 1000, 1000);
    proxy.throttle(400_000, 'toClient');
    await r.start(replicaOfArgs(proxy));
    await waitSyncInProgress(r);
    await r.kill();
    await c.set('written-while-down', '1');
    await c.del('k:5');
    proxy.resume();
    await r.start(replicaOfArgs(proxy));
    await waitCaughtUp(m, r);
    await expectSameData(m, r);
    // the second sync is full, or partial when the kill came after the snapshot file was complete
    // (a restarted replica loads it with the master's repl-id and continues from there)
    expect((await statField(m, 'sync_full')) + (await statField(m, 'sync_partial_ok'))).toBeGreaterThanOrEqual(2);
  });

  it('the master dies mid transfer, restarts from its RDB; the replica follows it; datasets equal', async () => {
    const { m, r, proxy } = pair;
    const masterArgs = ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'];
    await m.start(masterArgs);
    const c = m.client();
    await fill(c, 'k', 1000, 1000);
    expect(await m.cli('SAVE')).toBe('OK');
    // after the save: lost with the master, so never on the replica in the end
    await c.set('after-save', 'lost');
    proxy.throttle(400_000, 'toClient');
    await r.start(replicaOfArgs(proxy));
    await waitSyncInProgress(r);
    await m.kill();
    proxy.resume();
    await m.start(masterArgs);
    expect(await m.cli('EXISTS', 'after-save')).toBe('0');
    const c2 = m.client();
    await c2.set('after-restart', '1');
    await waitCaughtUp(m, r);
    await expectSameData(m, r);
    expect(await r.cli('EXISTS', 'after-save')).toBe('0');
    expect(await r.cli('GET', 'after-restart')).toBe('1');
  });
});
