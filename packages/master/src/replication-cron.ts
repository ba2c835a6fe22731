/** The once-a-second replication work (replicationCron) and WAIT's bookkeeping. */
import type { FullSyncCoordinator } from './full-sync';
import type { ResolvedOptions } from './options';
import type { ReplicaLink } from './replica-link';

const NEWLINE = Buffer.from('\n');

export interface CronContext {
  /** cron runs so far (`replication_cron_loops`) */
  loops: number;
  now: number;
  opts: ResolvedOptions;
  role: 'master' | 'replica';
  links: ReadonlySet<ReplicaLink>;
  sync: FullSyncCoordinator;
  ping(): void;
  drop(link: ReplicaLink, reason: string): void;
  checkOutputLimit(link: ReplicaLink, now: number): void;
  lagging(link: ReplicaLink): void;
  backlogTtlExpired(now: number): void;
}

export function runCron(c: CronContext): void {
  const { opts, now } = c;
  // `ping` into the stream every repl-ping-replica-period runs, counting from the first
  if (c.role === 'master' && c.links.size > 0 && c.loops % opts.replPingReplicaPeriod === 0) c.ping();
  const timeoutMs = opts.replTimeout * 1000;
  for (const link of [...c.links]) {
    if (link.closing) continue;
    // keepalive newlines while a replica waits for its snapshot (and for a disk one to be written)
    if (link.phase === 'wait_bgsave_start' || (link.phase === 'wait_bgsave_end' && c.sync.targetOf(link) === 'disk')) {
      link.write([NEWLINE], 1, now);
    }
    if (link.phase === 'online' && !link.prePsync && now - link.ackTime > timeoutMs) {
      opts.log('warning', `Disconnecting timedout replica (streaming sync): ${link.name}`);
      c.drop(link, 'timeout');
      continue;
    }
    if (link.phase !== 'online' && link.stalledSince > 0 && now - link.stalledSince > timeoutMs) {
      opts.log('warning', `Disconnecting timedout replica (full sync): ${link.name}`);
      c.drop(link, 'timeout');
      continue;
    }
    if (link.phase !== 'wait_bgsave_start') c.checkOutputLimit(link, now);
    if (link.phase === 'online' && !link.handshake.rdbOnly) {
      const lag = (now - link.ackTime) / 1000;
      if (lag > opts.minReplicasMaxLag) {
        if (!link.lagging) {
          link.lagging = true;
          c.lagging(link);
        }
      } else {
        link.lagging = false;
      }
    }
  }
  c.backlogTtlExpired(now);
}

interface Waiter {
  numreplicas: number;
  count: () => number;
  resolve: (n: number) => void;
  timer: NodeJS.Timeout | undefined;
}

/** Pending WAIT calls, resolved as ACKs arrive or at their timeout. */
export class AckWaiters {
  readonly #waiters = new Set<Waiter>();
  #closed = false;
  constructor(private readonly requestAck: () => void) {}

  wait(_target: number, numreplicas: number, timeoutMs: number, count: () => number): Promise<number> {
    const now = count();
    // a WAIT that reaches a closing node (pipelined behind the shutdown) answers at once, no timer
    if (now >= numreplicas || this.#closed) return Promise.resolve(now);
    return new Promise((resolve) => {
      const w: Waiter = { numreplicas, count, resolve, timer: undefined };
      if (timeoutMs > 0) w.timer = setTimeout(() => this.#finish(w), timeoutMs);
      this.#waiters.add(w);
      this.requestAck();
    });
  }

  /** Resolves every waiter whose target is reached. */
  check(): void {
    for (const w of this.#waiters) if (w.count() >= w.numreplicas) this.#finish(w);
  }

  /** Resolves every waiter with its current count. */
  close(): void {
    this.#closed = true;
    for (const w of [...this.#waiters]) this.#finish(w);
  }

  #finish(w: Waiter): void {
    if (!this.#waiters.delete(w)) return;
    if (w.timer) clearTimeout(w.timer);
    w.resolve(w.count());
  }
}
