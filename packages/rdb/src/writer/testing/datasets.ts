/** Test support (not exported): hand-made datasets. */
import type { RdbWriteEntry } from '../rdb-encoder';

const b = (s: string) => Buffer.from(s);
const range = (n: number, f: (i: number) => Buffer) => Array.from({ length: n }, (_, i) => f(i));

/** One key per encoding decision the writer makes. */
export function everyEncodingDataset(): RdbWriteEntry[] {
  const id = (ms: bigint, seq: bigint) => ({ ms, seq });
  const entries = range(250, (i) => b(String(i))).map((_, i) => ({
    id: id(1700000000000n + BigInt(Math.floor(i / 3)), BigInt(i % 3)),
    fields: i % 10 === 9 ? ([[b('other'), b(`v${i}`)]] as Array<[Buffer, Buffer]>) : ([[b('temp'), b(String(i))], [b('hum'), b(`${i}.5`)]] as Array<[Buffer, Buffer]>),
  }));
  return [
    { key: b('str:raw'), value: { type: 'string', value: b('hello world') } },
    { key: b('str:int'), value: { type: 'string', value: b('-123456') } },
    { key: b('str:noncanon'), value: { type: 'string', value: b('007') } },
    { key: b('str:big-int'), value: { type: 'string', value: b('9223372036854775807') } },
    { key: b('str:empty'), value: { type: 'string', value: Buffer.alloc(0) } },
    { key: b('str:binary'), value: { type: 'string', value: Buffer.from([0, 255, 0xc3, 0x80, 10, 13]) } },
    { key: b('str:long'), value: { type: 'string', value: b('compress me '.repeat(5000)) }, expireAtMs: 4102444800123 },
    { key: Buffer.from([0xff, 0xfe, 0]), value: { type: 'string', value: b('binary key') } },
    { key: b('12345'), value: { type: 'string', value: b('integer-looking key') } },
    { key: b('list:small'), value: { type: 'list', value: [b('a'), b('1'), b('-70000'), b('x'.repeat(100)), b('')] } },
    { key: b('list:big'), value: { type: 'list', value: range(5000, (i) => b(i % 2 ? `item-${i}` : String(i * 977))) } },
    { key: b('list:huge-elem'), value: { type: 'list', value: [b('a'), Buffer.alloc(20000, 0x41), b('b')] } },
    { key: b('set:ints'), value: { type: 'set', value: [b('1'), b('-2'), b('70000'), b('9223372036854775807'), b('-9223372036854775808')] } },
    { key: b('set:int16'), value: { type: 'set', value: range(100, (i) => b(String(i * 3 - 100))) } },
    { key: b('set:ints-513'), value: { type: 'set', value: range(513, (i) => b(String(i))) } },
    { key: b('set:strings'), value: { type: 'set', value: [b('a'), b('b'), b('007'), b('1')] } },
    { key: b('set:big'), value: { type: 'set', value: range(1000, (i) => b(`member:${i}`)) } },
    { key: b('hash:small'), value: { type: 'hash', value: [[b('f1'), b('v1')], [b('n'), b('42')], [b('neg'), b('-1')]] } },
    { key: b('hash:long-value'), value: { type: 'hash', value: [[b('f'), b('y'.repeat(65))]] } },
    { key: b('hash:129'), value: { type: 'hash', value: range(129, (i) => b(`f${i}`)).map((f, i) => [f, b(String(i))] as [Buffer, Buffer]) } },
    { key: b('hash:big'), value: { type: 'hash', value: range(2000, (i) => b(`field:${i}`)).map((f, i) => [f, b(`value:${i}`)] as [Buffer, Buffer]) }, expireAtMs: 4102444800000 },
    { key: b('zset:small'), value: { type: 'zset', value: [[b('a'), 1], [b('b'), 1.5], [b('c'), -3], [b('d'), Infinity], [b('e'), -Infinity], [b('f'), 0.1], [b('g'), 2 ** 62], [b('h'), 2 ** 63], [b('i'), 1e-300]] } },
    { key: b('zset:ties'), value: { type: 'zset', value: [[b('b'), 1], [b('a'), 1], [b('ab'), 1], [b(''), 1]] } },
    { key: b('zset:long-member'), value: { type: 'zset', value: [[b('m'.repeat(65)), 1]] } },
    { key: b('zset:big'), value: { type: 'zset', value: range(1000, (i) => b(`m${i}`)).map((m, i) => [m, (i * 7919) % 1000 / 7] as [Buffer, number]) } },
    {
      db: 1,
      key: b('stream'),
      value: {
        type: 'stream',
        value: {
          entries,
          length: BigInt(entries.length),
          lastId: entries[entries.length - 1].id,
          firstId: entries[0].id,
          maxDeletedId: id(1700000000000n, 1n),
          entriesAdded: BigInt(entries.length + 2),
          groups: [
            {
              name: b('g1'),
              lastId: entries[100].id,
              entriesRead: 101n,
              pel: [entries[3].id, entries[50].id, entries[99].id].map((x, i) => ({ id: x, deliveryTime: 1700000001000n + BigInt(i), deliveryCount: BigInt(i + 1) })),
              consumers: [
                { name: b('alice'), seenTime: 1700000002000n, pending: [entries[3].id, entries[99].id] },
                { name: b('bob'), seenTime: 1700000003000n, pending: [entries[50].id] },
                { name: b('carol'), seenTime: 1700000004000n, pending: [] },
              ],
            },
            { name: b('g0'), lastId: id(0n, 0n), entriesRead: -1n, pel: [], consumers: [] },
          ],
        },
      },
    },
    {
      db: 1,
      key: b('stream:empty'),
      value: { type: 'stream', value: { entries: [], length: 0n, lastId: id(5n, 5n), firstId: id(0n, 0n), maxDeletedId: id(5n, 5n), entriesAdded: 3n, groups: [{ name: b('g'), lastId: id(5n, 5n), entriesRead: 3n, pel: [], consumers: [] }] } },
    },
    {
      db: 1,
      key: b('stream:extreme-ids'),
      value: {
        type: 'stream',
        value: (() => {
          const max = 2n ** 64n - 1n;
          const es = [id(0n, 1n), id(0n, max), id(2n ** 63n + 5n, 0n), id(max, max - 1n)].map((x) => ({ id: x, fields: [[b('f'), b('v')]] as Array<[Buffer, Buffer]> }));
          return { entries: es, length: 4n, lastId: id(max, max - 1n), firstId: id(0n, 1n), maxDeletedId: id(0n, 0n), entriesAdded: 10n, groups: [] };
        })(),
      },
    },
    { db: 15, key: b('last-db'), value: { type: 'string', value: b('x') }, expireAtMs: 4102444800999 },
  ];
}

