import fc from 'fast-check';
import RedisParser from 'redis-parser';
import { encodeCommand, encodeCommandToBuffer } from './encode-command';
import { encodeReply, ReplyEncoder } from './encode-reply';
import { formatDouble } from './format-double';
import {
  BigNumberReply,
  BooleanReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  OK,
  PushReply,
  SetReply,
  SimpleString,
  VerbatimReply,
  type RespValue,
} from './reply-types';
import { RequestDecoder } from './request-decoder';
import { readReply } from './testing/resp3';

const latin1 = (b: Buffer) => b.toString('latin1');

describe('encodeCommand', () => {
  it('passes Buffer arguments through uncopied and shares one Buffer for the rest', () => {
    const payload = Buffer.from('hello world');
    const chunks = encodeCommand(['SET', 'key', payload]);
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(payload);
    expect(chunks[2].toString()).toBe('\r\n');
    const middle = encodeCommand(['SET', payload, 'x']);
    expect(middle).toHaveLength(3);
    expect(middle[1]).toBe(payload);
    expect(middle[0].buffer).toBe(middle[2].buffer);
    expect(Buffer.concat(middle).toString()).toBe('*3\r\n$3\r\nSET\r\n$11\r\nhello world\r\n$1\r\nx\r\n');
    expect(latin1(Buffer.concat(chunks))).toBe('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$11\r\nhello world\r\n');
    expect(encodeCommandToBuffer(['SET', 'key', payload])).toEqual(Buffer.concat(chunks));
    expect(encodeCommand([])).toEqual([Buffer.from('*0\r\n')]);
  });

  it('writes strings as UTF-8 by default and as latin1 (binary strings) on request', () => {
    expect(latin1(encodeCommandToBuffer(['é']))).toBe('*1\r\n$2\r\n\xc3\xa9\r\n');
    expect(latin1(encodeCommandToBuffer(['\xe9\xff'], 'latin1'))).toBe('*1\r\n$2\r\n\xe9\xff\r\n');
  });

  it('round-trips through the RequestDecoder (property)', () => {
    const arg = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    );
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 8 }), fc.constantFrom('utf8' as const, 'latin1' as const), (argv, enc) => {
        const d = new RequestDecoder();
        for (const c of encodeCommand(argv, enc)) d.write(c);
        const expected = argv.map((a) => (typeof a === 'string' ? latin1(Buffer.from(a, enc)) : latin1(a)));
        expect(d.next()).toEqual(expected);
        expect(d.bufferedBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodeReply', () => {
  const cases: Array<[string, RespValue, string, string]> = [
    ['simple string', OK, '+OK\r\n', '+OK\r\n'],
    ['error', new ErrorReply('ERR bad\r\nthing'), '-ERR bad  thing\r\n', '-ERR bad  thing\r\n'],
    ['bulk (binary string)', 'a\xff\r\n', '$4\r\na\xff\r\n\r\n', '$4\r\na\xff\r\n\r\n'],
    ['bulk (Buffer)', Buffer.from([0, 1]), '$2\r\n\x00\x01\r\n', '$2\r\n\x00\x01\r\n'],
    ['empty bulk', '', '$0\r\n\r\n', '$0\r\n\r\n'],
    ['null', null, '$-1\r\n', '_\r\n'],
    ['null array', NULL_ARRAY, '*-1\r\n', '_\r\n'],
    ['integer', 42, ':42\r\n', ':42\r\n'],
    ['negative integer', -7, ':-7\r\n', ':-7\r\n'],
    ['bigint', -9223372036854775808n, ':-9223372036854775808\r\n', ':-9223372036854775808\r\n'],
    ['double', new DoubleReply(1.5), '$3\r\n1.5\r\n', ',1.5\r\n'],
    ['double 0.1', new DoubleReply(0.1), '$19\r\n0.10000000000000001\r\n', ',0.10000000000000001\r\n'],
    ['double inf', new DoubleReply(Number.POSITIVE_INFINITY), '$3\r\ninf\r\n', ',inf\r\n'],
    ['double -inf', new DoubleReply(Number.NEGATIVE_INFINITY), '$4\r\n-inf\r\n', ',-inf\r\n'],
    ['boolean', new BooleanReply(true), ':1\r\n', '#t\r\n'],
    ['boolean false', new BooleanReply(false), ':0\r\n', '#f\r\n'],
    ['big number', new BigNumberReply(12345678901234567890n), '$20\r\n12345678901234567890\r\n', '(12345678901234567890\r\n'],
    ['verbatim', new VerbatimReply('txt', 'hi'), '$2\r\nhi\r\n', '=6\r\ntxt:hi\r\n'],
    ['verbatim short format', new VerbatimReply('md', Buffer.from('x')), '$1\r\nx\r\n', '=5\r\nmd :x\r\n'],
    ['array', ['a', 1, null], '*3\r\n$1\r\na\r\n:1\r\n$-1\r\n', '*3\r\n$1\r\na\r\n:1\r\n_\r\n'],
    ['empty array', [], '*0\r\n', '*0\r\n'],
    ['map', new MapReply([['f', 'v'], ['n', 2]]), '*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nn\r\n:2\r\n', '%2\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nn\r\n:2\r\n'],
    ['set', new SetReply(['x']), '*1\r\n$1\r\nx\r\n', '~1\r\n$1\r\nx\r\n'],
    ['push', new PushReply(['message', 'ch', 'hi']), '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n'],
    ['nested', [[[]], new MapReply([[['k'], new SetReply([])]])], '*2\r\n*1\r\n*0\r\n*2\r\n*1\r\n$1\r\nk\r\n*0\r\n', '*2\r\n*1\r\n*0\r\n%1\r\n*1\r\n$1\r\nk\r\n~0\r\n'],
  ];
  it.each(cases)('%s', (_name, value, resp2, resp3) => {
    expect(latin1(encodeReply(value))).toBe(resp2);
    expect(latin1(encodeReply(value, 2))).toBe(resp2);
    expect(latin1(encodeReply(value, 3))).toBe(resp3);
  });

  it('refuses values without an encoding, leaving nothing half-written', () => {
    const enc = new ReplyEncoder();
    enc.push('before');
    expect(() => enc.push(['a', 1.5 as RespValue])).toThrow(expect.objectContaining({ code: 'ERR_RESP_ENCODE' }));
    expect(() => enc.push({} as RespValue)).toThrow(expect.objectContaining({ code: 'ERR_RESP_ENCODE' }));
    enc.push('after');
    expect(latin1(enc.flush()!)).toBe('$6\r\nbefore\r\n$5\r\nafter\r\n');
  });

  it('encodes a deeply nested reply without recursion', () => {
    let v: RespValue = 'x';
    for (let i = 0; i < 100_000; i++) v = [v];
    const out = encodeReply(v);
    expect(out.length).toBe(100_000 * 4 + 7);
  });

  it('RESP2 output round-trips through redis-parser (property)', () => {
    const leaf = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) }),
      fc.integer(),
      fc.constant(null),
    );
    const value = fc.letrec<{ v: RespValue }>((tie) => ({ v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 })) }));
    fc.assert(
      fc.property(value.v, (v) => {
        const got: unknown[] = [];
        const p = new RedisParser({ returnBuffers: true, returnReply: (r: unknown) => got.push(r), returnError: (e: Error) => got.push(e) });
        p.execute(encodeReply(v));
        const norm = (x: unknown): unknown => (Buffer.isBuffer(x) ? latin1(x) : Array.isArray(x) ? x.map(norm) : x);
        expect(got.map(norm)).toEqual([v]);
      }),
      { numRuns: 300 },
    );
  });

  it('RESP3 output parses back to the same structure', () => {
    const v = new MapReply([['a', new SetReply([new DoubleReply(2.5), new BooleanReply(false)])], ['b', new PushReply([null])]]);
    const r = readReply(encodeReply(v, 3));
    expect(r?.value).toEqual({
      t: 'map',
      v: [
        { t: 'bulk', v: 'a' },
        { t: 'set', v: [{ t: 'double', v: '2.5' }, { t: 'bool', v: false }] },
        { t: 'bulk', v: 'b' },
        { t: 'push', v: [{ t: 'null' }] },
      ],
    });
  });
});

