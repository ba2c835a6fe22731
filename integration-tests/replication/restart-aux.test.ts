/**
 * protocol.md §5.4: a master restarted from a dump that carries repl-id / repl-offset keeps the old
 * id as replid2 up to offset + 1, so its replica (a real redis-server) continues partially.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { type StartedReplikit, client, infoMap, linkUp, startReplikit, waitFor } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('restart from a dump with replication aux fields', () => {
  let ours: StartedReplikit | undefined;
  let replica: RedisServerHandle | undefined;

  afterAll(async () => {
    await replica?.stop();
    await ours?.stop();
  });

  it('the restarted master answers its replica with +CONTINUE (sync_partial_ok), replid2 = the old id', async () => {
    ours = await startReplikit(['--repl-diskless-sync-delay', '0']);
    const { port, dir } = ours;
    let c = client(port);
    await c.set('before', '1');
    replica = await startRedisServer({ config: { replicaof: `127.0.0.1 ${port}` } });
    const rc = client(replica.port);
    try {
      await linkUp(rc);
      await c.set('streamed', '2');
      await waitFor('the stream', async () => (await rc.get('streamed')) === '2');
      expect(await c.save()).toBe('OK');
      const old = infoMap(await c.info('replication'));
      c.disconnect();
      await ours.stop(true);

      ours = await startReplikit(['--repl-diskless-sync-delay', '0', '--dbfilename', 'dump.rdb'], { port, dir });
      c = client(port);
      const now = infoMap(await c.info('replication'));
      expect(now.get('master_replid2')).toBe(old.get('master_replid'));
      expect(now.get('second_repl_offset')).toBe(String(Number(old.get('master_repl_offset')) + 1));
      expect(now.get('master_repl_offset')).toBe(old.get('master_repl_offset'));
      expect(now.get('master_replid')).not.toBe(old.get('master_replid'));
      await waitFor('the replica back online', async () => infoMap(await c.info('replication')).get('slave0')?.includes('state=online'));
      const stats = infoMap(await c.info('stats'));
      expect(stats.get('sync_partial_ok')).toBe('1');
      expect(stats.get('sync_full')).toBe('0');
      await c.set('after-restart', '3');
      await waitFor('the stream after the restart', async () => (await rc.get('after-restart')) === '3');
      expect(infoMap(await rc.info('replication')).get('master_replid')).toBe(now.get('master_replid'));
    } finally {
      c.disconnect();
      rc.disconnect();
    }
  });
});
