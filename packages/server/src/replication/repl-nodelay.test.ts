/**
 * `repl-disable-tcp-nodelay`: a full sync turns Nagle back on for the replica's socket (Redis's
 * syncCommand), a partial resync and `no` leave TCP_NODELAY set. The socket's setNoDelay is
 * observed on the real connection the server accepted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectLinePeer, getFreePort } from '@replikit/test-utils';
import { createServerFromConfig } from '../config-binding-server';
import { loadConfigFromArgs } from '../config/load-config';
import type { ClientConnection } from '../connection/client-connection';
import { Logger } from '../logger';

describe('repl-disable-tcp-nodelay', () => {
  let dir: string;
  let server: ReturnType<typeof createServerFromConfig>;
  let port: number;
  /** setNoDelay calls made on each accepted socket after the client was set up */
  const calls: Array<Array<boolean | undefined>> = [];
  const peers: Socket[] = [];

  async function start(nodelayDisabled: 'yes' | 'no'): Promise<void> {
    dir = mkdtempSync(join(tmpdir(), 'replikit-nodelay-'));
    port = await getFreePort();
    const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--repl-diskless-sync-delay', '0', '--repl-disable-tcp-nodelay', nodelayDisabled]);
    server = createServerFromConfig(config, { logger: new Logger({ sink: () => {} }) });
    server.server.on('client:connect', (c) => {
      const socket = (c as ClientConnection).socket;
      const seen: Array<boolean | undefined> = [];
      calls.push(seen);
      const original = socket.setNoDelay.bind(socket);
      socket.setNoDelay = (noDelay?: boolean) => {
        seen.push(noDelay);
        return original(noDelay);
      };
    });
    await server.start();
  }

  async function fullSync(): Promise<{ replid: string; offset: number }> {
    const peer = await connectLinePeer(port);
    peers.push(peer.socket);
    // PSYNC only once the REPLCONF reply is out (pending output refuses it)
    peer.socket.write('REPLCONF capa eof capa psync2\r\n');
    await peer.line(/^\+OK$/);
    peer.socket.write('PSYNC ? -1\r\n');
    const [, replid, offset] = (await peer.line(/^\+FULLRESYNC /)).split(' ');
    return { replid: replid as string, offset: Number(offset) };
  }

  afterEach(async () => {
    for (const s of peers.splice(0)) s.destroy();
    calls.splice(0);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('yes: a full sync calls setNoDelay(false) on the replica socket', async () => {
    await start('yes');
    await fullSync();
    expect(calls[0]).toEqual([false]);
  });

  it('yes: a partial resync keeps TCP_NODELAY (as Redis 7.0 does)', async () => {
    await start('yes');
    const { replid } = await fullSync();
    peers[0]?.destroy();
    const peer = await connectLinePeer(port);
    peers.push(peer.socket);
    // the backlog exists since the first replica; offset+1 of the FULLRESYNC point is in range
    const offset = server.replication.node.masterReplOffset + 1;
    peer.socket.write('REPLCONF capa eof capa psync2\r\n');
    await peer.line(/^\+OK$/);
    peer.socket.write(`PSYNC ${replid} ${offset}\r\n`);
    await peer.line(/^\+CONTINUE/);
    expect(calls[1]).toEqual([]);
  });

  it('no: the replica socket keeps TCP_NODELAY through a full sync', async () => {
    await start('no');
    await fullSync();
    expect(calls[0]).toEqual([]);
  });

  it('CONFIG SET repl-disable-tcp-nodelay yes applies to the next full sync', async () => {
    await start('no');
    server.config.set('repl-disable-tcp-nodelay', ['yes'], 'runtime');
    await fullSync();
    expect(calls[0]).toEqual([false]);
  });
});
