/** Connection-level faults and limits: partial input, disconnects, maxclients, buffer limits, idle timeout. */
import { ByteClient, encodeArgv, startReplikit, type Started } from './helpers';

async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('partial input and disconnects', () => {
  let srv: Started;
  beforeAll(async () => {
    srv = await startReplikit();
  });
  afterAll(async () => {
    await srv.close();
  });

  it('answers a command sent in pieces only once it is complete', async () => {
    const c = await ByteClient.connect(srv.port);
    c.write('*2\r\n$4\r\nECHO\r\n$5\r\nhel');
    expect(await c.silentFor(100)).toBe(true);
    c.write('lo\r\n');
    expect(await c.reply()).toBe('$5\r\nhello\r\n');
    c.close();
  });

  it('serves a pipeline written one byte at a time, in order', async () => {
    const c = await ByteClient.connect(srv.port);
    const bytes = Buffer.concat(Array.from({ length: 20 }, (_, i) => encodeArgv(['ECHO', `m${i}`])));
    for (const b of bytes) c.write(Buffer.from([b]));
    for (let i = 0; i < 20; i++) expect(await c.reply()).toBe(`$${String(`m${i}`).length}\r\nm${i}\r\n`);
    c.close();
  });

  it('a client disconnecting mid-pipeline leaves the server healthy and forgets the client', async () => {
    const addrs = new Set<string>();
    for (let k = 0; k < 5; k++) {
      const c = await ByteClient.connect(srv.port);
      addrs.add(`127.0.0.1:${c.socket.localPort}`);
      const pipeline = Buffer.concat(Array.from({ length: 2000 }, (_, i) => encodeArgv(['SET', `dc:${i}`, 'x'.repeat(100)])));
      c.write(pipeline.subarray(0, pipeline.length - 7)); // the last command is cut
      c.close();
    }
    await waitFor(() => [...srv.server.clients.all()].every((x) => !addrs.has(x.addr)));
    const c = await ByteClient.connect(srv.port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
  });

  it('a client closing while blocked is dropped from the waiters', async () => {
    const c = await ByteClient.connect(srv.port);
    c.write(encodeArgv(['BLPOP', 'nolist', '0']));
    await waitFor(() => srv.server.blocking.size === 1);
    c.close();
    await waitFor(() => srv.server.blocking.size === 0);
  });
});

describe('limits', () => {
  it('maxclients: the extra connection gets the error and is closed', async () => {
    const srv = await startReplikit({ maxclients: 3 });
    const clients = await Promise.all([1, 2, 3].map(() => ByteClient.connect(srv.port)));
    const extra = await ByteClient.connect(srv.port);
    expect(await extra.reply()).toBe('-ERR max number of clients reached\r\n');
    expect(await extra.waitClosed()).toBe(true);
    expect(await clients[0]?.call('PING')).toBe('+PONG\r\n');
    for (const c of clients) c.close();
    await srv.close();
  });

  it('client-query-buffer-limit: closes the client without a reply', async () => {
    const srv = await startReplikit({ clientQueryBufferLimit: 1024 * 1024 });
    const c = await ByteClient.connect(srv.port);
    const reason = new Promise<string>((resolve) => srv.server.once('client:close', (_c, r) => resolve(r)));
    c.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n');
    c.write(Buffer.alloc(1100 * 1024, 97));
    expect(await c.waitClosed()).toBe(true);
    expect(await reason).toBe('query buffer limit');
    expect(srv.server.stats.clientQueryBufferLimitDisconnections).toBe(1);
    await srv.close();
  });

  it('normal output buffer hard limit closes a client that does not read; others are served', async () => {
    // Reading pauses while a client's socket wants a drain, so its output is bounded by its largest
    // replies: the limit trips when those do not fit (here 2mb replies against a 1mb limit).
    const srv = await startReplikit({ clientOutputBufferLimitNormal: { hardBytes: 1024 * 1024, softBytes: 0, softSeconds: 0 } });
    const other = await ByteClient.connect(srv.port);
    expect(await other.call('SET', 'big', 'v'.repeat(2_000_000))).toBe('+OK\r\n');
    const lazy = await ByteClient.connect(srv.port);
    lazy.socket.pause();
    const closedReason = new Promise<string>((resolve) => srv.server.on('client:close', (_c, r) => resolve(r)));
    lazy.write(Buffer.concat(Array.from({ length: 20 }, () => encodeArgv(['GET', 'big']))));
    expect(await closedReason).toBe('output buffer limit (hard)');
    expect(await other.call('PING')).toBe('+PONG\r\n');
    lazy.close();
    other.close();
    await srv.close();
  });

  it('a client that never reads (no limit) does not stall others and its pending output stays bounded', async () => {
    const srv = await startReplikit();
    const other = await ByteClient.connect(srv.port);
    await other.call('SET', 'big', 'v'.repeat(100_000));
    const lazy = await ByteClient.connect(srv.port);
    lazy.socket.pause();
    const pipeline = Buffer.concat(Array.from({ length: 200 }, () => encodeArgv(['GET', 'big'])));
    let stop = false;
    const writer = (async () => {
      while (!stop && !lazy.closed) {
        if (lazy.socket.writableLength > 1024 * 1024) await new Promise((r) => setTimeout(r, 20));
        else lazy.socket.write(pipeline);
      }
    })();
    // Each PING is answered while the flood is still backed up: the lazy client's own socket has
    // unsent pipeline bytes because the server stopped reading it. A server that stalled on the
    // lazy client would never answer (the test times out), and one that only answered after
    // draining it would show no backlog. No millisecond bound: timings belong in bench/.
    let maxPending = 0;
    let answeredDuringFlood = 0;
    const pings = 40;
    for (let i = 0; i < pings; i++) {
      expect(await other.call('PING')).toBe('+PONG\r\n');
      if (!lazy.closed && lazy.socket.writableLength > 0) answeredDuringFlood++;
      for (const c of srv.server.clients.all()) maxPending = Math.max(maxPending, c.outputBytes);
      await new Promise((r) => setTimeout(r, 20));
    }
    stop = true;
    expect(answeredDuringFlood).toBe(pings);
    await writer;
    // bounded by the socket's buffer plus one early flush (a few replies), not by the pipeline
    expect(maxPending).toBeLessThan(8 * 1024 * 1024);
    lazy.close();
    other.close();
    await srv.close();
  });

  it('pubsub output limit closes a subscriber that does not read; the publisher is unaffected', async () => {
    const srv = await startReplikit({ clientOutputBufferLimitPubsub: { hardBytes: 512 * 1024, softBytes: 0, softSeconds: 0 } });
    const sub = await ByteClient.connect(srv.port);
    expect(await sub.call('SUBSCRIBE', 'ch')).toContain('subscribe');
    sub.socket.pause();
    const pub = await ByteClient.connect(srv.port);
    const closed = new Promise<string>((resolve) => srv.server.on('client:close', (_c, r) => resolve(r)));
    const msg = 'm'.repeat(10_000);
    let reason = '';
    void closed.then((r) => {
      reason = r;
    });
    for (let i = 0; i < 2000 && reason === ''; i++) {
      const r = await pub.call('PUBLISH', 'ch', msg);
      expect(r === ':1\r\n' || r === ':0\r\n').toBe(true);
    }
    expect(await closed).toBe('output buffer limit (hard)');
    expect(await pub.call('PUBLISH', 'ch', 'x')).toBe(':0\r\n');
    sub.close();
    pub.close();
    await srv.close();
  });

  it('pubsub soft limit: closes after the soft limit is exceeded for longer than its seconds', async () => {
    const srv = await startReplikit({ hz: 50, clientOutputBufferLimitPubsub: { hardBytes: 0, softBytes: 256 * 1024, softSeconds: 1 } });
    const sub = await ByteClient.connect(srv.port);
    await sub.call('SUBSCRIBE', 'ch');
    sub.socket.pause();
    const pub = await ByteClient.connect(srv.port);
    const closed = new Promise<number>((resolve) => srv.server.on('client:close', () => resolve(Date.now())));
    const t0 = Date.now();
    for (let i = 0; i < 500; i++) await pub.call('PUBLISH', 'ch', 'm'.repeat(10_000));
    const at = await closed;
    expect(at - t0).toBeGreaterThanOrEqual(900);
    sub.close();
    pub.close();
    await srv.close();
  });

  it('timeout: idle normal clients are closed, subscribers are not', async () => {
    const srv = await startReplikit({ timeout: 1 });
    const idle = await ByteClient.connect(srv.port);
    const sub = await ByteClient.connect(srv.port);
    await sub.call('SUBSCRIBE', 'x');
    expect(await idle.waitClosed(3500)).toBe(true);
    expect(sub.closed).toBe(false);
    sub.close();
    await srv.close();
  });
});
