/**
 * LZF output of the writer (`compress: true`) loads in a real redis-server 7.0 (its lzf_decompress)
 * with identical content: compressible values of every size class (JSON documents, runs, matches
 * across the 8 KiB window, a 1 MB value), values that only partly compress, incompressible ones,
 * inside every type, in both encodings, written in small chunks.
 */
import fc from 'fast-check';
import { hasRedis, seededBytes, seededRandom, testSeed } from '@replikit/test-utils';
import type { RdbWriteEntry } from './rdb-encoder';
import { writeRdbToBuffer } from './rdb-writer';
import { compareWithRedis, loadRdbInRedis } from './testing/redis-load';

const describeRedis = hasRedis() ? describe : describe.skip;
const b = (s: string) => Buffer.from(s);

function compressibleValues(): Buffer[] {
  const random = seededRandom(testSeed('lzf incompressible parts'));
  const randomBytes = (n: number) => seededBytes(random, n);
  const json = (i: number) => b(JSON.stringify({ id: i, name: `user-${i * 7919}`, email: `user${i}@example.com`, settings: { theme: i % 2 ? 'dark' : 'light', language: 'en-US' }, tags: ['alpha', 'beta'] }));
  const out: Buffer[] = [];
  for (let i = 0; i < 200; i++) out.push(json(i));
  for (const n of [21, 22, 25, 30, 64, 100, 263, 264, 265, 1000, 8191, 8192, 8193, 20000]) out.push(b('ab'.repeat(n).slice(0, n)));
  out.push(Buffer.alloc(1 << 20, 0x78)); // 1 MB of one byte: 264-byte matches
  out.push(Buffer.concat([randomBytes(5000), b('x'.repeat(10)), randomBytes(4000)])); // repeat beyond the window
  const head = randomBytes(300);
  out.push(Buffer.concat([head, randomBytes(9000), head])); // the only match is 9 KB back: not usable
  out.push(Buffer.concat([Buffer.alloc(200, 0x41), randomBytes(150)])); // partly compressible
  out.push(randomBytes(100), randomBytes(4096)); // incompressible: stored raw
  return out;
}

describeRedis('LZF-compressed files from our writer load in redis-server 7.0', () => {
  it('strings and collection elements of every size class, plain and compact, small chunks', async () => {
    const values = compressibleValues();
    const entries: RdbWriteEntry[] = values.map((v, i) => ({ key: b(`s:${i}:${'k'.repeat(30)}`), value: { type: 'string', value: v } }));
    const small = values.filter((v) => v.length < 60);
    const mid = values.filter((v) => v.length < 30000);
    entries.push({ key: b('list'), value: { type: 'list', value: mid } });
    entries.push({ key: b('hash'), value: { type: 'hash', value: mid.map((v, i) => [b(`field:${i}:${'f'.repeat(20)}`), v] as [Buffer, Buffer]) } });
    entries.push({ key: b('smallhash'), value: { type: 'hash', value: small.map((v, i) => [b(`f${i}`), v] as [Buffer, Buffer]) } });
    entries.push({ key: b('set'), value: { type: 'set', value: mid.filter((v, i) => mid.findIndex((w) => w.equals(v)) === i) } });
    entries.push({ key: b('zset'), value: { type: 'zset', value: mid.filter((v, i) => mid.findIndex((w) => w.equals(v)) === i).map((v, i) => [v, i / 3] as [Buffer, number]) } });
    for (const encoding of ['plain', 'compact'] as const) {
      const plain = writeRdbToBuffer(entries, { encoding });
      const rdb = writeRdbToBuffer(entries, { encoding, compress: true, chunkSize: 4096 });
      expect(rdb.length).toBeLessThan(plain.length / 2);
      const r = await loadRdbInRedis(rdb);
      try {
        const { expected, actual } = await compareWithRedis(r.client, entries);
        expect(actual).toEqual(expected);
        expect(r.server.log()).not.toMatch(/# Wrong|corrupt|Short read|Invalid LZF/i);
      } finally {
        await r.close();
      }
    }
  });

  it('random compressible values (fast-check, 200 values in 4 files)', async () => {
    const valueArb = fc.oneof(
      fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 2, max: 3000 })).map(([s, n]) => b(s.repeat(n))),
      fc.array(fc.record({ id: fc.nat(), name: fc.string({ maxLength: 10 }), on: fc.boolean() }), { minLength: 1, maxLength: 80 }).map((a) => b(JSON.stringify(a))),
      fc.tuple(fc.uint8Array({ minLength: 5, maxLength: 200 }), fc.nat(10000)).map(([a, gap]) => Buffer.concat([a, Buffer.alloc(gap, 7), a])),
      fc.uint8Array({ minLength: 21, maxLength: 500 }).map((a) => Buffer.from(a)),
    );
    const batches = fc.sample(fc.array(valueArb, { minLength: 50, maxLength: 50 }), { numRuns: 4, seed: 42 });
    for (const values of batches) {
      const entries: RdbWriteEntry[] = values.map((v, i) => ({ key: b(`v${i}`), value: { type: 'string', value: v } }));
      const r = await loadRdbInRedis(writeRdbToBuffer(entries, { compress: true }));
      try {
        const { expected, actual } = await compareWithRedis(r.client, entries);
        expect(actual).toEqual(expected);
      } finally {
        await r.close();
      }
    }
  });
});
