import { type Server, type Socket, createServer } from 'node:net';
import { tlsConnector } from './tls-connector';

/** A TCP listener that never answers a TLS handshake (the connect stays pending). */
function silentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  return new Promise((resolve) => {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a !== null ? a.port : 0, sockets });
    });
  });
}

describe('tlsConnector', () => {
  it('an abort rejects a pending handshake with the signal reason', async () => {
    const { server, port, sockets } = await silentServer();
    try {
      const ac = new AbortController();
      const pending = tlsConnector('127.0.0.1', port)(ac.signal);
      await new Promise((r) => setTimeout(r, 20));
      ac.abort(new Error('stop'));
      await expect(pending).rejects.toThrow('stop');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('a peer that is not TLS rejects the attempt', async () => {
    const server = createServer((s) => {
      s.resume(); // read to the peer's FIN, so the socket closes and server.close() can finish
      s.end('-ERR not tls\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    const port = typeof a === 'object' && a !== null ? a.port : 0;
    try {
      await expect(tlsConnector('127.0.0.1', port)(new AbortController().signal)).rejects.toMatchObject({ message: expect.stringMatching(/wrong version number|disconnected|ECONNRESET/) });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('options given as a function are read at every attempt; a throw rejects the attempt', async () => {
    let calls = 0;
    const connect = tlsConnector('127.0.0.1', 1, () => {
      calls++;
      throw new Error('no certificate file');
    });
    await expect(connect(new AbortController().signal)).rejects.toThrow('no certificate file');
    await expect(connect(new AbortController().signal)).rejects.toThrow('no certificate file');
    expect(calls).toBe(2);
  });

  it('an already aborted signal rejects at once', async () => {
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await expect(tlsConnector('127.0.0.1', 1)(ac.signal)).rejects.toThrow('gone');
  });
});
