/** A scripted replica over an in-memory Duplex pair, for the node's tests. */
import type { Duplex } from 'node:stream';
import { ReplicationStreamFramer } from '@replikit/resp';
import { createDuplexPair } from '@replikit/test-utils';
import type { ReplicationNode } from './replication-node';

export function resp(argv: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Polls `cond` until it holds (every 5 ms), failing after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export class ScriptedReplica {
  readonly socket: Duplex;
  /** every byte received */
  readonly received: Buffer[] = [];
  closed = false;
  keepalives = 0;
  payload: Buffer[] = [];
  payloadDone = false;
  preamble: string | undefined;
  commands: Array<{ argv: string[]; bytes: number }> = [];
  /** stream bytes after the payload (what the offset counts) */
  streamBytes = 0;
  #buf = Buffer.alloc(0);
  #framer: ReplicationStreamFramer | undefined;

  constructor(node: ReplicationNode) {
    const [mine, theirs] = createDuplexPair();
    this.socket = mine;
    node.serve(theirs);
    mine.on('data', (d: Buffer) => {
      this.received.push(d);
      if (this.#framer) this.#framer.write(d);
      else this.#buf = Buffer.concat([this.#buf, d]);
    });
    mine.on('close', () => {
      this.closed = true;
    });
  }

  send(...argv: Array<string | Buffer>): void {
    this.socket.write(resp(argv));
  }

  sendRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next `\r\n` line (bare `\n` keepalives before it are counted and skipped). */
  async line(timeoutMs = 10000): Promise<string> {
    let out = '';
    await until(
      () => {
        for (;;) {
          if (this.#buf.length > 0 && this.#buf[0] === 10) {
            this.keepalives++;
            this.#buf = this.#buf.subarray(1);
            continue;
          }
          const i = this.#buf.indexOf('\r\n');
          if (i < 0) return false;
          out = this.#buf.subarray(0, i).toString('latin1');
          this.#buf = this.#buf.subarray(i + 2);
          return true;
        }
      },
      'a reply line',
      timeoutMs,
    );
    return out;
  }

  /** Sends a command and returns its reply line (a bulk reply's `$n` line is followed by its data). */
  async call(...argv: string[]): Promise<string> {
    this.send(...argv);
    const l = await this.line();
    return l.startsWith('$') && l !== '$-1' ? this.line() : l;
  }

  /** Parse what follows as the master's stream: `payload` first when `withPayload`. */
  startStream(withPayload: boolean): void {
    const framer = new ReplicationStreamFramer({
      onPayloadStart: (p) => {
        this.preamble = p.kind === 'eof' ? 'eof' : `length:${p.length}`;
      },
      onPayloadChunk: (c) => this.payload.push(Buffer.from(c)),
      onPayloadEnd: () => {
        this.payloadDone = true;
      },
      onCommand: (argv, bytes) => {
        this.commands.push({ argv, bytes });
        this.streamBytes += bytes;
      },
      onKeepalive: () => {
        this.keepalives++;
      },
    });
    if (withPayload) framer.expectPayload();
    else framer.streamOnly();
    this.#framer = framer;
    const rest = this.#buf;
    this.#buf = Buffer.alloc(0);
    if (rest.length > 0) framer.write(rest);
  }

  /** The complete RDB payload. */
  rdb(): Buffer {
    return Buffer.concat(this.payload);
  }

  close(): void {
    this.socket.destroy();
  }
}
