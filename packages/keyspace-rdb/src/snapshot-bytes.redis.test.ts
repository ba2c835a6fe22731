/**
 * redis-server 7.0 loads a snapshot RDB whose string records were written from the store's bytes
 * (integers, binary, empty, heap and slab strings, TTLs, several dbs) with identical content.
 */
import { hasRedis } from '@replikit/test-utils';
import { compareWithRedis, loadRdbInRedis } from '../../rdb/src/writer/testing/redis-load';
import { keyspaceOf, rdbOf } from './testing/fixtures';
import { mixedStrings } from './testing/mixed-strings';

const describeRedis = hasRedis() ? describe : describe.skip;

describeRedis('snapshot RDB string records from bytes against redis-server 7.0', () => {
  it.each([true, false])('redis-server loads them with identical content (compress %s)', async (compress) => {
    const entries = mixedStrings();
    const ks = keyspaceOf(entries);
    const rdb = await rdbOf(ks, ks.snapshot(), { compress, replication: { streamDb: 3, replId: 'e'.repeat(40), offset: 99 } });
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
});
