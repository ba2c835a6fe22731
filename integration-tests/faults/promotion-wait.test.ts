/**
 * Promotion during writes with WAIT 1, over a link that lags (every chunk delayed both ways):
 * writers send SET + WAIT 1 in a loop; the master dies with writes in flight; the replica is
 * promoted; every write whose WAIT answered 1 is on the new master with its value. The old master
 * then comes back as a replica of the new one and ends with its dataset, key by key with TTLs.
 */
import { type NodeKind, waitCaughtUp, waitLinkUp } from '../failover/failover-kit';
import { describeRedis, expectSameData, replicaOfArgs, useProxiedPair } from './scenario-kit';

const PAIRS: Array<[string, NodeKind, NodeKind]> = [
  ['replikit master, redis-server replica', 'replikit', 'redis'],
  ['redis-server master, replikit replica', 'redis', 'replikit'],
  ['replikit master, replikit replica', 'replikit', 'replikit'],
];

describeRedis.each(PAIRS)('promotion with WAIT 1 over a lagging link: %s', (_label, kindM, kindR) => {
  const pair = useProxiedPair(kindM, kindR);

  it('every acknowledged write is on the promoted replica; the old master follows it and ends equal', async () => {
    const { m, r, proxy } = pair;
    await m.start(['--repl-diskless-sync-delay', '0']);
    await r.start(replicaOfArgs(proxy));
    await waitLinkUp(r);
    proxy.delay(3);
    const cm = m.client();
    const acknowledged = new Map<string, string>();
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const key = `w${w}:${i}`;
        const value = `${w}-${i}`;
        try {
          const res = await cm.pipeline().set(key, value, 'EX', 100000).incr(`counter:${w}`).wait(1, 2000).exec();
          const waited = res?.[2];
          if (waited && waited[0] === null && waited[1] === 1) acknowledged.set(key, value);
        } catch {
          return; // the master is gone
        }
      }
    };
    const writers = [0, 1, 2].map((w) => writer(w));
    while (acknowledged.size < 150) await new Promise((res) => setTimeout(res, 10));
    const killed = m.kill();
    stop = true;
    await killed;
    await Promise.all(writers);
    proxy.resume();

    expect(await r.cli('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    const cr = r.client();
    const keys = [...acknowledged.keys()];
    const values = await cr.mget(keys);
    const wrong = keys.filter((k, i) => values[i] !== acknowledged.get(k));
    expect(wrong).toEqual([]);

    // the old master restarts empty (no save points) and follows the new one
    await cr.set('after-promotion', '1');
    await m.start(['--replicaof', '127.0.0.1', String(r.port)]);
    await waitCaughtUp(r, m);
    await expectSameData(r, m);
  }, 90_000);
});
