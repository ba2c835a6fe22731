/**
 * The guide's replication modes (async / sync / semi-sync through WriteConcern), the read/write
 * router (round-robin, least-lag, lag bounds, master fallback, master-standby) and read-your-writes
 * with waitForOffset, on a replikit-server master with two real redis-server replicas. A replica is
 * made unable to acknowledge by SIGSTOP on the redis-server this test started (SIGCONT after).
 */
import { createKeyspace } from '@replikit/keyspace';
import { createReadWriteRouter, createWriteConcern, type ReplicationNode } from '@replikit/master';
import { createReplica, tcpConnector, waitForOffset } from '@replikit/replica';
import { hasRedis, hasRedisCli } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { waitFor } from '../replication/helpers';
import { createNode, type FailoverNode, info, waitCaughtUp, waitLinkUp } from './failover-kit';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;

describeRedis('replication modes, read/write routing and read-your-writes', () => {
  let m: FailoverNode;
  let r1: FailoverNode;
  let r2: FailoverNode;
  let node: ReplicationNode;
  let cm: Redis;
  const stopped = new Set<number>();

  const freeze = (n: FailoverNode): void => {
    process.kill(n.pid as number, 'SIGSTOP');
    stopped.add(n.pid as number);
  };
  const thaw = (n: FailoverNode): void => {
    process.kill(n.pid as number, 'SIGCONT');
    stopped.delete(n.pid as number);
  };

  beforeAll(async () => {
    m = await createNode('replikit', 'M');
    r1 = await createNode('redis', 'R1');
    r2 = await createNode('redis', 'R2');
    await m.start(['--repl-diskless-sync-delay', '0']);
    node = (m.server as NonNullable<typeof m.server>).replication.node;
    cm = m.client();
    await cm.set('k0', 'v0');
    for (const r of [r1, r2]) await r.start(['--replicaof', '127.0.0.1', String(m.port)]);
    await waitLinkUp(r1);
    await waitLinkUp(r2);
    await waitFor('two online replicas', () => node.replicas().filter((r) => r.state === 'online').length === 2);
  });
  afterAll(async () => {
    for (const pid of stopped) process.kill(pid, 'SIGCONT');
    await r2?.dispose();
    await r1?.dispose();
    await m?.dispose();
  });

  it('sync waits for every online replica, semi-sync for N, async for none; a timeout fails or reports', async () => {
    const concern = createWriteConcern(node, { mode: 'sync', timeoutMs: 5000 });
    await cm.set('sync-key', '1');
    const ack = await concern.settle();
    expect(ack).toMatchObject({ mode: 'sync', required: 2, acked: 2, satisfied: true });
    // an ACK means applied: both replicas answer the read
    expect(await r1.client().get('sync-key')).toBe('1');
    expect(await r2.client().get('sync-key')).toBe('1');

    freeze(r2);
    await cm.set('while-frozen', '2');
    const failed = await concern.settle({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'ERR_REPLICATION_ACK_TIMEOUT', required: 2, acked: 1 });
    expect(await concern.settle({ timeoutMs: 300, onTimeout: 'report' })).toMatchObject({ required: 2, acked: 1, satisfied: false });
    expect(await concern.settle({ mode: 'semi-sync', replicas: 1 })).toMatchObject({ mode: 'semi-sync', required: 1, acked: 1, satisfied: true });
    expect(await concern.settle({ mode: 'async' })).toMatchObject({ mode: 'async', required: 0, satisfied: true });
    // the write stayed on the master either way
    expect(await cm.get('while-frozen')).toBe('2');
    concern.configure({ mode: 'semi-sync', replicas: 2, timeoutMs: 200, onTimeout: 'report' });
    expect(await concern.settle()).toMatchObject({ required: 2, acked: 1, satisfied: false });
    thaw(r2);
    concern.configure({ timeoutMs: 5000, onTimeout: 'fail' });
    expect(await concern.settle()).toMatchObject({ required: 2, acked: 2, satisfied: true });
    expect(() => concern.configure({ replicas: 0 })).toThrow(expect.objectContaining({ code: 'ERR_MASTER_INVALID_OPTION' }));
  });

  it('reads go round-robin to replicas within the lag bound, to the master otherwise and in standby mode', async () => {
    await waitCaughtUp(m, r1);
    await waitCaughtUp(m, r2);
    const router = createReadWriteRouter<string>(node, 'master', { policy: 'round-robin', maxLagMs: 60_000, maxLagBytes: 0 });
    try {
      expect(router.forRead()).toBe('master');
      router.addReplica(`127.0.0.1:${r1.port}`, 'r1');
      router.addReplica(`127.0.0.1:${r2.port}`, 'r2');
      // WAIT's own REPLCONF GETACK follows the acknowledged offset: the next periodic ACK covers it
      await waitFor('both replicas acknowledged everything', () => router.lags().filter((l) => l.lagBytes === 0).length === 2);
      const picks = new Set([router.forRead(), router.forRead(), router.forRead(), router.forRead()]);
      expect([...picks].sort()).toEqual(['r1', 'r2']);
      expect(router.forWrite()).toBe('master');

      // r2 cannot acknowledge: after a write it is behind in bytes and leaves the rotation
      freeze(r2);
      await cm.set('lagging', 'x');
      await createWriteConcern(node, { mode: 'semi-sync', replicas: 1, timeoutMs: 5000 }).settle();
      await waitFor('r1 acknowledged everything', () => router.lags().find((l) => l.address === `127.0.0.1:${r1.port}`)?.lagBytes === 0);
      const lag2 = router.lags().find((l) => l.address === `127.0.0.1:${r2.port}`);
      expect(lag2?.lagBytes).toBeGreaterThan(0);
      expect(new Set([router.forRead(), router.forRead(), router.forRead()])).toEqual(new Set(['r1']));
      const least = createReadWriteRouter<string>(node, 'master', { policy: 'least-lag', maxLagMs: 60_000 });
      least.addReplica(`127.0.0.1:${r1.port}`, 'r1');
      least.addReplica(`127.0.0.1:${r2.port}`, 'r2');
      expect(least.routeRead()).toMatchObject({ kind: 'replica', target: 'r1' });
      least.close();

      // both behind: the master serves reads
      freeze(r1);
      await cm.set('both-behind', 'y');
      await waitFor('the master offset moved past both ACKs', () => router.lags().every((l) => l.lagBytes > 0));
      expect(router.routeRead()).toMatchObject({ kind: 'master', target: 'master' });
      thaw(r1);
      thaw(r2);
      await waitFor('a replica back in the rotation', () => router.routeRead().kind === 'replica');
      router.setMode('master-standby');
      expect(router.routeRead()).toMatchObject({ kind: 'master' });
    } finally {
      router.close();
    }
  });

  it('the lag in ms grows while a replica cannot acknowledge and drops to 0 once it has', async () => {
    const router = createReadWriteRouter<string>(node, 'master', { maxLagMs: 300 });
    router.addReplica(`127.0.0.1:${r2.port}`, 'r2');
    try {
      freeze(r2);
      await cm.set('ms-lag', '1');
      await waitFor('r2 more than 300 ms behind', () => (router.lags().find((l) => l.address.endsWith(`:${r2.port}`))?.lagMs ?? 0) > 300);
      expect(router.forRead()).toBe('master');
      thaw(r2);
      const ack = await createWriteConcern(node, { mode: 'sync', timeoutMs: 5000 }).settle();
      expect(router.lags().find((l) => l.address.endsWith(`:${r2.port}`))?.ackOffset).toBeGreaterThanOrEqual(ack.offset);
      await waitFor('r2 acknowledged everything', () => router.lags().find((l) => l.address.endsWith(`:${r2.port}`))?.lagBytes === 0);
      expect(router.lags().find((l) => l.address.endsWith(`:${r2.port}`))).toMatchObject({ lagBytes: 0, lagMs: 0 });
      expect(router.forRead()).toBe('r2');
    } finally {
      router.close();
    }
  });

  it('waitForOffset: a library replica reads its own write after the master offset is reached', async () => {
    const keyspace = createKeyspace();
    const replica = createReplica({ keyspace, connect: tcpConnector('127.0.0.1', m.port) }, { listeningPort: 1 });
    try {
      await waitFor('the library replica online', () => replica.state === 'connected');
      await cm.set('ryw', 'mine');
      const offset = Number((await info(m, 'replication')).get('master_repl_offset'));
      expect(await waitForOffset(replica, offset, 5000)).toBe(true);
      expect(replica.offset).toBeGreaterThanOrEqual(offset);
      expect(keyspace.dump(0, 'ryw')?.value).toMatchObject({ type: 'string', value: 'mine' });
      expect(await waitForOffset(replica, offset + 1_000_000, 100)).toBe(false);
    } finally {
      await replica.close();
      keyspace.close();
    }
  });
});
