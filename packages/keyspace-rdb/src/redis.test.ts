/**
 * Interop with a real redis-server 7.0: an RDB file written by this package is loaded by Redis
 * with the same content, and a dump Redis wrote (SAVE) is loaded by this package with the same
 * content.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace } from '@replikit/keyspace';
import { writeRdbToBuffer } from '@replikit/rdb';
import { hasRedis, RawClient, startRedisServer } from '@replikit/test-utils';
import { compareWithRedis, loadRdbInRedis } from '../../rdb/src/writer/testing/redis-load';
import { loadRdbFile } from './loader';
import { canonical, expectedOf, keyspaceOf, rdbOf, spreadDataset } from './testing/fixtures';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('RDB files against redis-server 7.0', () => {
  it('redis-server loads a file written from a keyspace snapshot with identical content', async () => {
    const entries = spreadDataset();
    const ks = keyspaceOf(entries);
    const rdb = await rdbOf(ks, ks.snapshot(), { replication: { streamDb: 2, replId: 'f'.repeat(40), offset: 4242 } });
    ks.close();
    const redis = await loadRdbInRedis(rdb);
    try {
      const { expected, actual } = await compareWithRedis(redis.client, entries);
      expect(actual).toEqual(expected);
      expect(redis.server.log()).not.toMatch(/Wrong RDB checksum|Internal error/);
    } finally {
      await redis.close();
    }
  });

  it('a dump written by redis-server (SAVE) loads into a keyspace with identical content', async () => {
    // Redis is given the dataset by an RDB from @replikit/rdb's own writer, then re-saves it in its
    // own encodings; that dump is what this package must read
    const entries = spreadDataset();
    const dir = mkdtempSync(join(tmpdir(), 'replikit-ksrdb-'));
    try {
      const seed = writeRdbToBuffer([...entries].sort((a, b) => (a.db ?? 0) - (b.db ?? 0)), { encoding: 'plain' });
      writeFileSync(join(dir, 'dump.rdb'), seed);
      const server = await startRedisServer({ dir, config: { dbfilename: 'dump.rdb' } });
      try {
        await server.waitForLog(/DB loaded from disk|Done loading RDB/);
        const c = await RawClient.connect(server.port);
        try {
          expect(String(await c.call('SAVE'))).toBe('OK');
        } finally {
          await c.close();
        }
      } finally {
        await server.stop();
      }
      // Redis's compact encodings differ from the plain seed: the file is Redis's own
      expect(readFileSync(join(dir, 'dump.rdb')).equals(seed)).toBe(false);
      const ks = createKeyspace();
      const aux = new Map<string, string>();
      const result = await loadRdbFile(join(dir, 'dump.rdb'), ks, { onAux: (k, v) => aux.set(k, v) });
      expect(aux.get('redis-ver')).toMatch(/^7\.0\./);
      expect(result.keysLoaded).toBe(entries.length);
      expect(canonical(ks).map(({ encoding, ...k }) => k)).toEqual(expectedOf(entries));
      // and the same keyspace as one built from the dataset directly (encodings included)
      const direct = keyspaceOf(entries);
      expect(canonical(ks)).toEqual(canonical(direct));
      direct.close();
      ks.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
