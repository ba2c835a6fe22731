import { createServer } from 'node:net';
import { getFreePort, isPortTaken } from './redis-server';

describe('getFreePort', () => {
  it('returns a bindable port below the ephemeral range, so outgoing connections cannot take it', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const port = await getFreePort();
      expect(port).toBeGreaterThanOrEqual(20000);
      expect(port).toBeLessThan(32768);
      seen.add(port);
      const srv = createServer();
      await new Promise<void>((res, rej) => {
        srv.once('error', rej);
        srv.listen(port, '127.0.0.1', () => res());
      });
      await new Promise<void>((res) => srv.close(() => res()));
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('recognises a start that lost its port', () => {
    expect(isPortTaken(new Error('... bind: Address already in use\n'))).toBe(true);
    expect(isPortTaken(new Error('port 1 is answered by process 2, not by the redis-server child 3'))).toBe(true);
    expect(isPortTaken(new Error('redis-server exited at start: FATAL CONFIG FILE ERROR'))).toBe(false);
  });
});
