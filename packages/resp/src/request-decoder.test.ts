import fc from 'fast-check';
import { RequestDecoder, type RequestDecoderOptions } from './request-decoder';
import { errorCases, validCases } from './testing/decoder-cases';
import { bin, bytewise, feed, splitAt, type DecodeOutcome } from './testing/feed';

/** Decodes `input` whole, byte by byte, and with random cuts; all must agree. */
function decodeEveryWay(input: Buffer, options?: RequestDecoderOptions, runs = 40): DecodeOutcome {
  const whole = feed(new RequestDecoder(options), [input]);
  expect(feed(new RequestDecoder(options), bytewise(input))).toEqual(whole);
  fc.assert(
    fc.property(fc.array(fc.nat(input.length), { maxLength: 12 }), (cuts) => {
      expect(feed(new RequestDecoder(options), splitAt(input, cuts))).toEqual(whole);
    }),
    { numRuns: runs },
  );
  return whole;
}

describe('RequestDecoder: valid input (whole, byte by byte, re-chunked)', () => {
  for (const c of validCases) {
    it(c.name, () => {
      const out = decodeEveryWay(bin(c.input));
      expect(out.error).toBeNull();
      expect(out.commands).toEqual(c.commands);
      expect(out.emptyLines).toBe(c.emptyLines ?? 0);
    });
  }

  it('lastCommandBytes adds up to every consumed byte (skipped bytes count with the next command)', () => {
    const input = bin('\n*0\r\n*1\r\n$4\r\nPING\r\nPING\r\n\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n');
    const out = decodeEveryWay(input);
    expect(out.bytes).toEqual([1 + 4 + 14, 6, 2 + 21]);
    expect(out.bytes.reduce((a, b) => a + b, 0)).toBe(input.length);
  });

  it('reports buffered and consumed bytes', () => {
    const d = new RequestDecoder();
    d.write(bin('*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPI'));
    expect(d.next()).toEqual(['PING']);
    expect(d.next()).toBeUndefined();
    // the complete headers and arguments of a partial command are consumed (held as strings)
    expect(d.consumedBytes).toBe(22);
    expect(d.bufferedBytes).toBe(2);
    d.write(bin('NG\r\n'));
    expect(d.next()).toEqual(['PING']);
    expect(d.bufferedBytes).toBe(0);
    expect(d.consumedBytes).toBe(28);
  });

  it('decodes a 3 MB argument fed in 1 KiB chunks without holding the chunks', () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const input = Buffer.concat([bin(`*2\r\n$3\r\nSET\r\n$${payload.length}\r\n`), payload, bin('\r\n')]);
    const chunks = splitAt(input, Array.from({ length: Math.ceil(input.length / 1024) }, (_, i) => i * 1024));
    const out = feed(new RequestDecoder(), chunks);
    expect(out.commands).toHaveLength(1);
    expect(out.commands[0][1].length).toBe(payload.length);
  });

  it('a long pipeline cut into chunks of any size decodes identically (pending bytes stitched to the next chunk)', () => {
    const parts: Buffer[] = [];
    const expected: string[][] = [];
    for (let i = 0; i < 1200; i++) {
      const v = 'v'.repeat((i * 37) % 700) + String.fromCharCode(i % 256);
      if (i % 50 === 7) {
        parts.push(bin(`ECHO ${i}\r\n\n`));
        expected.push(['ECHO', String(i)]);
      } else if (i % 500 === 3) {
        const big = 'b'.repeat(40_000);
        parts.push(bin(`*2\r\n$3\r\nBIG\r\n$${big.length}\r\n${big}\r\n`));
        expected.push(['BIG', big]);
      } else {
        parts.push(bin(`*3\r\n$3\r\nSET\r\n$${String(i).length}\r\n${i}\r\n$${v.length}\r\n${v}\r\n`));
        expected.push(['SET', String(i), v]);
      }
    }
    const input = Buffer.concat(parts);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70_000 }), fc.array(fc.nat(input.length), { maxLength: 200 }), (size, extra) => {
        const cuts = [...extra];
        for (let p = size; p < input.length; p += size) cuts.push(p);
        const out = feed(new RequestDecoder(), splitAt(input, cuts));
        expect(out.error).toBeNull();
        expect(out.commands).toEqual(expected);
        expect(out.bytes.reduce((a, b) => a + b, 0)).toBe(input.length);
      }),
      { numRuns: 15 },
    );
  });

  it('several writes between next() calls (stitched chunk not yet resolved)', () => {
    const one = bin('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$600\r\n' + 'x'.repeat(600) + '\r\nPING\r\n');
    const input = Buffer.concat(Array.from({ length: 200 }, () => one));
    fc.assert(
      fc.property(fc.integer({ min: 600, max: 3000 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), (size, drains) => {
        const d = new RequestDecoder();
        const got: string[][] = [];
        let i = 0;
        for (let p = 0; p < input.length; p += size, i++) {
          d.write(input.subarray(p, Math.min(input.length, p + size)));
          if (drains[i % drains.length]) for (let a = d.next(); a !== undefined; a = d.next()) got.push(a);
        }
        for (let a = d.next(); a !== undefined; a = d.next()) got.push(a);
        expect(got).toHaveLength(400);
        expect(got[398]).toEqual(['SET', 'key', 'x'.repeat(600)]);
        expect(d.bufferedBytes).toBe(0);
        expect(d.consumedBytes).toBe(input.length);
      }),
      { numRuns: 30 },
    );
  });

  it('does not re-scan a long incomplete inline line fed byte by byte (linear time)', () => {
    const d = new RequestDecoder();
    const one = Buffer.from('a');
    for (let i = 0; i < 65536; i++) {
      d.write(one);
      expect(d.next()).toBeUndefined();
    }
    d.write(bin('\n'));
    expect(d.next()?.[0].length).toBe(65536);
  });

  it('reset() drops state and a sticky error', () => {
    const d = new RequestDecoder();
    d.write(bin('*1\r\n$x\r\n'));
    expect(() => d.next()).toThrow('invalid bulk length');
    expect(() => d.next()).toThrow('invalid bulk length');
    d.reset();
    d.write(bin('PING\r\n'));
    expect(d.next()).toEqual(['PING']);
  });
});

