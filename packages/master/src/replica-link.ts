import type { ReplicaInfo } from './events';
import type { ResolvedOptions } from './options';
import type { ReplicaTransport } from './transport';

/** A replica's state as INFO shows it. */
export type ReplicaState = 'wait_bgsave' | 'send_bulk' | 'online';

/**
 * The finer state machine behind {@link ReplicaState}:
 * `wait_bgsave_start` (waiting for a snapshot to start) -> `wait_bgsave_end` (snapshot taken, its
 * stream buffered) -> `send_bulk` (payload being sent) -> `online` (streaming).
 */
export type ReplicaPhase = 'wait_bgsave_start' | 'wait_bgsave_end' | 'send_bulk' | 'online';

/** What REPLCONF told the node about a connection, before and after it becomes a replica. */
export interface HandshakeState {
  authenticated: boolean;
  /** `REPLCONF listening-port` (0 when not sent) */
  listeningPort: number;
  /** `REPLCONF ip-address` */
  ipAddress: string | undefined;
  capaEof: boolean;
  capaPsync2: boolean;
  /**
   * `REPLCONF capa pipelined-psync` (a replikit replica; Redis ignores capabilities it does not
   * know): a PSYNC or SYNC read in the same batch as earlier commands is run after their replies
   * are written, instead of failing with `pending output`
   */
  capaPipelinedPsync: boolean;
  /** `REPLCONF rdb-only 1`: send the snapshot only, then close */
  rdbOnly: boolean;
  /** `REPLCONF rdb-filter-only ...`: a snapshot without keys */
  rdbExcludeData: boolean;
  /** `rdb-filter-only functions`: that snapshot still carries the FUNCTION libraries */
  rdbIncludeFunctions?: boolean;
  /** set once PSYNC/SYNC made this connection a replica */
  link: ReplicaLink | undefined;
}

/** One downstream replica. */
export class ReplicaLink {
  phase: ReplicaPhase = 'wait_bgsave_start';
  /** highest offset acknowledged with REPLCONF ACK (`repl_ack_off`) */
  ackOffset = 0;
  /** unix ms of the last ACK or keepalive newline (`repl_ack_time`) */
  ackTime: number;
  /** unix ms when it asked for a full sync */
  readonly since: number;
  /** legacy SYNC: no ACKs, no timeout */
  prePsync = false;
  /** diskless: payload sent, the stream starts at the first ACK after it */
  streamOnAck = false;
  /** stream produced since its snapshot, not yet written (the same chunk lists as every replica's) */
  pending: Array<readonly Uint8Array[]> = [];
  pendingBytes = 0;
  /** unix ms of the first write that found the peer behind, 0 when caught up */
  stalledSince = 0;
  /** unix ms since when the output buffer is above the soft limit, 0 when below */
  softLimitSince = 0;
  /** bytes written to the transport */
  outputBytes = 0;
  /** true once `replica:lagging` fired, until the lag drops again */
  lagging = false;
  closing = false;

  constructor(
    readonly id: number,
    readonly transport: ReplicaTransport,
    readonly handshake: HandshakeState,
    now: number,
  ) {
    this.ackTime = now;
    this.since = now;
  }

  get state(): ReplicaState {
    if (this.phase === 'online') return 'online';
    if (this.phase === 'send_bulk') return 'send_bulk';
    return 'wait_bgsave';
  }

  /** Address for INFO: `REPLCONF ip-address`, else the peer address. */
  get ip(): string {
    return this.handshake.ipAddress ?? this.transport.remoteAddress ?? '?';
  }

  get port(): number {
    return this.handshake.listeningPort;
  }

  /** `ip:port` as Redis names a replica in its logs. */
  get name(): string {
    return `${this.ip}:${this.port}`;
  }

  /** stream of the current event-loop turn not written yet: earlier ranges, then the open one */
  #queued: Uint8Array[] = [];
  #queuedBytes = 0;
  /** the open range: `#tailLen` bytes from the start of `#tail` (they may run past its own end) */
  #tail: Uint8Array | null = null;
  #tailLen = 0;

  /** Bytes this replica holds back: the transport's output buffer plus the buffered stream. */
  get outputBufferBytes(): number {
    return this.transport.bufferedBytes + this.pendingBytes + this.#queuedBytes;
  }

  /** True when stream bytes wait for {@link flushQueue}. */
  get hasQueued(): boolean {
    return this.#queuedBytes > 0;
  }

