/**
 * createServerFromConfig with an embedder's own keyspace on a durable adapter (LMDB here, with the
 * config's `storage` left at memory): the adapter is the dataset at start, as with `storage lmdb`.
 * The function libraries are kept in it and restored, and a dump.rdb in `dir` is not loaded over
 * the durable data.
 */
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { lmdbStorage } from '@replikit/storage-lmdb';
import { connectLinePeer, getFreePort, type LinePeer, tempDirs } from '@replikit/test-utils';
import { loadConfigFromArgs } from '../config/load-config';
import { type ConfiguredServer, createServerFromConfig } from '../config-binding-server';
import { Logger } from '../logger';

const lib = (name: string) => `#!lua name=${name}\nredis.register_function('${name}_f', function() return 'from-${name}' end)`;
/** An inline command line with the library source as one quoted argument. */
const functionLoad = (name: string) => `FUNCTION LOAD "${lib(name).replace(/\n/g, '\\n').replace(/'/g, "\\'")}"\r\n`;

describe('an embedder keyspace on a durable adapter under createServerFromConfig', () => {
  const dirs = tempDirs('replikit-embedder-durable-');
  const running: Array<{ server: ConfiguredServer; ks: Keyspace }> = [];
  const sockets: Socket[] = [];

  async function start(dir: string): Promise<{ peer: LinePeer; lines: string[] }> {
    const port = await getFreePort();
    const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '']);
    const ks = createKeyspace({ databases: config.getNumber('databases'), storage: lmdbStorage({ dir, fsync: 'always' }) });
    const lines: string[] = [];
    const server = createServerFromConfig(config, { keyspace: ks, logger: new Logger({ sink: (l) => lines.push(l) }) });
    running.push({ server, ks });
    await server.start();
    const peer = await connectLinePeer(port);
    sockets.push(peer.socket);
    return { peer, lines };
  }

  async function stopAll(): Promise<void> {
    for (const s of sockets.splice(0)) s.destroy();
    for (const r of running.splice(0)) {
      await r.server.close();
      r.ks.close();
    }
  }

  afterEach(async () => {
    await stopAll();
    dirs.removeAll();
  });

  it('restores the libraries and keys it committed and leaves the dump.rdb unread', async () => {
    const dir = dirs.fresh();
    const first = await start(dir);
    // the dump.rdb holds lib1 and key a; the durable store ends with lib2 and key b only
    first.peer.socket.write(`${functionLoad('lib1')}SET a 1\r\nSAVE\r\nPING saved\r\n`);
    await first.peer.line(/^saved$/);
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);
    first.peer.socket.write(`FUNCTION FLUSH\r\n${functionLoad('lib2')}DEL a\r\nSET b 2\r\nPING written\r\n`);
    await first.peer.line(/^written$/);
    await stopAll();

    const second = await start(dir);
    second.peer.socket.write('FCALL lib2_f 0\r\n');
    await second.peer.line(/^from-lib2$/);
    second.peer.socket.write('FCALL lib1_f 0\r\n');
    await second.peer.line(/^-ERR Function not found/);
    second.peer.socket.write('GET b\r\nPING after-get\r\n');
    expect(await second.peer.line(/^2$|^after-get$/)).toBe('2');
    second.peer.socket.write('EXISTS a\r\n');
    await second.peer.line(/^:0$/);
    expect(second.lines.some((l) => l.includes('1 function libraries loaded from the storage adapter'))).toBe(true);
    expect(second.lines.some((l) => l.includes('DB loaded from the storage adapter'))).toBe(true);
  });
});
