/**
 * XREAD BLOCK and XREADGROUP BLOCK on replikit-server against redis-server 7.0: immediate
 * answers, clients blocked then served by an XADD from another client (`$`, several keys, a
 * group read with and without NOACK), a group destroyed under a blocked reader (NOGROUP), the
 * non-blocking answer inside MULTI, argument errors; replies compared byte for byte (RESP2 and
 * RESP3), then the PEL and group state the served reads left behind.
 */
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { RedisConn } from '../keyspace/redis-conn';
import { type StartedReplikit, startReplikit } from '../replication/helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

type Script = Array<string[] | { blocked: string[]; push: string[] | string[][] }>;

const SCRIPT: Script = [
  ['XADD', 's', '1-1', 'f', 'v'],
  ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '0'],
  ['XREAD', 'BLOCK', '20', 'STREAMS', 's', '$'],
  ['XREAD', 'BLOCK', '-1', 'STREAMS', 's', '0'],
  ['XREAD', 'BLOCK', 'x', 'STREAMS', 's', '0'],
  ['XREAD', 'BLOCK', '0', 'STREAMS', 's'],
  { blocked: ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'], push: ['XADD', 's', '2-1', 'f', 'w'] },
  { blocked: ['XREAD', 'BLOCK', '0', 'COUNT', '1', 'STREAMS', 's2', 's', '0', '$'], push: ['XADD', 's2', '5-1', 'a', 'b'] },
  { blocked: ['XREAD', 'BLOCK', '0', 'STREAMS', 'fresh', '$'], push: ['XADD', 'fresh', '7-0', 'k', 'v'] },
  ['XGROUP', 'CREATE', 's', 'g', '$'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'nokey', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '20', 'STREAMS', 's', '>'],
  { blocked: ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'], push: ['XADD', 's', '3-1', 'f', 'x'] },
  { blocked: ['XREADGROUP', 'GROUP', 'g', 'c2', 'BLOCK', '0', 'NOACK', 'STREAMS', 's', '>'], push: ['XADD', 's', '4-1', 'f', 'y'] },
  { blocked: ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>'], push: ['XADD', 's', '5-1', 'f', 'z'] },
  ['XPENDING', 's', 'g'],
  ['XINFO', 'GROUPS', 's'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '0'],
  { blocked: ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'], push: ['XGROUP', 'DESTROY', 's', 'g'] },
  // a deleted (or overwritten) stream ends a group reader's wait with UNBLOCKED; a plain XREAD waits on
  ['XGROUP', 'CREATE', 's2', 'g2', '$'],
  { blocked: ['XREADGROUP', 'GROUP', 'g2', 'c', 'BLOCK', '0', 'STREAMS', 's2', '>'], push: ['DEL', 's2'] },
  ['XGROUP', 'CREATE', 's3', 'g3', '$', 'MKSTREAM'],
  { blocked: ['XREADGROUP', 'GROUP', 'g3', 'c', 'BLOCK', '0', 'STREAMS', 's3', '>'], push: ['SET', 's3', 'not a stream'] },
  ['XADD', 's4', '1-1', 'f', 'v'],
  {
    blocked: ['XREAD', 'BLOCK', '0', 'STREAMS', 's4', '$'],
    push: [
      ['DEL', 's4'],
      ['XADD', 's4', '2-2', 'f', 'v'],
    ],
  },
  // scripts may not block
  ['EVAL', "return redis.call('xread','BLOCK','0','STREAMS','s','$')", '0'],
  ['EVAL', "return redis.call('XREAD','COUNT','x','BLOCK','0','STREAMS','s','$')", '0'],
  ['EVAL', "return redis.call('xreadgroup','GROUP','g','c','BLOCK','10','STREAMS','s','>')", '0'],
  ['EVAL', "return redis.call('xread','COUNT','1','STREAMS','s','0')", '0'],
  ['MULTI'],
  ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'],
  ['EXEC'],
  ['XRANGE', 's', '-', '+'],
  ['XINFO', 'STREAM', 's'],
];

async function waitBlocked(conn: RedisConn): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const info = (await conn.call('INFO', 'clients')).raw;
    if (/blocked_clients:[1-9]/.test(info)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the client never blocked');
}

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
      await waitBlocked(b);
      const pushes = Array.isArray(step.push[0]) ? (step.push as string[][]) : [step.push as string[]];
      for (const p of pushes) out.push((await b.call(...p)).raw);
      out.push((await pending).raw);
    }
    return out;
  } finally {
    await a.close();
    await b.close();
  }
}

describeRedis('XREAD / XREADGROUP BLOCK vs redis-server 7.0', () => {
  let redis: RedisServerHandle;
  let rk: StartedReplikit;

  beforeAll(async () => {
    redis = await startRedisServer();
    rk = await startReplikit();
  });

  afterAll(async () => {
    await rk?.stop();
    await redis?.stop();
  });

  it.each([2, 3] as const)('RESP%i: the same replies', async (resp) => {
    const theirs = await run(redis.port, resp);
    const ours = await run(rk.port, resp);
    expect(ours).toEqual(theirs);
  });
});
