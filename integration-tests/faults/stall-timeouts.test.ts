/**
 * A link stalled (nothing flows either way) for longer than `repl-timeout` on one side: that side
 * times out, says so in its log, drops the link; once the link flows again the replica reconnects,
 * resumes partially, and ends with the master's dataset. Each side is replikit once and
 * redis-server once (the peer keeps the default 60 s timeout, so only the stalled side acts).
 */
import { type NodeKind, waitCaughtUp, waitLinkUp } from '../failover/failover-kit';
import { waitFor } from '../replication/helpers';
import { describeRedis, expectSameData, replicaOfArgs, statField, useProxiedPair } from './scenario-kit';

const CASES: Array<[string, 'master' | 'replica', NodeKind, NodeKind, RegExp]> = [
  ['replikit master times out a redis-server replica', 'master', 'replikit', 'redis', /Disconnecting timedout replica \(streaming sync\): 127\.0\.0\.1:\d+/],
  ['replikit replica times out its redis-server master', 'replica', 'redis', 'replikit', /Connection with master lost \(no data from the master for more than 2000 ms/],
  ['redis-server master times out a replikit replica', 'master', 'redis', 'replikit', /Disconnecting timedout replica \(streaming sync\)/],
  ['redis-server replica times out its replikit master', 'replica', 'replikit', 'redis', /MASTER timeout: no data nor PING received/],
];

describeRedis.each(CASES)('stall beyond repl-timeout: %s', (_label, side, kindM, kindR, logLine) => {
  const pair = useProxiedPair(kindM, kindR);

  it('the stalled side drops the link with a log line, the replica resumes partially, datasets equal', async () => {
    const { m, r, proxy } = pair;
    const short = ['--repl-timeout', '2'];
    // a replica timing out after 2 s needs the master's PINGs more often than the default 10 s once
    // the link flows again, or an idle stretch on a loaded machine times it out a second time
    const pings = side === 'replica' ? ['--repl-ping-replica-period', '1'] : [];
    await m.start(['--repl-diskless-sync-delay', '0', ...pings, ...(side === 'master' ? short : [])]);
    await r.start([...replicaOfArgs(proxy), ...(side === 'replica' ? short : [])]);
    await waitLinkUp(r);
    const c = m.client();
    for (let i = 0; i < 100; i++) await c.set(`before:${i}`, String(i), 'EX', 100000 + i);
    await waitCaughtUp(m, r);
    const partial = await statField(m, 'sync_partial_ok');
    const accepted = proxy.stats().accepted;
    proxy.stall();
    for (let i = 0; i < 100; i++) await c.set(`stalled:${i}`, String(i));
    const timedOut = side === 'master' ? m : r;
    await waitFor('the timeout log line', () => logLine.test(timedOut.log()), 15_000);
    proxy.resume();
    await waitFor('a new link', () => proxy.stats().accepted > accepted);
    await c.del('before:0');
    await waitCaughtUp(m, r);
    await expectSameData(m, r);
    expect(await statField(m, 'sync_partial_ok')).toBe(partial + 1);
  }, 60_000);
});