describe('ReplyEncoder', () => {
  it('accumulates pipelined replies into one buffer; flushed memory is never rewritten', () => {
    const enc = new ReplyEncoder({ bufferSize: 64 });
    enc.push(OK);
    enc.push(42);
    const first = enc.flush()!;
    expect(latin1(first)).toBe('+OK\r\n:42\r\n');
    expect(enc.flush()).toBeNull();
    for (let i = 0; i < 50; i++) enc.push(`value-${i}`);
    expect(latin1(first)).toBe('+OK\r\n:42\r\n');
    const second = enc.flush()!;
    expect(latin1(second)).toBe(Array.from({ length: 50 }, (_, i) => latin1(encodeReply(`value-${i}`))).join(''));
  });

  it('status replies: the same object again, a new one, and one whose text needs sanitizing', () => {
    const enc = new ReplyEncoder({ bufferSize: 16 });
    const queued = new SimpleString('QUEUED');
    const broken = new SimpleString('a\r\nb');
    for (const v of [OK, OK, queued, broken, OK, broken, queued]) enc.push(v);
    expect(Buffer.concat(enc.flushChunks()).toString('latin1')).toBe('+OK\r\n+OK\r\n+QUEUED\r\n+a  b\r\n+OK\r\n+a  b\r\n+QUEUED\r\n');
  });

  it('passes large Buffer payloads through as their own chunk', () => {
    const big = Buffer.alloc(20_000, 1);
    const enc = new ReplyEncoder();
    enc.push(['a', big, 'b']);
    expect(enc.pendingBytes).toBe(encodeReply(['a', big, 'b']).length);
    const chunks = enc.flushChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    expect(Buffer.concat(chunks)).toEqual(encodeReply(['a', big, 'b']));
    enc.push(big);
    expect(enc.flush()).toEqual(encodeReply(big));
  });
});

describe('formatDouble (%.17g as glibc)', () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-2.5, '-2.5'],
    [0.1, '0.10000000000000001'],
    [1 / 3, '0.33333333333333331'],
    [1e17, '1e+17'],
    [1e16, '10000000000000000'],
    [Number('123456789012345678'), '1.2345678901234568e+17'],
    [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'],
    [5e-324, '4.9406564584124654e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Number('1234567890123456.25'), '1234567890123456.2'],
    [Number('1234567890123456.75'), '1234567890123456.8'],
    [1 + 2 ** -17, '1.0000076293945312'],
    [2 ** -25, '2.9802322387695312e-08'],
    [1 + 3 * 2 ** -17, '1.0000228881835938'],
    [Number.NaN, 'nan'],
  ])('%p -> %s', (d, s) => {
    expect(formatDouble(d)).toBe(s);
  });
});
