/** A raw RESP connection for tests: binary-safe argv out, one raw reply frame (latin1) in. */
import { connect, type Socket } from 'node:net';
import { encodeCommand, type Frame, parseFrame } from './resp';

export class RedisConn {
  private buf = '';
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RedisConn> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.setNoDelay(true);
      s.once('connect', () => resolve(new RedisConn(s)));
      s.once('error', reject);
    });
  }

  send(argv: readonly string[]): void {
    this.socket.write(Buffer.from(encodeCommand(argv), 'latin1'));
  }

  /** Next complete reply: its raw bytes and parsed frame. */
  async reply(timeoutMs = 5000): Promise<{ raw: string; frame: Frame }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.buf.length ? parseFrame(this.buf, 0) : null;
      if (r) {
        const raw = this.buf.slice(0, r.end);
        this.buf = this.buf.slice(r.end);
        return { raw, frame: r.frame };
      }
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('timeout waiting for a reply');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async call(...argv: string[]): Promise<{ raw: string; frame: Frame }> {
    this.send(argv);
    return this.reply();
  }

  /** Raw bytes received and not consumed yet (for the replication stream). */
  take(): string {
    const b = this.buf;
    this.buf = '';
    return b;
  }

  peekBuffer(): string {
    return this.buf;
  }

  consume(n: number): void {
    this.buf = this.buf.slice(n);
  }

  async waitData(timeoutMs: number): Promise<void> {
    if (this.buf.length) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 500).unref();
    });
  }
}
