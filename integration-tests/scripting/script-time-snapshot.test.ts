/**
 * Redis 7.0 judges key expiry inside a script at the script's start time: a key whose TTL runs out
 * while the script runs is still there for the script's later commands (PTTL, which takes the real
 * time, answers 0). Compared byte for byte with redis-server 7.0, for EVAL and FCALL.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { ByteClient, type Started, startReplikit } from '../server/helpers';

const run = hasRedis() ? describe : describe.skip;

/** Reads KEYS[1], spins ARGV[1] ms (by TIME), reads it again: GET, GET, EXISTS, PTTL. */
const BODY = `
local function us() local t = redis.call('TIME') return tonumber(t[1]) * 1000000 + tonumber(t[2]) end
local first = redis.call('GET', KEYS[1])
local stop = us() + tonumber(ARGV[1]) * 1000
while us() < stop do end
return {first, redis.call('GET', KEYS[1]), redis.call('EXISTS', KEYS[1]), redis.call('PTTL', KEYS[1])}`;

const LIBRARY = `#!lua name=timesnap
redis.register_function('timesnap_read', function(KEYS, ARGV) ${BODY} end)`;

/** the reply both servers give: the key is read twice, exists, and its remaining TTL is 0 */
const FROZEN = '*4\r\n$1\r\nv\r\n$1\r\nv\r\n:1\r\n:0\r\n';

run('a script sees key expiry at its start time (vs redis-server 7.0)', () => {
  let redis: RedisServerHandle;
  let ours: Started;
  const clients: ByteClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    ours = await startReplikit();
    clients.push(await ByteClient.connect(redis.port), await ByteClient.connect(ours.port));
  });

  afterAll(async () => {
    for (const c of clients) c.socket.destroy();
    await ours?.close();
    await redis?.stop();
  });

  /** the command sent to both servers at once (the TTLs run on both clocks side by side) */
  async function both(...argv: string[]): Promise<[string, string]> {
    const [a, b] = clients as [ByteClient, ByteClient];
    return Promise.all([a.call(...argv), b.call(...argv)]);
  }

  test('EVAL: a key whose TTL runs out mid-script is read again, EXISTS 1, PTTL 0; gone after the script', async () => {
    // compiled first (replikit makes its Lua state on the first script: ~0.1 s on a loaded machine,
    // which must not pass before the EVAL starts)
    const [shaTheirs, shaMine] = await both('SCRIPT', 'LOAD', BODY);
    expect(shaMine).toBe(shaTheirs);
    expect(await both('SET', 'k', 'v', 'PX', '150')).toEqual(['+OK\r\n', '+OK\r\n']);
    const [theirs, mine] = await both('EVAL', BODY, '1', 'k', '300');
    expect(theirs).toBe(FROZEN);
    expect(mine).toBe(theirs);
    expect(await both('GET', 'k')).toEqual(['$-1\r\n', '$-1\r\n']);
  });

  test('FCALL: the same for a function', async () => {
    const [loadTheirs, loadMine] = await both('FUNCTION', 'LOAD', 'REPLACE', LIBRARY);
    expect(loadMine).toBe(loadTheirs);
    expect(await both('SET', 'f', 'v', 'PX', '150')).toEqual(['+OK\r\n', '+OK\r\n']);
    const [theirs, mine] = await both('FCALL', 'timesnap_read', '1', 'f', '300');
    expect(theirs).toBe(FROZEN);
    expect(mine).toBe(theirs);
    expect(await both('EXISTS', 'f')).toEqual([':0\r\n', ':0\r\n']);
  });
});
