import fc from 'fast-check';
import { encodeCommandToBuffer } from './encode-command';
import { ReplicationStreamFramer, type ReplicationStreamFramerOptions } from './replication-framer';
import { bin, bytewise, splitAt } from './testing/feed';

type Event = ['start', string] | ['payload', string] | ['end'] | ['command', string[], number] | ['keepalive'] | ['error', string, string];

/** Runs the framer over `chunks`; consecutive payload chunks are merged so chunkings compare equal. */
function run(chunks: Buffer[], mode: 'payload' | 'stream', options?: ReplicationStreamFramerOptions): { events: Event[]; views: Buffer[] } {
  const events: Event[] = [];
  const views: Buffer[] = [];
  const framer = new ReplicationStreamFramer(
    {
      onPayloadStart: (p) => events.push(['start', p.kind === 'length' ? `length:${p.length}` : `eof:${p.mark}`]),
      onPayloadChunk: (c) => {
        views.push(c);
        const last = events[events.length - 1];
        if (last?.[0] === 'payload') last[1] += c.toString('latin1');
        else events.push(['payload', c.toString('latin1')]);
      },
      onPayloadEnd: () => events.push(['end']),
      onCommand: (argv, bytes) => events.push(['command', argv, bytes]),
      onKeepalive: () => events.push(['keepalive']),
    },
    options,
  );
  if (mode === 'payload') framer.expectPayload();
  else framer.streamOnly();
  try {
    for (const c of chunks) framer.write(c);
  } catch (err) {
    const e = err as { code: string; replyText: string };
    events.push(['error', e.code, e.replyText]);
  }
  return { events, views };
}

function everyWay(input: Buffer, mode: 'payload' | 'stream', options?: ReplicationStreamFramerOptions): Event[] {
  const { events } = run([input], mode, options);
  expect(run(bytewise(input), mode, options).events).toEqual(events);
  fc.assert(
    fc.property(fc.array(fc.nat(input.length), { maxLength: 10 }), (cuts) => {
      expect(run(splitAt(input, cuts), mode, options).events).toEqual(events);
    }),
    { numRuns: 60 },
  );
  return events;
}

const MARK = 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0';
const SET = encodeCommandToBuffer(['SET', 'k', 'v']); // 27 bytes
const PING = encodeCommandToBuffer(['ping']); // 14 bytes

describe('ReplicationStreamFramer: stream', () => {
  it('yields commands with their exact byte counts', () => {
    const input = Buffer.concat([PING, SET, encodeCommandToBuffer(['SELECT', '0'])]);
    expect(everyWay(input, 'stream')).toEqual([
      ['command', ['ping'], 14],
      ['command', ['SET', 'k', 'v'], 27],
      ['command', ['SELECT', '0'], 23],
    ]);
  });

  it('keepalives in the stream are reported and counted with the next command, as Redis does', () => {
    expect(everyWay(Buffer.concat([bin('\n'), PING, bin('\r\n\n')]), 'stream')).toEqual([
      ['keepalive'],
      ['command', ['ping'], 15],
      ['keepalive'],
      ['keepalive'],
    ]);
  });

  it('non-empty inline data is a typed error (Master using the inline protocol. Desync?)', () => {
    expect(everyWay(Buffer.concat([PING, bin('PING\r\n')]), 'stream')).toEqual([
      ['command', ['ping'], 14],
      ['error', 'ERR_RESP_PROTOCOL', 'ERR Protocol error: Master using the inline protocol. Desync?'],
    ]);
  });

  it('bounds bulk lengths', () => {
    const events = everyWay(encodeCommandToBuffer(['SET', 'k', 'x'.repeat(11)]), 'stream', { maxBulkLength: 10 });
    expect(events).toEqual([['error', 'ERR_RESP_PROTOCOL', 'ERR Protocol error: invalid bulk length']]);
  });

  it('refuses write() before a mode is chosen, then works', () => {
    const f = new ReplicationStreamFramer({ onCommand() {} });
    expect(() => f.write(PING)).toThrow(expect.objectContaining({ code: 'ERR_RESP_STATE' }));
    f.streamOnly();
    f.write(PING);
    expect(f.streamBytes).toBe(14);
  });
});

