import { createReplyParser } from './reply-parser';
import { ErrorReply, SimpleString, type RespValue } from './reply-types';
import { bin, bytewise, splitAt } from './testing/feed';

function collect(chunks: Buffer[], detachOn?: (r: RespValue) => boolean) {
  const replies: RespValue[] = [];
  let keepalives = 0;
  let rest: Buffer | null = null;
  const parser = createReplyParser({
    onReply: (r) => {
      replies.push(r);
      if (detachOn?.(r)) rest = parser.detach();
    },
    onKeepalive: () => keepalives++,
  });
  for (const c of chunks) parser.write(c);
  return { replies, keepalives, rest: rest as Buffer | null, parser };
}

const ID = 'b'.repeat(40);

describe('createReplyParser (redis-parser behind a small interface)', () => {
  it('maps replies: simple strings, errors, bulk, integers, null, arrays', () => {
    const input = bin('+PONG\r\n-NOAUTH Authentication required.\r\n$3\r\nabc\r\n:12\r\n$-1\r\n*2\r\n+OK\r\n-ERR x\r\n');
    const expected = [
      new SimpleString('PONG'),
      new ErrorReply('NOAUTH Authentication required.'),
      Buffer.from('abc'),
      12,
      null,
      [Buffer.from('OK'), new ErrorReply('ERR x')],
    ];
    for (const chunks of [[input], bytewise(input), splitAt(input, [3, 9, 30])]) {
      expect(collect(chunks).replies).toEqual(expected);
    }
  });

  it('skips keepalive newlines before a reply (as a master sends while preparing PSYNC)', () => {
    const input = bin('\n\r\n\n+FULLRESYNC x 0\r\n');
    for (const chunks of [[input], bytewise(input)]) {
      const { replies, keepalives } = collect(chunks);
      expect(replies).toEqual([new SimpleString('FULLRESYNC x 0')]);
      expect(keepalives).toBe(3);
    }
  });

  it('detach() inside onReply gives back exactly the bytes after the reply', () => {
    const tail = `$EOF:${'c'.repeat(40)}\r\nREDIS0010\n\n`;
    const input = bin(`+OK\r\n\n+FULLRESYNC ${ID} 100\r\n${tail}`);
    for (let cut = 0; cut <= input.length; cut++) {
      const chunks = splitAt(input, [cut]);
      const got: Buffer[] = [];
      const replies: RespValue[] = [];
      const parser = createReplyParser({
        onReply: (r) => {
          replies.push(r);
          if (r instanceof SimpleString && r.value.startsWith('FULLRESYNC')) got.push(parser.detach());
        },
      });
      for (const c of chunks) {
        if (parser.detached) got.push(c);
        else parser.write(c);
      }
      expect(replies).toEqual([new SimpleString('OK'), new SimpleString(`FULLRESYNC ${ID} 100`)]);
      expect(Buffer.concat(got).toString('latin1')).toBe(tail);
    }
  });

  it('bytes written after detach() are kept for the next detach()', () => {
    const p = createReplyParser({ onReply: () => {} });
    p.write(bin('+CONTINUE\r\n*1\r\n$4'));
    expect(p.detach().toString()).toBe('*1\r\n$4');
    p.write(bin('\r\nping\r\n'));
    expect(p.detach().toString()).toBe('\r\nping\r\n');
    expect(p.detach().length).toBe(0);
  });

  it('bad bytes are a typed protocol error', () => {
    const p = createReplyParser({ onReply: () => {} });
    expect(() => p.write(bin('?what\r\n'))).toThrow(expect.objectContaining({ code: 'ERR_RESP_PROTOCOL' }));
  });
});
