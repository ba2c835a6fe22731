/**
 * FAILOVER [TO host port [FORCE]] [TIMEOUT ms] and FAILOVER ABORT: the coordinated switchover with
 * writes paused until the target caught up, master_failover_state in INFO, and PSYNC ... FAILOVER
 * on the target. Run replikit to replikit, a real redis-server master handing over to a replikit
 * replica (replikit is the PSYNC FAILOVER target) and a replikit master handing over to a real
 * redis-server replica (replikit sends PSYNC FAILOVER). A redis-server replica frozen with SIGSTOP
 * (this test started it) cannot catch up, for TIMEOUT, ABORT and FORCE.
 */
import { hasRedis, hasRedisCli } from '@replikit/test-utils';
import { dumpDataset, waitFor } from '../replication/helpers';
import { createNode, type FailoverNode, info, type NodeKind, seed, waitCaughtUp, waitLinkUp } from './failover-kit';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;
const ALL_DBS = Array.from({ length: 16 }, (_, i) => i);
const SYNC = ['--repl-diskless-sync-delay', '0'];

describeRedis.each<[string, NodeKind, NodeKind]>([
  ['replikit master to a replikit replica', 'replikit', 'replikit'],
  ['redis-server master to a replikit replica', 'redis', 'replikit'],
  ['replikit master to a redis-server replica', 'replikit', 'redis'],
])('FAILOVER TO: %s', (_label, kindM, kindT) => {
  let m: FailoverNode;
  let t: FailoverNode;
  let other: FailoverNode;

  beforeAll(async () => {
    m = await createNode(kindM, 'M');
    t = await createNode(kindT, 'T');
    other = await createNode('replikit', 'O');
  });
  afterAll(async () => {
    await other?.dispose();
    await t?.dispose();
    await m?.dispose();
  });

  it('the target becomes master by PSYNC FAILOVER, the old master continues partially as its replica', async () => {
    await m.start(SYNC);
    const cm = m.client();
    await seed(cm, 'pre', 40);
    await t.start([...SYNC, '--replicaof', '127.0.0.1', String(m.port)]);
    await other.start([...SYNC, '--replicaof', '127.0.0.1', String(m.port)]);
    await waitLinkUp(t);
    await waitLinkUp(other);
    await seed(cm, 'streamed', 20);
    await waitCaughtUp(m, t);
    const expected = await dumpDataset(cm, ALL_DBS);
    const mIds = await info(m, 'replication');
    expect(mIds.get('master_failover_state')).toBe('no-failover');
    const tStats = await info(t, 'stats');

    expect(await m.cli('FAILOVER', 'TO', '127.0.0.1', String(t.port), 'TIMEOUT', '10000')).toBe('OK');
    await waitFor('the target is master', async () => (await info(t, 'replication')).get('role') === 'master');
    await waitFor('the old master follows the target', async () => {
      const r = await info(m, 'replication');
      return r.get('master_port') === String(t.port) && r.get('master_link_status') === 'up' && r.get('master_failover_state') === 'no-failover';
    });
    const tr = await info(t, 'replication');
    expect(tr.get('master_replid2')).toBe(mIds.get('master_replid'));
    expect(Number(tr.get('second_repl_offset'))).toBeGreaterThan(Number(mIds.get('master_repl_offset')));
    const after = await info(t, 'stats');
    expect(Number(after.get('sync_full')) - Number(tStats.get('sync_full') ?? 0)).toBe(0);
    expect(Number(after.get('sync_partial_ok')) - Number(tStats.get('sync_partial_ok') ?? 0)).toBeGreaterThanOrEqual(1);
    expect((await info(m, 'replication')).get('role')).toBe('slave');
    // the target switched on the PSYNC ... FAILOVER, not on anything else
    expect(t.log()).toMatch(/MASTER MODE enabled \(failover request from /);
    // writes now belong to the target; the old master refuses them
    expect(await m.cli('SET', 'x', '1')).toMatch(/^READONLY/);
    const ct = t.client();
    await ct.set('after-failover', 'yes');
    await waitCaughtUp(t, m);
    expect(await dumpDataset(m.client(), ALL_DBS)).toEqual(await dumpDataset(ct, ALL_DBS));
    delete (expected as Record<string, unknown>)['0:after-failover'];
    const tData = await dumpDataset(ct, ALL_DBS);
    delete (tData as Record<string, unknown>)['0:after-failover'];
    expect(tData).toEqual(expected);
    // the third node, a replica of the old master, keeps following through the chain
    await waitFor('O has the write made on the new master', async () => (await other.client().get('after-failover')) === 'yes');
  });
});

describeRedis('FAILOVER waits for the target: TIMEOUT aborts, ABORT, FORCE switches anyway', () => {
  let m: FailoverNode;
  let frozen: FailoverNode;
  let pid: number | undefined;

  beforeAll(async () => {
    m = await createNode('replikit', 'M');
    frozen = await createNode('redis', 'F');
    await m.start(SYNC);
    await frozen.start([...SYNC, '--replicaof', '127.0.0.1', String(m.port)]);
    await waitLinkUp(frozen);
    await waitCaughtUp(m, frozen);
  });
  afterAll(async () => {
    if (pid !== undefined) process.kill(pid, 'SIGCONT');
    await frozen?.dispose();
    await m?.dispose();
  });

  it('errors with Redis texts', async () => {
    expect(await m.cli('FAILOVER', 'ABORT')).toBe('ERR No failover in progress.');
    expect(await m.cli('FAILOVER', 'TO', '127.0.0.1', '1')).toBe('ERR FAILOVER target HOST and PORT is not a replica.');
    expect(await m.cli('FAILOVER', 'FORCE')).toBe('ERR FAILOVER with force option requires both a timeout and target HOST and IP.');
    expect(await m.cli('FAILOVER', 'TIMEOUT', '0')).toBe('ERR FAILOVER timeout must be greater than 0');
    expect(await m.cli('FAILOVER', 'BOGUS')).toBe('ERR syntax error');
    expect(await frozen.cli('FAILOVER')).toBe('ERR FAILOVER is not valid when server is a replica.');
  });

  it('writes wait while the target lags; TIMEOUT aborts and they run; ABORT; FORCE fails over', async () => {
    pid = frozen.pid as number;
    process.kill(pid, 'SIGSTOP');
    const cm = m.client();
    await cm.set('lagging', '1');
    // TIMEOUT leaves room for the checks below on a loaded machine (each m.cli is a round trip)
    expect(await m.cli('FAILOVER', 'TO', '127.0.0.1', String(frozen.port), 'TIMEOUT', '3000')).toBe('OK');
    expect((await info(m, 'replication')).get('master_failover_state')).toBe('waiting-for-sync');
    expect(await m.cli('FAILOVER')).toBe('ERR FAILOVER already in progress.');
    expect(await m.cli('REPLICAOF', 'NO', 'ONE')).toBe('ERR REPLICAOF not allowed while failing over.');
    // a write is held, a read is not
    let written = false;
    const held = cm.set('held', '2').then(() => {
      written = true;
    });
    expect(await m.cli('GET', 'lagging')).toBe('1');
    expect(written).toBe(false);
    await held;
    expect((await info(m, 'replication')).get('master_failover_state')).toBe('no-failover');
    expect((await info(m, 'replication')).get('role')).toBe('master');
    expect(m.log()).toContain('aborted: Replica never caught up before timeout');

    expect(await m.cli('FAILOVER', 'TO', '127.0.0.1', String(frozen.port))).toBe('OK');
    expect(await m.cli('FAILOVER', 'ABORT')).toBe('OK');
    expect((await info(m, 'replication')).get('master_failover_state')).toBe('no-failover');
    expect(await m.cli('SET', 'after-abort', '3')).toBe('OK');

    expect(await m.cli('FAILOVER', 'TO', '127.0.0.1', String(frozen.port), 'TIMEOUT', '300', 'FORCE')).toBe('OK');
    await waitFor('the forced switch', async () => (await info(m, 'replication')).get('master_failover_state') === 'failover-in-progress');
    expect((await info(m, 'replication')).get('master_port')).toBe(String(frozen.port));
    process.kill(pid, 'SIGCONT');
    pid = undefined;
    await waitFor('the old master follows the forced target', async () => {
      const r = await info(m, 'replication');
      return r.get('master_link_status') === 'up' && r.get('master_failover_state') === 'no-failover';
    });
    expect((await info(frozen, 'replication')).get('role')).toBe('master');
    expect(await frozen.client().get('after-abort')).toBe('3');
  });
});

describeRedis('FAILOVER without TO', () => {
  let m: FailoverNode;
  let r: FailoverNode;

  beforeAll(async () => {
    m = await createNode('replikit', 'M');
    r = await createNode('replikit', 'R');
  });
  afterAll(async () => {
    await r?.dispose();
    await m?.dispose();
  });

  it('hands over to the first replica that acknowledged the whole offset', async () => {
    await m.start(SYNC);
    expect(await m.cli('FAILOVER')).toBe('ERR FAILOVER requires connected replicas.');
    await r.start([...SYNC, '--replicaof', '127.0.0.1', String(m.port)]);
    await waitLinkUp(r);
    await m.client().set('k', 'v');
    await waitCaughtUp(m, r);
    expect(await m.cli('FAILOVER')).toBe('OK');
    await waitFor('R is master and M follows it', async () => {
      const mi = await info(m, 'replication');
      return (await info(r, 'replication')).get('role') === 'master' && mi.get('master_port') === String(r.port) && mi.get('master_link_status') === 'up';
    });
    expect(m.log()).toContain(`Failover target 127.0.0.1:${r.port} is synced, failing over.`);
    expect(await r.client().get('k')).toBe('v');
  });
});
