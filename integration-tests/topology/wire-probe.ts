/**
 * Two byte-level observers for the protocol-details tests. `WireProbe` is a TCP connection that
 * plays the replica's part of the handshake by hand against a real server (redis-server or
 * replikit-server) and reads exactly the bytes that come back. `TapProxy` sits between a real
 * replica and a real master and records both directions in the order it forwarded them.
 * Every read is bounded by a hang guard; every socket is closed by `close()`.
 */
import { type Server, type Socket, connect, createServer } from 'node:net';

/** RESP encoding of a command. */
export function encode(...argv: Array<string | number>): Buffer {
  const parts = [`*${argv.length}\r\n`];
  for (const a of argv) parts.push(`$${Buffer.byteLength(String(a))}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''), 'latin1');
}

/** Splits a replication stream (RESP arrays of bulk strings) into argv arrays with their byte sizes. */
export function parseCommands(buf: Buffer): { commands: Array<{ argv: string[]; bytes: number }>; rest: Buffer } {
  const commands: Array<{ argv: string[]; bytes: number }> = [];
  let pos = 0;
  for (;;) {
    const start = pos;
    if (pos >= buf.length) break;
    if (buf[pos] === 0x0a) {
      commands.push({ argv: ['\\n'], bytes: 1 });
      pos++;
      continue;
    }
    if (buf[pos] !== 0x2a) throw new Error(`not a command at byte ${pos}: ${JSON.stringify(buf.subarray(pos, pos + 40).toString('latin1'))}`);
    const nl = buf.indexOf('\r\n', pos);
    if (nl < 0) break;
    const n = Number(buf.subarray(pos + 1, nl).toString('latin1'));
    pos = nl + 2;
    const argv: string[] = [];
    let complete = true;
    for (let i = 0; i < n; i++) {
      const l = buf.indexOf('\r\n', pos);
      if (l < 0 || buf[pos] !== 0x24) {
        complete = false;
        break;
      }
      const len = Number(buf.subarray(pos + 1, l).toString('latin1'));
      if (l + 2 + len + 2 > buf.length) {
        complete = false;
        break;
      }
      argv.push(buf.subarray(l + 2, l + 2 + len).toString('latin1'));
      pos = l + 2 + len + 2;
    }
    if (!complete) {
      pos = start;
      break;
    }
    commands.push({ argv, bytes: pos - start });
  }
  return { commands, rest: buf.subarray(pos) };
}

export class WireProbe {
  #buf = Buffer.alloc(0);
  #waiters = new Set<() => void>();
  #closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      for (const w of this.#waiters) w();
    });
    socket.on('close', () => {
      this.#closed = true;
      for (const w of this.#waiters) w();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<WireProbe> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.setNoDelay(true);
      s.once('connect', () => resolve(new WireProbe(s)));
      s.once('error', reject);
    });
  }

  send(data: Buffer | string): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes received and not taken yet. */
  get pending(): Buffer {
    return this.#buf;
  }

  /** Waits until `ready(buffer)` returns a byte count to take (or the hang guard ends it). */
  async #take(what: string, ready: (b: Buffer) => number | undefined, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = ready(this.#buf);
      if (n !== undefined) {
        const out = this.#buf.subarray(0, n);
        this.#buf = this.#buf.subarray(n);
        return out;
      }
      if (this.#closed) throw new Error(`connection closed while waiting for ${what}; had ${JSON.stringify(this.#buf.toString('latin1').slice(0, 200))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; had ${JSON.stringify(this.#buf.toString('latin1').slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(t);
          this.#waiters.delete(wake);
          resolve();
        };
        const t = setTimeout(wake, Math.min(left, 200));
        this.#waiters.add(wake);
      });
    }
  }

  /** The next line without its terminator: `\n` alone gives '' (a keepalive), `...\r\n` gives the text. */
  async line(timeoutMs = 15000): Promise<string> {
    const raw = await this.#take('a line', (b) => (b.indexOf('\n') >= 0 ? b.indexOf('\n') + 1 : undefined), timeoutMs);
    return raw.toString('latin1').replace(/\r?\n$/, '');
  }

  /** Exactly `n` bytes. */
  bytes(n: number, timeoutMs = 15000): Promise<Buffer> {
    return this.#take(`${n} bytes`, (b) => (b.length >= n ? n : undefined), timeoutMs);
  }

  /** Everything up to and including `marker`. */
  until(marker: Buffer, timeoutMs = 15000): Promise<Buffer> {
    return this.#take(`the marker ${marker.toString('latin1')}`, (b) => (b.indexOf(marker) >= 0 ? b.indexOf(marker) + marker.length : undefined), timeoutMs);
  }

  /** Whole commands until at least `count` were read. */
  async commands(count: number, timeoutMs = 15000): Promise<Array<{ argv: string[]; bytes: number }>> {
    let got: Array<{ argv: string[]; bytes: number }> = [];
    await this.#take(
      `${count} commands`,
      (b) => {
        const { commands, rest } = parseCommands(b);
        if (commands.length < count) return undefined;
        got = commands;
        return b.length - rest.length;
      },
      timeoutMs,
    );
    return got;
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface TapEvent {
  /** `m2r`: master to replica; `r2m`: replica to master */
  dir: 'm2r' | 'r2m';
  data: Buffer;
}

/** A recording TCP proxy in front of a master; a replica pointed at `port` goes through it. */
export class TapProxy {
  readonly events: TapEvent[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #port = 0;

  private constructor(masterPort: number) {
    this.#server = createServer((down) => {
      const up = connect({ port: masterPort, host: '127.0.0.1' });
      for (const s of [down, up]) {
        this.#sockets.add(s);
        s.setNoDelay(true);
        s.on('error', () => {});
        s.on('close', () => {
          this.#sockets.delete(s);
          down.destroy();
          up.destroy();
        });
      }
      down.on('data', (d: Buffer) => {
        this.events.push({ dir: 'r2m', data: d });
        up.write(d);
      });
      up.on('data', (d: Buffer) => {
        this.events.push({ dir: 'm2r', data: d });
        down.write(d);
      });
    });
  }

  static async start(masterPort: number): Promise<TapProxy> {
    const tap = new TapProxy(masterPort);
    tap.#port = await new Promise<number>((resolve, reject) => {
      tap.#server.once('error', reject);
      tap.#server.listen(0, '127.0.0.1', () => {
        const a = tap.#server.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
    return tap;
  }

  get port(): number {
    return this.#port;
  }

  /** All bytes of one direction, concatenated. */
  bytes(dir: 'm2r' | 'r2m'): Buffer {
    return Buffer.concat(this.events.filter((e) => e.dir === dir).map((e) => e.data));
  }

  /** Cuts every proxied connection (both ends). */
  cut(): void {
    for (const s of this.#sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
