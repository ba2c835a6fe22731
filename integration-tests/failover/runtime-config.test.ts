/**
 * Runtime CONFIG SET of the replication directives Sentinel and operators change on a live node:
 * repl-backlog-size resizes the live backlog (the history it holds follows the new size, as
 * resizeReplicationBacklog does), replica-priority and replica-announced show in a replica's INFO
 * (Sentinel reads them), and a redis-server replica keeps streaming across the resize.
 */
import { hasRedis, hasRedisCli } from '@replikit/test-utils';
import { createNode, type FailoverNode, info, waitCaughtUp, waitLinkUp } from './failover-kit';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;

describeRedis('runtime CONFIG SET of replication directives', () => {
  let m: FailoverNode;
  let r: FailoverNode;
  let sub: FailoverNode;

  beforeAll(async () => {
    m = await createNode('replikit', 'M');
    r = await createNode('redis', 'R');
    sub = await createNode('replikit', 'S');
  });
  afterAll(async () => {
    await sub?.dispose();
    await r?.dispose();
    await m?.dispose();
  });

  it('repl-backlog-size resizes the live backlog; the replica keeps streaming', async () => {
    await m.start(['--repl-diskless-sync-delay', '0']);
    await r.start(['--replicaof', '127.0.0.1', String(m.port)]);
    await waitLinkUp(r);
    const cm = m.client();
    const big = 'x'.repeat(1000);
    const write = async (prefix: string, n: number): Promise<void> => {
      const p = cm.pipeline();
      for (let i = 0; i < n; i++) p.set(`${prefix}:${i}`, big);
      await p.exec();
    };
    await write('a', 200);
    expect(Number((await info(m, 'replication')).get('repl_backlog_histlen'))).toBeGreaterThan(32768);

    expect(await m.cli('CONFIG', 'SET', 'repl-backlog-size', '32768')).toBe('OK');
    let rep = await info(m, 'replication');
    expect(rep.get('repl_backlog_size')).toBe('32768');
    expect(rep.get('repl_backlog_histlen')).toBe('32768');
    expect(Number(rep.get('repl_backlog_first_byte_offset'))).toBe(Number(rep.get('master_repl_offset')) - 32768 + 1);

    expect(await m.cli('CONFIG', 'SET', 'repl-backlog-size', '1mb')).toBe('OK');
    await write('b', 300);
    rep = await info(m, 'replication');
    expect(rep.get('repl_backlog_size')).toBe('1048576');
    expect(Number(rep.get('repl_backlog_histlen'))).toBeGreaterThan(32768 + 290_000);
    await waitCaughtUp(m, r);
    expect(await r.client().get('b:299')).toBe(big);
  });

  it('replica-priority and replica-announced at runtime show in INFO', async () => {
    await sub.start(['--replicaof', '127.0.0.1', String(m.port)]);
    await waitLinkUp(sub);
    expect((await info(sub, 'replication')).get('slave_priority')).toBe('100');
    expect(await sub.cli('CONFIG', 'SET', 'replica-priority', '7')).toBe('OK');
    expect(await sub.cli('CONFIG', 'SET', 'replica-announced', 'no')).toBe('OK');
    const rep = await info(sub, 'replication');
    expect(rep.get('slave_priority')).toBe('7');
    expect(rep.get('replica_announced')).toBe('0');
  });
});
