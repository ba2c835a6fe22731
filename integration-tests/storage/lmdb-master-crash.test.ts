/**
 * `replikit-server --storage lmdb` as a master under a load of MULTI/EXEC transactions from several
 * clients, SIGKILLed, restarted from its LMDB file: no transaction is half applied (each bumps a
 * counter, pushes to a list and sets a marker: the three agree). With `storage-fsync always` each
 * unit was written and fsynced before its reply, so nothing acknowledged is missing either; with
 * `everysec` the units of the last event-loop turn may be missing (documented), never half there.
 */
import { rmSync } from 'node:fs';
import { hasRedisCli, redisRequired } from '@replikit/test-utils';
import Redis from 'ioredis';
import { sigkillUnderMultiLoad, tempDir } from '../aof/aof-helpers';
import { type BundledCli, bundleCli, startBundledCli } from './bundled-cli';

const ready = hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
const describeCli = ready ? describe : describe.skip;

const CLIENTS = 4;
const LOAD_MS = 1500;

describeCli('replikit-server on storage lmdb, SIGKILLed under a MULTI/EXEC load', () => {
  let bundle: BundledCli | undefined;
  const cleanup: string[] = [];
  beforeAll(() => {
    bundle = bundleCli();
  });
  afterAll(() => {
    bundle?.dispose();
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  it.each(['always', 'everysec'])('storage-fsync %s: restarts with whole transactions only', async (policy) => {
    const dir = tempDir(`lmdb-master-${policy}`);
    cleanup.push(dir);
    const args = ['--dir', dir, '--save', '', '--storage', 'lmdb', '--storage-fsync', policy];
    const victim = await startBundledCli(bundle as BundledCli, args);
    const { acked, exit } = await sigkillUnderMultiLoad(victim, { clients: CLIENTS, loadMs: LOAD_MS });
    expect(exit).toBe('SIGKILL');
    expect(acked.every((n) => n > 5)).toBe(true);

    const restarted = await startBundledCli(bundle as BundledCli, args);
    const r = new Redis({ port: restarted.port, host: '127.0.0.1' });
    try {
      expect(restarted.output()).toContain('DB loaded from the lmdb storage');
      for (let i = 0; i < CLIENTS; i++) {
        const counter = Number(await r.get(`counter:${i}`));
        // all three writes of a transaction or none of them
        expect(await r.llen(`log:${i}`)).toBe(counter);
        expect(Number(await r.get(`last:${i}`))).toBe(counter);
        expect(counter).toBeLessThanOrEqual((acked[i] as number) + 1);
        if (policy === 'always') expect(counter).toBeGreaterThanOrEqual(acked[i] as number);
        else expect(counter).toBeGreaterThan(0);
      }
    } finally {
      r.disconnect();
      await restarted.stop();
    }
  }, 90000);
});
