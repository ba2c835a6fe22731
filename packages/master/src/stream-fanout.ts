/**
 * The replication stream to the backlog and the downstream replicas. A master's propagated
 * commands are encoded at the end of the stream as they run (the offset moves with each one) and
 * reach the backlog and the links once per event-loop turn: one backlog copy and one chunk list
 * per turn, the same Buffer objects for every link (memory does not grow per replica). Online
 * replicas get the turn's stream in one write at its end, as Redis sends replica output from
 * beforeSleep; a link still in its sync holds it until it goes online.
 * `client-output-buffer-limit replica` is checked on every feed and by the cron.
 *
 * Whoever reads the backlog or the links' state (PSYNC, a snapshot's start point, INFO) calls
 * {@link StreamFanout.settle} first, so they see every byte the offset counts.
 */
import type { PropagatedCommand } from '@replikit/keyspace';
import type { ResolvedOptions } from './options';
import { overOutputLimit, type ReplicaLink } from './replica-link';
import type { ReplicationState } from './replication-state';
import { StreamEncoder } from './stream-encoding';

export class StreamFanout {
  readonly #encoder = new StreamEncoder();
  /** encoded stream bytes not yet in the backlog nor queued on the links */
  #unsettled = 0;
  /** an end-of-turn write of the links' queued stream is scheduled */
  #flushScheduled = false;
  /**
   * The encoder slab whose views went to a transport that may keep them after writing them (an
   * in-memory Duplex hands the Buffer objects to its peer): that slab is never written again.
   */
  #pinnedSlab = -1;

  constructor(
    private readonly links: ReadonlySet<ReplicaLink>,
    private readonly opts: Readonly<ResolvedOptions>,
    private readonly state: ReplicationState,
    /** called each time bytes enter the stream (a master's commit points), before any replica gets them */
    private readonly onStreamAppend: (() => void) | undefined,
    private readonly drop: (link: ReplicaLink, reason: string) => void,
  ) {}

  /**
   * A master's writes at the end of the stream (SELECT rules of protocol.md §4.2): the offset and
   * the stream's db move now, the bytes reach the backlog and the links at the end of the turn.
   * Nothing happens before there is a backlog or a replica.
   */
  propagate(commands: readonly PropagatedCommand[]): void {
    if (this.state.backlog === null && this.links.size === 0) return;
    this.#append(commands);
    this.onStreamAppend?.();
  }

  /** The node's own command (PING, GETACK) in the stream's current db, written to the replicas at once. */
  writeOwn(argv: readonly string[]): void {
    if (this.state.backlog === null && this.links.size === 0) return;
    this.#append([{ db: this.state.streamDb, argv: argv as string[] }]);
    this.onStreamAppend?.();
    this.flush();
  }

  /** A replica's stream from its master, forwarded as it came: into the backlog, then to the links. */
  feedUpstream(chunks: readonly Uint8Array[], bytes: number): void {
    this.settle();
    const st = this.state;
    if (st.backlog === null) st.newBacklog();
    st.append(chunks, bytes);
    this.onStreamAppend?.();
    this.#toLinks(chunks, bytes, false);
  }

  #append(commands: readonly PropagatedCommand[]): void {
    const enc = this.#encoder;
    if (this.#unsettled === 0) this.#reuseSlab();
    const st = this.state;
    const before = enc.untakenBytes;
    st.streamDb = enc.append(commands, st.streamDb);
    const bytes = enc.untakenBytes - before;
    this.#unsettled += bytes;
    st.offset += bytes;
    this.#scheduleFlush();
  }

  /** Moves the encoded bytes into the backlog and onto the links (queued for the turn's write). */
  settle(): void {
    const bytes = this.#unsettled;
    if (bytes === 0) return;
    this.#unsettled = 0;
    const chunks = this.#encoder.take();
    this.state.backlog?.appendChunks(chunks);
    this.#toLinks(chunks, bytes, true);
  }

  /** Settles and writes every link's queued stream now (the node's own PING and GETACK). */
  flush(): void {
    this.settle();
    const now = this.opts.clock();
    for (const link of this.links) if (!link.closing) link.flushQueue(now);
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

  #toLinks(chunks: readonly Uint8Array[], bytes: number, fromEncoder: boolean): void {
    if (this.links.size === 0) return;
    const now = this.opts.clock();
    for (const link of this.links) {
      if (link.closing || link.handshake.rdbOnly || link.phase === 'wait_bgsave_start') continue;
      if (link.phase === 'online' && !link.streamOnAck) {
        link.queue(chunks, bytes);
        this.#scheduleFlush();
      } else link.hold(chunks, bytes);
      if (fromEncoder && link.transport.releasesWrittenChunks !== true) this.#pinnedSlab = this.#encoder.slabNumber;
      this.checkOutputLimit(link, now, false);
    }
  }

  /**
   * Starts the encoder's slab over when no view of it is left anywhere: every link wrote out all
   * it was given and its transport keeps no reference once its output buffer is empty (a
   * socket: the kernel has the bytes). The stream then stays in one warm slab instead of a new
   * 256 KiB one every ~2k commands (external memory that drives V8 into full GCs).
   */
  #reuseSlab(): void {
    if (this.#encoder.slabNumber === this.#pinnedSlab) return;
    for (const link of this.links) {
      if (link.hasQueued || link.pendingBytes > 0 || link.transport.bufferedBytes > 0) return;
    }
    this.#encoder.rewind();
  }

  /**
   * Any other write to a link (a +CONTINUE, held stream) sends its queued bytes first, so the
   * order on the wire is the order of production.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.#endOfTurn);
  }

  readonly #endOfTurn = (): void => {
    this.#flushScheduled = false;
    this.flush();
  };
}
