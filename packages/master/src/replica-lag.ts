/**
 * Replica lag in bytes and in milliseconds, measured on the master.
 *
 * Bytes: the master's offset minus the replica's last acknowledged offset.
 * Milliseconds: how old the newest write is that the replica is known to hold missing. The master
 * keeps samples of (its offset, the time) taken at every ACK and every query; a replica that
 * acknowledged offset `o` holds every write the master had made at the latest sample whose offset
 * is <= `o`, so its lag is at most `now - that sample's time`. A replica whose ACK covers the
 * master's offset has lag 0. The figure is an upper bound with a resolution of the ACK interval
 * (Redis replicas ACK once a second, and on every `REPLCONF GETACK`).
 */
import type { ReplicationNode } from './replication-node';

/** One online replica's lag as the master sees it. */
export interface ReplicaLag {
  /** the master's id for the link */
  readonly id: number;
  /** `ip:port` as announced (REPLCONF listening-port / ip-address) */
  readonly address: string;
  readonly ackOffset: number;
  readonly lagBytes: number;
  readonly lagMs: number;
  /** ms since its last ACK */
  readonly ackAgeMs: number;
}

const MAX_SAMPLES = 4096;

export class ReplicaLagMonitor {
  readonly #node: ReplicationNode;
  readonly #clock: () => number;
  /** (offset, time) pairs, offsets non-decreasing */
  readonly #offsets: number[] = [];
  readonly #times: number[] = [];
  readonly #ackTimes = new Map<number, number>();
  readonly #onAck: (r: { id: number }) => void;
  readonly #onOffline: (r: { id: number }) => void;

  constructor(node: ReplicationNode, clock: () => number = Date.now) {
    this.#node = node;
    this.#clock = clock;
    this.#onAck = (r) => {
      this.#ackTimes.set(r.id, this.#clock());
      this.sample();
    };
    this.#onOffline = (r) => this.#ackTimes.delete(r.id);
    node.on('replica:ack', this.#onAck);
    node.on('replica:online', this.#onAck);
    node.on('replica:offline', this.#onOffline);
    this.sample();
  }

  /** Records the master's offset now (called on every ACK and query; a host may call it more often). */
  sample(): void {
    const offset = this.#node.masterReplOffset;
    const now = this.#clock();
    const n = this.#offsets.length;
    if (n > 0 && this.#offsets[n - 1] === offset) return;
    this.#offsets.push(offset);
    this.#times.push(now);
    if (this.#offsets.length > MAX_SAMPLES) {
      this.#offsets.splice(0, MAX_SAMPLES / 2);
      this.#times.splice(0, MAX_SAMPLES / 2);
    }
  }

  /** Lag of every online replica. */
  lags(): ReplicaLag[] {
    this.sample();
    const now = this.#clock();
    const master = this.#node.masterReplOffset;
    const out: ReplicaLag[] = [];
    for (const r of this.#node.replicas()) {
      if (r.state !== 'online') continue;
      const ackTime = this.#ackTimes.get(r.id) ?? now - r.lag * 1000;
      out.push({
        id: r.id,
        address: `${r.ip}:${r.port}`,
        ackOffset: r.offset,
        lagBytes: Math.max(0, master - r.offset),
        lagMs: r.offset >= master ? 0 : now - this.#heldSince(r.offset, now),
        ackAgeMs: now - ackTime,
      });
    }
    return out;
  }

  /** The time of the latest sample at or below `offset` (the oldest sample's time if none). */
  #heldSince(offset: number, now: number): number {
    const offs = this.#offsets;
    let lo = 0;
    let hi = offs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((offs[mid] as number) <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found >= 0) return this.#times[found] as number;
    return this.#times[0] ?? now;
  }

  /** Stops listening to the node. */
  close(): void {
    this.#node.off('replica:ack', this.#onAck);
    this.#node.off('replica:online', this.#onAck);
    this.#node.off('replica:offline', this.#onOffline);
  }
}
