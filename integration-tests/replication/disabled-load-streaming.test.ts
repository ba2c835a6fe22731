/**
 * `repl-diskless-load disabled` (the default) into an empty replica: the payload is loaded as it
 * arrives, not after the transfer, and still written to the temp file that becomes dump.rdb.
 * A real redis-server master streams its snapshot slowly (rdb-key-save-delay) so the replica is
 * seen mid-transfer: INFO keyspace already counts keys while master_sync_in_progress is 1, and
 * clients get -LOADING meanwhile (a half-loaded dataset is never served).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { type StartedReplikit, client, infoMap, linkUp, startReplikit, waitFor } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('repl-diskless-load disabled into an empty keyspace', () => {
  let master: RedisServerHandle | undefined;
  let ours: StartedReplikit | undefined;

  afterAll(async () => {
    await ours?.stop();
    await master?.stop();
  });

  it('keys are loaded while a diskless payload arrives, clients get LOADING meanwhile, dump.rdb is written', async () => {
    master = await startRedisServer({ config: { 'repl-diskless-sync': 'yes', 'repl-diskless-sync-delay': 0, 'rdb-key-save-delay': 2000, 'enable-debug-command': 'yes' } });
    const m = client(master.port);
    try {
      await m.call('DEBUG', 'POPULATE', '1500', 'key', '100');
      ours = await startReplikit(['--replicaof', '127.0.0.1', String(master.port)]);
      const c = client(ours.port);
      try {
        // one moment with the transfer running, part of the keys loaded, and a read refused
        const seen = await waitFor(
          'a partly loaded keyspace answering LOADING mid-transfer',
          async () => {
            const repl = infoMap(await c.info('replication'));
            const ks = /keys=(\d+)/.exec(await c.info('keyspace'));
            const keys = ks ? Number(ks[1]) : 0;
            if (repl.get('master_sync_in_progress') !== '1' || keys === 0 || keys >= 1500) return undefined;
            const reply = await c.get('key:1').catch((e: Error) => e.message);
            return typeof reply === 'string' && reply.startsWith('LOADING') ? keys : undefined;
          },
          30000,
        );
        expect(seen).toBeGreaterThan(0);
        await linkUp(c);
        expect(await c.dbsize()).toBe(1500);
        expect(await c.get('key:1')).toBe((await m.get('key:1')) as string);
        expect(existsSync(join(ours.dir, 'dump.rdb'))).toBe(true);
      } finally {
        c.disconnect();
        await ours.stop();
        ours = undefined;
      }
    } finally {
      m.disconnect();
      await master.stop();
      master = undefined;
    }
  }, 90000);
});
