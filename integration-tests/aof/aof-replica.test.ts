/**
 * A replica with AOF on (replikit-server, `--replicaof` a real redis-server): after the full sync
 * the AOF is rewritten with the synced dataset (restartAOFAfterSYNC), then the master's stream is
 * appended; restarted as a plain master from its AOF alone it holds the master's dataset.
 */
import { rmSync } from 'node:fs';
import { hasRedis, hasRedisCli, redisRequired, startRedisServer } from '@replikit/test-utils';
import { parseInfo, startCli } from '../server/ops-helpers';
import { connect, datasetOf, tempDir, writeDataset } from './aof-helpers';

const ready = hasRedis() && hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-server/redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
if (!ready) console.warn('SKIPPED: aof replica test needs redis-server and redis-cli 7.0');
const describeRedis = ready ? describe : describe.skip;

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeRedis('replica with appendonly yes', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('rewrites its AOF after the full sync and appends the stream; the AOF alone restores the dataset', async () => {
    const master = await startRedisServer({ config: { 'repl-diskless-sync': 'no' } });
    const dir = tempDir('replica');
    dirs.push(dir);
    try {
      const m = connect(master.port);
      await writeDataset(m, 'before-sync');
      const replica = await startCli(['--dir', dir, '--save', '', '--appendonly', 'yes', '--replicaof', '127.0.0.1', String(master.port)]);
      let expected: Awaited<ReturnType<typeof datasetOf>>;
      let stopped: Awaited<ReturnType<typeof replica.stop>> | undefined;
      try {
        await until(() => parseInfo(replica.cli('info', 'persistence')).get('aof_rewrites') === '1' && parseInfo(replica.cli('info', 'persistence')).get('aof_rewrite_in_progress') === '0');
        // the log lines may still be in the pipe when INFO already says so (redis-cli runs with
        // spawnSync, which keeps this process from reading the child's output meanwhile)
        await replica.waitForOutput(/MASTER <-> REPLICA sync: Finished with success/);
        await replica.waitForOutput(/Creating AOF incr file temp-appendonly\.aof\.incr on background rewrite/);
        await writeDataset(m, 'streamed');
        const offset = () => Number(parseInfo(replica.cli('info', 'replication')).get('slave_repl_offset'));
        const masterOffset = Number(parseInfo(await m.info('replication')).get('master_repl_offset'));
        await until(() => offset() >= masterOffset);
        expected = await datasetOf(master.port);
        m.disconnect();
      } finally {
        // stopped on a failure too: a replica left running keeps jest waiting
        stopped = await replica.stop();
      }
      expect(stopped).toBe(0);
      const restored = await startCli(['--dir', dir, '--save', '', '--appendonly', 'yes']);
      try {
        expect(await datasetOf(restored.port)).toEqual(expected);
      } finally {
        await restored.stop();
      }
    } finally {
      await master.stop();
    }
  }, 90000);
});
