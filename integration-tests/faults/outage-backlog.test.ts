/**
 * An outage longer than the backlog covers: the proxy stops accepting (connections refused, as a
 * dead route would), the master writes several times its 16 KiB backlog, the route comes back.
 * Exactly one full resync follows, the master's log says why, and the next short outage is
 * covered by the backlog again: a partial resync and no other full one. Datasets equal.
 */
import { createFaultProxy } from '@replikit/test-utils';
import { type NodeKind, waitCaughtUp, waitLinkUp } from '../failover/failover-kit';
import { describeRedis, expectSameData, replicaOfArgs, statField, useProxiedPair } from './scenario-kit';

const PAIRS: Array<[string, NodeKind, NodeKind]> = [
  ['replikit master, redis-server replica', 'replikit', 'redis'],
  ['redis-server master, replikit replica', 'redis', 'replikit'],
  ['replikit master, replikit replica', 'replikit', 'replikit'],
];

describeRedis.each(PAIRS)('outage past the backlog: %s', (_label, kindM, kindR) => {
  const pair = useProxiedPair(kindM, kindR);

  /** The route is gone (the port refuses) while `during` runs, then back on the same port. */
  async function outage(during: () => Promise<void>): Promise<void> {
    const port = pair.proxy.port;
    await pair.proxy.close();
    await during();
    pair.proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: pair.m.port }, port });
  }

  it('one full resync after the long outage, then partial again', async () => {
    const { m, r } = pair;
    await m.start(['--repl-diskless-sync-delay', '0', '--repl-backlog-size', '16384']);
    await r.start(replicaOfArgs(pair.proxy));
    await waitLinkUp(r);
    const c = m.client();
    for (let i = 0; i < 50; i++) await c.set(`k:${i}`, String(i), 'EX', 100000);
    await waitCaughtUp(m, r);
    const full0 = await statField(m, 'sync_full');
    const partial0 = await statField(m, 'sync_partial_ok');

    // 200 kB of stream against a 16 kB backlog
    await outage(async () => {
      const p = c.pipeline();
      for (let i = 0; i < 200; i++) p.set(`long:${i % 40}`, `${i}`.padEnd(1000, '.'));
      p.del('k:1');
      await p.exec();
    });
    await waitCaughtUp(m, r);
    expect(await statField(m, 'sync_full')).toBe(full0 + 1);
    expect(m.log()).toMatch(/Unable to partial resync .*for lack of backlog \(Replica request was: \d+/);
    await expectSameData(m, r);

    // a short outage: a few hundred bytes, well inside the backlog
    await outage(async () => {
      await c.set('short', '1');
      await c.pexpire('k:2', 90_000_000);
    });
    await waitCaughtUp(m, r);
    expect(await statField(m, 'sync_full')).toBe(full0 + 1);
    expect(await statField(m, 'sync_partial_ok')).toBe(partial0 + 1);
    await expectSameData(m, r);
  }, 90_000);
});
