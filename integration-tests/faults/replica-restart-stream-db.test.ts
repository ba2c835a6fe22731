/**
 * A replica restarted from its own RDB continues its master's stream in the db that stream had
 * selected (the RDB's repl-stream-db), as Redis does (selectDb on the cached master): the master
 * sends no SELECT after a +CONTINUE when its stream db did not change. Found by the random fault
 * schedules (a replica restarted from its RDB applied the resumed stream in db 0).
 */
import { createFaultProxy, expectSameDataset, hasRedis, hasRedisCli, RawClient, viewOfServer } from '@replikit/test-utils';
import { createNode, type FailoverNode, info, waitCaughtUp, waitLinkUp } from '../failover/failover-kit';
import { waitFor } from '../replication/helpers';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;

describeRedis('replica restart from its RDB: the resumed stream stays in its db', () => {
  let m: FailoverNode;
  let r: FailoverNode;
  afterEach(async () => {
    await r?.dispose();
    await m?.dispose();
  });

  it.each<['replikit' | 'redis']>([['redis'], ['replikit']])('%s master, replikit replica, stream in db 5', async (masterKind) => {
    m = await createNode(masterKind, 'M');
    r = await createNode('replikit', 'R');
    await m.start(['--repl-diskless-sync-delay', '0']);
    const replicaof = ['--replicaof', '127.0.0.1', String(m.port)];
    await r.start(replicaof);
    await waitLinkUp(r);
    const c = m.client();
    await c.select(5);
    await c.set('before', '1');
    await waitCaughtUp(m, r);
    await r.shutdownSave();
    // the master's stream stays in db 5: no SELECT comes with these
    await c.set('during', '2');
    await c.rpush('list', 'a', 'b');
    const partialBefore = Number((await info(m, 'stats')).get('sync_partial_ok'));
    await r.start(replicaof);
    await waitCaughtUp(m, r);
    await c.set('after', '3');
    await waitCaughtUp(m, r);
    expect(Number((await info(m, 'stats')).get('sync_partial_ok'))).toBe(partialBefore + 1);
    const mc = await RawClient.connect(m.port);
    const rc = await RawClient.connect(r.port);
    try {
      expectSameDataset(await viewOfServer(mc), await viewOfServer(rc));
    } finally {
      await mc.close();
      await rc.close();
    }
  });

  it('saved again before its link came back, the RDB keeps the restored stream db', async () => {
    m = await createNode('redis', 'M');
    r = await createNode('replikit', 'R');
    await m.start(['--repl-diskless-sync-delay', '0']);
    const proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: m.port } });
    try {
      const replicaof = ['--replicaof', '127.0.0.1', String(proxy.port)];
      await r.start(replicaof);
      await waitLinkUp(r);
      const c = m.client();
      await c.select(5);
      await c.set('before', '1');
      await waitCaughtUp(m, r);
      await r.shutdownSave();
      await c.set('during-1', '2');
      // the restarted replica cannot complete its handshake, and is shut down (saving) again
      proxy.stall();
      await r.start(replicaof);
      await waitFor('the handshake to start', () => proxy.stats().accepted >= 2);
      await r.shutdownSave();
      proxy.cut();
      proxy.resume();
      await c.set('during-2', '3');
      await r.start(replicaof);
      await waitCaughtUp(m, r);
      const mc = await RawClient.connect(m.port);
      const rc = await RawClient.connect(r.port);
      try {
        expectSameDataset(await viewOfServer(mc), await viewOfServer(rc));
      } finally {
        await mc.close();
        await rc.close();
      }
    } finally {
      await proxy.close();
    }
  });
});
