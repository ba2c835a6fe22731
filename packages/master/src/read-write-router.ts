/**
 * Read/write splitting for host apps (the replication guide's master-replica mode): writes go to
 * the master, reads to an online replica chosen by a policy among those within the lag bounds,
 * and to the master when none qualifies. In `master-standby` mode the replicas are standbys: they
 * serve no reads until one of them is promoted, so every read goes to the master.
 *
 * The router does not open connections: the host registers its own handle (an ioredis client, a
 * pool, ...) per replica address (`ip:port` as the replica announced it) and gets handles back.
 */
import { MasterInvalidOptionError } from './errors';
import { type ReplicaLag, ReplicaLagMonitor } from './replica-lag';
import type { ReplicationNode } from './replication-node';

export type ReadPolicy = 'round-robin' | 'least-lag';
export type RouterMode = 'master-replica' | 'master-standby';

export interface ReadWriteRouterOptions {
  /** @default 'master-replica' */
  mode?: RouterMode;
  /** @default 'round-robin' */
  policy?: ReadPolicy;
  /** a replica further behind than this many ms serves no reads @default 1000 */
  maxLagMs?: number;
  /** a replica further behind than this many bytes serves no reads @default Infinity */
  maxLagBytes?: number;
  /** clock for the lag in ms @default Date.now */
  clock?: () => number;
}

/** Where one read went, and why. */
export interface ReadRoute<T> {
  readonly target: T;
  /** `replica` with its address and lag, or `master` (no replica qualified, or standby mode) */
  readonly kind: 'master' | 'replica';
  readonly lag?: ReplicaLag;
}

export class ReadWriteRouter<T> {
  readonly #master: T;
  readonly #targets = new Map<string, T>();
  readonly #monitor: ReplicaLagMonitor;
  #mode: RouterMode;
  readonly #policy: ReadPolicy;
  readonly #maxLagMs: number;
  readonly #maxLagBytes: number;
  #next = 0;

  constructor(node: ReplicationNode, master: T, options: ReadWriteRouterOptions = {}) {
    this.#master = master;
    this.#mode = options.mode ?? 'master-replica';
    this.#policy = options.policy ?? 'round-robin';
    this.#maxLagMs = options.maxLagMs ?? 1000;
    this.#maxLagBytes = options.maxLagBytes ?? Number.POSITIVE_INFINITY;
    if (this.#mode !== 'master-replica' && this.#mode !== 'master-standby') throw new MasterInvalidOptionError('mode', this.#mode, "expected 'master-replica' or 'master-standby'");
    if (this.#policy !== 'round-robin' && this.#policy !== 'least-lag') throw new MasterInvalidOptionError('policy', this.#policy, "expected 'round-robin' or 'least-lag'");
    if (!(this.#maxLagMs >= 0)) throw new MasterInvalidOptionError('maxLagMs', this.#maxLagMs, 'expected a number >= 0');
    if (!(this.#maxLagBytes >= 0)) throw new MasterInvalidOptionError('maxLagBytes', this.#maxLagBytes, 'expected a number >= 0');
    this.#monitor = new ReplicaLagMonitor(node, options.clock);
  }

  get mode(): RouterMode {
    return this.#mode;
  }

  /** Switches between master-replica and master-standby (reads from replicas on or off). */
  setMode(mode: RouterMode): void {
    if (mode !== 'master-replica' && mode !== 'master-standby') throw new MasterInvalidOptionError('mode', mode, "expected 'master-replica' or 'master-standby'");
    this.#mode = mode;
  }

  /** Registers the host's handle for the replica that announced `address` (`ip:port`). */
  addReplica(address: string, target: T): void {
    this.#targets.set(address, target);
  }

  removeReplica(address: string): void {
    this.#targets.delete(address);
  }

  /** Every write goes to the master. */
  forWrite(): T {
    return this.#master;
  }

  /** The lag of every online replica (bytes and ms). */
  lags(): ReplicaLag[] {
    return this.#monitor.lags();
  }

  /** Picks where a read goes. */
  routeRead(): ReadRoute<T> {
    if (this.#mode === 'master-standby') return { target: this.#master, kind: 'master' };
    const ok = this.#monitor
      .lags()
      .filter((l) => this.#targets.has(l.address) && l.lagMs <= this.#maxLagMs && l.lagBytes <= this.#maxLagBytes)
      .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    if (ok.length === 0) return { target: this.#master, kind: 'master' };
    let pick: ReplicaLag;
    if (this.#policy === 'least-lag') {
      pick = ok.reduce((best, l) => (l.lagBytes < best.lagBytes || (l.lagBytes === best.lagBytes && l.lagMs < best.lagMs) ? l : best));
    } else {
      pick = ok[this.#next % ok.length] as ReplicaLag;
      this.#next = (this.#next + 1) % 1_000_000;
    }
    return { target: this.#targets.get(pick.address) as T, kind: 'replica', lag: pick };
  }

  /** The handle a read goes to. */
  forRead(): T {
    return this.routeRead().target;
  }

  /** Stops listening to the node. */
  close(): void {
    this.#monitor.close();
  }
}

/** `createReadWriteRouter(node, master, options)`: a {@link ReadWriteRouter}. */
export function createReadWriteRouter<T>(node: ReplicationNode, master: T, options?: ReadWriteRouterOptions): ReadWriteRouter<T> {
  return new ReadWriteRouter(node, master, options);
}
