/**
 * Test support (not exported): load an RDB file into a fresh real redis-server and compare every
 * key (value, TTL) with what was written.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawClient, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type { RdbWriteEntry } from '../rdb-encoder';
import { fetchRedisValue, normalizeValue } from './redis-values';

export interface LoadedRedis {
  server: RedisServerHandle;
  client: RawClient;
  close(): Promise<void>;
}

/** Starts redis-server on `rdb` (written to a temp dir as its dbfilename); fails if it cannot load it. */
export async function loadRdbInRedis(rdb: Buffer): Promise<LoadedRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'replikit-rdbw-'));
  writeFileSync(join(dir, 'dump.rdb'), rdb);
  let server: RedisServerHandle;
  try {
    server = await startRedisServer({ dir, config: { dbfilename: 'dump.rdb' } });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  await server.waitForLog(/DB loaded from disk|Done loading RDB/);
  const client = await RawClient.connect(server.port);
  return {
    server,
    client,
    async close() {
      await client.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every written key as Redis sees it, next to what was written (both normalized). */
export async function compareWithRedis(client: RawClient, entries: ReadonlyArray<RdbWriteEntry>): Promise<{ expected: unknown[]; actual: unknown[] }> {
  const expected: unknown[] = [];
  const actual: unknown[] = [];
  let db = -1;
  const perDb = new Map<number, number>();
  for (const e of entries) {
    const d = e.db ?? 0;
    perDb.set(d, (perDb.get(d) ?? 0) + 1);
    if (d !== db) {
      await client.call('SELECT', d);
      db = d;
    }
    expected.push({ db: d, key: e.key.toString('hex'), ttl: e.expireAtMs ?? -1, value: normalizeValue(e.value) });
    const v = await fetchRedisValue(client, e.key);
    const ttl = Number(await client.call('PEXPIRETIME', e.key));
    actual.push({ db: d, key: e.key.toString('hex'), ttl, value: normalizeValue(v) });
  }
  for (const [d, n] of perDb) {
    await client.call('SELECT', d);
    expected.push({ dbsize: d, n });
    actual.push({ dbsize: d, n: Number(await client.call('DBSIZE')) });
  }
  return { expected, actual };
}
