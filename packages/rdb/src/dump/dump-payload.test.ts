import { crc64 } from '../codec/crc64';
import type { RdbValue } from '../model';
import { everyEncodingDataset } from '../writer/testing/datasets';
import { normalizeValue } from '../writer/testing/redis-values';
import { createDumpPayload, parseDumpPayload, verifyDumpPayload } from './dump-payload';

const b = (s: string) => Buffer.from(s);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('createDumpPayload', () => {
  it('produces type + value + LE version + LE CRC64, like Redis 7.0 (DUMP of SET foo bar)', () => {
    const p = createDumpPayload({ type: 'string', value: b('bar') });
    // redis-cli DUMP foo after SET foo bar: "\x00\x03bar\n\x00" + CRC
    expect(p.subarray(0, 7).toString('hex')).toBe('0003626172' + '0a00');
    expect(p.readBigUInt64LE(7)).toBe(crc64(p.subarray(0, 7)));
    expect(verifyDumpPayload(p)).toEqual({ typeId: 0, rdbVersion: 10 });
  });

  it('round-trips every value of the every-encoding dataset, both encodings, with and without LZF', () => {
    for (const e of everyEncodingDataset()) {
      for (const encoding of ['plain', 'compact'] as const) {
        for (const compress of [false, true]) {
          const p = createDumpPayload(e.value, { encoding, compress });
          expect(normalizeValue(parseDumpPayload(p))).toEqual(normalizeValue(e.value));
        }
      }
    }
  });

  it('refuses what the writer refuses (typed ERR_RDB_WRITE)', () => {
    expect(codeOf(() => createDumpPayload({ type: 'set', value: [] }))).toBe('ERR_RDB_WRITE');
    expect(codeOf(() => createDumpPayload({ type: 'hash', value: [[b('a'), b('1')], [b('a'), b('2')]] }))).toBe('ERR_RDB_WRITE');
    expect(codeOf(() => createDumpPayload({ type: 'string', value: b('x') }, { rdbVersion: 9 }))).toBe('ERR_RDB_WRITE');
  });
});

describe('parseDumpPayload', () => {
  const good = createDumpPayload({ type: 'list', value: [b('a'), b('b')] });

  it('rejects short payloads, newer versions and bad checksums with ERR_RDB_DUMP_PAYLOAD', () => {
    expect(codeOf(() => parseDumpPayload(good.subarray(0, 9)))).toBe('ERR_RDB_DUMP_PAYLOAD');
    const v11 = createDumpPayload({ type: 'string', value: b('x') }, { rdbVersion: 11 });
    expect(codeOf(() => parseDumpPayload(v11))).toBe('ERR_RDB_DUMP_PAYLOAD');
    expect(normalizeValue(parseDumpPayload(v11, { maxRdbVersion: 12 }))).toEqual({ string: b('x').toString('hex') });
    for (let i = 0; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i] ^= 0x10;
      const code = codeOf(() => parseDumpPayload(bad));
      // a flip in the version byte can also make the version too new; everything else is a checksum error
      expect(code).toBe('ERR_RDB_DUMP_PAYLOAD');
    }
    const zeroCrc = Buffer.from(good);
    zeroCrc.fill(0, zeroCrc.length - 8);
    expect(codeOf(() => parseDumpPayload(zeroCrc))).toBe('ERR_RDB_DUMP_PAYLOAD');
  });

  it('with a valid footer, a bad value is the reader error (ERR_RDB_CORRUPT / ERR_RDB_UNSUPPORTED_TYPE)', () => {
    const withFooter = (body: Buffer) => {
      const head = Buffer.concat([body, Buffer.from([10, 0])]);
      const crc = Buffer.alloc(8);
      crc.writeBigUInt64LE(crc64(head));
      return Buffer.concat([head, crc]);
    };
    expect(codeOf(() => parseDumpPayload(withFooter(Buffer.from([0x00, 0x05, 0x61]))))).toMatch(/ERR_RDB_(CORRUPT|TRUNCATED)/);
    expect(codeOf(() => parseDumpPayload(withFooter(Buffer.from([0x00, 0x01, 0x61, 0x62]))))).toBe('ERR_RDB_CORRUPT');
    expect(codeOf(() => parseDumpPayload(withFooter(Buffer.from([0x2a, 0x00]))))).toMatch(/ERR_RDB_(UNSUPPORTED_TYPE|CORRUPT)/);
    expect(codeOf(() => parseDumpPayload(withFooter(Buffer.alloc(0))))).toBe('ERR_RDB_CORRUPT');
    const v: RdbValue = parseDumpPayload(withFooter(Buffer.from([0x00, 0xc0, 0x7b])));
    expect(v).toEqual({ type: 'string', value: b('123') });
  });
});
