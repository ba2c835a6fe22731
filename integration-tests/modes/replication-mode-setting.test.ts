/**
 * `replication-mode` as a server setting: a replikit-server master (started with the mode as a
 * flag) with a real redis-server replica and a replikit-server replica. In `sync` / `semi-sync`
 * a write's reply leaves only once the replicas acknowledged it: the master's own view (ROLE's ack
 * offsets) covers the write when the client hears back, which in `async` mode it does not (ACKs
 * come once a second). The redis-server replica is frozen with SIGSTOP (this test's own child)
 * to take the timeout path: `fail` answers -NOTACKED (the write stays), `report` the normal reply.
 */
import { hasRedis, hasRedisCli } from '@replikit/test-utils';
import type Redis from 'ioredis';
import { createNode, type FailoverNode, info, waitCaughtUp, waitLinkUp } from '../failover/failover-kit';
import { waitFor } from '../replication/helpers';

const describeRedis = hasRedis() && hasRedisCli() ? describe : describe.skip;

/** ROLE on the master: the ack offset of every listed replica. */
async function ackOffsets(c: Redis): Promise<number[]> {
  const role = (await c.call('ROLE')) as [string, number, Array<[string, string, string]>];
  return role[2].map((r) => Number(r[2]));
}

describeRedis('replication-mode setting (sync, semi-sync, async) on replikit-server', () => {
  let m: FailoverNode;
  let rr: FailoverNode;
  let rk: FailoverNode;
  let cm: Redis;
  let frozen: number | undefined;

  const offset = async (): Promise<number> => Number((await info(m, 'replication')).get('master_repl_offset'));
  const modeInfo = async (): Promise<Map<string, string>> => info(m, 'replication');

  beforeAll(async () => {
    m = await createNode('replikit', 'M');
    rr = await createNode('redis', 'RR');
    rk = await createNode('replikit', 'RK');
    await m.start(['--repl-diskless-sync-delay', '0', '--replication-mode', 'sync', '--replication-mode-timeout', '5000']);
    cm = m.client();
    await rr.start(['--replicaof', '127.0.0.1', String(m.port)]);
    await rk.start(['--replicaof', '127.0.0.1', String(m.port)]);
    await waitLinkUp(rr);
    await waitLinkUp(rk);
    await waitFor('two online replicas', async () => (await ackOffsets(cm)).length === 2);
  });
  afterAll(async () => {
    if (frozen !== undefined) process.kill(frozen, 'SIGCONT');
    await rk?.dispose();
    await rr?.dispose();
    await m?.dispose();
  });

  it('the flag sets it; CONFIG GET shows the four directives', async () => {
    expect(await cm.config('GET', 'replication-mode*')).toEqual(
      expect.arrayContaining(['replication-mode', 'sync', 'replication-mode-replicas', '1', 'replication-mode-timeout', '5000', 'replication-mode-on-timeout', 'fail']),
    );
    await expect(cm.config('SET', 'replication-mode', 'quorum')).rejects.toThrow(/replication-mode/);
    await expect(cm.config('SET', 'replication-mode-replicas', '0')).rejects.toThrow(/replication-mode-replicas/);
  });

  it('sync: a SET, a pipeline and an EXEC are answered once both replicas acknowledged them', async () => {
    const before = (await modeInfo()).get('replication_mode_held_writes');
    await waitCaughtUp(m, rr);
    const o0 = await offset();
    expect(await cm.set('sync:a', '1')).toBe('OK');
    // when the reply arrived, the master had both ACKs covering the write
    for (const a of await ackOffsets(cm)) expect(a).toBeGreaterThan(o0);
    expect(await rr.client().get('sync:a')).toBe('1');
    expect(await rk.client().get('sync:a')).toBe('1');

    const p = cm.pipeline();
    for (let i = 0; i < 20; i++) p.set(`sync:p${i}`, String(i));
    p.get('sync:p19');
    const res = (await p.exec()) as Array<[Error | null, unknown]>;
    expect(res.map((r) => r[1])).toEqual([...Array.from({ length: 20 }, () => 'OK'), '19']);
    expect(await rr.client().get('sync:p19')).toBe('19');

    const o1 = await offset();
    const tx = await cm.multi().incr('sync:n').incr('sync:n').exec();
    expect(tx).toEqual([
      [null, 1],
      [null, 2],
    ]);
    for (const a of await ackOffsets(cm)) expect(a).toBeGreaterThan(o1);
    expect(await rk.client().get('sync:n')).toBe('2');
    // a read is not held, a write that changed nothing (DEL of a missing key) is not propagated
    expect(await cm.get('sync:a')).toBe('1');
    expect(await cm.del('sync:none')).toBe(0);
    const held = Number((await modeInfo()).get('replication_mode_held_writes')) - Number(before ?? 0);
    expect(held).toBe(22);
  });

  it('a stalled replica: fail answers -NOTACKED (the write stays), report answers normally, semi-sync 1 succeeds', async () => {
    await waitCaughtUp(m, rr);
    frozen = rr.pid as number;
    process.kill(frozen, 'SIGSTOP');
    await cm.config('SET', 'replication-mode-timeout', '300');
    const err = await cm.set('stall:a', '1').catch((e: Error) => e);
    expect(String(err)).toMatch(/^ReplyError: NOTACKED the write was applied on the master but acknowledged by 1 of 2 replicas within 300 ms \(replication-mode sync\)/);
    expect(await cm.get('stall:a')).toBe('1');
    // EXEC of writes takes the same path
    const txErr = await cm.multi().set('stall:tx', 'x').exec().catch((e: Error) => e);
    expect(String(txErr)).toMatch(/NOTACKED/);
    expect(await cm.get('stall:tx')).toBe('x');
    let fields = await modeInfo();
    expect(fields.get('replication_mode')).toBe('sync');
    expect(Number(fields.get('replication_mode_timeouts'))).toBe(2);

    await cm.config('SET', 'replication-mode-on-timeout', 'report');
    expect(await cm.set('stall:b', '2')).toBe('OK');
    fields = await modeInfo();
    expect(Number(fields.get('replication_mode_timeouts'))).toBe(3);

    // semi-sync 1: the replikit replica's ACK is enough, no timeout counted
    await cm.config('SET', 'replication-mode', 'semi-sync', 'replication-mode-on-timeout', 'fail');
    const o = await offset();
    expect(await cm.set('stall:c', '3')).toBe('OK');
    expect(Math.max(...(await ackOffsets(cm)))).toBeGreaterThan(o);
    // semi-sync 2 cannot be met while one replica is frozen
    await cm.config('SET', 'replication-mode-replicas', '2');
    expect(String(await cm.set('stall:d', '4').catch((e: Error) => e))).toMatch(/acknowledged by 1 of 2 replicas/);
    expect(Number((await modeInfo()).get('replication_mode_timeouts'))).toBe(4);

    process.kill(frozen, 'SIGCONT');
    frozen = undefined;
    await cm.config('SET', 'replication-mode-timeout', '10000');
    expect(await cm.set('stall:e', '5')).toBe('OK');
    expect(await rr.client().get('stall:d')).toBe('4');
    expect(await rr.client().get('stall:e')).toBe('5');
  });

  it('async answers at once: the reply comes before any ACK covers the write', async () => {
    await cm.config('SET', 'replication-mode', 'async');
    await waitCaughtUp(m, rr);
    await waitCaughtUp(m, rk);
    const held = (await modeInfo()).get('replication_mode_held_writes');
    const o = await offset();
    expect(await cm.set('async:a', '1')).toBe('OK');
    // replicas ACK once a second: right after the reply the master's view is still older
    expect(Math.min(...(await ackOffsets(cm)))).toBeLessThanOrEqual(o);
    expect((await modeInfo()).get('replication_mode_held_writes')).toBe(held);
    await waitCaughtUp(m, rr);
    expect(await rr.client().get('async:a')).toBe('1');
  });

  it('a replica with the setting does not hold its master link or its own clients', async () => {
    await rk.cli('CONFIG', 'SET', 'replication-mode', 'sync');
    await cm.config('SET', 'replication-mode', 'semi-sync', 'replication-mode-replicas', '1');
    expect(await cm.set('chain:a', '1')).toBe('OK');
    await waitCaughtUp(m, rk);
    expect(await rk.client().get('chain:a')).toBe('1');
    expect(await rk.cli('INFO', 'replication')).toMatch(/replication_mode:sync/);
    expect(await rk.cli('INFO', 'replication')).toMatch(/replication_mode_held_writes:0/);
  });
});
