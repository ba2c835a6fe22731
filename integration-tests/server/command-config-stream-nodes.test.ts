/**
 * stream-node-max-bytes / stream-node-max-entries against redis-server 7.0: CONFIG GET shows them,
 * CONFIG SET changes where XADD opens new stream nodes (XINFO STREAM's radix-tree-keys) and what an
 * approximate trim removes (whole nodes; its default LIMIT is 100 x stream-node-max-entries).
 */
import { hasRedis } from '@replikit/test-utils';
import { client, redisAndReplikit } from '../replication/helpers';

const describeRedis = hasRedis() ? describe : describe.skip;

async function session(port: number): Promise<unknown[]> {
  const c = client(port);
  try {
    const out: unknown[] = [];
    const run = async (...argv: string[]) => out.push([argv.join(' '), await c.call(...(argv as [string, ...string[]])).catch((e: Error) => `ERR ${e.message}`)]);
    await run('FLUSHALL');
    // one name per CONFIG GET: a pattern's matches come in Redis's config dict order
    await run('CONFIG', 'GET', 'stream-node-max-bytes');
    await run('CONFIG', 'GET', 'stream-node-max-entries');
    await run('CONFIG', 'SET', 'stream-node-max-entries', '3');
    for (let i = 1; i <= 10; i++) await run('XADD', 'e', `${i}-0`, 'f', 'v');
    await run('XINFO', 'STREAM', 'e');
    await run('XTRIM', 'e', 'MAXLEN', '~', '4');
    await run('XLEN', 'e');
    await run('XADD', 'e', 'MAXLEN', '~', '2', '*', 'f', 'v');
    await run('XLEN', 'e');
    await run('CONFIG', 'SET', 'stream-node-max-entries', '0');
    await run('CONFIG', 'SET', 'stream-node-max-bytes', '60');
    for (let i = 1; i <= 8; i++) await run('XADD', 'b', `${i}-0`, 'field', 'x'.repeat(i * 3));
    await run('XINFO', 'STREAM', 'b');
    await run('CONFIG', 'SET', 'stream-node-max-bytes', '1kb');
    await run('CONFIG', 'GET', 'stream-node-max-bytes');
    await run('CONFIG', 'SET', 'stream-node-max-entries', '-1');
    await run('CONFIG', 'SET', 'stream-node-max-bytes', '100');
    await run('CONFIG', 'SET', 'stream-node-max-entries', '100');
    await run('CONFIG', 'SET', 'stream-node-max-bytes', '4096');
    return out.map((x) => JSON.parse(JSON.stringify(x).replace(/\d{13}-0/g, 'ID')));
  } finally {
    c.disconnect();
  }
}

describeRedis('stream-node-max-bytes / stream-node-max-entries vs redis-server 7.0', () => {
  const servers = redisAndReplikit();

  it('the same replies, node counts and trims', async () => {
    const theirs = await session(servers.redis.port);
    expect(JSON.stringify(theirs)).toContain('radix-tree-keys');
    expect(await session(servers.rk.port)).toEqual(theirs);
  });
});
