/**
 * Restart resume on the replica side: a replikit replica stopped with SHUTDOWN SAVE writes repl-id
 * and repl-offset into its dump; restarted, it PSYNCs with them and the master (a real redis-server
 * or replikit) answers +CONTINUE (sync_partial_ok, no new full sync), including the writes it
 * missed while down.
 */
import { hasRedis, hasRedisCli } from '@replikit/test-utils';
import { dumpDataset } from '../replication/helpers';
import { info, masterReplicaNodes, type NodeKind, seed, waitCaughtUp, waitLinkUp } from './failover-kit';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;
const ALL_DBS = Array.from({ length: 16 }, (_, i) => i);

describeRedis.each<[NodeKind]>([['redis'], ['replikit']])('replikit replica restarted from its dump, master %s', (kindM) => {
  const nodes = masterReplicaNodes(kindM, 'replikit');

  it('continues by a partial resync with the writes it missed', async () => {
    const { m, r } = nodes;
    await m.start(['--repl-diskless-sync-delay', '0']);
    const cm = m.client();
    await seed(cm, 'a', 50);
    const replicaArgs = ['--replicaof', '127.0.0.1', String(m.port)];
    await r.start(replicaArgs);
    await waitLinkUp(r);
    await seed(cm, 'b', 30);
    await waitCaughtUp(m, r);
    const before = await info(m, 'stats');
    const saved = await info(r, 'replication');

    await r.shutdownSave();
    await seed(cm, 'missed', 20);
    await r.start(replicaArgs);
    // the restored id and offset before the link is even up
    const restored = await info(r, 'replication');
    expect(restored.get('master_replid')).toBe(saved.get('master_replid'));
    await waitLinkUp(r);
    await waitCaughtUp(m, r);
    const after = await info(m, 'stats');
    expect(Number(after.get('sync_full')) - Number(before.get('sync_full'))).toBe(0);
    expect(Number(after.get('sync_partial_ok')) - Number(before.get('sync_partial_ok'))).toBe(1);
    expect(r.log()).toContain('Master accepted a Partial Resynchronization.');
    expect(await dumpDataset(r.client(), ALL_DBS)).toEqual(await dumpDataset(cm, ALL_DBS));
  });
});
