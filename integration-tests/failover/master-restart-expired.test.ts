/**
 * A master restarted from its SHUTDOWN SAVE dump (7.0 behaviour): it keeps its old id as replid2 so
 * its replica continues partially, and a key that expired while it was down is not loaded and goes
 * to the replica as a DEL (a replica never expires keys itself, so without the DEL the key would
 * stay in its dataset: DBSIZE shows it). Both directions: replikit master with a redis-server
 * replica, and a redis-server master with a replikit replica (the reference behaviour).
 */
import { hasRedis, hasRedisCli } from '@replikit/test-utils';
import { waitFor } from '../replication/helpers';
import { info, masterReplicaNodes, type NodeKind, waitCaughtUp, waitLinkUp } from './failover-kit';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;

describeRedis.each<[string, NodeKind, NodeKind]>([
  ['replikit master, redis-server replica', 'replikit', 'redis'],
  ['redis-server master, replikit replica', 'redis', 'replikit'],
])('master restarted from its dump: %s', (_label, kindM, kindR) => {
  const nodes = masterReplicaNodes(kindM, kindR);

  it('the replica continues partially and gets a DEL for the key that expired meanwhile', async () => {
    const { m, r } = nodes;
    const args = ['--repl-diskless-sync-delay', '0'];
    await m.start(args);
    const cm = m.client();
    await cm.set('stays', '1');
    // a long TTL until the replica has the key (starting a replica can take seconds on a loaded
    // machine), then a short one that runs out while the master is down
    await cm.set('expires', '2', 'PX', 600_000);
    await r.start(['--replicaof', '127.0.0.1', String(m.port)]);
    await waitLinkUp(r);
    await waitCaughtUp(m, r);
    expect(await r.cli('DBSIZE')).toBe('2');
    const before = await info(m, 'replication');

    const expiresAt = Date.now() + 4000;
    await cm.pexpireat('expires', expiresAt);
    await m.shutdownSave();
    await new Promise((res) => setTimeout(res, Math.max(0, expiresAt - Date.now()) + 500));
    // the replica does not expire it on its own
    expect(await r.cli('DBSIZE')).toBe('2');

    await m.start(args);
    const after = await info(m, 'replication');
    expect(after.get('master_replid2')).toBe(before.get('master_replid'));
    await waitFor('the replica back online', async () => (await info(m, 'replication')).get('slave0')?.includes('state=online'));
    await waitFor('the DEL reached the replica', async () => (await r.cli('DBSIZE')) === '1');
    expect(await r.cli('GET', 'stays')).toBe('1');
    const stats = await info(m, 'stats');
    expect(stats.get('sync_full')).toBe('0');
    expect(stats.get('sync_partial_ok')).toBe('1');
  });
});
