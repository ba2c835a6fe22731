/**
 * Files written by our writer load in a real redis-server 7.0 with identical content: a dataset
 * that exercises every encoding decision, in every writer mode, then random datasets (fast-check)
 * batched many per file (one server start per batch).
 */
import fc from 'fast-check';
import { hasRedis } from '@replikit/test-utils';
import type { RdbWriterOptions } from './rdb-encoder';
import { writeRdbToBuffer } from './rdb-writer';
import { datasetArb } from './testing/arbitraries';
import { everyEncodingDataset } from './testing/datasets';
import { compareWithRedis, loadRdbInRedis } from './testing/redis-load';

const describeRedis = hasRedis() ? describe : describe.skip;
const b = (s: string) => Buffer.from(s);

const modes: Array<[string, RdbWriterOptions]> = [
  ['plain', { encoding: 'plain' }],
  ['compact', { encoding: 'compact' }],
  ['plain + LZF', { encoding: 'plain', compress: true }],
  ['compact + LZF, zero checksum', { encoding: 'compact', compress: true, checksum: false }],
];

describeRedis('files from our writer load in redis-server 7.0 with identical content', () => {
  it.each(modes)('every encoding decision, %s', async (_name, options) => {
    const data = everyEncodingDataset();
    const fn = "#!lua name=mylib\nredis.register_function('myfn', function(keys, args) return 42 end)";
    const rdb = writeRdbToBuffer(data, { ...options, functions: [fn], replication: { streamDb: 2, replId: 'f'.repeat(40), offset: 1234567 } });
    const r = await loadRdbInRedis(rdb);
    try {
      const { expected, actual } = await compareWithRedis(r.client, data);
      expect(actual).toEqual(expected);
      expect(String(await r.client.call('FCALL', 'myfn', 0))).toBe('42');
      expect(r.server.log()).not.toMatch(/# Wrong|corrupt|Short read|WARNING.*empty/i);
    } finally {
      await r.close();
    }
  });

  it('random datasets (fast-check, 20 files x 15 datasets)', async () => {
    const batches = fc.sample(fc.array(datasetArb, { minLength: 15, maxLength: 15 }), { numRuns: 20, seed: 20261124 });
    for (let bi = 0; bi < batches.length; bi++) {
      // merge the datasets of a batch into one file: key prefix per dataset, then group by db
      const merged = batches[bi]
        .flatMap((ds, di) => ds.map((e) => ({ ...e, key: Buffer.concat([b(`${di}:`), e.key]) })))
        .sort((x, y) => (x.db ?? 0) - (y.db ?? 0));
      const options: RdbWriterOptions = { encoding: bi % 2 ? 'compact' : 'plain', compress: bi % 4 >= 2 };
      const r = await loadRdbInRedis(writeRdbToBuffer(merged, options));
      try {
        const { expected, actual } = await compareWithRedis(r.client, merged);
        expect(actual).toEqual(expected);
      } finally {
        await r.close();
      }
    }
  }, 90000);
});
