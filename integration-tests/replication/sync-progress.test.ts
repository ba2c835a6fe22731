/**
 * INFO replication while a full sync is in progress (master_sync_* fields), compared with a real
 * redis-server replica syncing from the same master; the master's snapshot is slowed down with
 * redis-server's rdb-key-save-delay so both replicas are seen mid-transfer.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { type StartedReplikit, client, infoFieldNames, infoMap, linkUp, startReplikit, waitFor } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('INFO replication during a full sync', () => {
  let master: RedisServerHandle | undefined;
  let real: RedisServerHandle | undefined;
  let ours: StartedReplikit | undefined;

  afterAll(async () => {
    await ours?.stop();
    await real?.stop();
    await master?.stop();
  });

  it('master_sync_in_progress and the master_sync_* fields, in redis-server\'s order', async () => {
    for (const diskless of ['no', 'yes']) {
      master = await startRedisServer({ config: { 'repl-diskless-sync': diskless, 'repl-diskless-sync-delay': 0, 'rdb-key-save-delay': 3000, 'enable-debug-command': 'yes' } });
      const m = client(master.port);
      await m.call('DEBUG', 'POPULATE', '1500').catch((e) => {
        m.disconnect();
        throw e;
      });
      real = await startRedisServer({ config: { replicaof: `127.0.0.1 ${master.port}` } });
      ours = await startReplikit(['--replicaof', '127.0.0.1', String(master.port)]);
      const rc = client(real.port);
      const c = client(ours.port);
      try {
        const [theirs, mine] = await Promise.all(
          [rc, c].map((x) => waitFor('a transfer in progress', async () => {
            const text = await x.info('replication');
            return infoMap(text).get('master_sync_in_progress') === '1' && infoMap(text).has('master_sync_read_bytes') ? text : undefined;
          })),
        );
        expect([diskless, infoFieldNames(mine as string)]).toEqual([diskless, infoFieldNames(theirs as string)]);
        expect(infoMap(mine as string).get('master_link_status')).toBe('down');
        await linkUp(c);
        expect(await c.dbsize()).toBe(1500);
      } finally {
        rc.disconnect();
        c.disconnect();
        m.disconnect();
        await ours.stop();
        await real.stop();
        await master.stop();
        ours = undefined;
        real = undefined;
        master = undefined;
      }
    }
  }, 60000);

  it('repl-diskless-load on-empty-db: clients get redis-server\'s LOADING reply while the snapshot streams in', async () => {
    master = await startRedisServer({ config: { 'repl-diskless-sync-delay': 0, 'rdb-key-save-delay': 3000, 'enable-debug-command': 'yes' } });
    const m = client(master.port);
    try {
      await m.call('DEBUG', 'POPULATE', '1500', 'key', '100');
      // redis-server answers clients during a load every loading-process-events-interval-bytes
      real = await startRedisServer({
        config: { replicaof: `127.0.0.1 ${master.port}`, 'repl-diskless-load': 'on-empty-db', 'loading-process-events-interval-bytes': 1024 },
      });
      ours = await startReplikit(['--replicaof', '127.0.0.1', String(master.port), '--repl-diskless-load', 'on-empty-db']);
      const rc = client(real.port);
      const c = client(ours.port);
      try {
        const loadingReply = (x: typeof c) =>
          waitFor('a LOADING reply', async () => {
            const r = await x.get('key:1').catch((e: Error) => e.message);
            return typeof r === 'string' && r.startsWith('LOADING') ? r : undefined;
          });
        const [theirs, mine] = await Promise.all([loadingReply(rc), loadingReply(c)]);
        expect(mine).toBe(theirs);
        // INFO answers during the load (it is flagged loading-ok)
        expect(infoMap(await c.info('replication')).get('master_sync_in_progress')).toBe('1');
        await linkUp(c);
        expect(await c.dbsize()).toBe(1500);
      } finally {
        rc.disconnect();
        c.disconnect();
      }
    } finally {
      m.disconnect();
    }
  }, 60000);
});
