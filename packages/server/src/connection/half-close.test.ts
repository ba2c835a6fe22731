/**
 * A peer that closes its side of the connection (FIN): with nothing left to answer the server
 * closes the connection at once, without a shutdown and Node's Writable finish (the last link of a
 * replica that reconnects takes this path on the master); with commands still to answer (a
 * `printf 'PING\r\n' | nc -N` client) the replies are written first, as Redis answers them before
 * it sees the EOF (whether that FIN is read with the commands or after their replies left is up
 * to the kernel). Observed on the accepted sockets: whether end() (shutdown) was called.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort } from '@replikit/test-utils';
import { createServerFromConfig } from '../config-binding-server';
import { loadConfigFromArgs } from '../config/load-config';
import { Logger } from '../logger';
import type { ClientConnection } from './client-connection';

describe('a peer that closes its side', () => {
  let dir: string;
  let server: ReturnType<typeof createServerFromConfig>;
  let port: number;
  /** per accepted socket: end() called on it (a shutdown after the replies) */
  const ended: boolean[] = [];
  const closed: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-half-close-'));
    port = await getFreePort();
    const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '']);
    server = createServerFromConfig(config, { logger: new Logger({ sink: () => {} }) });
    server.server.on('client:connect', (c) => {
      const socket = (c as ClientConnection).socket;
      const i = ended.push(false) - 1;
      const end = socket.end.bind(socket) as (...a: unknown[]) => Socket;
      socket.end = ((...a: unknown[]) => {
        ended[i] = true;
        return end(...a);
      }) as Socket['end'];
    });
    server.server.on('client:close', (_c, reason) => closed.push(reason));
    await server.start();
  });

  afterEach(async () => {
    ended.splice(0);
    closed.splice(0);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Connects, writes `data`, closes its side; resolves with every byte read until the server closed. */
  function sendAndHalfClose(data: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => s.end(data));
      let got = '';
      s.on('data', (d: Buffer) => {
        got += d.toString('latin1');
      });
      s.on('error', reject);
      s.on('close', () => resolve(got));
    });
  }

  it('with nothing pending: closed at once, no shutdown', async () => {
    expect(await sendAndHalfClose('')).toBe('');
    await waitFor(() => closed.length === 1);
    expect(closed).toEqual(['connection closed by client']);
    expect(ended).toEqual([false]);
  });

  it('commands read in the same turn as the FIN are answered before the close', async () => {
    expect(await sendAndHalfClose('PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nSET k v\r\n')).toBe('+PONG\r\n$2\r\nhi\r\n+OK\r\n');
    await waitFor(() => closed.length === 1);
    expect(closed).toEqual(['connection closed by client']);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}
