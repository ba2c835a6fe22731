/**
 * The replication stream to a replica is written once per event-loop turn (a corked socket that the
 * end-of-turn flush uncorks), not once per propagated command: a pipeline of 200 SETs read in one
 * turn reaches the replica's socket in a handful of writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, createServerFromConfig, loadConfigFromArgs } from '@replikit/server';
import { RawClient, getFreePort } from '@replikit/test-utils';
import { encodeArgv } from './helpers';

const COMMANDS = 200;

function countSets(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf('\r\nSET\r\n'); i >= 0; i = b.indexOf('\r\nSET\r\n', i + 1)) n++;
  return n;
}

describe('replica link output', () => {
  it('propagates the commands of one turn with a few socket writes, not one per command', async () => {
    const port = await getFreePort();
    const dir = mkdtempSync(join(tmpdir(), 'replikit-batching-'));
    const { config } = loadConfigFromArgs(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--repl-diskless-sync-delay', '0']);
    const server = createServerFromConfig(config, { logger: new Logger({ sink: () => {} }) });
    await server.start();
    const srv = { port };
    const replica = await RawClient.connect(srv.port);
    const writer = await RawClient.connect(srv.port);
    const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (...a: unknown[]) => unknown>;
    const write = proto._write;
    const writev = proto._writev;
    try {
      expect(String(await replica.call('REPLCONF', 'capa', 'eof', 'capa', 'psync2'))).toBe('OK');
      replica.switchToRaw();
      replica.writeRaw(encodeArgv(['PSYNC', '?', '-1']));
      // +FULLRESYNC, then $EOF:<40-byte mark>, the payload, and the mark again
      let got = await replica.readRaw(1);
      for (let i = 0; i < 100; i++) {
        const m = /\$EOF:([0-9a-f]{40})\r\n/.exec(got.toString('latin1'));
        if (m && got.lastIndexOf(m[1]) > got.indexOf(m[1])) break;
        got = await replica.readRaw(got.length + 1, 100);
      }
      replica.clearRaw();
      replica.writeRaw(encodeArgv(['REPLCONF', 'ACK', '0']));
      expect(String(await writer.call('PING'))).toBe('PONG');

      let writes = 0;
      const localPort = replica.socket.localPort;
      const counting = (orig: (...a: unknown[]) => unknown) =>
        function (this: Socket, ...a: unknown[]) {
          if (this.remotePort === localPort) writes++;
          return orig.apply(this, a);
        };
      proto._write = counting(write);
      proto._writev = counting(writev);
      const pipeline: Buffer[] = [];
      for (let i = 0; i < COMMANDS; i++) pipeline.push(encodeArgv(['SET', `k${i}`, 'v']));
      writer.writeRaw(Buffer.concat(pipeline));
      for (let i = 0; i < COMMANDS; i++) await writer.next();
      let seen = 0;
      let bytes = 0;
      for (let i = 0; i < 100 && seen < COMMANDS; i++) {
        const all = await replica.readRaw(bytes + 1, 100);
        bytes = all.length;
        seen = countSets(all);
      }
      proto._write = write;
      proto._writev = writev;
      expect(seen).toBe(COMMANDS);
      // one read of the pipeline is one turn: one write, a few if the pipeline arrived in pieces
      expect(writes).toBeGreaterThan(0);
      expect(writes).toBeLessThan(20);
    } finally {
      proto._write = write;
      proto._writev = writev;
      await writer.close();
      await replica.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
