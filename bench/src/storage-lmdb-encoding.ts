/**
 * Record sizes of @replikit/storage-lmdb next to two obvious alternatives: JSON of the plain value
 * and msgpack of the plain value (lmdb's default encoding), for typical small and medium values.
 * Run: pnpm exec tsx bench/src/storage-lmdb-encoding.ts
 */
import { fromPlain, type PlainValue, toPlain } from '@replikit/keyspace';
import { decodeRecord, encodeRecord } from '@replikit/storage-lmdb';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// msgpackr is what lmdb encodes with by default: take lmdb's own copy
const fromStorage = createRequire(join(__dirname, '../../packages/storage-lmdb/package.json'));
const { pack } = createRequire(fromStorage.resolve('lmdb'))('msgpackr') as { pack(v: unknown): Buffer };

const cases: Array<[string, PlainValue]> = [
  ['string, 10 bytes', { type: 'string', value: 'v'.repeat(10) }],
  ['string, 100 bytes', { type: 'string', value: 'v'.repeat(100) }],
  ['string, integer "123456"', { type: 'string', value: '123456' }],
  ['hash, 10 fields of 8-byte values', { type: 'hash', value: Array.from({ length: 10 }, (_, i) => [`field${i}`, `value${i}`.padEnd(8, '.')] as const) }],
  ['list, 100 items of 20 bytes', { type: 'list', value: Array.from({ length: 100 }, (_, i) => `item-${i}`.padEnd(20, '.')) }],
  ['set, 100 integers', { type: 'set', value: Array.from({ length: 100 }, (_, i) => String(i * 7)) }],
  ['zset, 50 members with scores', { type: 'zset', value: Array.from({ length: 50 }, (_, i) => [`member:${i}`, i * 1.5] as const) }],
  ['list, 2000 items of 20 bytes', { type: 'list', value: Array.from({ length: 2000 }, (_, i) => `item-${i}`.padEnd(20, '.')) }],
];

const rows: string[] = ['| value | record | JSON of plain | msgpack of plain | record / msgpack | encode µs | decode µs |', '|---|---|---|---|---|---|---|'];
for (const [name, plain] of cases) {
  const v = fromPlain(plain);
  const rec = encodeRecord('key', v, -1, false);
  const json = Buffer.byteLength(JSON.stringify(toPlain(v)));
  const mp = pack(toPlain(v)).length;
  const N = 20000;
  let t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) encodeRecord('key', v, -1, false);
  const enc = Number(process.hrtime.bigint() - t) / N / 1000;
  t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) decodeRecord(rec);
  const dec = Number(process.hrtime.bigint() - t) / N / 1000;
  rows.push(`| ${name} | ${rec.length} | ${json} | ${mp} | ${(rec.length / mp).toFixed(2)} | ${enc.toFixed(2)} | ${dec.toFixed(2)} |`);
}
console.log(rows.join('\n'));
