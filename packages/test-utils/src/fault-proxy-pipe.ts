/**
 * One direction of a proxied connection: reads from `src`, forwards to `dst` according to the
 * current fault mode. Bytes waiting here are bounded: past `maxQueuedBytes` the source is paused,
 * so a stalled or throttled pipe pushes back on the sender through TCP like a slow peer would.
 */
import type { Socket } from 'node:net';

/** How a pipe treats the bytes it reads. */
export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'stall' }
  | { kind: 'blackhole' }
  | { kind: 'delay'; ms: number }
  | { kind: 'throttle'; bytesPerSec: number };

/** Throttled bytes are released on this period; the bucket holds at most one period's worth. */
const THROTTLE_TICK_MS = 20;

interface Queued {
  chunk: Buffer;
  /** unix ms before which a delayed chunk is not forwarded */
  due: number;
}

export class FaultPipe {
  #mode: FaultMode = { kind: 'pass' };
  readonly #queue: Queued[] = [];
  #queuedBytes = 0;
  #timer: NodeJS.Timeout | null = null;
  #waitingDrain = false;
  #pausedByUs = false;
  #srcEnded = false;
  #closed = false;
  /** throttle bucket: bytes that may go out now, refilled from `#lastRefill` */
  #allowance = 0;
  #lastRefill = 0;
  forwarded = 0;
  dropped = 0;
  /** true once a byte was swallowed: the stream through this pipe can never be whole again */
  lostBytes = false;

  constructor(
    readonly src: Socket,
    readonly dst: Socket,
    private readonly maxQueuedBytes: number,
  ) {
    src.on('data', (chunk: Buffer) => this.#onData(chunk));
    src.on('end', () => {
      this.#srcEnded = true;
      this.#pump();
    });
  }

  get mode(): FaultMode {
    return this.#mode;
  }

  /** Bytes read from the source and not yet forwarded. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  setMode(mode: FaultMode): void {
    if (this.#closed) return;
    this.#mode = mode;
    if (mode.kind === 'blackhole') {
      // what was waiting is lost as well: a black hole swallows the bytes in flight
      for (const q of this.#queue) this.dropped += q.chunk.length;
      if (this.#queue.length > 0) this.lostBytes = true;
      this.#queue.length = 0;
      this.#queuedBytes = 0;
    }
    if (mode.kind === 'throttle') {
      this.#allowance = 0;
      this.#lastRefill = Date.now();
    }
    this.#clearTimer();
    this.#pump();
  }

  /** Stops every timer; the sockets are destroyed by the owner. */
  close(): void {
    this.#closed = true;
    this.#clearTimer();
    this.#queue.length = 0;
    this.#queuedBytes = 0;
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    if (this.#mode.kind === 'blackhole') {
      this.dropped += chunk.length;
      this.lostBytes = true;
      return;
    }
    const due = this.#mode.kind === 'delay' ? Date.now() + this.#mode.ms : 0;
    this.#queue.push({ chunk, due });
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes >= this.maxQueuedBytes && !this.#pausedByUs) {
      this.#pausedByUs = true;
      this.src.pause();
    }
    this.#pump();
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #later(ms: number): void {
    if (this.#timer !== null || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#pump();
    }, Math.max(1, ms));
  }

  /** Forwards what the mode allows now and schedules the rest. */
  #pump(): void {
    if (this.#closed || this.#waitingDrain || this.dst.destroyed) return;
    const mode = this.#mode;
    if (mode.kind === 'stall' || mode.kind === 'blackhole') return;
    while (this.#queue.length > 0) {
      const head = this.#queue[0];
      let out = head.chunk;
      if (head.due > 0) {
        const wait = head.due - Date.now();
        if (mode.kind === 'delay' && wait > 0) {
          this.#later(wait);
          break;
        }
      }
      if (mode.kind === 'throttle') {
        const now = Date.now();
        const cap = Math.max(1, (mode.bytesPerSec * THROTTLE_TICK_MS) / 1000);
        this.#allowance = Math.min(cap, this.#allowance + ((now - this.#lastRefill) * mode.bytesPerSec) / 1000);
        this.#lastRefill = now;
        const n = Math.floor(this.#allowance);
        if (n < 1) {
          this.#later(Math.ceil(((1 - this.#allowance) * 1000) / mode.bytesPerSec));
          break;
        }
        if (out.length > n) {
          head.chunk = out.subarray(n);
          out = out.subarray(0, n);
        } else {
          this.#queue.shift();
        }
        this.#allowance -= out.length;
      } else {
        this.#queue.shift();
      }
      this.#queuedBytes -= out.length;
      this.forwarded += out.length;
      if (!this.dst.write(out)) {
        this.#waitingDrain = true;
        this.dst.once('drain', () => {
          this.#waitingDrain = false;
          this.#pump();
        });
        break;
      }
    }
    if (this.#pausedByUs && this.#queuedBytes < this.maxQueuedBytes / 2) {
      this.#pausedByUs = false;
      this.src.resume();
    }
    if (this.#srcEnded && this.#queue.length === 0 && !this.dst.destroyed) this.dst.end();
  }
}
