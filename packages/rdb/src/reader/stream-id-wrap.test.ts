/**
 * Regression: stream entry ids are stored as deltas from the node's master id, and Redis computes
 * them in uint64 arithmetic (`id.ms - master.ms` wraps modulo 2^64, stored as an int64 listpack
 * integer). A stream holding 0-1 and 18446744073709551615-18446744073709551614 in one node has the
 * deltas -1 / -3, which the reader must add back modulo 2^64 (it used to reject them with
 * "stream entry id below 0-0"). Runs without redis-server: the payload below is what Redis 7.0.15
 * answered to `XADD x 0-1 f v`, `XADD x 18446744073709551615-18446744073709551614 f v`, `DUMP x`;
 * stream-id-wrap.redis.test.ts checks the same against a live server.
 */
import { encodeLength } from '../codec/length';
import { encodeListpack } from '../codec/listpack';
import { createDumpPayload, parseDumpPayload } from '../dump/dump-payload';
import type { StreamValue } from '../model';
import { writeRdbToBuffer } from '../writer/rdb-writer';
import { decodeValue } from './decode-value';
import { readRdbBuffer } from './read-rdb';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const b = (s: string) => Buffer.from(s);

/** DUMP x from redis-server 7.0.15 (captured 2026-11-24). */
export const REDIS_DUMP_WRAPPED_IDS = Buffer.from(
  '130110000000000000000000000000000000012a2a0000000f00020100010101816602000102010001000181760204010201dfff02dffd028176020401ff0281ffffffffffffffff81fffffffffffffffe0001000002000a00c2f9a1b898d1482b',
  'hex',
);

function expectWrappedIds(v: StreamValue): void {
  expect(v.entries.map((e) => e.id)).toEqual([
    { ms: 0n, seq: 1n },
    { ms: U64_MAX, seq: U64_MAX - 1n },
  ]);
  expect(v.lastId).toEqual({ ms: U64_MAX, seq: U64_MAX - 1n });
  expect(v.firstId).toEqual({ ms: 0n, seq: 1n });
  expect(v.length).toBe(2n);
}

/** One stream node by hand: master id `master`, entries given as (ms delta, seq delta) int64 texts. */
function handBuiltStream(master: { ms: bigint; seq: bigint }, deltas: Array<[bigint, bigint]>, lastId: { ms: bigint; seq: bigint }): Buffer {
  const items: Buffer[] = [b(String(deltas.length)), b('0'), b('1'), b('f'), b('0')];
  for (const [dms, dseq] of deltas) items.push(b('2'), b(String(dms)), b(String(dseq)), b('v'), b('4'));
  const lp = encodeListpack(items);
  const key = Buffer.alloc(16);
  key.writeBigUInt64BE(master.ms, 0);
  key.writeBigUInt64BE(master.seq, 8);
  return Buffer.concat([
    encodeLength(1),
    encodeLength(16),
    key,
    encodeLength(lp.length),
    lp,
    encodeLength(BigInt(deltas.length)), // length
    encodeLength(lastId.ms),
    encodeLength(lastId.seq),
    encodeLength(master.ms), // first id
    encodeLength(master.seq),
    encodeLength(0), // max deleted id
    encodeLength(0),
    encodeLength(BigInt(deltas.length)), // entries added
    encodeLength(0), // groups
  ]);
}

describe('stream ids are master id + delta modulo 2^64', () => {
  it("parses Redis 7.0.15's DUMP of 0-1 and 18446744073709551615-18446744073709551614", () => {
    const p = REDIS_DUMP_WRAPPED_IDS;
    const v = decodeValue(p[0], p.subarray(1, p.length - 10), p.readUInt16LE(p.length - 10));
    expect(v.type).toBe('stream');
    expectWrappedIds((v as { value: StreamValue }).value);
    const parsed = parseDumpPayload(p);
    expectWrappedIds((parsed as { value: StreamValue }).value);
  });

  it('hand-built node: negative deltas wrap to ids near 2^64, positive deltas wrap past it', () => {
    const bytes = handBuiltStream({ ms: 0n, seq: 1n }, [[0n, 0n], [-1n, -3n]], { ms: U64_MAX, seq: U64_MAX - 1n });
    expectWrappedIds((decodeValue(19, bytes, 10) as { value: StreamValue }).value);
    // master near 2^64, entry below it via a positive delta that overflows
    const high = handBuiltStream({ ms: U64_MAX, seq: 5n }, [[0n, 0n], [1n, -5n]], { ms: U64_MAX, seq: 5n });
    const v = (decodeValue(19, high, 10) as { value: StreamValue }).value;
    expect(v.entries.map((e) => e.id)).toEqual([
      { ms: U64_MAX, seq: 5n },
      { ms: 0n, seq: 0n },
    ]);
  });

  it('the writer packs such ids into one node with wrapped deltas, byte for byte like Redis, and round-trips', () => {
    const parsed = parseDumpPayload(REDIS_DUMP_WRAPPED_IDS);
    const ours = createDumpPayload(parsed);
    expect(ours.toString('hex')).toBe(REDIS_DUMP_WRAPPED_IDS.toString('hex'));
    expectWrappedIds((parseDumpPayload(ours) as { value: StreamValue }).value);
    const file = readRdbBuffer(writeRdbToBuffer([{ key: b('x'), value: parsed }]));
    expectWrappedIds((file.entries[0].value as { value: StreamValue }).value);
  });
});
