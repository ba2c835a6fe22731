// The decoder against a real redis-server 7.0: same bytes, same outcome, same error text.
import { hasRedis, RawClient, startRedisServer, type RawReply, type RedisServerHandle } from '@replikit/test-utils';
import fc from 'fast-check';
import { connect } from 'node:net';
import { RequestDecoder } from './request-decoder';
import { splitArgs } from './split-args';
import { errorCases, validCases } from './testing/decoder-cases';
import { bin, feed } from './testing/feed';

const describeRedis = hasRedis() ? describe : describe.skip;

const TIMEOUT = Symbol('timeout');
function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Sends raw bytes on a fresh connection. Waits (patiently: the machine may be loaded) for `expected`
 * replies, then up to `quietMs` for more, at most `count` in all.
 */
async function exchange(
  port: number,
  input: Buffer,
  count: number,
  quietMs = 300,
  expected = 0,
): Promise<{ replies: RawReply[]; closed: boolean }> {
  const c = await RawClient.connect(port);
  try {
    c.writeRaw(input);
    const replies: RawReply[] = [];
    let pending: Promise<RawReply | typeof TIMEOUT> | null = null;
    while (replies.length < count) {
      pending ??= c.next().catch((): typeof TIMEOUT => TIMEOUT);
      const r: RawReply | typeof TIMEOUT = await within(pending, replies.length < expected ? 5000 : quietMs);
      pending = null;
      if (r === TIMEOUT) break;
      replies.push(r);
    }
    await new Promise((r) => setTimeout(r, 20));
    return { replies, closed: c.isClosed };
  } finally {
    await c.close();
  }
}

