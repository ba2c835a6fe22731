/**
 * The replication stream to the downstream replicas: one chunk list, the same Buffer objects for
 * every link (memory does not grow per replica). Online replicas get the stream of an event-loop
 * turn in one write at its end, as Redis sends replica output from beforeSleep; a link still in
 * its sync holds it until it goes online. `client-output-buffer-limit replica` is checked on every
 * feed and by the cron.
 */
import type { ResolvedOptions } from './options';
import { overOutputLimit, type ReplicaLink } from './replica-link';

export class StreamFanout {
  /** an end-of-turn write of the links' queued stream is scheduled */
  #flushScheduled = false;

  constructor(
    private readonly links: ReadonlySet<ReplicaLink>,
    private readonly opts: Readonly<ResolvedOptions>,
    private readonly drop: (link: ReplicaLink, reason: string) => void,
  ) {}

  /** `chunks` (`bytes` long) to every replica link past its sync's start. */
  feed(chunks: readonly Uint8Array[], bytes: number): void {
    const now = this.opts.clock();
    for (const link of this.links) {
      if (link.closing || link.handshake.rdbOnly || link.phase === 'wait_bgsave_start') continue;
      if (link.phase === 'online' && !link.streamOnAck) {
        link.queue(chunks, bytes);
        this.#scheduleFlush();
      } else link.hold(chunks, bytes);
      this.checkOutputLimit(link, now, false);
    }
  }

  /** Closes `link` (in the next turn) when its output is over the limit, with Redis's log line. */
  checkOutputLimit(link: ReplicaLink, now: number, fromCron: boolean): void {
    const used = overOutputLimit(link, this.opts, now, fromCron);
    if (used < 0) return;
    link.closing = true;
    const addr = `${link.transport.remoteAddress ?? '?'}:${link.transport.remotePort ?? 0}`;
    this.opts.log('warning', `Client id=${link.id} addr=${addr} flags=S omem=${used} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    setImmediate(() => this.drop(link, 'output buffer limit'));
  }

  /**
   * Any other write to a link (a +CONTINUE, held stream) sends its queued bytes first, so the
   * order on the wire is the order of production.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      const now = this.opts.clock();
      for (const link of this.links) if (!link.closing) link.flushQueue(now);
    });
  }
}
