/**
 * A slow replica (its link throttled to 20 kB/s) under heavy writes: the master's output buffer for
 * it passes `client-output-buffer-limit replica` and the master drops it, with the log line that
 * says so and the INFO counter; once the link is fast again the replica resyncs (fully: the
 * backlog was overrun too) and ends with the master's dataset. docs/operations.md gives the sizing
 * rule that avoids this loop.
 */
import { type NodeKind, waitCaughtUp, waitLinkUp } from '../failover/failover-kit';
import { waitFor } from '../replication/helpers';
import { describeRedis, expectSameData, replicaOfArgs, statField, useProxiedPair } from './scenario-kit';

const PAIRS: Array<[string, NodeKind, NodeKind]> = [
  ['replikit master, redis-server replica', 'replikit', 'redis'],
  ['replikit master, replikit replica', 'replikit', 'replikit'],
  ['redis-server master, replikit replica', 'redis', 'replikit'],
];

describeRedis.each(PAIRS)('output buffer limit: %s', (_label, kindM, kindR) => {
  const pair = useProxiedPair(kindM, kindR);

  it('the slow replica is disconnected with a log line, resyncs, and ends equal', async () => {
    const { m, r, proxy } = pair;
    await m.start(['--repl-diskless-sync-delay', '0', '--repl-backlog-size', '16384', '--client-output-buffer-limit', 'replica', '65536', '32768', '1']);
    await r.start(replicaOfArgs(proxy));
    await waitLinkUp(r);
    const c = m.client();
    await c.set('before', '1', 'EX', 100000);
    await waitCaughtUp(m, r);
    const full0 = await statField(m, 'sync_full');
    // replikit counts these in INFO stats (redis-server has the field from 7.2 on)
    const counted = kindM === 'replikit';
    const dropped0 = counted ? await statField(m, 'client_output_buffer_limit_disconnections') : 0;

    proxy.throttle(20_000, 'toClient');
    // 8 MB of writes: more than the socket buffers on the way can hide from the master
    const value = 'w'.repeat(2000);
    for (let batch = 0; batch < 8; batch++) {
      const p = c.pipeline();
      for (let i = 0; i < 500; i++) p.set(`heavy:${(batch * 500 + i) % 700}`, `${batch}:${i}:${value}`);
      await p.exec();
    }
    await waitFor('the output-limit log line', () => /scheduled to be closed ASAP for overcoming of output buffer limits/.test(m.log()), 20_000);
    if (counted) expect(await statField(m, 'client_output_buffer_limit_disconnections')).toBeGreaterThan(dropped0);

    proxy.resume();
    await c.del('heavy:1');
    await waitCaughtUp(m, r);
    expect(await statField(m, 'sync_full')).toBeGreaterThan(full0);
    await expectSameData(m, r);
  }, 90_000);
});