  /**
   * Takes online stream bytes to send at the end of the turn with one write: a chunk that starts
   * where the previous one ended in the same memory (the master's stream slab) extends it, so a
   * turn of many propagated writes costs one socket write per replica instead of one per write.
   */
  queue(chunks: readonly Uint8Array[], bytes: number): void {
    this.outputBytes += bytes;
    this.#queuedBytes += bytes;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i] as Uint8Array;
      const t = this.#tail;
      if (t !== null && c.buffer === t.buffer && t.byteOffset + this.#tailLen === c.byteOffset) {
        this.#tailLen += c.length;
        continue;
      }
      if (t !== null) this.#queued.push(this.#closeTail(t));
      this.#tail = c;
      this.#tailLen = c.length;
    }
  }

  /** Writes the queued stream bytes (the node calls it once per turn, and before any other write). */
  flushQueue(now: number): void {
    if (this.#queuedBytes === 0) return;
    const t = this.#tail;
    const list = this.#queued;
    if (t !== null) list.push(this.#closeTail(t));
    this.#queued = [];
    this.#tail = null;
    this.#tailLen = 0;
    this.#queuedBytes = 0;
    this.#send(list, now);
  }

  #closeTail(t: Uint8Array): Uint8Array {
    return this.#tailLen === t.length ? t : Buffer.from(t.buffer, t.byteOffset, this.#tailLen);
  }

  /** Writes chunks (after any queued stream bytes), counting output bytes and noting when the peer falls behind. */
  write(chunks: readonly Uint8Array[], bytes: number, now: number): boolean {
    this.flushQueue(now);
    this.outputBytes += bytes;
    return this.#send(chunks, now);
  }

  #send(chunks: readonly Uint8Array[], now: number): boolean {
    const ok = this.transport.write(chunks);
    if (!ok && this.stalledSince === 0) {
      this.stalledSince = now;
      this.transport.onDrain(() => {
        this.stalledSince = 0;
      });
    }
    return ok;
  }

  /** Resolves at the next drain or close. */
  drained(): Promise<void> {
    return new Promise((resolve) => this.transport.onDrain(resolve));
  }

  /** Keeps a stream chunk list for after the payload. */
  hold(chunks: readonly Uint8Array[], bytes: number): void {
    this.pending.push(chunks);
    this.pendingBytes += bytes;
  }

  /** Writes everything held, in order. */
  flushPending(now: number): void {
    const pending = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (pending.length === 0) return;
    const all: Uint8Array[] = [];
    for (const list of pending) for (const c of list) all.push(c);
    this.write(all, bytes, now);
  }
}

/**
 * `client-output-buffer-limit replica` (checkClientOutputBufferLimits): the hard limit at once, the
 * soft one once held for more than `softSeconds`. A hard limit below the backlog size is raised to
 * it. Returns the bytes in use when the link is over a limit, else -1.
 */
export function overOutputLimit(link: ReplicaLink, opts: ResolvedOptions, now: number, fromCron: boolean): number {
  const { hard, soft, softSeconds } = opts.outputLimit;
  const used = link.outputBufferBytes;
  const hardLimit = hard > 0 ? Math.max(hard, opts.replBacklogSize) : 0;
  if (hardLimit > 0 && used >= hardLimit) return used;
  if (soft > 0 && used >= soft) {
    if (link.softLimitSince === 0) link.softLimitSince = now;
    else if (now - link.softLimitSince > softSeconds * 1000) return used;
  } else if (fromCron || soft > 0) {
    link.softLimitSince = 0;
  }
  return -1;
}

export function newHandshake(authenticated: boolean): HandshakeState {
  return { authenticated, listeningPort: 0, ipAddress: undefined, capaEof: false, capaPsync2: false, capaPipelinedPsync: false, rdbOnly: false, rdbExcludeData: false, link: undefined };
}

/** A replica as INFO lists it: lag (seconds since its last ACK) only when online. */
export function linkInfo(link: ReplicaLink, now: number): ReplicaInfo {
  const lag = link.phase === 'online' ? Math.floor((now - link.ackTime) / 1000) : 0;
  return { id: link.id, ip: link.ip, port: link.port, state: link.state, offset: link.ackOffset, lag };
}

/** Online replicas (not `rdb-only` transfers) for which `pred` holds. */
export function countOnline(links: Iterable<ReplicaLink>, pred: (link: ReplicaLink) => boolean): number {
  let n = 0;
  for (const l of links) if (l.phase === 'online' && !l.handshake.rdbOnly && pred(l)) n++;
  return n;
}
