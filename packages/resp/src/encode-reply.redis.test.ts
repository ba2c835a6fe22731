// Our reply bytes against what redis-server 7.0 sends for the same reply types, RESP2 and RESP3.
import { hasRedis, seededRandom, startRedisServer, testSeed, type RedisServerHandle } from '@replikit/test-utils';
import { connect, type Socket } from 'node:net';
import { encodeCommandToBuffer } from './encode-command';
import { encodeReply } from './encode-reply';
import { BigNumberReply, BooleanReply, DoubleReply, ErrorReply, MapReply, NULL_ARRAY, PushReply, SetReply, VerbatimReply, type RespValue } from './reply-types';
import { readReply } from './testing/resp3';

const describeRedis = hasRedis() ? describe : describe.skip;

/** A raw connection that returns each reply's exact bytes. */
class RawConn {
  private data = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.data = Buffer.concat([this.data, d]);
      this.wake?.();
    });
  }
  static open(port: number): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(new RawConn(s)));
      s.once('error', reject);
    });
  }
  async call(...argv: string[]): Promise<Buffer> {
    this.socket.write(encodeCommandToBuffer(argv));
    return this.reply();
  }
  async reply(): Promise<Buffer> {
    for (;;) {
      const r = this.data.length > 0 ? readReply(this.data) : null;
      if (r !== null) {
        const out = this.data.subarray(0, r.end);
        this.data = this.data.subarray(r.end);
        return out;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }
}

describeRedis('reply encoding vs redis-server 7.0', () => {
  let srv: RedisServerHandle;
  let c2: RawConn;
  let c3: RawConn;
  beforeAll(async () => {
    srv = await startRedisServer();
    [c2, c3] = await Promise.all([RawConn.open(srv.port), RawConn.open(srv.port)]);
    await c3.call('HELLO', '3');
  });
  afterAll(async () => {
    await Promise.all([c2?.close(), c3?.close()]);
    await srv?.stop();
  });

  async function same(argv: string[], value: RespValue): Promise<void> {
    expect((await c2.call(...argv)).toString('latin1')).toBe(encodeReply(value, 2).toString('latin1'));
    expect((await c3.call(...argv)).toString('latin1')).toBe(encodeReply(value, 3).toString('latin1'));
  }

  it('doubles: ZSCORE and ZRANGE WITHSCORES for 400 random scores (%.17g, ties to even)', async () => {
    const scores: number[] = [1.5, 0.1, -0, 1e17, 1e-5, Number('1234567890123456.25'), 5e-324, 1.7976931348623157e308, -2.5e-300];
    const random = seededRandom(testSeed('encode-reply random doubles'));
    for (let i = 0; i < 400; i++) {
      const b = new DataView(new ArrayBuffer(8));
      for (let j = 0; j < 8; j++) b.setUint8(j, Math.floor(random() * 256));
      const v = b.getFloat64(0);
      scores.push(Number.isFinite(v) ? v : random() * 1e6);
    }
    await c2.call('DEL', 'z');
    const args: string[] = [];
    for (const [i, s] of scores.entries()) args.push(s.toPrecision(21), `m${i}`);
    await c2.call('ZADD', 'z', ...args);
    await same(['ZSCORE', 'z', 'm0'], new DoubleReply(1.5));
    await same(['ZSCORE', 'z', 'm5'], new DoubleReply(Number('1234567890123456.25')));
    const sorted = scores.map((s, i) => [s === 0 ? 0 : s, `m${i}`] as const).sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
    const resp2 = sorted.flatMap(([s, m]) => [m, new DoubleReply(s)]);
    const resp3 = sorted.map(([s, m]) => [m, new DoubleReply(s)]);
    expect((await c2.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toString('latin1')).toBe(encodeReply(resp2, 2).toString('latin1'));
    expect((await c3.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toString('latin1')).toBe(encodeReply(resp3, 3).toString('latin1'));
    await same(['ZINCRBY', 'z', 'inf', 'm0'], new DoubleReply(Number.POSITIVE_INFINITY));
  });

  it('maps (HGETALL), sets (SMEMBERS), null, null array, integers, errors', async () => {
    await c2.call('HSET', 'h', 'f1', 'v1', 'f2', '\xff');
    await same(['HGETALL', 'h'], new MapReply([['f1', 'v1'], ['f2', Buffer.from('\xff', 'utf8')]]));
    await c2.call('SADD', 's', '3', '1', '2');
    await same(['SMEMBERS', 's'], new SetReply(['1', '2', '3']));
    await same(['GET', 'missing'], null);
    await same(['BLPOP', 'nolist', '0.01'], NULL_ARRAY);
    await c2.call('SET', 'n', '9223372036854775807');
    await same(['INCRBY', 'n', '0'], 9223372036854775807n);
    await same(['DECRBY', 'n', '0'], 9223372036854775807n);
    await same(['STRLEN', 'h2'], 0);
    await same(['LPUSH', 'h', 'x'], new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value'));
    await same(['EXISTS', 'h', 'h', 'nokey'], 2);
  });

  it('RESP3-only types from Lua: double, boolean, big number, verbatim', async () => {
    const lua = (ret: string) => ['EVAL', `redis.setresp(3); return ${ret}`, '0'];
    await same(lua('{double=3.25}'), new DoubleReply(3.25));
    await same(lua('{big_number="123456789012345678901234567890"}'), new BigNumberReply(123456789012345678901234567890n));
    await same(lua('{verbatim_string={format="txt", string="hello"}}'), new VerbatimReply('txt', 'hello'));
    // Lua true becomes a RESP3 boolean, and the integer 1 in RESP2
    await same(lua('true'), new BooleanReply(true));
    expect((await c3.call(...lua('false'))).toString('latin1')).toBe(encodeReply(new BooleanReply(false), 3).toString('latin1'));
  });

  it('push replies (SUBSCRIBE)', async () => {
    const sub2 = await RawConn.open(srv.port);
    const sub3 = await RawConn.open(srv.port);
    try {
      await sub3.call('HELLO', '3');
      const expected = ['subscribe', 'ch', 1];
      expect((await sub2.call('SUBSCRIBE', 'ch')).toString('latin1')).toBe(encodeReply(new PushReply(expected), 2).toString('latin1'));
      expect((await sub3.call('SUBSCRIBE', 'ch')).toString('latin1')).toBe(encodeReply(new PushReply(expected), 3).toString('latin1'));
      await c2.call('PUBLISH', 'ch', 'hi');
      const msg = new PushReply(['message', 'ch', 'hi']);
      expect((await sub2.reply()).toString('latin1')).toBe(encodeReply(msg, 2).toString('latin1'));
      expect((await sub3.reply()).toString('latin1')).toBe(encodeReply(msg, 3).toString('latin1'));
    } finally {
      await Promise.all([sub2.close(), sub3.close()]);
    }
  });
});
