/**
 * Regenerates the real-Redis fixtures in packages/rdb/fixtures/ (see fixtures/README.md):
 *   pnpm exec tsx packages/rdb/scripts/gen-fixtures.ts
 * Needs redis-server 7.0 on PATH (or REPLIKIT_REDIS_SERVER). For each fixture it starts a server,
 * builds the dataset, SAVEs, reads the dump with our reader and checks it against what the server
 * reports key by key before writing `<name>.rdb` and `<name>.json` (the expected normal form).
 * Hand-built older-format fixtures are produced by scripts/gen-legacy-fixtures.ts.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { RawClient, startRedisServer } from '@replikit/test-utils';
import { readRdbFile } from '../src/reader/read-rdb';
import { normalizeEntries } from '../src/reader/testing/normalize';
import { buildDataset, buildSmallDataset, snapshotServer } from '../src/reader/testing/server-snapshot';

const outDir = join(__dirname, '..', 'fixtures');

interface Variant {
  name: string;
  config: Record<string, string>;
  /** builds the dataset (default: buildDataset at scale 1) */
  build?: (c: RawClient) => Promise<void>;
}

const variants: Variant[] = [
  { name: 'redis-7.0-dataset', config: { rdbcompression: 'yes' } },
  { name: 'redis-7.0-small', config: { rdbcompression: 'yes' }, build: buildSmallDataset },
  { name: 'redis-7.0-lfu', config: { rdbcompression: 'yes', 'maxmemory-policy': 'allkeys-lfu' } },
  { name: 'redis-7.0-lru-nochecksum', config: { rdbcompression: 'no', 'maxmemory-policy': 'allkeys-lru', rdbchecksum: 'no' } },
];

async function main(): Promise<void> {
  for (const v of variants) {
    const server = await startRedisServer({ config: { 'enable-debug-command': 'yes', ...v.config } });
    const c = await RawClient.connect(server.port);
    try {
      await (v.build ?? ((cl: RawClient) => buildDataset(cl, 1)))(c);
      const expected = await snapshotServer(c);
      await c.call('SAVE');
      const dump = join(server.dir, 'dump.rdb');
      const file = await readRdbFile(dump);
      const got = normalizeEntries(file.entries);
      if (!isDeepStrictEqual(got, expected)) {
        writeFileSync(`/tmp/${v.name}.got.json`, JSON.stringify(got, null, 1));
        writeFileSync(`/tmp/${v.name}.expected.json`, JSON.stringify(expected, null, 1));
        throw new Error(`${v.name}: reader output differs from the server (see /tmp/${v.name}.*.json)`);
      }
      copyFileSync(dump, join(outDir, `${v.name}.rdb`));
      const meta = {
        source: 'redis-server 7.0 via packages/rdb/scripts/gen-fixtures.ts',
        config: v.config,
        version: file.version,
        aux: file.aux.map(([k, x]) => [k.toString('latin1'), x.toString('latin1')]),
        functions: file.functions.map((f) => f.toString('utf8')),
        typeIds: [...new Set(file.typeIds)].sort((a, b) => a - b),
        idle: file.entries.some((e) => e.idleSeconds !== undefined),
        lfu: file.entries.some((e) => e.lfuFreq !== undefined),
        checksumVerified: file.info.checksumVerified,
        keys: expected,
      };
      writeFileSync(join(outDir, `${v.name}.json`), `${JSON.stringify(meta, null, 1)}\n`);
      console.log(`${v.name}: ${file.entries.length} keys, types ${meta.typeIds.join(',')}`);
    } finally {
      await c.close();
      await server.stop();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