describe('ReplicationStreamFramer: $<length> payload', () => {
  it('keepalives, preamble, raw bytes without CRLF, then the stream in the same chunk', () => {
    const input = Buffer.concat([bin('\n\n$9\r\nREDIS0010'), PING, SET]);
    expect(everyWay(input, 'payload')).toEqual([
      ['keepalive'],
      ['keepalive'],
      ['start', 'length:9'],
      ['payload', 'REDIS0010'],
      ['end'],
      ['command', ['ping'], 14],
      ['command', ['SET', 'k', 'v'], 27],
    ]);
  });

  it('passes payload bytes as zero-copy views of the written chunks', () => {
    const input = Buffer.concat([bin('$1000\r\n'), Buffer.alloc(1000, 7), PING]);
    const { views } = run([input], 'payload');
    expect(views).toHaveLength(1);
    expect(views[0].buffer).toBe(input.buffer);
    expect(views[0].byteOffset).toBe(input.byteOffset + 7);
  });

  it('an empty payload ($0)', () => {
    expect(everyWay(Buffer.concat([bin('$0\r\n'), PING]), 'payload')).toEqual([
      ['start', 'length:0'],
      ['end'],
      ['command', ['ping'], 14],
    ]);
  });

  it('a -ERR line instead of the preamble: master aborted (typed, sticky)', () => {
    expect(everyWay(bin('\n-ERR something went wrong\r\n$3\r\nabc'), 'payload')).toEqual([
      ['keepalive'],
      ['error', 'ERR_RESP_MASTER_ABORTED', 'ERR something went wrong'],
    ]);
    const f = new ReplicationStreamFramer({ onCommand() {} });
    f.expectPayload();
    expect(() => f.write(bin('-LOADING\r\n'))).toThrow('MASTER aborted replication with an error: LOADING');
    expect(() => f.write(PING)).toThrow('MASTER aborted');
  });

  it('a preamble that is neither $, - nor empty is a protocol error', () => {
    const [ev] = everyWay(bin('+OK\r\n'), 'payload');
    expect(ev[0]).toBe('error');
    expect(ev[2]).toMatch(/Bad protocol from MASTER, the first byte is not '\$' \(we received '\+OK'\)/);
    expect(everyWay(bin('$12x\r\n'), 'payload')[0][2]).toMatch(/invalid snapshot length/);
    expect(everyWay(bin(`$${'1'.repeat(2000)}`), 'payload')[0][0]).toBe('error');
    expect(everyWay(bin('$100\r\n'), 'payload', { maxPayloadLength: 99 })[0][0]).toBe('error');
  });
});

describe('ReplicationStreamFramer: $EOF:<mark> payload', () => {
  const body = 'REDIS0010\xfa\x09redis-ver\x067.0.15\xff12345678';

  it('reads up to the mark; everything after it is stream', () => {
    const input = Buffer.concat([bin(`\n$EOF:${MARK}\r\n${body}${MARK}`), PING]);
    expect(everyWay(input, 'payload')).toEqual([
      ['keepalive'],
      ['start', `eof:${MARK}`],
      ['payload', body],
      ['end'],
      ['command', ['ping'], 14],
    ]);
  });

  it('finds a mark split at every position, even after partial copies of it in the payload', () => {
    const tricky = `${body}${MARK.slice(0, 39)}x${MARK.slice(0, 20)}${MARK.slice(0, 1)}`;
    const input = bin(`$EOF:${MARK}\r\n${tricky}${MARK}`);
    const expected: Event[] = [['start', `eof:${MARK}`], ['payload', tricky], ['end']];
    for (let cut = 0; cut <= input.length; cut++) {
      for (const second of [cut, cut + 1, cut + 13, cut + 39, cut + 40]) {
        expect(run(splitAt(input, [cut, second]), 'payload').events).toEqual(expected);
      }
    }
  });

  it('holds back at most 39 bytes and never accumulates the payload', () => {
    const framer = new ReplicationStreamFramer({ onCommand() {}, onPayloadChunk: (c) => sizes.push(c.length) });
    const sizes: number[] = [];
    framer.expectPayload();
    framer.write(bin(`$EOF:${MARK}\r\n`));
    const block = Buffer.alloc(65536, 0x7a);
    for (let i = 0; i < 100; i++) framer.write(block);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100 * 65536);
    expect(sizes.every((n) => n === 65536)).toBe(true);
    // a chunk ending with what could start the mark ('a'): only that byte is held back
    framer.write(Buffer.alloc(100, 0x61));
    expect(sizes[sizes.length - 1]).toBe(99);
  });

  it('an empty payload, and a payload that is only a partial mark', () => {
    expect(everyWay(bin(`$EOF:${MARK}\r\n${MARK}`), 'payload')).toEqual([['start', `eof:${MARK}`], ['end']]);
    const partial = MARK.slice(0, 30);
    expect(everyWay(bin(`$EOF:${MARK}\r\n${partial}${MARK}`), 'payload')).toEqual([
      ['start', `eof:${MARK}`],
      ['payload', partial],
      ['end'],
    ]);
  });
});

