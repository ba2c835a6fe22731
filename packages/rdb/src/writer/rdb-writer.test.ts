import { crc64 } from '../codec/crc64';
import type { RdbValue } from '../model';
import { createRdbReadable, createRdbWriter, writeRdbChunks, writeRdbToBuffer } from './rdb-writer';
import type { RdbWriteEntry } from './rdb-encoder';
import { formatG17, zsetScoreText } from './compact-writer';

const b = (s: string) => Buffer.from(s);
const str = (key: string, value: string, extra: Partial<RdbWriteEntry> = {}): RdbWriteEntry => ({ key: b(key), value: { type: 'string', value: b(value) }, ...extra });
const opts = { ctime: 1700000000 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('writeRdbToBuffer: layout', () => {
  it('writes the exact bytes of a one-key 7.0 file (header, aux, db, key, EOF, CRC64)', () => {
    const buf = writeRdbToBuffer([str('foo', 'bar')], { ...opts, usedMem: 1000000, dbSizes: { 0: { keys: 1, expires: 0 } } });
    const expected = Buffer.concat([
      b('REDIS0010'),
      Buffer.from([0xfa, 9]), b('redis-ver'), Buffer.from([6]), b('7.0.15'),
      Buffer.from([0xfa, 10]), b('redis-bits'), Buffer.from([0xc0, 64]),
      Buffer.from([0xfa, 5]), b('ctime'), Buffer.from([0xc2, 0x00, 0xf1, 0x53, 0x65]),
      Buffer.from([0xfa, 8]), b('used-mem'), Buffer.from([0xc2, 0x40, 0x42, 0x0f, 0x00]),
      Buffer.from([0xfa, 8]), b('aof-base'), Buffer.from([0xc0, 0]),
      Buffer.from([0xfe, 0, 0xfb, 1, 0]),
      Buffer.from([0, 3]), b('foo'), Buffer.from([3]), b('bar'),
      Buffer.from([0xff]),
    ]);
    expect(buf.subarray(0, buf.length - 8).toString('hex')).toBe(expected.toString('hex'));
    expect(buf.readBigUInt64LE(buf.length - 8)).toBe(crc64(expected));
  });

  it('writes the replication aux fields, functions and a zero checksum on request', () => {
    const replId = 'a'.repeat(40);
    const buf = writeRdbToBuffer([], { ...opts, replication: { streamDb: 3, replId, offset: 5000000000n }, functions: ['#!lua name=l\n'], checksum: false });
    expect(writeRdbToBuffer([str('a', '1', { db: 2, expireAtMs: 5 }), str('b', '1', { db: 2 })], opts).includes(Buffer.from('fe02fb0201', 'hex'))).toBe(true);
    const text = buf.toString('latin1');
    expect(text).toContain(`repl-stream-db\xc0\x03`);
    expect(text).toContain(`repl-id(${replId}`);
    expect(text).toContain(`repl-offset\x0a5000000000`);
    expect(text).toContain('\xf5\x0d#!lua name=l\n');
    expect(buf.subarray(-9).toString('hex')).toBe('ff0000000000000000');
  });

  it('encodes strings canonically: int8/16/32 only for canonical int32 decimals', () => {
    const enc = (s: string) => {
      const buf = writeRdbToBuffer([str('k', s)], opts);
      const at = buf.indexOf(Buffer.from([0x00, 0x01, 0x6b])) + 3;
      return buf.subarray(at, buf.length - 9).toString('hex');
    };
    expect(enc('12')).toBe('c00c');
    expect(enc('-128')).toBe('c080');
    expect(enc('200')).toBe('c1c800');
    expect(enc('-2147483648')).toBe('c200000080');
    expect(enc('2147483648')).toBe(`0a${b('2147483648').toString('hex')}`);
    for (const s of ['007', '-0', '+1', ' 1', '1 ', '']) expect(enc(s)).toBe(`${s.length.toString(16).padStart(2, '0')}${b(s).toString('hex')}`);
  });

  it('uses the shortest length encodings (6, 14, 32 bits)', () => {
    const at = (n: number) => {
      const buf = writeRdbToBuffer([{ key: b('k'), value: { type: 'string', value: Buffer.alloc(n, 0x61) } }], opts);
      const p = buf.indexOf(Buffer.from([0x00, 0x01, 0x6b])) + 3;
      return buf.subarray(p, p + 5).toString('hex');
    };
    expect(at(63).slice(0, 2)).toBe('3f');
    expect(at(64).slice(0, 4)).toBe('4040');
    expect(at(16383).slice(0, 4)).toBe('7fff');
    expect(at(16384)).toBe('8000004000');
  });

  it('writes ms expiries, LRU idle and LFU freq before the type byte', () => {
    const buf = writeRdbToBuffer([str('k', 'v', { expireAtMs: 0x0102030405, idleSeconds: 70, lfuFreq: 9 })], opts);
    expect(buf.includes(Buffer.from('fc0504030201000000f84046f90900016b0176', 'hex'))).toBe(true);
  });

  it('LZF-compresses long compressible strings only when asked', () => {
    const v = b('abc'.repeat(100));
    const plain = writeRdbToBuffer([{ key: b('k'), value: { type: 'string', value: v } }], opts);
    const lzf = writeRdbToBuffer([{ key: b('k'), value: { type: 'string', value: v } }], { ...opts, compress: true });
    expect(lzf.length).toBeLessThan(plain.length - 250);
    expect(lzf.includes(Buffer.from([0x00, 0x01, 0x6b, 0xc3]))).toBe(true);
  });
});

describe('writer validation (typed ERR_RDB_WRITE)', () => {
  const one = (value: RdbValue, o = {}) => codeOf(() => writeRdbToBuffer([{ key: b('k'), value }], { ...opts, ...o }));
  it('refuses empty collections, duplicates, NaN scores and bad values', () => {
    for (const encoding of ['plain', 'compact'] as const) {
      expect(one({ type: 'list', value: [] }, { encoding })).toBe('ERR_RDB_WRITE');
      expect(one({ type: 'set', value: [] }, { encoding })).toBe('ERR_RDB_WRITE');
      expect(one({ type: 'hash', value: [] }, { encoding })).toBe('ERR_RDB_WRITE');
      expect(one({ type: 'zset', value: [] }, { encoding })).toBe('ERR_RDB_WRITE');
      expect(one({ type: 'set', value: [b('1'), b('1')] }, { encoding })).toBe('ERR_RDB_WRITE');
      expect(one({ type: 'set', value: [b('a'), b('b'), b('a')] }, { encoding })).toBe('ERR_RDB_WRITE');
      const many = Array.from({ length: 300 }, (_, i) => b(`m${i}`));
      expect(one({ type: 'set', value: [...many, b('m7')] }, { encoding })).toBe('ERR_RDB_WRITE');
      for (const n of [5, 9, 40, 256, 257, 1000]) {
        const items = Array.from({ length: n }, (_, i) => b(`x${i}`));
        expect(one({ type: 'set', value: items }, { encoding })).toBeUndefined();
        expect(one({ type: 'set', value: [...items.slice(0, n - 1), b(`x${n >> 1}`)] }, { encoding })).toBe('ERR_RDB_WRITE');
        expect(one({ type: 'hash', value: [...items.map((x) => [x, x] as [Buffer, Buffer]), [b('x0'), b('')]] }, { encoding })).toBe('ERR_RDB_WRITE');
      }
      expect(one({ type: 'hash', value: [[b('f'), b('1')], [b('f'), b('2')]] }, { encoding })).toBe('ERR_RDB_WRITE');
      expect(one({ type: 'zset', value: [[b('m'), 1], [b('m'), 2]] }, { encoding })).toBe('ERR_RDB_WRITE');
      expect(one({ type: 'zset', value: [[b('m'), Number.NaN]] }, { encoding })).toBe('ERR_RDB_WRITE');
      expect(one({ type: 'string', value: 'text' as unknown as Buffer }, { encoding })).toBe('ERR_RDB_WRITE');
      expect(one({ type: 'nope' } as unknown as RdbValue, { encoding })).toBe('ERR_RDB_WRITE');
    }
  });

  it('refuses duplicate keys in a db, non-grouped dbs, dbs out of range, bad expiries and versions', () => {
    expect(codeOf(() => writeRdbToBuffer([str('a', '1'), str('a', '2')], opts))).toBe('ERR_RDB_WRITE');
    expect(codeOf(() => writeRdbToBuffer([str('a', '1'), str('a', '2', { db: 1 })], opts))).toBeUndefined();
    expect(codeOf(() => writeRdbToBuffer([str('a', '1'), str('a', '2')], { ...opts, checkDuplicateKeys: false }))).toBeUndefined();
    expect(codeOf(() => writeRdbToBuffer([str('a', '1'), str('b', '2', { db: 1 }), str('c', '3')], opts))).toBe('ERR_RDB_WRITE');
    expect(codeOf(() => writeRdbToBuffer([str('a', '1', { db: 16 })], opts))).toBe('ERR_RDB_WRITE');
    expect(codeOf(() => writeRdbToBuffer([str('a', '1', { expireAtMs: -5 })], opts))).toBe('ERR_RDB_WRITE');
    expect(codeOf(() => writeRdbToBuffer([str('a', '1', { expireAtMs: 1.5 })], opts))).toBe('ERR_RDB_WRITE');
    expect(codeOf(() => writeRdbToBuffer([], { rdbVersion: 9 }))).toBe('ERR_RDB_WRITE');
    expect(codeOf(() => writeRdbToBuffer([], { rdbVersion: 13 }))).toBe('ERR_RDB_WRITE');
    expect(codeOf(() => writeRdbToBuffer([], { replication: { streamDb: 0, replId: 'short', offset: 0 } }))).toBe('ERR_RDB_WRITE');
  });

  it('refuses inconsistent streams', () => {
    const id = (ms: bigint, seq: bigint) => ({ ms, seq });
    const base = {
      entries: [{ id: id(1n, 1n), fields: [[b('f'), b('v')]] as Array<[Buffer, Buffer]> }],
      length: 1n,
      lastId: id(1n, 1n),
      firstId: id(1n, 1n),
      maxDeletedId: id(0n, 0n),
      entriesAdded: 1n,
      groups: [],
    };
    const st = (over: object) => one({ type: 'stream', value: { ...base, ...over } });
    expect(st({})).toBeUndefined();
    expect(st({ length: 2n })).toBe('ERR_RDB_WRITE');
    expect(st({ lastId: id(0n, 5n) })).toBe('ERR_RDB_WRITE');
    expect(st({ entries: [base.entries[0], base.entries[0]], length: 2n })).toBe('ERR_RDB_WRITE');
    expect(st({ entries: [{ id: id(1n, 1n), fields: [] }] })).toBe('ERR_RDB_WRITE');
    const g = { name: b('g'), lastId: id(1n, 1n), entriesRead: 1n };
    const pel = [{ id: id(1n, 1n), deliveryTime: 1n, deliveryCount: 1n }];
    const c = (name: string, pending = [id(1n, 1n)]) => ({ name: b(name), seenTime: 1n, pending });
    expect(st({ groups: [{ ...g, pel, consumers: [c('a')] }] })).toBeUndefined();
    expect(st({ groups: [{ ...g, pel, consumers: [c('a')] }, { ...g, pel, consumers: [c('a')] }] })).toBe('ERR_RDB_WRITE');
    expect(st({ groups: [{ ...g, pel, consumers: [] }] })).toBe('ERR_RDB_WRITE');
    expect(st({ groups: [{ ...g, pel, consumers: [c('a'), c('b')] }] })).toBe('ERR_RDB_WRITE');
    expect(st({ groups: [{ ...g, pel, consumers: [c('a'), c('a', [])] }] })).toBe('ERR_RDB_WRITE');
    expect(st({ groups: [{ ...g, pel: [], consumers: [c('a')] }] })).toBe('ERR_RDB_WRITE');
    expect(st({ groups: [{ ...g, pel: [...pel, ...pel], consumers: [c('a')] }] })).toBe('ERR_RDB_WRITE');
  });
});

describe('streaming and backpressure', () => {
  function* keys(n: number, pulled: { n: number }): Generator<RdbWriteEntry> {
    for (let i = 0; i < n; i++) {
      pulled.n++;
      yield { key: b(`key:${i}`), value: { type: 'string', value: Buffer.alloc(100, 0x61) } };
    }
  }

  it('yields ~64 KiB chunks and pulls the source only as chunks are consumed', () => {
    const pulled = { n: 0 };
    const it = writeRdbChunks(keys(100000, pulled), opts);
    const first = it.next();
    expect(first.done).toBe(false);
    expect((first.value as Buffer).length).toBeGreaterThan(65536 - 16);
    expect(pulled.n).toBeLessThan(700);
    const sizes = [(first.value as Buffer).length];
    for (let r = it.next(); !r.done; r = it.next()) sizes.push(r.value.length);
    expect(sizes.slice(0, -1).every((s) => s > 65536 - 16 && s <= 65536)).toBe(true);
    expect(pulled.n).toBe(100000);
  });

  it('passes big payloads through without a copy, and the CRC still covers them', () => {
    const big = Buffer.alloc(200000, 0x62);
    const chunks = [...writeRdbChunks([{ key: b('big'), value: { type: 'string', value: big } }], opts)];
    expect(chunks.some((c) => c === big)).toBe(true);
    const all = Buffer.concat(chunks);
    expect(all.readBigUInt64LE(all.length - 8)).toBe(crc64(all.subarray(0, all.length - 8)));
  });

  it('the async writer, the Readable and the sync writer produce the same bytes', async () => {
    const entries = Array.from({ length: 3000 }, (_, i) => str(`k${i}`, `value-${i}`.repeat(i % 7)));
    const sync = writeRdbToBuffer(entries, { ...opts, dbSizes: {} });
    expect(writeRdbToBuffer(entries, opts).includes(Buffer.from([0xfe, 0x00, 0xfb, 0x4b, 0xb8, 0x00]))).toBe(true);
    async function* asyncSource() {
      for (const e of entries) yield e;
    }
    const a: Buffer[] = [];
    for await (const c of createRdbWriter(asyncSource(), opts)) a.push(c);
    expect(Buffer.concat(a).equals(sync)).toBe(true);
    const r: Buffer[] = [];
    for await (const c of createRdbReadable(entries, { ...opts, dbSizes: {} })) r.push(c as Buffer);
    expect(Buffer.concat(r).equals(sync)).toBe(true);
  });
});

describe('zset score text (listpack)', () => {
  it('matches %.17g / Redis d2string', () => {
    expect(zsetScoreText(3)).toBe('3');
    expect(zsetScoreText(-0)).toBe('-0');
    expect(zsetScoreText(2 ** 62)).toBe('4611686018427387904');
    expect(zsetScoreText(Infinity)).toBe('inf');
    expect(zsetScoreText(-Infinity)).toBe('-inf');
    expect(formatG17(1.5)).toBe('1.5');
    expect(formatG17(0.1)).toBe('0.10000000000000001');
    expect(formatG17(1e-5)).toBe('1.0000000000000001e-05');
    expect(formatG17(2 ** 63)).toBe('9.2233720368547758e+18');
    expect(formatG17(123456.789)).toBe('123456.789');
    expect(formatG17(5e-324)).toBe('4.9406564584124654e-324');
    expect(formatG17(-0.0001)).toBe('-0.0001');
    // ties round to even like glibc's printf (JS toPrecision would round them up)
    expect(formatG17(430407570115698 + 0.625)).toBe('430407570115698.62');
    expect(formatG17(74259049682513 + 0.0625)).toBe('74259049682513.062');
    expect(formatG17(1067868268223979 + 0.25)).toBe('1067868268223979.2');
    expect(formatG17(1.7976931348623157e308)).toBe('1.7976931348623157e+308');
    for (const d of [0.1, 1 / 3, 1e300, -2.5e-10, 5e-324, 2 ** 63]) expect(Number(formatG17(d))).toBe(d);
  });
});

describe('KeySet (duplicate-key check)', () => {
  it('is an exact set of binary keys across growth', async () => {
    const { KeySet } = await import('./key-set');
    const s = new KeySet(4);
    for (let i = 0; i < 20000; i++) expect(s.add(Buffer.from(`k${i}`))).toBe(true);
    for (let i = 0; i < 20000; i += 7) expect(s.add(Buffer.from(`k${i}`))).toBe(false);
    expect(s.add(Buffer.alloc(0))).toBe(true);
    expect(s.add(Buffer.alloc(0))).toBe(false);
    expect(s.add(Buffer.from([0]))).toBe(true);
    expect(s.size).toBe(20002);
  });
});

describe('writeRdbFile', () => {
  it('writes through a temporary file: the target appears whole, or not at all on error', async () => {
    const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { writeRdbFile } = await import('./rdb-writer');
    const dir = mkdtempSync(join(tmpdir(), 'replikit-wf-'));
    try {
      const entries = Array.from({ length: 5000 }, (_, i) => str(`k${i}`, 'v'.repeat(50)));
      const stats = await writeRdbFile(join(dir, 'a.rdb'), entries, opts);
      expect(readFileSync(join(dir, 'a.rdb')).equals(writeRdbToBuffer(entries, opts))).toBe(true);
      expect(stats.keys).toBe(5000);
      expect(stats.dbs.get(0)).toBe(5000);
      expect(stats.bytes).toBe(readFileSync(join(dir, 'a.rdb')).length);
      async function* bad() {
        for (const e of entries) yield e;
        yield entries[0];
      }
      await expect(writeRdbFile(join(dir, 'b.rdb'), bad(), opts)).rejects.toMatchObject({ code: 'ERR_RDB_WRITE' });
      expect(readdirSync(dir)).toEqual(['a.rdb']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
