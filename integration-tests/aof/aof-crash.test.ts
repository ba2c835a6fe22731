/**
 * Crash safety (bounded): replikit-server (the CLI, from source) under a write load of MULTI/EXEC
 * transactions from several clients is SIGKILLed; after a restart from its AOF no acknowledged
 * transaction is missing and none is half applied (each transaction bumps a counter, pushes to a
 * list and sets a marker: the three must agree). With `appendfsync always` the data was fsynced
 * before each reply; with `everysec` and `no` it was written to the kernel before each reply, so a
 * crash of the process (not of the machine) loses nothing either, as with redis-server.
 */
import { rmSync } from 'node:fs';
import { hasRedisCli, redisRequired } from '@replikit/test-utils';
import { startCli } from '../server/ops-helpers';
import { sigkillUnderMultiLoad, tempDir } from './aof-helpers';

const ready = hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
const describeCli = ready ? describe : describe.skip;

const CLIENTS = 4;
const LOAD_MS = 1500;

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

describeCli.each(['always', 'everysec', 'no'])('SIGKILL under a MULTI/EXEC load, appendfsync %s', (policy) => {
  it('restarts with every acknowledged transaction, none half applied', async () => {
    const dir = tempDir(`crash-${policy}`);
    cleanup.push(dir);
    const args = ['--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', policy];
    const victim = await startCli(args);
    const { acked, exit } = await sigkillUnderMultiLoad(victim, { clients: CLIENTS, loadMs: LOAD_MS });
    expect(exit).toBe('SIGKILL');
    expect(acked.every((n) => n > 5)).toBe(true);

    const restarted = await startCli(args);
    try {
      expect(restarted.output()).toContain('DB loaded from append only file');
      for (let i = 0; i < CLIENTS; i++) {
        const counter = Number(restarted.cli('get', `counter:${i}`));
        const len = Number(restarted.cli('llen', `log:${i}`));
        const last = Number(restarted.cli('get', `last:${i}`));
        // all three writes of a transaction or none of them
        expect(len).toBe(counter);
        expect(last).toBe(counter);
        // nothing acknowledged is lost; at most the one in flight at the kill is there unacknowledged
        expect(counter).toBeGreaterThanOrEqual(acked[i] as number);
        expect(counter).toBeLessThanOrEqual((acked[i] as number) + 1);
      }
    } finally {
      await restarted.stop();
    }
  }, 90000);
});
