/**
 * The Lua state is made by the first script or library, not at server start: a server that never
 * runs Lua starts without it, a library in the dump.rdb still loads at start, and scripts run as
 * before once it exists.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRdbToBuffer } from '@replikit/rdb';
import { connectLinePeer, getFreePort, type LinePeer } from '@replikit/test-utils';
import { loadConfigFromArgs } from '../config/load-config';
import { createServerFromConfig } from '../config-binding-server';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { Logger } from '../logger';
import { scriptEngineOf } from './script-run';

describe('the Lua state is made on first use', () => {
  let dir: string;
  let server: ReturnType<typeof createServerFromConfig> | undefined;
  const sockets: Socket[] = [];

  async function start(): Promise<{ peer: LinePeer; hasState: () => boolean }> {
    const port = await getFreePort();
    const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '']);
    const s = createServerFromConfig(config, { logger: new Logger({ sink: () => {} }) });
    server = s;
    await s.start();
    const peer = await connectLinePeer(port);
    sockets.push(peer.socket);
    return { peer, hasState: () => scriptEngineOf(s.server as unknown as ServerRuntime).hasState };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-lua-lazy-'));
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a server starts without it; SAVE, INFO, FUNCTION LIST/DUMP, SCRIPT EXISTS/FLUSH leave it so; the first EVAL makes it', async () => {
    const { peer, hasState } = await start();
    expect(hasState()).toBe(false);
    peer.socket.write('SAVE\r\nINFO memory\r\nFUNCTION LIST\r\nFUNCTION DUMP\r\nSCRIPT EXISTS 0000000000000000000000000000000000000000\r\nSCRIPT FLUSH\r\nPING marker-1\r\n');
    await peer.line(/^marker-1$/);
    expect(hasState()).toBe(false);
    peer.socket.write('EVAL "return redis.call(\'PING\', \'from-lua\')" 0\r\n');
    await peer.line(/^from-lua$/);
    expect(hasState()).toBe(true);
  });

  it('a library in the dump.rdb loads at start and FCALL runs it', async () => {
    const lib = "#!lua name=lazylib\nredis.register_function('lazy_f', function(keys, args) return 'from-rdb-' .. args[1] end)";
    writeFileSync(join(dir, 'dump.rdb'), writeRdbToBuffer([], { functions: [Buffer.from(lib)] }));
    const { peer, hasState } = await start();
    expect(hasState()).toBe(true);
    peer.socket.write('FCALL lazy_f 0 x\r\nEVAL "return ARGV[1]" 0 eval-ok\r\n');
    await peer.line(/^from-rdb-x$/);
    await peer.line(/^eval-ok$/);
  });
});
