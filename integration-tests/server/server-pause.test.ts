/** CLIENT PAUSE / UNPAUSE (the pause seam for FAILOVER and SHUTDOWN), compared with redis-server 7.0. */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { ByteClient, call, runScenario, send, sleep, startReplikit, type Started, type Step } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

const SCENARIOS: Record<string, Step[]> = {
  'argument errors': [call(0, 'CLIENT PAUSE x'), call(0, 'CLIENT PAUSE -1'), call(0, 'CLIENT PAUSE 100 FOO'), call(0, 'CLIENT PAUSE 1.5'), call(0, 'CLIENT PAUSE 10 ALL x'), call(0, 'CLIENT UNPAUSE')],
  'WRITE: writes and PUBLISH wait, reads go on, UNPAUSE releases in order': [
    call(0, 'CLIENT PAUSE 5000 WRITE'),
    send(1, 'SET p 1'),
    send(1, 'GET p'),
    sleep(50),
    send(3, 'PUBLISH ch m'),
    call(2, 'GET p'),
    call(2, 'DBSIZE'),
    call(0, 'CLIENT UNPAUSE'),
    call(1, 'INCR p'),
    call(3, 'PING'),
    call(2, 'GET p'),
  ],
  'ALL: every command waits for the timeout': [call(0, 'SET a 1'), call(0, 'CLIENT PAUSE 150 ALL'), send(1, 'GET a'), send(1, 'PING'), sleep(30), call(2, 'ECHO after'), call(1, 'ECHO done')],
};

describeRedis('CLIENT PAUSE vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let ours: Started;
  beforeAll(async () => {
    [redis, ours] = await Promise.all([startRedisServer(), startReplikit()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), ours?.close()]);
  });

  for (const [name, steps] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      for (const port of [redis.port, ours.port]) {
        const c = await ByteClient.connect(port);
        await c.call('FLUSHALL');
        c.close();
      }
      const [expected, actual] = await Promise.all([runScenario(redis.port, steps), runScenario(ours.port, steps)]);
      expect(actual).toEqual(expected);
    });
  }

  it('the seam: runtime.pauses holds writes until unpause()', async () => {
    const c = await ByteClient.connect(ours.port);
    ours.server.pauses.pause('write', 0);
    c.write('*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$1\r\n1\r\n');
    expect(await c.silentFor(100)).toBe(true);
    ours.server.pauses.unpause();
    expect(await c.reply()).toBe('+OK\r\n');
    c.close();
  });
});
