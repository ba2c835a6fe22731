/**
 * busy-reply-threshold: a script running past it makes other clients' commands answer BUSY,
 * SCRIPT KILL stops a script that has not written (its caller gets the kill error) and answers
 * UNKILLABLE after a write; replies compared byte for byte with redis-server 7.0.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { type StartedReplikit, startReplikit } from '../replication/helpers';
import { ByteClient, encodeArgv } from '../server/helpers';

const run = hasRedis() ? describe : describe.skip;

/** Sends PING until it is refused (the script crossed the threshold); the refusal text. */
async function untilBusy(c: ByteClient): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const r = await c.call('PING');
    if (r.startsWith('-')) return r;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the script never made the server busy');
}

const SPIN = 'local i = 0 while true do i = i + 1 end';
// writes, then runs for about a second and a half (TIME inside the script bounds it)
const WRITE_THEN_SPIN = `
redis.call('set', KEYS[1], 'written')
local s = redis.call('time')
while true do
  local n = redis.call('time')
  if (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 1500000 then break end
end
return 'done'`;

// runs for about a second, then raises an error from a nested function
const SPIN_THEN_FAIL = `
local function fail()
  error('late failure')
end
local s = redis.call('time')
while true do
  local n = redis.call('time')
  if (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 1000000 then break end
end
fail()`;

async function scenario(port: number): Promise<string[]> {
  const a = await ByteClient.connect(port);
  const b = await ByteClient.connect(port);
  const out: string[] = [];
  try {
    out.push(await b.call('CONFIG', 'SET', 'busy-reply-threshold', '100'));
    out.push(await b.call('SCRIPT', 'KILL'));
    a.write(encodeArgv(['EVAL', SPIN, '0']));
    out.push(await untilBusy(b));
    out.push(await b.call('GET', 'k'));
    out.push(await b.call('SCRIPT', 'KILL'));
    out.push(await a.reply(10000));
    out.push(await b.call('PING'));
    a.write(encodeArgv(['EVAL', WRITE_THEN_SPIN, '1', 'k']));
    out.push(await untilBusy(b));
    out.push(await b.call('SCRIPT', 'KILL'));
    out.push(await a.reply(10000));
    out.push(await b.call('GET', 'k'));
    // past the threshold (so it was suspended and resumed), then an error: its position as usual
    a.write(encodeArgv(['EVAL', SPIN_THEN_FAIL, '0']));
    out.push(await untilBusy(b));
    out.push(await a.reply(10000));
    out.push(await b.call('PING'));
    out.push(await b.call('CONFIG', 'SET', 'lua-time-limit', '5000'));
  } finally {
    a.socket.destroy();
    b.socket.destroy();
  }
  return out;
}

run('busy-reply-threshold, BUSY and SCRIPT KILL', () => {
  let redis: RedisServerHandle;
  let ours: StartedReplikit;

  beforeAll(async () => {
    redis = await startRedisServer();
    // the configured server: CONFIG SET busy-reply-threshold / lua-time-limit
    ours = await startReplikit();
  });

  afterAll(async () => {
    await ours?.stop();
    await redis?.stop();
  });

  test('same replies as redis-server', async () => {
    const want = await scenario(redis.port);
    const got = await scenario(ours.port);
    expect(want[2]).toBe('-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n');
    expect(got).toEqual(want);
  });
});
