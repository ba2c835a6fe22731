/**
 * The LRU idle time (RDB opcode 0xF8) and LFU counter (0xF9) a redis-server master saves under an
 * LRU / LFU policy reach a replikit replica through the full sync and are used when the replica
 * runs the same kind of policy (rdbLoad's objectSetLRUOrLFU).
 */
import { hasRedis, startRedisServer } from '@replikit/test-utils';
import { client, linkUp, startReplikit, waitFor } from '../replication/helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('LRU / LFU fields in RDB payloads', () => {
  jest.setTimeout(60_000);

  it.each([
    ['allkeys-lfu', 'FREQ', '42'],
    ['allkeys-lru', 'IDLETIME', '1000'],
  ])('%s: RESTORE %s %s on the master, OBJECT on the replica after a full sync', async (policy, field, value) => {
    const master = await startRedisServer({ config: { 'maxmemory-policy': policy, 'lfu-decay-time': 0, 'repl-diskless-sync-delay': 0 } });
    const m = client(master.port);
    const replica = await startReplikit(['--maxmemory-policy', policy, '--lfu-decay-time', '0']);
    const r = client(replica.port);
    try {
      await m.set('src', 'value');
      const payload = (await m.dumpBuffer('src')) as Buffer;
      await m.call('RESTORE', 'k', '0', payload, field, value);
      const onMaster = Number(await m.call('OBJECT', field, 'k'));
      await r.call('REPLICAOF', '127.0.0.1', String(master.port));
      await linkUp(r);
      await waitFor('the key', async () => (await r.exists('k')) === 1);
      const onReplica = Number(await r.call('OBJECT', field, 'k'));
      // the idle time keeps growing by a second at a time on both sides
      expect(Math.abs(onReplica - onMaster)).toBeLessThanOrEqual(field === 'IDLETIME' ? 2 : 0);
      expect(onReplica).toBeGreaterThanOrEqual(Number(value));
    } finally {
      r.disconnect();
      m.disconnect();
      await replica.stop();
      await master.stop();
    }
  });
});