/** Raw bytes received for `input` until the server closes or stays quiet for `quietMs`. */
function rawExchange(port: number, input: Buffer, quietMs = 3000): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ port, host: '127.0.0.1' });
    let timer: NodeJS.Timeout | undefined;
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.removeAllListeners();
      s.on('error', () => {});
      s.destroy();
      resolve({ data: Buffer.concat(chunks), closed });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), quietMs);
    };
    s.on('connect', () => {
      s.write(input);
      arm();
    });
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      arm();
    });
    s.on('close', () => done(true));
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describeRedis('RequestDecoder vs redis-server 7.0', () => {
  let srv: RedisServerHandle;
  let locked: RedisServerHandle;
  beforeAll(async () => {
    [srv, locked] = await Promise.all([
      startRedisServer({ config: { 'proto-max-bulk-len': '1mb', 'client-query-buffer-limit': '1mb' } }),
      startRedisServer({ config: { requirepass: 'secret' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([srv?.stop(), locked?.stop()]);
  });

  it.each(errorCases.map((c) => [c.name, c] as const))('same error reply: %s', async (_name, c) => {
    const { data, closed } = await rawExchange(srv.port, bin(c.input));
    const text = data.toString('latin1');
    // the replies to the good commands, then exactly our error line, then the connection closes
    expect(text.endsWith(`-${c.replyText}\r\n`)).toBe(true);
    expect(text.split('\r\n').length - 1).toBe(c.commands.length + 1);
    expect(closed).toBe(true);
  });

  it.each(validCases.map((c) => [c.name, c] as const))('same number of commands: %s', async (_name, c) => {
    const ours = feed(new RequestDecoder(), [bin(c.input)]);
    const { replies, closed } = await exchange(srv.port, bin(c.input), c.commands.length + 1, 120, ours.commands.length);
    expect(replies).toHaveLength(ours.commands.length);
    for (const r of replies) expect(r instanceof Error && /Protocol error/.test(r.message)).toBe(false);
    expect(closed).toBe(false);
  });

  it('inline argument splitting matches sdssplitargs (random quoted lines, checked with RPUSH/LRANGE)', async () => {
    const alphabet = fc.constantFrom(...'ab "\'\\x4fAz0 \t\x0b\r\xe9n'.split(''));
    const random = fc.sample(fc.array(alphabet, { minLength: 1, maxLength: 24 }).map((a) => a.join('')), { numRuns: 300, seed: 42 });
    // random characters rarely form a well-quoted argument: also build lines from quoted tokens
    // with every escape sdssplitargs knows, and a few malformed ones (bad hex, no closing quote,
    // a character right after the closing quote)
    const inner = fc.array(fc.constantFrom('a', ' ', '\\n', '\\r', '\\t', '\\b', '\\a', '\\x41', '\\xe9', '\\xZZ', '\\x4', '\\\\', '\\"', "\\'", "'", '"', '\\q', 'é'), { maxLength: 6 }).map((a) => a.join(''));
    const token = fc.oneof(
      fc.constantFrom('plain', 'x', '\\n', 'é'),
      inner.map((t) => `"${t}"`),
      inner.map((t) => `'${t}'`),
      fc.tuple(inner, fc.constantFrom('"', "'"), fc.constantFrom('', 'a', ' ')).map(([t, q, after]) => `${q}${t}${q === '"' ? '' : q}${after}`),
    );
    const quoted = fc.sample(fc.array(token, { maxLength: 4 }).map((a) => a.join(' ')), { numRuns: 300, seed: 43 });
    const lines = [...random, ...quoted];
    // every line is compared with Redis: the lines we split by the arguments Redis stored for them,
    // the lines we reject by Redis's error (after which Redis closes the connection: a new one
    // carries on), and RPUSH with no element by Redis's arity error
    const compared = { stored: 0, unbalanced: 0, arity: 0 };
    let c = await RawClient.connect(srv.port);
    try {
      for (const [i, body] of lines.entries()) {
        const line = `RPUSH l${i} ${body}`;
        const ours = splitArgs(bin(line), 0, line.length);
        c.writeRaw(bin(`${line}\r\n`));
        const reply = await c.next();
        const label = JSON.stringify(line);
        if (ours === null) {
          expect([label, reply instanceof Error ? reply.message : reply]).toEqual([label, 'ERR Protocol error: unbalanced quotes in request']);
          compared.unbalanced++;
          await c.close();
          c = await RawClient.connect(srv.port);
        } else if (ours.length < 3) {
          expect([label, ours, reply instanceof Error ? reply.message : reply]).toEqual([label, ['RPUSH', `l${i}`], "ERR wrong number of arguments for 'rpush' command"]);
          compared.arity++;
        } else {
          expect([label, reply]).toEqual([label, ours.length - 2]);
          const got = (await c.call('LRANGE', `l${i}`, '0', '-1')) as Buffer[];
          expect([label, got.map((b) => b.toString('latin1'))]).toEqual([label, ours.slice(2)]);
          compared.stored++;
        }
      }
    } finally {
      await c.close();
    }
    expect(compared.stored + compared.unbalanced + compared.arity).toBe(lines.length);
    // the sample exercises both paths, so neither comparison is vacuous
    expect(compared.stored).toBeGreaterThan(100);
    expect(compared.unbalanced).toBeGreaterThan(100);
  });

  it('limits: proto-max-bulk-len and the inline/header size', async () => {
    const ours = new RequestDecoder({ maxBulkLength: 1024 * 1024 });
    const input = bin('*1\r\n$1048577\r\n');
    const expected = feed(ours, [input]).error?.replyText;
    expect(expected).toBe('ERR Protocol error: invalid bulk length');
    expect(((await exchange(srv.port, input, 1, 300, 1)).replies[0] as Error).message).toBe(expected);
    const ok = await exchange(srv.port, bin('*1\r\n$1048576\r\n'), 1, 200);
    expect(ok.replies).toHaveLength(0);

    for (const [input2, text] of [
      [`${'a'.repeat(200_000)}`, 'ERR Protocol error: too big inline request'],
      [`*${'1'.repeat(200_000)}`, 'ERR Protocol error: too big mbulk count string'],
      [`*1\r\n$${'1'.repeat(200_000)}`, 'ERR Protocol error: too big bulk count string'],
    ]) {
      expect(feed(new RequestDecoder(), [bin(input2)]).error?.replyText).toBe(text);
      const r = await exchange(srv.port, bin(input2), 1, 300, 1);
      expect((r.replies[0] as Error).message).toBe(text);
    }
  });

  it('a NUL before the newline: Redis waits, then refuses the line once it is too big', async () => {
    const first = bin('PI\x00NG\r\n');
    expect(feed(new RequestDecoder(), [first]).commands).toEqual([]);
    const c = await RawClient.connect(srv.port);
    try {
      c.writeRaw(first);
      const pending = c.next();
      expect(await within(pending, 300)).toBe(TIMEOUT);
      c.writeRaw(bin('x'.repeat(70_000)));
      const r = await pending;
      expect((r as Error).message).toBe('ERR Protocol error: too big inline request');
    } finally {
      await c.close();
    }
  });

  it('client-query-buffer-limit: Redis closes the connection without a reply', async () => {
    const input = Buffer.concat([bin('*1\r\n$1000000\r\n'), Buffer.alloc(999_000, 0x61), bin('*1\r\n')]);
    const d = new RequestDecoder({ maxQueryBuffer: 1024 * 1024 });
    // as one write our decoder is under the limit; Redis reads 16 KiB at a time and drains, same
    expect(feed(d, [input]).error).toBeNull();
    const big = Buffer.concat([bin('*1\r\n$1048576\r\n'), Buffer.alloc(1_048_577, 0x61)]);
    expect(feed(new RequestDecoder({ maxQueryBuffer: 1024 * 1024 }), [big]).error).toMatchObject({ silent: true });
    const { data, closed } = await rawExchange(srv.port, big);
    expect(data.length).toBe(0);
    expect(closed).toBe(true);
  });

  it('unauthenticated limits (requirepass)', async () => {
    for (const [input, text] of [
      ['*11\r\n', 'ERR Protocol error: unauthenticated multibulk length'],
      ['*1\r\n$16385\r\n', 'ERR Protocol error: unauthenticated bulk length'],
    ]) {
      expect(feed(new RequestDecoder({ authenticated: false }), [bin(input)]).error?.replyText).toBe(text);
      const r = await exchange(locked.port, bin(input), 1, 300, 1);
      expect((r.replies[0] as Error).message).toBe(text);
    }
    // at the limit: Redis waits for the rest (no protocol error)
    const r = await exchange(locked.port, bin('*10\r\n$16384\r\n'), 1, 200);
    expect(r.replies).toHaveLength(0);
  });
});
