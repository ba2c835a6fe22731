/** A ReplicaTransport that records what the node writes, for tests of the host-server API. */
import type { ReplicaTransport } from './transport';

export class RecordingTransport implements ReplicaTransport {
  /** every write, as the chunk list passed (not copied) */
  readonly writes: Array<readonly Uint8Array[]> = [];
  closed = false;
  closeReason: string | undefined;
  /** what bufferedBytes reports; a test raises it to play a slow peer */
  buffered = 0;
  /** write() returns this */
  accepting = true;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort: number;
  #drain: Array<() => void> = [];
  #close: Array<() => void> = [];

  constructor(port = 40000) {
    this.remotePort = port;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.closed) return false;
    this.writes.push(chunks);
    return this.accepting;
  }
  onDrain(cb: () => void): void {
    if (this.closed) cb();
    else this.#drain.push(cb);
  }
  onClose(cb: () => void): void {
    if (this.closed) cb();
    else this.#close.push(cb);
  }
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    for (const cb of this.#drain.splice(0)) cb();
    for (const cb of this.#close.splice(0)) cb();
  }
  get bufferedBytes(): number {
    return this.buffered;
  }
  /** the peer caught up */
  drain(): void {
    this.accepting = true;
    this.buffered = 0;
    for (const cb of this.#drain.splice(0)) cb();
  }
  /** everything written, as one Buffer */
  bytes(): Buffer {
    return Buffer.concat(this.writes.flatMap((w) => w.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))));
  }
}
