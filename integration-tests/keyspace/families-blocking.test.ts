/**
 * BLMPOP and BZMPOP on replikit-server against redis-server 7.0: argument errors in Redis's order
 * (timeout checked after numkeys, direction and COUNT), immediate pops, clients blocked and then
 * served by a push from another client, timeouts and the non-blocking answer inside MULTI; replies
 * compared byte for byte (RESP2 and RESP3), then the datasets.
 */
import { hasRedis } from '@replikit/test-utils';
import { redisAndReplikit } from '../replication/helpers';
import { RedisConn } from './redis-conn';

const describeRedis = hasRedis() ? describe : describe.skip;

type Script = Array<string[] | { blocked: string[]; push: string[] }>;

const SCRIPT: Script = [
  ['RPUSH', 'l', 'a', 'b', 'c'],
  ['BLMPOP', '0', '2', 'none', 'l', 'RIGHT', 'COUNT', '2'],
  ['BLMPOP', '0', '1', 'l', 'left'],
  ['BLMPOP', 'x', '1', 'l', 'LEFT'],
  ['BLMPOP', '-1', '1', 'l', 'LEFT'],
  ['BLMPOP', 'x', '0', 'l', 'LEFT'],
  ['BLMPOP', 'x', '1', 'l', 'UP'],
  ['BLMPOP', 'x', '1', 'l', 'LEFT', 'COUNT', '0'],
  ['BLMPOP', 'x', '1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '2'],
  ['BLMPOP', '0', '5', 'l', 'LEFT'],
  ['SET', 's', 'v'],
  ['BLMPOP', '0', '1', 's', 'LEFT'],
  ['BLMPOP', 'x', '1', 's', 'LEFT'],
  ['BLMPOP', '0.05', '1', 'none', 'LEFT'],
  { blocked: ['BLMPOP', '0', '2', 'e1', 'e2', 'LEFT', 'COUNT', '5'], push: ['RPUSH', 'e2', 'x', 'y', 'z'] },
  { blocked: ['BLMPOP', '0', '1', 'e3', 'RIGHT'], push: ['LPUSH', 'e3', 'p', 'q'] },
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
  ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '2'],
  ['BZMPOP', '0', '2', 'none', 'z', 'min'],
  ['BZMPOP', 'x', '1', 'z', 'MID'],
  ['BZMPOP', '0', '1', 's', 'MIN'],
  ['BZMPOP', '0.05', '1', 'z', 'MIN'],
  { blocked: ['BZMPOP', '0', '2', 'z1', 'z2', 'MIN', 'COUNT', '10'], push: ['ZADD', 'z2', '5', 'm', '4', 'n'] },
  ['MULTI'],
  ['BLMPOP', '0', '1', 'none', 'LEFT'],
  ['BZMPOP', '0', '1', 'none', 'MAX'],
  ['EXEC'],
  ['EXISTS', 'l', 's', 'z', 'e1', 'e2', 'e3', 'z1', 'z2', 'none'],
  ['DBSIZE'],
  ['LRANGE', 'e2', '0', '-1'],
  ['LRANGE', 'e3', '0', '-1'],
  ['ZRANGE', 'z2', '0', '-1', 'WITHSCORES'],
];

async function run(port: number, resp: 2 | 3): Promise<string[]> {
  const a = await RedisConn.open(port);
  const b = await RedisConn.open(port);
  const out: string[] = [];
  try {
    if (resp === 3) await a.call('HELLO', '3');
    await a.call('FLUSHALL');
    for (const step of SCRIPT) {
      if (Array.isArray(step)) {
        out.push((await a.call(...step)).raw);
        continue;
      }
      const pending = a.call(...step.blocked);
      // the blocked client is served by the push (whatever the timing, there is no timeout)
      await b.call('PING');
      out.push((await b.call(...step.push)).raw);
      out.push((await pending).raw);
    }
    return out;
  } finally {
    await a.close();
    await b.close();
  }
}

describeRedis('BLMPOP / BZMPOP vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  it.each([2, 3] as const)('RESP%i: the same replies', async (resp) => {
    const theirs = await run(servers.redis.port, resp);
    const ours = await run(servers.rk.port, resp);
    expect(ours).toEqual(theirs);
  });
});
