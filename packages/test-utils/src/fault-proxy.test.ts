import { createHash } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createFaultProxy, type FaultProxy } from './fault-proxy';
import { seededBytes, seededRandom } from './seed';

/** A target that echoes (`echo`) or only counts and hashes what it reads (`sink`). */
interface Target {
  server: Server;
  port: number;
  sockets: Set<Socket>;
  received: number;
  hash: ReturnType<typeof createHash>;
  close(): Promise<void>;
}

async function startTarget(kind: 'echo' | 'sink'): Promise<Target> {
  const t = { sockets: new Set<Socket>(), received: 0, hash: createHash('sha1') } as Target;
  t.server = createServer((s) => {
    t.sockets.add(s);
    s.on('close', () => t.sockets.delete(s));
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      t.received += d.length;
      t.hash.update(d);
      if (kind === 'echo') s.write(d);
    });
  });
  await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', () => r()));
  const a = t.server.address();
  t.port = typeof a === 'object' && a ? a.port : 0;
  t.close = async () => {
    for (const s of t.sockets) s.destroy();
    await new Promise<void>((r) => t.server.close(() => r()));
  };
  return t;
}

interface Client {
  socket: Socket;
  data: Buffer[];
  bytes(): number;
  text(): string;
  closed: Promise<void>;
}

async function dial(port: number): Promise<Client> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const data: Buffer[] = [];
  socket.on('data', (d: Buffer) => data.push(d));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return { socket, data, closed, bytes: () => data.reduce((n, d) => n + d.length, 0), text: () => Buffer.concat(data).toString('latin1') };
}

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createFaultProxy', () => {
  let target: Target;
  let proxy: FaultProxy;
  const clients: Client[] = [];
  const open = async (): Promise<Client> => {
    const c = await dial(proxy.port);
    clients.push(c);
    return c;
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    await proxy?.close();
    await target?.close();
  });

  it('forwards both ways and counts the bytes', async () => {
    target = await startTarget('echo');
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await open();
    c.socket.write('hello');
    await until(() => c.text() === 'hello', 'the echo');
    expect(proxy.stats()).toMatchObject({ accepted: 1, open: 1, toTarget: 5, toClient: 5, dropped: 0, queued: 0 });
  });

  it('cut() closes both sockets of every connection and still accepts new ones', async () => {
    target = await startTarget('echo');
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await open();
    c.socket.write('x');
    await until(() => c.text() === 'x' && target.sockets.size === 1, 'the first echo');
    proxy.cut();
    await c.closed;
    await until(() => target.sockets.size === 0, 'the target side to close');
    const d = await open();
    d.socket.write('again');
    await until(() => d.text() === 'again', 'the echo on a new connection');
    expect(proxy.stats()).toMatchObject({ accepted: 2, open: 1 });
  });

  it('stall() holds the bytes until resume(), then delivers them in order', async () => {
    target = await startTarget('echo');
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await open();
    proxy.stall();
    c.socket.write('one,');
    c.socket.write('two');
    await until(() => proxy.stats().queued === 7, 'the bytes to be held');
    await pause(100);
    expect(target.received).toBe(0);
    expect(c.bytes()).toBe(0);
    proxy.resume();
    await until(() => c.text() === 'one,two', 'the echo after resume');
  });

  it('a stalled direction is bounded and pushes back on the sender; nothing is lost', async () => {
    target = await startTarget('sink');
    const maxQueuedBytes = 64 * 1024;
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: target.port }, maxQueuedBytes });
    const c = await open();
    proxy.stall('toTarget');
    const payload = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >>> 12)) & 0xff;
    const expected = createHash('sha1').update(payload).digest('hex');
    c.socket.write(payload);
    // the proxy stops reading at its bound: the rest stays in the sender's socket buffer
    await until(() => proxy.stats().queued >= maxQueuedBytes, 'the proxy queue to fill');
    await pause(100);
    expect(proxy.stats().queued).toBeLessThan(maxQueuedBytes + 2 * 65536);
    expect(c.socket.writableLength).toBeGreaterThan(0);
    expect(target.received).toBe(0);
    proxy.resume();
    await until(() => target.received === payload.length, 'every byte at the target');
    expect(target.hash.digest('hex')).toBe(expected);
  });

  it('stall("toClient") stops only the target -> client direction', async () => {
    target = await startTarget('echo');
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await open();
    proxy.stall('toClient');
    expect(proxy.modes).toEqual({ toTarget: { kind: 'pass' }, toClient: { kind: 'stall' } });
    c.socket.write('ping');
    await until(() => target.received === 4, 'the bytes at the target');
    await pause(50);
    expect(c.bytes()).toBe(0);
    proxy.resume();
    await until(() => c.text() === 'ping', 'the echo');
  });

  it('delay(ms) forwards each chunk no sooner than ms after it arrived, in order', async () => {
    target = await startTarget('sink');
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await open();
    proxy.delay(250, 'toTarget');
    const sent = Date.now();
    c.socket.write('a');
    await pause(20);
    c.socket.write('b');
    await until(() => target.received === 2, 'both chunks');
    // a lower bound only: a loaded machine makes the delay longer, never shorter
    expect(Date.now() - sent).toBeGreaterThanOrEqual(245);
    expect(target.hash.digest('hex')).toBe(createHash('sha1').update('ab').digest('hex'));
  });

  it('throttle(bytesPerSec) caps the rate and keeps the bytes intact', async () => {
    target = await startTarget('sink');
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await open();
    const rate = 200_000;
    proxy.throttle(rate, 'toTarget');
    const payload = seededBytes(seededRandom(3), 100_000);
    const started = Date.now();
    c.socket.write(payload);
    await until(() => target.received === payload.length, 'every byte');
    // 100 kB at 200 kB/s: at least half a second, less the one tick of burst the bucket allows
    expect(Date.now() - started).toBeGreaterThanOrEqual(((payload.length - rate * 0.02) / rate) * 1000 - 5);
    expect(target.hash.digest('hex')).toBe(createHash('sha1').update(payload).digest('hex'));
  });

  it('blackhole() swallows bytes without pushback; resume() cuts the connections that lost bytes', async () => {
    target = await startTarget('echo');
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await open();
    const spare = await open();
    c.socket.write('before');
    await until(() => c.text() === 'before', 'the echo before');
    proxy.blackhole();
    const big = Buffer.alloc(2 * 1024 * 1024, 1);
    c.socket.write(big);
    await until(() => proxy.stats().dropped === big.length, 'every byte to be swallowed');
    expect(c.socket.writableLength).toBe(0);
    expect(target.received).toBe('before'.length);
    proxy.resume();
    await c.closed;
    // a connection that lost nothing survives the black hole
    spare.socket.write('ok');
    await until(() => spare.text() === 'ok', 'the echo on the untouched connection');
  });

  it('close() closes every connection and stops listening', async () => {
    target = await startTarget('echo');
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await open();
    proxy.delay(10_000);
    c.socket.write('pending');
    await until(() => proxy.stats().queued === 7, 'a delayed chunk with its timer');
    await proxy.close();
    await c.closed;
    await until(() => target.sockets.size === 0, 'the target side to close');
    const refused = connect(proxy.port, '127.0.0.1');
    await expect(new Promise((_, reject) => refused.once('error', reject))).rejects.toThrow(/ECONNREFUSED/);
    refused.destroy();
  });

  it('a target that is down closes the accepted connection', async () => {
    target = await startTarget('echo');
    const port = target.port;
    await target.close();
    proxy = await createFaultProxy({ target: { host: '127.0.0.1', port } });
    const c = await open();
    await c.closed;
    target = await startTarget('echo');
  });
});
