import { type Socket, connect } from 'node:net';
import { type Keyspace, createKeyspace } from '@replikit/keyspace';
import { type ReplikitServer, type ServerOptions, createKeyspaceBridge, createServer } from '@replikit/server';
import { hasRedis, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';

export interface Started {
  readonly server: ReplikitServer;
  readonly keyspace: Keyspace;
  readonly port: number;
  close(): Promise<void>;
}

/** A replikit server on a random 127.0.0.1 port over a fresh in-memory keyspace. */
export async function startReplikit(options: ServerOptions = {}): Promise<Started> {
  const keyspace = createKeyspace();
  const server = createServer({ keyspace: createKeyspaceBridge(keyspace) }, { port: 0, ...options });
  const { port } = await server.listen();
  return {
    server,
    keyspace,
    port,
    async close() {
      await server.close();
      keyspace.close();
    },
  };
}

/** Length of the first complete RESP2/RESP3 reply in `b` from `at`, or -1 if incomplete. */
function replyEnd(b: Buffer, at: number): number {
  let pending = 1;
  let i = at;
  while (pending > 0) {
    if (i >= b.length) return -1;
    const nl = b.indexOf('\r\n', i);
    if (nl < 0) return -1;
    const t = String.fromCharCode(b[i] as number);
    const n = Number(b.toString('latin1', i + 1, nl));
    i = nl + 2;
    pending--;
    if (t === '$' || t === '=' || t === '!') {
      if (n >= 0) {
        if (b.length < i + n + 2) return -1;
        i += n + 2;
      }
    } else if (t === '*' || t === '~' || t === '>') {
      if (n > 0) pending += n;
    } else if (t === '%' || t === '|') {
      pending += 2 * n;
    }
  }
  return i;
}

export function encodeArgv(argv: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(a, 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A byte-level client: send commands, read each reply's exact bytes. */
export class ByteClient {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<ByteClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.setNoDelay(true);
      s.once('connect', () => resolve(new ByteClient(s)));
      s.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /**
   * The next reply's bytes (latin1), or `CLOSED` when the server closed first; rejects on timeout.
   * The default limit is generous: on a loaded 2-core CI machine a slow command (PFSELFTEST, a
   * DEBUG RELOAD) can take seconds, and a test that expects no reply passes its own short limit.
   */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = replyEnd(this.buf, 0);
      if (end >= 0) {
        const out = this.buf.toString('latin1', 0, end);
        this.buf = this.buf.subarray(end);
        return out;
      }
      if (this.closed) return this.buf.length > 0 ? `PARTIAL:${this.buf.toString('latin1')}` : 'CLOSED';
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs}ms (have ${JSON.stringify(this.buf.toString('latin1'))})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async call(...argv: string[]): Promise<string> {
    this.write(encodeArgv(argv));
    return this.reply();
  }

  /** Resolves true if nothing arrives for `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return this.buf.length === 0;
  }

  waitClosed(timeoutMs = 3000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** [client index, command] ; a command in `send` is written without waiting for a reply */
export type Step = { c: number; cmd: string; wait?: boolean } | { sleep: number } | { read: number; n: number };

export const send = (c: number, cmd: string): Step => ({ c, cmd, wait: false });
export const call = (c: number, cmd: string): Step => ({ c, cmd });
export const sleep = (ms: number): Step => ({ sleep: ms });
/** reads `n` replies or out-of-band messages of client `c` */
export const read = (c: number, n = 1): Step => ({ read: c, n });

/** Runs a multi-client scenario (4 clients) and returns every reply in order, HELLO ids normalised. */
export async function runScenario(port: number, steps: readonly Step[]): Promise<string[]> {
  const clients: ByteClient[] = [];
  const ids: string[] = [];
  const out: string[] = [];
  const pending = new Map<number, number>();
  try {
    for (let i = 0; i < 4; i++) {
      const c = await ByteClient.connect(port);
      clients.push(c);
      ids.push((await c.call('CLIENT', 'ID')).slice(1, -2));
    }
    for (const s of steps) {
      if ('sleep' in s) {
        await new Promise((r) => setTimeout(r, s.sleep));
        continue;
      }
      if ('read' in s) {
        for (let k = 0; k < s.n; k++) out.push(`c${s.read} (push): ${JSON.stringify(await (clients[s.read] as ByteClient).reply(3000))}`);
        continue;
      }
      const c = clients[s.c] as ByteClient;
      const argv = s.cmd.replace(/\$ID(\d)/g, (_m, d) => ids[Number(d)] as string).split(' ');
      c.write(encodeArgv(argv));
      if (s.wait === false) {
        pending.set(s.c, (pending.get(s.c) ?? 0) + 1);
        continue;
      }
      // replies of earlier unanswered commands of this client come first
      const n = (pending.get(s.c) ?? 0) + 1;
      pending.set(s.c, 0);
      for (let k = 0; k < n; k++) out.push(`c${s.c}: ${JSON.stringify((await c.reply(3000)).replace(/\nid\r\n:\d+/, '\nid\r\n:ID'))}`);
    }
    for (const [i, n] of pending) for (let k = 0; k < n; k++) out.push(`c${i} (late): ${JSON.stringify(await (clients[i] as ByteClient).reply(3000))}`);
  } finally {
    for (const c of clients) c.close();
  }
  return out;
}


/**
 * One test per scenario: the same steps against a real redis-server 7.0 and a fresh replikit
 * server; the replies must be equal. `flushFirst` empties both before each scenario; `run` runs
 * one scenario against a port (multi-client `runScenario` by default).
 */
export function scenariosVsRedis<S = readonly Step[]>(
  title: string,
  scenarios: Readonly<Record<string, S>>,
  options: { flushFirst?: boolean; run?: (port: number, steps: S) => Promise<string[]> } = {},
): void {
  const run = options.run ?? (runScenario as unknown as (port: number, steps: S) => Promise<string[]>);
  (hasRedis() ? describe : describe.skip)(title, () => {
    let redis: RedisServerHandle;
    let ours: Started;
    beforeAll(async () => {
      [redis, ours] = await Promise.all([startRedisServer(), startReplikit()]);
    });
    afterAll(async () => {
      await Promise.all([redis?.stop(), ours?.close()]);
    });

    for (const [name, steps] of Object.entries(scenarios)) {
      it(name, async () => {
        if (options.flushFirst) {
          for (const port of [redis.port, ours.port]) {
            const c = await ByteClient.connect(port);
            await c.call('FLUSHALL');
            c.close();
          }
        }
        const [expected, actual] = await Promise.all([run(redis.port, steps), run(ours.port, steps)]);
        expect(actual).toEqual(expected);
      });
    }
  });
}
