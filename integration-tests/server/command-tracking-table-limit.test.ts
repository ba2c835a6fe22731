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

async function trackingInfo(port: number): Promise<string[]> {
  const field = (info: string, name: string) => info.split('\r\n').find((l) => l.startsWith(`${name}:`)) ?? `${name}: missing`;
  const read = async (c: ByteClient) => {
    const info = (await c.call('INFO', 'everything')).toString();
    return ['tracking_clients', 'tracking_total_keys', 'tracking_total_items', 'tracking_total_prefixes'].map((n) => field(info, n)).join(' ');
  };
  const all = await Promise.all([0, 1, 2, 3].map(() => ByteClient.connect(port)));
  try {
    const out: string[] = [];
    const x = all[0] as ByteClient;
    await x.call('FLUSHALL');
    out.push(await read(x));
    await x.call('HELLO', '3');
    await x.call('CLIENT', 'TRACKING', 'on');
    await (all[1] as ByteClient).call('HELLO', '3');
    await (all[1] as ByteClient).call('CLIENT', 'TRACKING', 'on');
    for (const k of ['k1', 'k2']) await x.call('GET', k);
    await (all[1] as ByteClient).call('MGET', 'k2', 'k3');
    out.push(await read(x));
    await (all[2] as ByteClient).call('HELLO', '3');
    await (all[2] as ByteClient).call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b');
    await (all[3] as ByteClient).call('HELLO', '3');
    await (all[3] as ByteClient).call('CLIENT', 'TRACKING', 'on', 'BCAST');
    out.push(await read(x));
    await (all[1] as ByteClient).call('CLIENT', 'TRACKING', 'off');
    out.push(await read(x));
    return out;
  } finally {
    for (const cl of all) cl.close();
  }
}

describeRedis('INFO tracking fields vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  it('tracking_clients and tracking_total_keys / items / prefixes are equal', async () => {
    const theirs = await trackingInfo(servers.redis.port);
    expect(theirs[1]).toContain('tracking_total_items:4');
    expect(await trackingInfo(servers.rk.port)).toEqual(theirs);
  });
});
