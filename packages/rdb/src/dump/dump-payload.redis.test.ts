/**
 * DUMP payloads against a real redis-server 7.0, both ways:
 *  - our payload RESTOREs with identical content (and, for the encodings Redis keeps as restored,
 *    Redis's own DUMP of the key is byte for byte ours);
 *  - Redis's DUMP of every encoding it produces parses to the value it reports.
 */
import fc from 'fast-check';
import { hasRedis, RawClient, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import type { RdbValue } from '../model';
import { valueArb } from '../writer/testing/arbitraries';
import { everyEncodingDataset } from '../writer/testing/datasets';
import { fetchRedisValue, normalizeValue } from '../writer/testing/redis-values';
import { createDumpPayload, parseDumpPayload } from './dump-payload';

const describeRedis = hasRedis() ? describe : describe.skip;
const b = (s: string) => Buffer.from(s);

/** Encodings Redis keeps exactly as restored, so its DUMP must equal ours (compact, no LZF). */
function keptAsIs(v: RdbValue, typeId: number): boolean {
  if (v.type === 'set') return typeId === 11;
  if (v.type === 'hash') return typeId === 16;
  return true;
}

describeRedis('DUMP / RESTORE against redis-server 7.0', () => {
  let server: RedisServerHandle;
  let c: RawClient;
  let lzfServer: RedisServerHandle;
  let lzfClient: RawClient;

  beforeAll(async () => {
    [server, lzfServer] = await Promise.all([
      startRedisServer({ config: { rdbcompression: 'no' } }),
      startRedisServer({ config: { rdbcompression: 'yes', 'list-compress-depth': 1, 'list-max-listpack-size': 4 } }),
    ]);
    [c, lzfClient] = await Promise.all([RawClient.connect(server.port), RawClient.connect(lzfServer.port)]);
  });
  afterAll(async () => {
    await Promise.all([c?.close(), lzfClient?.close()]);
    await Promise.all([server?.stop(), lzfServer?.stop()]);
  });

  async function restoreAndCheck(client: RawClient, key: Buffer, value: RdbValue, compact: boolean, compress: boolean): Promise<void> {
    const payload = createDumpPayload(value, { encoding: compact ? 'compact' : 'plain', compress });
    const reply = await client.call('RESTORE', key, 0, payload, 'REPLACE');
    if (reply instanceof Error) throw new Error(`RESTORE refused our payload: ${reply.message}`);
    expect(normalizeValue(await fetchRedisValue(client, key))).toEqual(normalizeValue(value));
    const theirs = (await client.call('DUMP', key)) as Buffer;
    if (compact && !compress && keptAsIs(value, payload[0])) expect(theirs.toString('hex')).toBe(payload.toString('hex'));
    // and Redis's re-encoding of it parses back to the same value
    expect(normalizeValue(parseDumpPayload(theirs))).toEqual(normalizeValue(value));
  }

  it('our payloads of every encoding decision RESTORE with identical content', async () => {
    for (const e of everyEncodingDataset()) {
      for (const compact of [true, false]) {
        await restoreAndCheck(c, e.key, e.value, compact, false);
        await restoreAndCheck(lzfClient, e.key, e.value, compact, true);
      }
    }
  });

  it('random values: our DUMP RESTOREs identically and Redis DUMP parses back (fast-check, 400 runs)', async () => {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(valueArb, fc.boolean(), fc.boolean(), async (value, compact, compress) => {
        const key = b(`rnd:${i++}`);
        await restoreAndCheck(compress ? lzfClient : c, key, value, compact, compress);
        await (compress ? lzfClient : c).call('DEL', key);
      }),
      { numRuns: 400, seed: 424242 },
    );
  }, 60000);

  it("parses Redis's own DUMP of every encoding 7.0 produces", async () => {
    const cmds: Array<Array<string | number>> = [
      ['SET', 'str:embstr', 'hello'],
      ['SET', 'str:int', '-42'],
      ['SET', 'str:int64', '1234567890123'],
      ['SET', 'str:raw', 'x'.repeat(100)],
      ['SET', 'str:lzf', 'abcd'.repeat(200)],
      ['RPUSH', 'list:small', 'a', '1', '-3', 'b'.repeat(70)],
      ['RPUSH', 'list:big', ...Array.from({ length: 3000 }, (_, i) => (i % 3 ? `e${i}` : String(i)))],
      ['RPUSH', 'list:plain-node', 'z'.repeat(9000), 'small'],
      ['SADD', 'set:intset', '1', '-5', '70000', '9223372036854775807'],
      ['SADD', 'set:ht', 'a', 'b', '1'],
      ['SADD', 'set:bigints', ...Array.from({ length: 600 }, (_, i) => String(i * 11))],
      ['HSET', 'hash:lp', 'f', 'v', 'n', '12', 'neg', '-9000000'],
      ['HSET', 'hash:ht', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
      ['HSET', 'hash:longval', 'f', 'q'.repeat(100)],
      ['ZADD', 'zset:lp', '1', 'a', '1.5', 'b', '-2', 'c', 'inf', 'd', '0.1', 'e', '4611686018427387904', 'f'],
      ['ZADD', 'zset:sk', ...Array.from({ length: 200 }, (_, i) => [String(i / 3), `m${i}`]).flat()],
      ['XADD', 'stream', '1-1', 'a', '1', 'b', '2'],
      ['XADD', 'stream', '1-2', 'a', '3', 'b', '4'],
      ['XADD', 'stream', '2-0', 'c', '5'],
      ['XADD', 'stream', '3-0', 'a', '6', 'b', '7'],
      ['XDEL', 'stream', '1-2'],
      ['XGROUP', 'CREATE', 'stream', 'g1', '0'],
      ['XGROUP', 'CREATE', 'stream', 'g2', '$'],
      ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '2', 'STREAMS', 'stream', '>'],
      ['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '1', 'STREAMS', 'stream', '>'],
      ['XGROUP', 'CREATECONSUMER', 'stream', 'g1', 'carol'],
      ['XADD', 'stream:big', 'MAXLEN', '1000', '*', 'k', 'v'],
    ];
    for (const client of [c, lzfClient]) {
      await client.call('FLUSHALL');
      for (const cmd of cmds) {
        const r = await client.call(...cmd);
        if (r instanceof Error) throw r;
      }
      for (let i = 0; i < 300; i++) await client.call('XADD', 'stream:big', '*', 'k', `v${i}`, 'other', String(i));
      const keys = (await client.call('KEYS', '*')) as Buffer[];
      expect(keys.length).toBeGreaterThanOrEqual(17);
      for (const key of keys) {
        const dump = (await client.call('DUMP', key)) as Buffer;
        const expected = await fetchRedisValue(client, key);
        expect({ key: key.toString(), value: normalizeValue(parseDumpPayload(dump)) }).toEqual({ key: key.toString(), value: normalizeValue(expected) });
      }
    }
  });
});
