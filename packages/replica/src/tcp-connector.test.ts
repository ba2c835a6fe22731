import { type Server, type Socket, createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { tcpConnector } from './tcp-connector';

/** An echo server on loopback; `sockets` are the accepted connections still open. */
function echoServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  return new Promise((resolve) => {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.pipe(s);
    });
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a !== null ? a.port : 0, sockets });
    });
  });
}

function echoOnce(link: Duplex, text: string): Promise<string> {
  return new Promise((resolve) => {
    link.once('data', (d: Buffer) => resolve(d.toString('latin1')));
    link.write(text);
  });
}

describe('tcpConnector', () => {
  it('each attempt gets a fresh connected socket, built ahead by prepare() or on the spot', async () => {
    const { server, port, sockets } = await echoServer();
    const links: Duplex[] = [];
    try {
      const connect = tcpConnector('127.0.0.1', port);
      connect.prepare?.();
      connect.prepare?.(); // a second call keeps the one socket already built
      links.push(await connect(new AbortController().signal));
      // no prepare() before this one: built on the spot
      links.push(await connect(new AbortController().signal));
      connect.prepare?.();
      links.push(await connect(new AbortController().signal));
      expect(new Set(links).size).toBe(3);
      for (const [i, link] of links.entries()) expect(await echoOnce(link, `ping ${i}`)).toBe(`ping ${i}`);
      expect(links.every((l) => (l as Socket).remotePort === port)).toBe(true);
    } finally {
      for (const l of links) l.destroy();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('a refused attempt rejects with the prepared socket; one aborted before it starts leaves it to the next', async () => {
    const { server, port, sockets } = await echoServer();
    let link: Duplex | undefined;
    try {
      // nothing listens on port 1 of loopback: refused
      const refused = tcpConnector('127.0.0.1', 1);
      refused.prepare?.();
      await expect(refused(new AbortController().signal)).rejects.toThrow(/ECONNREFUSED/);
      const ok = tcpConnector('127.0.0.1', port);
      ok.prepare?.();
      const aborted = new AbortController();
      aborted.abort(new Error('closed'));
      await expect(ok(aborted.signal)).rejects.toThrow('closed');
      link = await ok(new AbortController().signal);
      expect(await echoOnce(link, 'x')).toBe('x');
    } finally {
      link?.destroy();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
