/**
 * A real redis-sentinel 7.0 monitoring a replikit-server master with two replikit replicas (each
 * started from a config file, so CONFIG REWRITE persists what Sentinel sets): Sentinel discovers
 * the replicas from INFO, the master is killed, Sentinel promotes a replica and re-points the other,
 * ioredis in sentinel mode follows to the new master, and the old master, restarted from its own
 * config file, is turned into a replica of the new one, which its config file then records. Three
 * sentinels with quorum 2 find each other only through the __sentinel__:hello Pub/Sub channel on
 * the replikit nodes, agree that the master is down, elect a leader and fail over.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasRedis, hasRedisCli } from '@replikit/test-utils';
import Redis from 'ioredis';
import { waitFor } from '../replication/helpers';
import { createNode, type FailoverNode, info, waitLinkUp } from './failover-kit';
import { hasSentinel, type SentinelHandle, startSentinel } from './sentinel-kit';

const describeSentinel = hasRedis() && hasRedisCli() && hasSentinel() ? describe : describe.skip;

describeSentinel('redis-sentinel 7.0 fails a replikit master over', () => {
  const nodes: FailoverNode[] = [];
  let sentinel: SentinelHandle | undefined;
  let app: Redis | undefined;

  afterAll(async () => {
    if (app !== undefined && app.status !== 'end') {
      // ioredis in sentinel mode ends its sentinel connection after the data connection
      const ended = new Promise<void>((resolve) => app?.once('end', () => resolve()));
      app.disconnect();
      await ended;
    }
    await sentinel?.stop();
    for (const n of nodes.reverse()) await n.dispose();
  });

  function confOf(n: FailoverNode): string {
    return join(n.dir, 'replikit.conf');
  }

  it('promotes a replica, re-points the other, ioredis follows, the old master rejoins as a replica', async () => {
    const [m, r1, r2] = [await createNode('replikit', 'M'), await createNode('replikit', 'R1'), await createNode('replikit', 'R2')];
    nodes.push(m, r1, r2);
    writeFileSync(confOf(m), 'repl-diskless-sync-delay 0\n');
    for (const r of [r1, r2]) writeFileSync(confOf(r), `repl-diskless-sync-delay 0\nreplicaof 127.0.0.1 ${m.port}\n`);
    await m.start([confOf(m)]);
    await r1.start([confOf(r1)]);
    await r2.start([confOf(r2)]);
    await waitLinkUp(r1);
    await waitLinkUp(r2);

    sentinel = await startSentinel(m.port);
    const s = sentinel;
    await waitFor(
      'Sentinel to know both replicas',
      async () => (await s.cli('SENTINEL', 'replicas', s.name)).split('\n').filter((l) => l === String(r1.port) || l === String(r2.port)).length === 2,
      30000,
    );

    app = new Redis({ sentinels: [{ host: '127.0.0.1', port: s.port }], name: s.name, maxRetriesPerRequest: 50, enableOfflineQueue: true });
    app.on('error', () => undefined);
    await app.set('before-failover', '1');
    await waitFor('replicated', async () => (await r1.client().get('before-failover')) === '1' && (await r2.client().get('before-failover')) === '1');

    await m.kill();
    const newPort = await waitFor('Sentinel to promote a replica', async () => {
      const p = await s.masterPort();
      return p !== m.port ? p : undefined;
    }, 40000);
    const promoted = newPort === r1.port ? r1 : r2;
    const other = promoted === r1 ? r2 : r1;
    expect([r1.port, r2.port]).toContain(newPort);
    expect((await info(promoted, 'replication')).get('role')).toBe('master');
    await waitFor('the other replica re-pointed', async () => {
      const r = await info(other, 'replication');
      return r.get('master_port') === String(promoted.port) && r.get('master_link_status') === 'up';
    }, 30000);
    expect(await other.client().get('before-failover')).toBe('1');
    // CONFIG REWRITE made it durable: the promoted node's file has no replicaof, the other's points at it
    expect(readFileSync(confOf(promoted), 'latin1')).not.toMatch(/^replicaof /m);
    expect(readFileSync(confOf(other), 'latin1')).toMatch(new RegExp(`^replicaof 127\\.0\\.0\\.1 ${promoted.port}$`, 'm'));

    // the application, asking Sentinel, writes to the new master
    await waitFor('ioredis follows the new master', async () => (await app?.set('after-failover', '2')) === 'OK', 30000);
    expect(await promoted.client().get('after-failover')).toBe('2');

    // the old master comes back and Sentinel converts it into a replica of the new master
    await m.start([confOf(m)]);
    await waitFor('the old master re-pointed by Sentinel', async () => {
      const r = await info(m, 'replication');
      return r.get('role') === 'slave' && r.get('master_port') === String(promoted.port) && r.get('master_link_status') === 'up';
    }, 40000);
    expect(await m.client().get('after-failover')).toBe('2');
    expect(readFileSync(confOf(m), 'latin1')).toMatch(new RegExp(`^replicaof 127\\.0\\.0\\.1 ${promoted.port}$`, 'm'));
    expect(s.log()).toContain('+promoted-slave');
    expect(s.log()).toContain('+convert-to-slave');
    // Sentinel paces itself (INFO every 10 s to a healthy master, hellos every 2 s): discovery,
    // failover and the old master's conversion together take 20-60 s on a loaded machine
  }, 180_000);
});

describeSentinel('three redis-sentinels find each other through a replikit master', () => {
  const nodes: FailoverNode[] = [];
  const sentinels: SentinelHandle[] = [];

  afterAll(async () => {
    for (const s of sentinels) await s.stop();
    for (const n of nodes.reverse()) await n.dispose();
  });

  it('__sentinel__:hello on replikit nodes: each sentinel sees the other two; quorum 2 fails over', async () => {
    const [m, r1] = [await createNode('replikit', 'M'), await createNode('replikit', 'R1')];
    nodes.push(m, r1);
    await m.start(['--repl-diskless-sync-delay', '0']);
    await r1.start(['--repl-diskless-sync-delay', '0', '--replicaof', '127.0.0.1', String(m.port)]);
    await waitLinkUp(r1);
    for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(m.port, { downAfterMs: 1000, failoverTimeoutMs: 6000, quorum: 2 }));
    // Sentinels never talk to each other until they met on the hello channel of a monitored node
    await waitFor(
      'every sentinel to know the other two',
      async () => {
        for (const s of sentinels) {
          const ports = (await s.cli('SENTINEL', 'sentinels', s.name)).split('\n');
          if (sentinels.filter((o) => o !== s && ports.includes(String(o.port))).length !== 2) return false;
        }
        return true;
      },
      30000,
    );
    const numsub = (await m.cli('PUBSUB', 'NUMSUB', '__sentinel__:hello')).split('\n');
    expect(Number(numsub[1])).toBeGreaterThanOrEqual(3);

    await m.kill();
    const s0 = sentinels[0] as SentinelHandle;
    await waitFor('the sentinels to agree and promote R1', async () => (await s0.masterPort()) === r1.port, 40000);
    expect((await info(r1, 'replication')).get('role')).toBe('master');
    expect(sentinels.some((s) => s.log().includes('+elected-leader'))).toBe(true);
  }, 120_000);
});
