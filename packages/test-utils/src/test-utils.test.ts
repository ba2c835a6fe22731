import { createDuplexPair, hasRedis, startRedisServer, RawClient } from './index';

describe('createDuplexPair', () => {
  it('carries bytes both ways and ends the peer', async () => {
    const [a, b] = createDuplexPair();
    const got: Buffer[] = [];
    b.on('data', (d: Buffer) => got.push(d));
    const ended = new Promise((r) => b.once('end', r));
    a.write('hello ');
    a.end('world');
    await ended;
    expect(Buffer.concat(got).toString()).toBe('hello world');
    a.destroy();
  });
});

const describeRedis = hasRedis() ? describe : describe.skip;
describeRedis('startRedisServer + RawClient', () => {
  it('starts a real redis-server, talks RESP and stops it by pid', async () => {
    const srv = await startRedisServer();
    try {
      const c = await RawClient.connect(srv.port);
      expect(String(await c.call('SET', 'k', 'v'))).toBe('OK');
      expect((await c.call('GET', 'k'))?.toString()).toBe('v');
      const info = String(await c.call('INFO', 'server'));
      expect(info).toMatch(/redis_version:7\./);
      await c.close();
    } finally {
      await srv.stop();
    }
    expect(() => process.kill(srv.pid, 0)).toThrow();
  });
});
