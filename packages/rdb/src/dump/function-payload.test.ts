import { crc64 } from '../codec/crc64';
import { encodeLength } from '../codec/length';
import { lzfDecompress } from '../codec/lzf';
import { lzfCompressExact } from '../codec/lzf-exact';
import { readRdbBuffer } from '../reader/read-rdb';
import { writeRdbToBuffer } from '../writer/rdb-writer';
import { createFunctionDumpPayload, parseFunctionDumpPayload } from './function-payload';

const A = Buffer.from("#!lua name=alib\nredis.register_function('fa', function() return 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' end)");
const B = Buffer.from('#!lua name=b\n');

/** body + version 10 + a correct CRC64 */
function seal(body: Buffer, version = 10): Buffer {
  const head = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(head));
  return Buffer.concat([head, crc]);
}

const str = (s: string | Buffer) => Buffer.concat([encodeLength(Buffer.byteLength(s)), Buffer.from(s)]);

describe('FUNCTION DUMP / RESTORE payloads', () => {
  it('round-trips library sources; records are those of an RDB file (LZF under compression)', () => {
    for (const compress of [true, false]) {
      const p = createFunctionDumpPayload([A, B], { compress });
      expect(parseFunctionDumpPayload(p)).toEqual({ ok: true, sources: [A, B], rdbVersion: 10 });
      const rdb = writeRdbToBuffer([], { functions: [A, B], compress });
      const header = rdb.indexOf(0xf5);
      // the records are the same bytes as in the RDB, between its aux fields and its EOF opcode
      expect(p.subarray(0, p.length - 10)).toEqual(rdb.subarray(header, rdb.length - 9));
      expect(readRdbBuffer(rdb).functions).toEqual([A, B]);
    }
    expect(createFunctionDumpPayload([A], { compress: true }).length).toBeLessThan(createFunctionDumpPayload([A], { compress: false }).length);
  });

  it('no libraries: the 10-byte footer alone, accepted', () => {
    const p = createFunctionDumpPayload([]);
    expect(p.length).toBe(10);
    expect(parseFunctionDumpPayload(p)).toEqual({ ok: true, sources: [], rdbVersion: 10 });
  });

  it("refuses a bad footer, a version above 10, a record that is not a function, a truncated string, with Redis's texts", () => {
    const good = createFunctionDumpPayload([B]);
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 1;
    const wrong = { ok: false, reason: 'DUMP payload version or checksum are wrong' };
    expect(parseFunctionDumpPayload(bad)).toEqual(wrong);
    expect(parseFunctionDumpPayload(bad, { skipChecksum: true }).ok).toBe(true);
    expect(parseFunctionDumpPayload(Buffer.alloc(9))).toEqual(wrong);
    expect(parseFunctionDumpPayload(seal(Buffer.concat([Buffer.from([0xf5]), str(B)]), 11))).toEqual(wrong);
    expect(parseFunctionDumpPayload(seal(Buffer.concat([Buffer.from([0x00]), str('k'), str('v')])))).toEqual({ ok: false, reason: 'given type is not a function' });
    // a length running past the end (footer included) cannot be read
    expect(parseFunctionDumpPayload(seal(Buffer.from([0xf5, 0x3f, 0x41])))).toEqual({ ok: false, reason: 'Failed loading library payload' });
  });

  it('reads the pre-release 0xF6 record as `#!<engine> name=<name>\\n<code>` (description dropped)', () => {
    const code = "redis.register_function('f', function() return 1 end)";
    for (const desc of [[0], [1, ...str('about it')]]) {
      const body = Buffer.concat([Buffer.from([0xf6]), str('old'), str('LUA'), Buffer.from(desc), str(code)]);
      expect(parseFunctionDumpPayload(seal(body))).toEqual({ ok: true, sources: [Buffer.from(`#!LUA name=old\n${code}`)], rdbVersion: 10 });
    }
    expect(parseFunctionDumpPayload(seal(Buffer.concat([Buffer.from([0xf6]), str('old')])))).toEqual({ ok: false, reason: 'Failed loading engine name' });
  });
});

describe('lzfCompressExact', () => {
  it('decompresses back to its input for repetitive, text and random data, and gives up where liblzf does', () => {
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 16;
    };
    const inputs: Buffer[] = [Buffer.alloc(1000, 0x61), Buffer.from('ab'.repeat(300)), A, Buffer.from(A.toString().repeat(40))];
    for (let i = 0; i < 50; i++) {
      const words = ['redis', 'call', 'function', 'keys', 'args', 'local', 'return', 'end', ' ', '\n', '(', ')'];
      inputs.push(Buffer.from(Array.from({ length: 20 + (rnd() % 400) }, () => words[rnd() % words.length]).join('')));
      inputs.push(Buffer.from(Array.from({ length: 21 + (rnd() % 300) }, () => rnd() & 0xff)));
    }
    let compressed = 0;
    for (const input of inputs) {
      const c = lzfCompressExact(input, input.length - 4);
      if (c === null) continue;
      compressed++;
      expect(c.length).toBeLessThanOrEqual(input.length - 4);
      expect(lzfDecompress(c, input.length)).toEqual(input);
    }
    expect(compressed).toBeGreaterThan(50);
    expect(lzfCompressExact(Buffer.from(Array.from({ length: 200 }, () => rnd() & 0xff)), 196)).toBeNull();
  });
});
