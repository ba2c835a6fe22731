/**
 * The replication guide's three modes for a master's writes, on top of WAIT:
 *
 * - `async` (the default, like Redis): a write is answered as soon as the master applied it.
 * - `sync`: answered once every replica that was online when the write was made acknowledged an
 *   offset covering it.
 * - `semi-sync`: answered once `replicas` replicas acknowledged it.
 *
 * The host app calls {@link WriteConcern.settle} after its write took effect on the master's
 * keyspace (the write is then already in the stream, at the node's current offset). When the
 * ACKs do not arrive within `timeoutMs`, `onTimeout` chooses: `'fail'` rejects with
 * {@link ReplicationAckTimeoutError}, `'report'` resolves with `satisfied: false` and the count.
 * Either way the write stays on the master: replication is asynchronous underneath, a mode only
 * decides when the caller hears back.
 */
import { MasterInvalidOptionError, ReplicationAckTimeoutError } from './errors';
import type { ReplicationNode } from './replication-node';

export type ReplicationMode = 'async' | 'sync' | 'semi-sync';

/** What a write waits for; the master's default and per-write overrides share this shape. */
export interface WriteConcernOptions {
  /** @default 'async' */
  mode?: ReplicationMode;
  /** replicas a `semi-sync` write waits for @default 1 */
  replicas?: number;
  /** ms to wait for ACKs; 0 waits without limit (like `WAIT n 0`) @default 1000 */
  timeoutMs?: number;
  /** on timeout: reject (`'fail'`) or resolve with the count (`'report'`) @default 'fail' */
  onTimeout?: 'fail' | 'report';
}

export const DEFAULT_WRITE_CONCERN: Readonly<Required<WriteConcernOptions>> = { mode: 'async', replicas: 1, timeoutMs: 1000, onTimeout: 'fail' };

/** The outcome of one {@link WriteConcern.settle}. */
export interface WriteAck {
  readonly mode: ReplicationMode;
  /** the replication offset the ACKs had to reach */
  readonly offset: number;
  /** replicas that had to acknowledge (0 for `async`) */
  readonly required: number;
  /** replicas that acknowledged by the time the promise settled */
  readonly acked: number;
  /** acked >= required */
  readonly satisfied: boolean;
}

function resolveConcern(base: Required<WriteConcernOptions>, o: WriteConcernOptions = {}): Required<WriteConcernOptions> {
  const r = { ...base, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Required<WriteConcernOptions>;
  if (r.mode !== 'async' && r.mode !== 'sync' && r.mode !== 'semi-sync') throw new MasterInvalidOptionError('mode', r.mode, "expected 'async', 'sync' or 'semi-sync'");
  if (!Number.isInteger(r.replicas) || r.replicas < 1) throw new MasterInvalidOptionError('replicas', r.replicas, 'expected an integer >= 1');
  if (!Number.isInteger(r.timeoutMs) || r.timeoutMs < 0) throw new MasterInvalidOptionError('timeoutMs', r.timeoutMs, 'expected an integer >= 0');
  if (r.onTimeout !== 'fail' && r.onTimeout !== 'report') throw new MasterInvalidOptionError('onTimeout', r.onTimeout, "expected 'fail' or 'report'");
  return r;
}

/** A master's replication mode: a default for every write and per-write overrides. */
export class WriteConcern {
  readonly #node: ReplicationNode;
  #defaults: Required<WriteConcernOptions>;

  constructor(node: ReplicationNode, defaults: WriteConcernOptions = {}) {
    this.#node = node;
    this.#defaults = resolveConcern(DEFAULT_WRITE_CONCERN, defaults);
  }

  /** The master's current default. */
  get defaults(): Readonly<Required<WriteConcernOptions>> {
    return this.#defaults;
  }

  /** Changes the master's default (the next writes use it). */
  configure(options: WriteConcernOptions): void {
    this.#defaults = resolveConcern(this.#defaults, options);
  }

  /**
   * Waits, after a write, for what the mode requires: resolves at once for `async`, after the
   * ACKs for `sync` / `semi-sync`. `override` applies to this write only.
   */
  async settle(override?: WriteConcernOptions): Promise<WriteAck> {
    const c = resolveConcern(this.#defaults, override);
    const node = this.#node;
    const offset = node.masterReplOffset;
    if (c.mode === 'async') return { mode: 'async', offset, required: 0, acked: 0, satisfied: true };
    const required = c.mode === 'sync' ? node.replicas().filter((r) => r.state === 'online').length : c.replicas;
    if (required === 0) return { mode: c.mode, offset, required, acked: 0, satisfied: true };
    const acked = await node.wait(required, c.timeoutMs);
    const ack: WriteAck = { mode: c.mode, offset, required, acked, satisfied: acked >= required };
    if (!ack.satisfied && c.onTimeout === 'fail') throw new ReplicationAckTimeoutError(required, acked, offset, c.timeoutMs);
    return ack;
  }

  /** Runs `write` (which makes the master's write) and then {@link settle}. */
  async write<T>(write: () => T | Promise<T>, override?: WriteConcernOptions): Promise<{ result: T; ack: WriteAck }> {
    const result = await write();
    return { result, ack: await this.settle(override) };
  }
}

/** `createWriteConcern(node, defaults)`: a {@link WriteConcern}. */
export function createWriteConcern(node: ReplicationNode, defaults?: WriteConcernOptions): WriteConcern {
  return new WriteConcern(node, defaults);
}
