/**
 * Regression against a live redis-server 7.0: stream ids near 2^64 next to small ones are stored
 * as wrapped (mod 2^64) deltas; our reader must parse Redis's DUMP, and Redis must take our DUMP
 * payload and our RDB file for such a stream back unchanged.
 */
import { hasRedis, RawClient, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { createDumpPayload } from '../dump/dump-payload';
import type { StreamValue } from '../model';
import { writeRdbToBuffer } from '../writer/rdb-writer';
import { compareWithRedis, loadRdbInRedis } from '../writer/testing/redis-load';
import { decodeValue } from './decode-value';

const describeRedis = hasRedis() ? describe : describe.skip;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

describeRedis('stream ids near 2^64 (redis-server 7.0)', () => {
  let server: RedisServerHandle;
  let c: RawClient;

  beforeAll(async () => {
    server = await startRedisServer({ config: { rdbcompression: 'no' } });
    c = await RawClient.connect(server.port);
  });
  afterAll(async () => {
    await c?.close();
    await server?.stop();
  });

  it('decodeValue parses DUMP x after XADD x 0-1 and XADD x 18446744073709551615-18446744073709551614', async () => {
    await c.call('DEL', 'x');
    await c.call('XADD', 'x', '0-1', 'f', 'v');
    await c.call('XADD', 'x', `${U64_MAX}-${U64_MAX - 1n}`, 'f', 'v');
    await c.call('XGROUP', 'CREATE', 'x', 'g', '0');
    await c.call('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '10', 'STREAMS', 'x', '>');
    const p = (await c.call('DUMP', 'x')) as Buffer;
    const v = decodeValue(p[0], p.subarray(1, p.length - 10), p.readUInt16LE(p.length - 10));
    expect(v.type).toBe('stream');
    const s = (v as { value: StreamValue }).value;
    const ids = [
      { ms: 0n, seq: 1n },
      { ms: U64_MAX, seq: U64_MAX - 1n },
    ];
    expect(s.entries.map((e) => e.id)).toEqual(ids);
    expect(s.lastId).toEqual(ids[1]);
    expect(s.groups[0].pel.map((e) => e.id)).toEqual(ids);
    expect(s.groups[0].consumers[0].pending).toEqual(ids);

    // our payload for the same value: RESTOREd unchanged, and Redis's DUMP of it is ours byte for byte
    const ours = createDumpPayload(v);
    expect(String(await c.call('RESTORE', 'y', 0, ours, 'REPLACE'))).toBe('OK');
    const theirs = (await c.call('DUMP', 'y')) as Buffer;
    expect(theirs.toString('hex')).toBe(ours.toString('hex'));
    expect(ours.subarray(0, ours.length - 8).equals(p.subarray(0, p.length - 8))).toBe(true);

    // and an RDB file holding it loads with identical content
    const entries = [{ key: Buffer.from('x'), value: v }];
    const r = await loadRdbInRedis(writeRdbToBuffer(entries));
    try {
      const { expected, actual } = await compareWithRedis(r.client, entries);
      expect(actual).toEqual(expected);
    } finally {
      await r.close();
    }
  });
});
