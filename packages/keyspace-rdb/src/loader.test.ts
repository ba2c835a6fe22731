import fc from 'fast-check';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { RdbKeyspaceLoader, type RdbLoadResult } from './loader';
import { canonical, keyspaceOf, rdbOf, spreadDataset } from './testing/fixtures';

let source: Keyspace;
let rdb: Buffer;
let expected: ReturnType<typeof canonical>;

beforeAll(async () => {
  source = keyspaceOf(spreadDataset());
  rdb = await rdbOf(source);
  expected = canonical(source);
});
afterAll(() => source.close());

/** Feeds `parts` in order; the keyspace and the result, or the error thrown. */
function feed(parts: readonly Buffer[]): { ks: Keyspace; result?: RdbLoadResult; error?: unknown } {
  const ks = createKeyspace();
  const loader = new RdbKeyspaceLoader(ks);
  try {
    for (const p of parts) loader.write(p);
    return { ks, result: loader.end() };
  } catch (error) {
    return { ks, error };
  }
}

function split(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(buf.subarray(at, p));
    at = p;
  }
  out.push(buf.subarray(at));
  return out;
}

describe('RdbKeyspaceLoader input chunking', () => {
  it('loads the same keyspace when fed one byte at a time', () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < rdb.length; i++) parts.push(rdb.subarray(i, i + 1));
    const { ks, result, error } = feed(parts);
    expect(error).toBeUndefined();
    expect(result?.bytes).toBe(rdb.length);
    expect(canonical(ks)).toEqual(expected);
    ks.close();
  });

  it('loads the same keyspace whatever the chunk boundaries (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        // copies: the loader must not depend on the chunks staying alive or unchanged
        const parts = split(rdb, cuts).map((p) => Buffer.from(p));
        const { ks, result, error } = feed(parts);
        expect(error).toBeUndefined();
        expect(result?.keysLoaded).toBe(expected.length);
        expect(canonical(ks)).toEqual(expected);
        for (const p of parts) p.fill(0);
        expect(canonical(ks)).toEqual(expected);
        ks.close();
      }),
      { numRuns: 25 },
    );
  });
});

describe('RdbKeyspaceLoader on bad input', () => {
  it('a truncated RDB ends with ERR_RDB_TRUNCATED at end(), for every cut (sampled)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: rdb.length - 1 }), fc.array(fc.nat(), { maxLength: 5 }), (len, cuts) => {
        const { ks, error } = feed(split(rdb.subarray(0, len), cuts));
        expect(error).toMatchObject({ code: 'ERR_RDB_TRUNCATED' });
        ks.close();
      }),
      { numRuns: 60 },
    );
  });

  it('a flipped byte gives a typed RDB error, never a silent success with other content', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: rdb.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const bad = Buffer.from(rdb);
        bad[at] ^= x;
        const { ks, error } = feed([bad]);
        if (error === undefined) throw new Error(`flipping byte ${at} was not detected`);
        expect(String((error as { code?: string }).code)).toMatch(/^ERR_(RDB|KEYSPACE_RDB)_/);
        ks.close();
      }),
      { numRuns: 60 },
    );
  });

  it('errors are sticky, and write() after end() is refused', () => {
    const ks = createKeyspace();
    const loader = new RdbKeyspaceLoader(ks);
    expect(() => loader.write(Buffer.from('NOTREDIS0010'))).toThrow(expect.objectContaining({ code: 'ERR_RDB_UNSUPPORTED_VERSION' }));
    expect(() => loader.write(rdb)).toThrow(expect.objectContaining({ code: 'ERR_RDB_UNSUPPORTED_VERSION' }));
    expect(() => loader.end()).toThrow(expect.objectContaining({ code: 'ERR_RDB_UNSUPPORTED_VERSION' }));
    const ok = new RdbKeyspaceLoader(ks);
    ok.write(rdb);
    ok.end();
    expect(() => ok.write(Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_RDB_LOADER_STATE' }));
    ks.close();
  });

  it('an RDB selecting a db the keyspace does not have fails with DatabaseCountError', () => {
    const small = createKeyspace({ databases: 4 });
    const loader = new RdbKeyspaceLoader(small);
    expect(() => {
      loader.write(rdb);
      loader.end();
    }).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_RDB_DB_COUNT', db: 15, databases: 4 }));
    small.close();
  });

  it('a checksum mismatch is ERR_RDB_CHECKSUM unless verification is off', () => {
    const bad = Buffer.from(rdb);
    bad[bad.length - 1] ^= 1;
    expect(feed([bad]).error).toMatchObject({ code: 'ERR_RDB_CHECKSUM' });
    const ks = createKeyspace();
    const loader = new RdbKeyspaceLoader(ks, { verifyChecksum: false });
    loader.write(bad);
    expect(loader.end().keysLoaded).toBe(expected.length);
    expect(loader.keysLoaded).toBe(expected.length);
    expect(loader.bytesRead).toBe(rdb.length);
    ks.close();
  });
});
