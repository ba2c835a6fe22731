/**
 * Saves a change stream's acknowledged position to its cursor store in batches: at most one save
 * in flight, the newest position taken when it starts; a save every `everyAcks` acknowledgements,
 * every `intervalMs`, at once for the acknowledgement of a `snapshot:start` (a cursor that must no
 * longer resume the old history), and on close.
 *
 * The trade-off: one durable write per batch instead of per item; a crash loses the acks since the
 * last save, so those items are handed out again after the restart (at-least-once), never skipped.
 */
import type { CursorPosition, CursorStore } from './cursor-store';
import { type ReplicaError, ReplicaCursorStoreError } from './errors';

export interface CursorSaverOptions {
  intervalMs: number;
  everyAcks: number;
  /** a background save failed (it is retried at the next batch) */
  onError: (err: ReplicaError) => void;
}

export class CursorSaver {
  /** the newest acknowledged position (saved or not) */
  acked: CursorPosition | undefined;
  /** the newest position the store confirmed */
  saved: CursorPosition | undefined;
  private acks = 0;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null;
  /** a batch was due while a save was in flight: save again when it settles */
  private again = false;
  private closed = false;

  constructor(
    private readonly store: CursorStore,
    private readonly options: CursorSaverOptions,
  ) {
    this.timer = setInterval(() => this.background(), options.intervalMs);
    this.timer.unref();
  }

  /** The application acknowledged up to `p`; `urgent` saves now. */
  ack(p: CursorPosition, urgent: boolean): void {
    this.acked = p;
    this.acks++;
    if (urgent || this.acks >= this.options.everyAcks) this.background();
  }

  /** Saves the acknowledged position if it is newer than the saved one; resolves once it is durable. */
  async flush(): Promise<void> {
    // a save in flight may hold an older position: wait for it, then save what is newest
    while (this.inFlight !== null) await this.inFlight.catch(() => {});
    const p = this.acked;
    if (p === undefined || same(p, this.saved)) return;
    this.acks = 0;
    const run = this.store.save(p).then(
      () => {
        this.saved = p;
      },
      (err: unknown) => {
        const e = err as ReplicaError;
        throw typeof e?.code === 'string' ? e : new ReplicaCursorStoreError('save', 'the cursor store', { cause: err });
      },
    );
    this.inFlight = run;
    try {
      await run;
    } finally {
      this.inFlight = null;
      if (this.again) {
        this.again = false;
        queueMicrotask(() => this.background());
      }
    }
  }

  private background(): void {
    if (this.closed) return;
    if (this.inFlight !== null) {
      this.again = true;
      return;
    }
    this.flush().catch((err: ReplicaError) => this.options.onError(err));
  }

  /** Stops the timer and saves the last acknowledged position (rejects when that save fails). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}

function same(a: CursorPosition, b: CursorPosition | undefined): boolean {
  return b !== undefined && a.replid === b.replid && a.offset === b.offset && a.db === b.db;
}
