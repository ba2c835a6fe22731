/**
 * `bench/src/scripting.ts --in-process`: the server's own CPU per request, without sockets. A
 * configured replikit-server (as the CLI makes it) serves 50 fake connections; every event-loop
 * turn each one receives a pipeline of 16 requests (EVALSHA of the bench script, or GET) and
 * its replies are counted, not sent. What remains is the server's code: request parsing, the
 * dispatcher, the script engine, reply encoding and V8's GC, with none of the socket system calls
 * that make the end-to-end figures swing on a busy machine.
 *
 * This file is the entry of a bundle (scripting.ts builds one per tree with bundleSources, so a
 * `--baseline` revision runs its own sources); it reads its options from the command line and
 * prints one JSON line per round.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServerFromConfig, loadConfigFromArgs } from '@replikit/server';

/** What ClientConnection uses of a socket; writes are counted and dropped. */
class CountingSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 1;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 2;
  readonly writableLength = 0;
  destroyed = false;
  written = 0;
  setNoDelay(): void {}
  setKeepAlive(): void {}
  cork(): void {}
  uncork(): void {}
  pause(): void {}
  resume(): void {}
  write(chunk: Buffer | string): boolean {
    this.written += chunk.length;
    return true;
  }
  end(): void {
    this.destroy();
  }
  destroySoon(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    setImmediate(() => this.emit('close', false));
  }
}

const resp = (args: readonly string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? (args[i + 1] as string) : fallback;
  };
  const body = opt('body', "return redis.call('GET', KEYS[1])");
  const command = opt('command', 'evalsha');
  const requests = Number(opt('requests', '200000'));
  const rounds = Number(opt('rounds', '5'));
  const pipeline = 16;
  const clients = 50;
  const { config } = loadConfigFromArgs(['--port', '0', '--bind', '127.0.0.1', '--save', '', '--dir', opt('dir', '.'), '--loglevel', 'warning']);
  const configured = createServerFromConfig(config, {});
  await configured.load();
  await configured.listen();
  const server = configured.server;
  const sockets: CountingSocket[] = [];
  for (let i = 0; i < clients; i++) {
    const s = new CountingSocket();
    server.adoptConnection(s as unknown as import('node:net').Socket);
    sockets.push(s);
  }
  const sha = createHash('sha1').update(body, 'latin1').digest('hex');
  (sockets[0] as CountingSocket).emit('data', Buffer.from(resp(['SET', 'bench:k', 'value']) + resp(['SCRIPT', 'LOAD', body]), 'latin1'));
  await turn();
  const one = command === 'get' ? resp(['GET', 'bench:k']) : resp(['EVALSHA', sha, '1', 'bench:k']);
  const batch = Buffer.from(one.repeat(pipeline), 'latin1');
  const turns = Math.ceil(requests / (pipeline * clients));
  const pass = async (): Promise<void> => {
    for (let t = 0; t < turns; t++) {
      // a fresh Buffer per read, as a socket hands over
      for (const s of sockets) s.emit('data', Buffer.from(batch));
      await turn();
    }
  };
  // warm-up: V8 tiers, tables grown
  await pass();
  for (let r = 0; r < rounds; r++) {
    const before = process.cpuUsage();
    await pass();
    const used = process.cpuUsage(before);
    console.log(JSON.stringify({ usPerRequest: (used.user + used.system) / (turns * clients * pipeline) }));
  }
  for (const s of sockets) s.destroy();
  await configured.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
