/**
 * Writer -> reader round trips (no redis-server needed): random datasets in every writer mode
 * read back by readRdbBuffer and by the streaming reader fed in random chunks.
 */
import fc from 'fast-check';
import { readRdbBuffer, readRdbStream } from '../reader/read-rdb';
import type { RdbWriterOptions } from './rdb-encoder';
import { writeRdbChunks, writeRdbToBuffer } from './rdb-writer';
import { datasetArb } from './testing/arbitraries';
import { normalizeValue } from './testing/redis-values';
import type { RdbEntry } from '../model';
import type { RdbWriteEntry } from './rdb-encoder';

const modeArb: fc.Arbitrary<RdbWriterOptions> = fc.record({
  encoding: fc.constantFrom('plain' as const, 'compact' as const),
  compress: fc.boolean(),
  checksum: fc.boolean(),
  chunkSize: fc.constantFrom(64, 1000, 65536),
});

const norm = (es: ReadonlyArray<RdbWriteEntry | RdbEntry>) =>
  es.map((e) => ({ db: e.db ?? 0, key: e.key.toString('hex'), ttl: e.expireAtMs ?? -1, value: normalizeValue(e.value) }));

describe('writer -> reader round trip', () => {
  it('random datasets read back identical (readRdbBuffer), 300 runs', () => {
    fc.assert(
      fc.property(datasetArb, modeArb, (data, options) => {
        const buf = writeRdbToBuffer(data, options);
        const file = readRdbBuffer(buf);
        expect(file.version).toBe(10);
        expect(norm(file.entries)).toEqual(norm(data));
        expect(file.info.checksumVerified).toBe(options.checksum !== false);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('the streaming reader over our chunks, re-cut at random, gives the same entries (100 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(datasetArb, modeArb, fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }), async (data, options, cuts) => {
        const whole = Buffer.concat([...writeRdbChunks(data, options)]);
        async function* pieces() {
          let p = 0;
          let i = 0;
          while (p < whole.length) {
            const n = cuts[i++ % cuts.length];
            yield whole.subarray(p, p + n);
            p += n;
          }
        }
        const got: RdbEntry[] = [];
        for await (const ev of readRdbStream(pieces())) if (ev.kind === 'entry') got.push(ev.entry);
        expect(norm(got)).toEqual(norm(data));
      }),
      { numRuns: 100, seed: 8 },
    );
  });

  it('aux fields, functions and RESIZEDB hints read back', () => {
    const buf = writeRdbToBuffer([{ db: 2, key: Buffer.from('k'), value: { type: 'string', value: Buffer.from('v') } }], {
      ctime: 1234,
      usedMem: 99,
      replication: { streamDb: 2, replId: '0123456789abcdef0123456789abcdef01234567', offset: 2n ** 40n },
      extraAux: [['custom', 'x']],
      functions: ['#!lua name=a\n', Buffer.from('#!lua name=b\n')],
      dbSizes: new Map([[2, { keys: 1, expires: 0 }]]),
    });
    const f = readRdbBuffer(buf);
    expect(f.aux.map(([k, v]) => [k.toString(), v.toString()])).toEqual([
      ['redis-ver', '7.0.15'],
      ['redis-bits', '64'],
      ['ctime', '1234'],
      ['used-mem', '99'],
      ['repl-stream-db', '2'],
      ['repl-id', '0123456789abcdef0123456789abcdef01234567'],
      ['repl-offset', String(2n ** 40n)],
      ['aof-base', '0'],
      ['custom', 'x'],
    ]);
    expect(f.functions.map(String)).toEqual(['#!lua name=a\n', '#!lua name=b\n']);
    expect(f.resizeHints).toEqual([{ db: 2, dbSize: 1, expiresSize: 0 }]);
  });

  it('module values (MODULE_2, kept raw) round-trip with skipModules', () => {
    // opcode 2 (UINT) 5, opcode 5 (STRING) "ab", opcode 0 (EOF)
    const raw = Buffer.from([0x02, 0x05, 0x05, 0x02, 0x61, 0x62, 0x00]);
    const moduleId = 0x123456789abcn;
    const buf = writeRdbToBuffer([{ key: Buffer.from('m'), value: { type: 'module', moduleId, raw } }]);
    const f = readRdbBuffer(buf, { skipModules: true });
    expect(f.entries[0].value).toEqual({ type: 'module', moduleId, raw });
    expect(() => readRdbBuffer(buf)).toThrow(expect.objectContaining({ code: 'ERR_RDB_UNSUPPORTED_TYPE' }));
  });
});
