import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc64 } from '../codec/crc64';
import { encodeListpack } from '../codec/listpack';
import { RdbReader } from './rdb-reader';
import { decodeValue, rdbTypeName } from './decode-value';
import { readRdbBuffer } from './read-rdb';
import { len, rawStr, rdbFile, str } from './testing/legacy-builders';

const fixture = readFileSync(join(__dirname, '..', '..', 'fixtures', 'redis-7.0-small.rdb'));
const T = (n: number) => Buffer.from([n]);
const err = (code: string, extra: Record<string, unknown> = {}) => expect.objectContaining({ code, ...extra });

describe('header', () => {
  test('bad magic and versions', () => {
    expect(() => readRdbBuffer(Buffer.from('RIDES0010\xff', 'latin1'))).toThrow(err('ERR_RDB_UNSUPPORTED_VERSION', { offset: 0 }));
    expect(() => readRdbBuffer(Buffer.from('REDIS001x\xff', 'latin1'))).toThrow(err('ERR_RDB_UNSUPPORTED_VERSION', { offset: 5 }));
    expect(() => readRdbBuffer(rdbFile(13, []))).toThrow(err('ERR_RDB_UNSUPPORTED_VERSION', { version: 13 }));
    expect(() => readRdbBuffer(Buffer.from('REDIS0000\xff', 'latin1'))).toThrow(err('ERR_RDB_UNSUPPORTED_VERSION'));
  });

  test('every version 1..12 is accepted; < 5 has no checksum', () => {
    for (let v = 1; v <= 12; v++) {
      const f = readRdbBuffer(rdbFile(v, [T(0), str('k'), str('v')]));
      expect(f.version).toBe(v);
      expect(f.entries).toHaveLength(1);
      expect(f.info.checksumVerified).toBe(v >= 5);
    }
  });
});

