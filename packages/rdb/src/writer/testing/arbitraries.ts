/**
 * Test support (not exported): fast-check arbitraries for RDB values that stress every encoding
 * decision of the writer: integer-looking strings (canonical or not), int32/int64 boundaries,
 * binary bytes, compressible long strings, sizes around the listpack/intset thresholds, scores
 * with -0/±inf/fractions, streams with groups, consumers and PELs.
 */
import fc from 'fast-check';
import type { RdbValue, StreamGroup, StreamValue } from '../../model';
import type { RdbWriteEntry } from '../rdb-encoder';

const tricky = [
  '0', '-0', '00', '007', '+1', ' 1', '1 ', '-', '', '127', '128', '-128', '-129', '32767', '32768', '-32768', '-32769',
  '2147483647', '2147483648', '-2147483648', '-2147483649', '9223372036854775807', '9223372036854775808',
  '-9223372036854775808', '-9223372036854775809', '4095', '4096', '-4096', '-4097', '8388607', '8388608', '1e3', '0x10',
];

export const bufArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)) },
  { weight: 3, arbitrary: fc.constantFrom(...tricky).map((s) => Buffer.from(s)) },
  { weight: 3, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => Buffer.from(n.toString())) },
  { weight: 2, arbitrary: fc.integer({ min: -70000, max: 70000 }).map((n) => Buffer.from(String(n))) },
  { weight: 2, arbitrary: fc.string({ maxLength: 80 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 5, max: 3000 })).map(([s, n]) => Buffer.from(s.repeat(n))) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 60, maxLength: 5000 }).map((a) => Buffer.from(a)) },
);

const intBufArb = fc.oneof(
  fc.integer({ min: -40000, max: 40000 }).map((n) => Buffer.from(String(n))),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => Buffer.from(n.toString())),
);

const hexKey = (b: Buffer) => b.toString('hex');

/** sizes that cross the compact thresholds (128 hash/zset entries, 512 intset entries) now and then */
const sizeArb = (max: number) => fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max }) });

export const scoreArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, Infinity, -Infinity, 0.1, 1.5, 2 ** 62, 2 ** 62 + 2 ** 11, -(2 ** 62), 2 ** 63, 1e-300, 5e-324),
);

const U64_MAX = 2n ** 64n - 1n;
/** Mostly small stream id parts, sometimes near 2^64 (so node deltas wrap modulo 2^64, as in Redis). */
const idPartArb = (smallMax: bigint) =>
  fc.oneof({ arbitrary: fc.bigInt({ min: 0n, max: smallMax }), weight: 8 }, { arbitrary: fc.bigInt({ min: U64_MAX - 20n, max: U64_MAX }), weight: 1 }, { arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }), weight: 1 });

export const streamArb: fc.Arbitrary<StreamValue> = fc
  .record({
    ids: fc.uniqueArray(fc.tuple(idPartArb(2n ** 48n), idPartArb(20n)), { minLength: 0, maxLength: 30, selector: ([a, b]) => `${a}-${b}` }),
    fields: fc.array(fc.array(fc.tuple(bufArb, bufArb), { minLength: 1, maxLength: 4 }), { minLength: 30, maxLength: 30 }),
    reuseFields: fc.boolean(),
    groups: fc.uniqueArray(
      fc.record({ name: bufArb, consumers: fc.uniqueArray(bufArb, { maxLength: 3, selector: hexKey }), pelPicks: fc.array(fc.nat(), { maxLength: 10 }), entriesRead: fc.bigInt({ min: -1n, max: 1000n }) }),
      { maxLength: 3, selector: (g) => hexKey(g.name) },
    ),
    extra: fc.bigInt({ min: 0n, max: 1000n }),
  })
  .map(({ ids, fields, reuseFields, groups, extra }) => {
    ids.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const entries = ids.map(([ms, seq], i) => ({ id: { ms, seq }, fields: reuseFields ? fields[0] : fields[i] }));
    const last = entries.length ? entries[entries.length - 1].id : { ms: 0n, seq: 0n };
    const lastId = { ms: last.ms, seq: last.seq + extra > U64_MAX ? U64_MAX : last.seq + extra };
    const gs: StreamGroup[] = groups.map((g) => {
      const picked = new Map<string, { ms: bigint; seq: bigint }>();
      if (entries.length && g.consumers.length) for (const p of g.pelPicks) picked.set(String(p % entries.length), entries[p % entries.length].id);
      const pelIds = [...picked.values()];
      const consumers = g.consumers.map((name) => ({ name, seenTime: 1_700_000_000_000n, pending: [] as Array<{ ms: bigint; seq: bigint }> }));
      for (let i = 0; i < pelIds.length; i++) consumers[i % consumers.length].pending.push(pelIds[i]);
      return {
        name: g.name,
        lastId: entries.length ? entries[Math.floor(entries.length / 2)].id : { ms: 0n, seq: 0n },
        entriesRead: g.entriesRead,
        pel: pelIds.map((id, i) => ({ id, deliveryTime: 1_700_000_000_123n + BigInt(i), deliveryCount: BigInt(i + 1) })),
        consumers,
      };
    });
    return {
      entries,
      length: BigInt(entries.length),
      lastId,
      firstId: entries.length ? entries[0].id : { ms: 0n, seq: 0n },
      maxDeletedId: { ms: 0n, seq: 0n },
      entriesAdded: BigInt(entries.length) + extra,
      groups: gs,
    };
  });

export const valueArb: fc.Arbitrary<RdbValue> = fc.oneof(
  { weight: 3, arbitrary: bufArb.map((value) => ({ type: 'string' as const, value })) },
  { weight: 2, arbitrary: sizeArb(600).chain((n) => fc.array(bufArb, { minLength: 1, maxLength: n })).map((value) => ({ type: 'list' as const, value })) },
  { weight: 2, arbitrary: sizeArb(600).chain((n) => fc.uniqueArray(bufArb, { minLength: 1, maxLength: n, selector: hexKey })).map((value) => ({ type: 'set' as const, value })) },
  { weight: 1, arbitrary: sizeArb(600).chain((n) => fc.uniqueArray(intBufArb, { minLength: 1, maxLength: n, selector: hexKey })).map((value) => ({ type: 'set' as const, value })) },
  { weight: 2, arbitrary: sizeArb(200).chain((n) => fc.uniqueArray(fc.tuple(bufArb, bufArb), { minLength: 1, maxLength: n, selector: (p) => hexKey(p[0]) })).map((value) => ({ type: 'hash' as const, value })) },
  { weight: 2, arbitrary: sizeArb(200).chain((n) => fc.uniqueArray(fc.tuple(bufArb, scoreArb), { minLength: 1, maxLength: n, selector: (p) => hexKey(p[0]) })).map((value) => ({ type: 'zset' as const, value })) },
  { weight: 1, arbitrary: streamArb.map((value) => ({ type: 'stream' as const, value })) },
);

/** A dataset: unique keys per db, grouped by db ascending, some with TTLs. */
export const datasetArb: fc.Arbitrary<RdbWriteEntry[]> = fc
  .uniqueArray(
    fc.record({ db: fc.integer({ min: 0, max: 3 }), key: bufArb, value: valueArb, ttl: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { freq: 3 }) }),
    { minLength: 1, maxLength: 12, selector: (e) => `${e.db}:${hexKey(e.key)}` },
  )
  .map((es) =>
    es
      .sort((a, b) => a.db - b.db)
      .map((e) => ({ db: e.db, key: e.key, value: e.value, expireAtMs: e.ttl === null ? -1 : 4_000_000_000_000 + e.ttl })),
  );
