/**
 * RESP3 reply shapes through the server: a client that sent HELLO 3 gets [member, score] /
 * [field, value] pairs from ZRANGE WITHSCORES, ZPOPMIN count, HRANDFIELD WITHVALUES and
 * ZRANDMEMBER WITHSCORES, byte for byte like redis-server 7.0 (and flat arrays in RESP2).
 */
import { hasRedis, startRedisServer, type RedisServerHandle } from '@replikit/test-utils';
import { ByteClient, encodeArgv, startReplikit, type Started } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

const SESSION: string[][] = [
  ['ZADD', 'z', '1', 'a', '2.5', 'b', '-3', 'c'],
  ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZRANGE', 'z', '0', '1', 'REV', 'WITHSCORES'],
  ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES'],
  ['ZREVRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZPOPMIN', 'z', '2'],
  ['ZPOPMAX', 'z', '1'],
  ['ZPOPMIN', 'z', '1'],
  ['ZADD', 'one', '7', 'm'],
  ['ZRANDMEMBER', 'one', '1', 'WITHSCORES'],
  ['ZRANDMEMBER', 'one', '-2', 'WITHSCORES'],
  ['HSET', 'h', 'f', 'v'],
  ['HRANDFIELD', 'h', '1', 'WITHVALUES'],
  ['HRANDFIELD', 'h', '-2', 'WITHVALUES'],
  ['MULTI'],
  ['ZADD', 'y', '1', 'q'],
  ['ZRANGE', 'y', '0', '-1', 'WITHSCORES'],
  ['HRANDFIELD', 'h', '1', 'WITHVALUES'],
  ['EXEC'],
];

async function run(port: number, protocol: 2 | 3): Promise<string[]> {
  const c = await ByteClient.connect(port);
  try {
    if (protocol === 3) await c.call('HELLO', '3');
    const out: string[] = [];
    for (const argv of SESSION) {
      c.write(encodeArgv(argv));
      out.push(`${argv.join(' ')} => ${JSON.stringify(await c.reply())}`);
    }
    return out;
  } finally {
    c.close();
  }
}

describeRedis('RESP3 reply shapes through the socket vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let ours: Started;
  beforeAll(async () => {
    redis = await startRedisServer();
    ours = await startReplikit();
  });
  afterAll(async () => {
    await ours?.close();
    await redis?.stop();
  });
  beforeEach(async () => {
    for (const port of [redis.port, ours.port]) {
      const c = await ByteClient.connect(port);
      await c.call('FLUSHALL');
      c.close();
    }
  });

  it.each([2, 3] as const)('RESP%i replies are byte-identical', async (protocol) => {
    const expected = await run(redis.port, protocol);
    const actual = await run(ours.port, protocol);
    expect(actual).toEqual(expected);
  });
});
