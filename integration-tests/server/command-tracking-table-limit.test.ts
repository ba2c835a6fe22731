/**
 * tracking-table-max-keys against redis-server 7.0: past the limit, tracked keys are invalidated
 * (a push to the client that read them) and forgotten, so a later write sends nothing for them.
 * Redis picks the keys by a random walk, replikit oldest first: the transcripts are compared with
 * key names masked, and each server must invalidate every key exactly once.
 */
import { hasRedis } from '@replikit/test-utils';
import { redisAndReplikit } from '../replication/helpers';
import { ByteClient, encodeArgv } from './helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

async function transcript(port: number): Promise<string[]> {
  const a = await ByteClient.connect(port);
  const b = await ByteClient.connect(port);
  try {
    const out: string[] = [];
    const call = async (c: ByteClient, name: string, ...argv: string[]) => out.push(`${name} ${argv.join(' ')} => ${await c.call(...argv)}`);
    await call(b, 'B', 'CONFIG', 'SET', 'tracking-table-max-keys', '2');
    await call(b, 'B', 'CONFIG', 'GET', 'tracking-table-max-keys');
    await call(a, 'A', 'HELLO', '3').then(() => out.pop());
    await call(a, 'A', 'CLIENT', 'TRACKING', 'on');
    for (const k of ['k1', 'k2', 'k3']) await call(a, 'A', 'GET', k);
    a.write(encodeArgv(['PING']));
    // the invalidation of the key over the limit comes before PING's reply
    out.push(`A PING => ${await a.reply()} ${await a.reply()}`);
    await call(b, 'B', 'MSET', 'k1', 'x', 'k2', 'x', 'k3', 'x');
    out.push(`A pushes => ${await a.reply()} ${await a.reply()}`);
    out.push(`A quiet => ${await a.silentFor(100)}`);
    await call(b, 'B', 'CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    return out;
  } finally {
    a.close();
    b.close();
  }
}

describeRedis('tracking-table-max-keys vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  it('evicts tracked keys past the limit with an invalidation, like Redis', async () => {
    const theirs = await transcript(servers.redis.port);
    const ours = await transcript(servers.rk.port);
    for (const t of [theirs, ours]) {
      const invalidated = t.join('\n').match(/invalidate\r\n\*1\r\n\$2\r\n(k\d)/g) ?? [];
      expect(invalidated.map((m) => m.slice(-2)).sort()).toEqual(['k1', 'k2', 'k3']);
    }
    const mask = (t: string[]) => t.map((l) => l.replace(/k\d/g, 'K'));
    expect(mask(ours)).toEqual(mask(theirs));
  });
});