describe('checksum', () => {
  test('a mismatch is ERR_RDB_CHECKSUM at the checksum offset', () => {
    const bad = Buffer.from(fixture);
    bad[bad.length - 1] ^= 0x40;
    expect(() => readRdbBuffer(bad)).toThrow(err('ERR_RDB_CHECKSUM', { offset: bad.length - 8 }));
    expect(readRdbBuffer(bad, { verifyChecksum: false }).entries.length).toBe(11);
  });

  test('a zero checksum is accepted', () => {
    const zero = Buffer.from(fixture);
    zero.fill(0, zero.length - 8);
    const f = readRdbBuffer(zero);
    expect(f.info.checksumVerified).toBe(false);
    expect(f.info.checksum).toBe(0n);
  });

  test('the checksum covers the body: a flipped value byte is caught', () => {
    const f = rdbFile(10, [T(0), str('k'), str('value')]);
    f[f.length - 10] ^= 1; // inside "value"
    expect(() => readRdbBuffer(f)).toThrow(err('ERR_RDB_CHECKSUM'));
    expect(crc64(Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can);
  });
});

describe('truncation', () => {
  test('every prefix is ERR_RDB_TRUNCATED with an offset inside the input', () => {
    for (let cut = 0; cut < fixture.length; cut++) {
      let e: unknown;
      try {
        readRdbBuffer(fixture.subarray(0, cut));
      } catch (x) {
        e = x;
      }
      expect(e).toEqual(err('ERR_RDB_TRUNCATED'));
      expect((e as { offset: number }).offset).toBeLessThanOrEqual(cut);
    }
  });

  test('streaming: truncation surfaces at end()', () => {
    const r = new RdbReader({});
    r.write(fixture.subarray(0, 100));
    expect(() => r.end()).toThrow(err('ERR_RDB_TRUNCATED'));
    expect(() => r.write(Buffer.from([1]))).toThrow(err('ERR_RDB_TRUNCATED'));
  });

  test('trailing bytes after the checksum are counted, not parsed', () => {
    const f = readRdbBuffer(Buffer.concat([fixture, Buffer.from('junk')]));
    expect(f.info.trailingBytes).toBe(4);
    expect(f.info.bytes).toBe(fixture.length);
  });
});

describe('types', () => {
  test.each([22, 23, 24, 25, 6, 8, 100])('type %d is ERR_RDB_UNSUPPORTED_TYPE naming it', (t) => {
    const f = rdbFile(12, [T(0xfe), len(0), T(t), str('key'), len(1), str('x')]);
    let e: unknown;
    try {
      readRdbBuffer(f);
    } catch (x) {
      e = x;
    }
    expect(e).toEqual(err('ERR_RDB_UNSUPPORTED_TYPE', { typeId: t }));
    expect((e as Error).message).toContain(`type ${t}`);
    if (t >= 22) expect((e as Error).message).toContain(rdbTypeName(t));
  });

  test('empty collections are skipped like Redis does', () => {
    const f = readRdbBuffer(rdbFile(10, [T(1), str('empty'), len(0), T(18), str('q'), len(1), len(2), rawStr(encodeListpack([])), T(0), str('k'), str('v')]));
    expect(f.entries.map((e) => e.key.toString())).toEqual(['k']);
    expect(f.info.emptyKeysSkipped).toBe(2);
  });

  test.each([
    ['duplicate set member', [T(2), str('s'), len(2), str('a'), str('a')]],
    ['duplicate hash field', [T(4), str('h'), len(2), str('f'), str('1'), str('f'), str('2')]],
    ['NaN zset score (text)', [T(3), str('z'), len(1), str('m'), T(253)]],
    ['unknown opcode-like type', [T(0xf3 + 0), str('k')]],
    ['bad quicklist container', [T(18), str('q'), len(1), len(3), str('x')]],
    ['listpack with an odd hash', [T(16), str('h'), rawStr(encodeListpack([Buffer.from('f')]))]],
    ['string encoding where a length is expected', [T(1), str('l'), T(0xc0)]],
  ])('%s is ERR_RDB_CORRUPT or ERR_RDB_UNSUPPORTED_TYPE', (_name, body) => {
    expect(() => readRdbBuffer(rdbFile(10, body as Buffer[]))).toThrow(expect.objectContaining({ code: expect.stringMatching(/ERR_RDB_(CORRUPT|UNSUPPORTED_TYPE)/) }));
  });
});

describe('limits', () => {
  test('string, collection and record limits', () => {
    const big = rdbFile(10, [T(0), str('k'), str('x'.repeat(1000))]);
    expect(() => readRdbBuffer(big, { limits: { maxStringLength: 999 } })).toThrow(err('ERR_RDB_LIMIT', { limitName: 'string length' }));
    const list = rdbFile(10, [T(1), str('l'), len(3), str('a'), str('b'), str('c')]);
    expect(() => readRdbBuffer(list, { limits: { maxCollectionLength: 2 } })).toThrow(err('ERR_RDB_LIMIT'));
    const r = new RdbReader({}, { limits: { maxRecordBytes: 500 } });
    expect(() => {
      r.write(big.subarray(0, 20));
      r.write(big.subarray(20, 600));
    }).toThrow(err('ERR_RDB_LIMIT', { limitName: 'record bytes' }));
  });

  test('a huge declared length never allocates: it waits, then is truncated', () => {
    const r = new RdbReader({});
    const head = Buffer.concat([Buffer.from('REDIS0010'), T(0), str('k'), Buffer.from([0x80, 0x1f, 0xff, 0xff, 0xff])]);
    r.write(head);
    expect(() => r.end()).toThrow(err('ERR_RDB_TRUNCATED'));
    // with a known total size it fails at once
    const r2 = new RdbReader({}, { totalBytes: 100 });
    expect(() => r2.write(head)).toThrow(err('ERR_RDB_TRUNCATED'));
  });

  test('complete input bounds counts by the bytes left', () => {
    expect(() => readRdbBuffer(rdbFile(10, [T(1), str('l'), len(1_000_000), str('a')]))).toThrow(err('ERR_RDB_TRUNCATED'));
  });
});

test('duplicates inside listpacks are checked only with checkDuplicates: all (like sanitize-dump-payload)', () => {
  const f = rdbFile(10, [T(16), str('h'), rawStr(encodeListpack(['f', '1', 'f', '2'].map((x) => Buffer.from(x))))]);
  expect(readRdbBuffer(f).entries).toHaveLength(1);
  expect(() => readRdbBuffer(f, { checkDuplicates: 'all' })).toThrow(err('ERR_RDB_CORRUPT'));
  const plain = rdbFile(10, [T(2), str('s'), len(2), str('a'), str('a')]);
  expect(readRdbBuffer(plain, { checkDuplicates: false }).entries).toHaveLength(1);
});

test('the pre-release FUNCTION opcode is refused (redis-server 7.0.15 cannot load it either: function-pre-ga.redis.test.ts)', () => {
  const f = rdbFile(10, [T(0xf6), str('lib'), str('LUA'), len(0), str('return 1')]);
  expect(() => readRdbBuffer(f)).toThrow(err('ERR_RDB_UNSUPPORTED_TYPE', { typeId: 0xf6 }));
});

test('a SELECTDB beyond `databases` is ERR_RDB_CORRUPT', () => {
  const f = rdbFile(10, [T(0xfe), len(16), T(0), str('k'), str('v')]);
  expect(() => readRdbBuffer(f, { databases: 16 })).toThrow(err('ERR_RDB_CORRUPT'));
  expect(readRdbBuffer(f).entries[0].db).toBe(16);
});

describe('handler errors', () => {
  test('propagate untouched and stop the reader', () => {
    const boom = new TypeError('boom');
    const r = new RdbReader({
      entry: () => {
        throw boom;
      },
    });
    expect(() => r.write(fixture)).toThrow(boom);
    expect(() => r.write(Buffer.alloc(1))).toThrow(boom);
  });
});

describe('decodeValue', () => {
  test('one value from a complete payload', () => {
    const v = decodeValue(16, rawStr(encodeListpack([Buffer.from('f'), Buffer.from('12')])), 10);
    expect(v).toEqual({ type: 'hash', value: [[Buffer.from('f'), Buffer.from('12')]] });
    expect(decodeValue(0, str('123'), 10)).toEqual({ type: 'string', value: Buffer.from('123') });
  });

  test('trailing bytes, truncation and empties are errors', () => {
    expect(() => decodeValue(0, Buffer.concat([str('abc'), T(0)]), 10)).toThrow(err('ERR_RDB_CORRUPT', { offset: 4 }));
    expect(() => decodeValue(0, Buffer.from([5, 97]), 10)).toThrow(err('ERR_RDB_TRUNCATED'));
    expect(() => decodeValue(1, len(0), 10)).toThrow(err('ERR_RDB_CORRUPT'));
    expect(() => decodeValue(24, len(0), 12)).toThrow(err('ERR_RDB_UNSUPPORTED_TYPE'));
  });
});
