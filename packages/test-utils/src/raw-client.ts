import { connect, type Socket } from 'node:net';
import RedisParser from 'redis-parser';

/** A parsed reply as redis-parser gives it (with returnBuffers: bulk strings are Buffers). */
export type RawReply = null | number | Buffer | string | Error | RawReply[];

function encodeArgv(argv: ReadonlyArray<string | Buffer | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * A minimal RESP client for tests: pipelined commands, replies in order, and access to the raw
 * bytes received (for capturing a replication stream). Not for production use.
 */
export class RawClient {
  private readonly parser: RedisParser;
  private readonly waiting: Array<{ resolve: (r: RawReply) => void; reject: (e: Error) => void }> = [];
  private readonly unclaimed: RawReply[] = [];
  private rawMode = false;
  private raw: Buffer[] = [];
  private rawWaiters = new Set<() => void>();
  private closed = false;

  private constructor(readonly socket: Socket) {
    this.parser = new RedisParser({
      returnBuffers: true,
      returnReply: (r: unknown) => this.deliver(r as RawReply),
      returnError: (e: Error) => this.deliver(e),
      returnFatalError: (e: Error) => { this.socket.destroy(e); },
    });
    socket.on('data', (d: Buffer) => {
      if (this.rawMode) {
        this.raw.push(d);
        for (const w of this.rawWaiters) w();
      } else this.parser.execute(d);
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error('connection closed'));
      for (const w of this.rawWaiters) w();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host });
      s.setNoDelay(true);
      s.once('connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private deliver(r: RawReply) {
    const w = this.waiting.shift();
    if (w) w.resolve(r);
    else this.unclaimed.push(r);
  }

  /** Sends one command and resolves with its reply (errors resolve as Error objects). */
  call(...argv: Array<string | Buffer | number>): Promise<RawReply> {
    this.socket.write(encodeArgv(argv));
    return this.next();
  }

  /** Writes bytes as they are (inline commands, partial frames, garbage). */
  writeRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Resolves with the next reply not yet claimed. */
  next(): Promise<RawReply> {
    const u = this.unclaimed.shift();
    if (u !== undefined) return Promise.resolve(u);
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** From now on, received bytes are kept raw instead of parsed (see `readRaw`). */
  switchToRaw(): void {
    this.rawMode = true;
  }

  /** Waits until at least `minBytes` raw bytes have arrived (or `timeoutMs`), returns them all. */
  async readRaw(minBytes: number, timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.rawLength() < minBytes && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.max(1, deadline - Date.now()));
        function done() { clearTimeout(t); resolve(); }
        const w = () => { this.rawWaiters.delete(w); done(); };
        this.rawWaiters.add(w);
      });
    }
    return Buffer.concat(this.raw);
  }

  /** Drops the raw bytes received so far. */
  clearRaw(): void {
    this.raw = [];
  }

  private rawLength(): number {
    let n = 0;
    for (const b of this.raw) n += b.length;
    return n;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }
}