describe('RequestDecoder: malformed input gives Redis error texts (every chunking)', () => {
  for (const c of errorCases) {
    it(c.name, () => {
      const out = decodeEveryWay(bin(c.input));
      expect(out.commands).toEqual(c.commands);
      expect(out.error?.replyText).toBe(c.replyText);
      expect(out.error?.silent).toBe(false);
    });
  }

  it('errors carry code, reason and offset', () => {
    const d = new RequestDecoder();
    d.write(bin('PING\r\n*1\r\nxx\r\n'));
    expect(d.next()).toEqual(['PING']);
    let err: unknown;
    try {
      d.next();
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'ERR_RESP_PROTOCOL',
      name: 'RespProtocolError',
      reason: 'expected $ but got something else',
      offset: 10,
      limit: null,
      message: "Protocol error: expected '$', got 'x'",
    });
  });
});

describe('RequestDecoder: limits', () => {
  const limitOf = (input: string, options: RequestDecoderOptions) => decodeEveryWay(bin(input), options, 15).error;

  it('maxBulkLength (proto-max-bulk-len)', () => {
    expect(limitOf('*1\r\n$10\r\n0123456789\r\n', { maxBulkLength: 10 })).toBeNull();
    expect(limitOf('*1\r\n$11\r\n', { maxBulkLength: 10 })).toMatchObject({
      replyText: 'ERR Protocol error: invalid bulk length',
      limit: 'proto-max-bulk-len',
    });
  });

  it('maxMultibulkLength', () => {
    expect(limitOf('*5\r\n', { maxMultibulkLength: 5 })).toBeNull();
    expect(limitOf('*6\r\n', { maxMultibulkLength: 5 })).toMatchObject({
      replyText: 'ERR Protocol error: invalid multibulk length',
      limit: 'multibulk-length',
    });
  });

  it('unauthenticated clients: multibulk count above 10, bulk length above 16384', () => {
    const o = { authenticated: false };
    expect(limitOf('*10\r\n', o)).toBeNull();
    expect(limitOf('*11\r\n', o)).toMatchObject({
      replyText: 'ERR Protocol error: unauthenticated multibulk length',
      limit: 'unauthenticated-multibulk-length',
    });
    expect(limitOf('*1\r\n$16384\r\n', o)).toBeNull();
    expect(limitOf('*1\r\n$16385\r\n', o)).toMatchObject({
      replyText: 'ERR Protocol error: unauthenticated bulk length',
      limit: 'unauthenticated-bulk-length',
    });
    // the malformed-length check comes first, as in Redis
    expect(limitOf('*1\r\n$-5\r\n', o)?.replyText).toBe('ERR Protocol error: invalid bulk length');
  });

  it('authenticated can change at any time', () => {
    const d = new RequestDecoder({ authenticated: false });
    d.write(bin('*1\r\n$4\r\nAUTH\r\n'));
    expect(d.next()).toEqual(['AUTH']);
    d.authenticated = true;
    d.write(bin('*11\r\n'));
    expect(d.next()).toBeUndefined();
  });

  it('maxInlineLength: inline line, multibulk count line, bulk count line', () => {
    const o = { maxInlineLength: 16 };
    expect(limitOf(`${'a'.repeat(16)}\n`, o)).toBeNull();
    expect(limitOf(`${'a'.repeat(15)}\r\n`, o)).toBeNull();
    expect(limitOf(`${'a'.repeat(17)}`, o)).toMatchObject({
      replyText: 'ERR Protocol error: too big inline request',
      limit: 'proto-inline-max-size',
    });
    expect(limitOf(`${'a'.repeat(17)}\n`, o)?.replyText).toBe('ERR Protocol error: too big inline request');
    expect(limitOf(`*${'1'.repeat(16)}`, o)?.replyText).toBe('ERR Protocol error: too big mbulk count string');
    expect(limitOf(`*1\r\n$${'1'.repeat(16)}`, o)?.replyText).toBe('ERR Protocol error: too big bulk count string');
    // a line that can never complete (NUL before the newline) ends in the same error
    expect(limitOf(`a\x00${'b'.repeat(15)}`, o)?.replyText).toBe('ERR Protocol error: too big inline request');
    expect(limitOf(`a\x00${'b'.repeat(14)}`, o)).toBeNull();
  });

  it('maxQueryBuffer (client-query-buffer-limit) is silent: Redis closes without a reply', () => {
    const o = { maxQueryBuffer: 100 };
    expect(limitOf(`*1\r\n$200\r\n${'x'.repeat(90)}`, o)).toBeNull();
    // where it trips depends on how much was buffered at a write, as in Redis; that it trips does not
    const input = bin(`*1\r\n$200\r\n${'x'.repeat(101)}`);
    for (const chunks of [[input], bytewise(input), splitAt(input, [3, 50])]) {
      expect(feed(new RequestDecoder(o), chunks).error).toMatchObject({ limit: 'client-query-buffer-limit', silent: true });
    }
    // complete commands drained between writes do not count
    const d = new RequestDecoder(o);
    for (let i = 0; i < 100; i++) {
      d.write(bin('*1\r\n$4\r\nPING\r\n'));
      expect(d.next()).toEqual(['PING']);
    }
  });

  it('defaults are Redis 7.0 defaults', () => {
    expect(limitOf('*1\r\n$536870912\r\n', {})).toBeNull();
    expect(limitOf('*1\r\n$536870913\r\n', {})?.limit).toBe('proto-max-bulk-len');
    expect(limitOf('*2147483647\r\n', {})).toBeNull();
    expect(limitOf(`${'a'.repeat(65536)}\n`, {})).toBeNull();
    expect(limitOf(`${'a'.repeat(65537)}\n`, {})?.replyText).toBe('ERR Protocol error: too big inline request');
  });
});

describe('RequestDecoder: master link mode', () => {
  it('refuses non-empty inline data, silently, after the quote check', () => {
    const o = { masterLink: true };
    expect(decodeEveryWay(bin('\n\r\n*1\r\n$4\r\nPING\r\n'), o).commands).toEqual([['PING']]);
    expect(decodeEveryWay(bin('PING\r\n'), o).error).toMatchObject({
      replyText: 'ERR Protocol error: Master using the inline protocol. Desync?',
      silent: true,
    });
    expect(decodeEveryWay(bin(' \r\n'), o).error?.reason).toBe('Master using the inline protocol. Desync?');
    expect(decodeEveryWay(bin('"a\r\n'), o).error?.replyText).toBe('ERR Protocol error: unbalanced quotes in request');
  });

  it('ignores authentication and the query buffer limit', () => {
    const out = decodeEveryWay(bin('*11\r\n$1\r\na\r\n'), { masterLink: true, authenticated: false, maxQueryBuffer: 4 });
    expect(out.error).toBeNull();
  });
});
