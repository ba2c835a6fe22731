/**
 * EVAL/EVALSHA/SCRIPT replies and errors compared byte for byte with redis-server 7.0 (RESP2 and
 * RESP3 callers): reply conversions both ways, Redis's error texts, pcall, shebang flags, the
 * read-only variants and the cjson, cmsgpack, bit and struct libraries.
 */
import { createHash } from 'node:crypto';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { ByteClient, type Started, startReplikit } from '../server/helpers';
import { type Case, callCases, conversionCases, libraryCases, replyMismatches } from './scripting-corpus';

const run = hasRedis() ? describe : describe.skip;

run('scripting replies match redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let ours: Started;
  let a: ByteClient;
  let b: ByteClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    ours = await startReplikit();
    a = await ByteClient.connect(redis.port);
    b = await ByteClient.connect(ours.port);
  });

  afterAll(async () => {
    a?.socket.destroy();
    b?.socket.destroy();
    await ours?.close();
    await redis?.stop();
  });

  async function compare(cases: readonly Case[]): Promise<void> {
    expect(await replyMismatches(a, b, cases)).toEqual([]);
  }

  test('conversions, errors, sandbox', async () => {
    await compare(conversionCases);
  });

  test('redis.call / pcall, RESP3 conversions, flags, SCRIPT', async () => {
    await compare(callCases);
  });

  test('cjson, cmsgpack, struct, bit', async () => {
    await compare(libraryCases);
  });

  test('a RESP3 caller', async () => {
    await a.call('HELLO', '3');
    await b.call('HELLO', '3');
    await compare([
      ['EVAL', 'return true', '0'],
      ['EVAL', 'return false', '0'],
      ['EVAL', 'return nil', '0'],
      ['EVAL', 'redis.setresp(3) return true', '0'],
      ['EVAL', 'redis.setresp(3) return false', '0'],
      ['EVAL', 'redis.setresp(3) return {map={a=1}}', '0'],
      ['EVAL', 'redis.setresp(3) return {set={a=true}}', '0'],
      ['EVAL', 'return {double=1.5}', '0'],
      ['EVAL', "redis.setresp(3) return redis.call('get', 'nope-key')", '0'],
    ]);
    await a.call('HELLO', '2');
    await b.call('HELLO', '2');
  });

  test('EVALSHA after SCRIPT LOAD and EVAL; SCRIPT FLUSH forgets', async () => {
    await compare([
      ['SCRIPT', 'LOAD', "return 'loaded'"],
      ['EVAL', "return 'cached by eval'", '0'],
      ['SCRIPT', 'FLUSH'],
      ['SCRIPT', 'FLUSH', 'ASYNC'],
      ['SCRIPT', 'FLUSH', 'sync'],
    ]);
  });

  test('the same EVALSHA and redis.call again: arity, unknown and noscript commands, EVALSHA after SCRIPT FLUSH', async () => {
    const body = "return redis.call('GET', KEYS[1])";
    const sha = createHash('sha1').update(body).digest('hex');
    await compare([
      ['SET', 'again:k', 'v'],
      ['SCRIPT', 'LOAD', body],
      ['EVALSHA', sha, '1', 'again:k'],
      ['EVALSHA', sha, '1', 'again:k'],
      ['EVALSHA', sha.toUpperCase(), '1', 'again:k'],
      ['EVALSHA', sha, '1', 'again:nokey'],
      // GET resolved by the calls above, now with the wrong number of arguments, then others
      ['EVAL', "return redis.pcall('GET', KEYS[1], 'extra')", '1', 'again:k'],
      ['EVAL', "return redis.pcall('GET')", '0'],
      ['EVAL', "return {redis.call('GET', KEYS[1]), redis.pcall('get', KEYS[1], 'x'), redis.pcall('CLIENT', 'ID', 'x'), redis.pcall('nosuch')}", '1', 'again:k'],
      ['EVAL', "redis.call('GET', KEYS[1]) return redis.pcall('EVAL', 'return 1', '0')", '1', 'again:k'],
      ['EVAL', "redis.call('SET', KEYS[1], 'w') redis.call('SET', KEYS[1]) return 1", '1', 'again:k'],
      ['EVALSHA', sha, '1', 'again:k'],
      ['SCRIPT', 'FLUSH'],
      ['EVALSHA', sha, '1', 'again:k'],
      ['EVALSHA', sha.toUpperCase(), '1', 'again:k'],
      ['SCRIPT', 'EXISTS', sha],
    ]);
  });
});