describe('ReplicationStreamFramer: raw command bytes', () => {
  /** Runs the framer over `chunks`; returns each command's raw bytes joined, and the views themselves. */
  function raws(chunks: Buffer[], mode: 'payload' | 'stream'): { joined: string[]; views: Buffer[][]; counts: number[] } {
    const joined: string[] = [];
    const views: Buffer[][] = [];
    const counts: number[] = [];
    const framer = new ReplicationStreamFramer(
      {
        onCommand: (_argv, bytes, raw) => {
          counts.push(bytes);
          views.push([...raw]);
          joined.push(Buffer.concat(raw).toString('latin1'));
        },
      },
      { rawBytes: true },
    );
    if (mode === 'payload') framer.expectPayload();
    else framer.streamOnly();
    for (const c of chunks) framer.write(c);
    return { joined, views, counts };
  }

  const stream = Buffer.concat([bin('\n'), PING, SET, bin('\r\n'), encodeCommandToBuffer(['SET', 'big', 'x'.repeat(3000)]), encodeCommandToBuffer(['SELECT', '3'])]);
  const expected = [
    `\n${PING.toString('latin1')}`,
    SET.toString('latin1'),
    `\r\n${encodeCommandToBuffer(['SET', 'big', 'x'.repeat(3000)]).toString('latin1')}`,
    encodeCommandToBuffer(['SELECT', '3']).toString('latin1'),
  ];

  it('whole input: each command gets exactly its bytes (skipped newlines included), summing to the stream', () => {
    const { joined, counts } = raws([stream], 'stream');
    expect(joined).toEqual(expected);
    expect(joined.map((s) => s.length)).toEqual(counts);
    expect(joined.join('')).toBe(stream.toString('latin1'));
  });

  it('byte by byte and re-chunked at random: the same bytes', () => {
    expect(raws(bytewise(stream), 'stream').joined).toEqual(expected);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
        expect(raws(splitAt(stream, cuts), 'stream').joined).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('after a payload in the same chunk, and as zero-copy views of the written chunks', () => {
    const input = Buffer.concat([bin('$9\r\nREDIS0010'), stream]);
    const { joined, views } = raws([input], 'payload');
    expect(joined).toEqual(expected);
    for (const list of views) for (const v of list) expect(v.buffer).toBe(input.buffer);
    expect(views[1][0].byteOffset).toBe(input.byteOffset + 13 + expected[0].length);
    const cut = raws(splitAt(input, [20, 60, 70]), 'payload');
    expect(cut.joined).toEqual(expected);
    expect(cut.views[2].length).toBeGreaterThan(1);
  });

  it('keepStreamBytes: the commands handed out are taken in order, many at once, after any chunk', () => {
    /** takes after each chunk the bytes of all commands but the last `hold` ones seen so far */
    function taken(chunks: Buffer[], hold: number): string {
      const counts: number[] = [];
      let given = 0;
      const out: Buffer[] = [];
      const framer = new ReplicationStreamFramer({ onCommand: (_argv, bytes, raw) => { counts.push(bytes); expect(raw.length).toBe(0); } }, { keepStreamBytes: true });
      framer.expectPayload();
      const take = (upTo: number) => {
        let n = 0;
        for (let i = given; i < upTo; i++) n += counts[i];
        out.push(...framer.takeStreamBytes(n));
        given = Math.max(given, upTo);
      };
      for (const c of chunks) {
        framer.write(c);
        take(counts.length - hold);
      }
      take(counts.length);
      expect(counts).toEqual(expected.map((e) => e.length));
      return Buffer.concat(out).toString('latin1');
    }
    const input = Buffer.concat([bin('$9\r\nREDIS0010'), stream]);
    expect(taken([input], 0)).toBe(stream.toString('latin1'));
    expect(taken(bytewise(input), 1)).toBe(stream.toString('latin1'));
    fc.assert(
      fc.property(fc.array(fc.nat(input.length), { maxLength: 12 }), fc.nat(2), (cuts, hold) => {
        expect(taken(splitAt(input, cuts), hold)).toBe(stream.toString('latin1'));
      }),
      { numRuns: 100 },
    );
  });

  it('without the rawBytes option, raw is empty', () => {
    const seen: number[] = [];
    const framer = new ReplicationStreamFramer({ onCommand: (_argv, _bytes, raw) => seen.push(raw.length) });
    framer.streamOnly();
    framer.write(stream);
    expect(seen).toEqual([0, 0, 0, 0]);
  });
});
