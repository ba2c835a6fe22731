/**
 * The replica syncer: connects to a master, runs the handshake, loads the snapshot of a full sync as
 * it streams, applies the command stream, keeps the replication offset byte-exact (protocol.md §4.4)
 * and acknowledges it, and reconnects with a partial resync after a lost link.
 *
 * States (Redis's repl_state names): connect -> connecting -> handshake -> sync (snapshot transfer)
 * -> connected; any failure goes back to connect and a retry is scheduled.
 */
import type { Duplex } from 'node:stream';
import { encodeCommandToBuffer, type PayloadPreamble, type ReplicationStreamFramer } from '@replikit/resp';
import EventEmitter from 'eventemitter3';
import { ACK_INTERVAL_MS, DEFAULT_REPL_TIMEOUT_MS, DEFAULT_RETRY_MAX_MS, DEFAULT_RETRY_MIN_MS, NEWLINE_INTERVAL_MS } from './defaults';
import { ReplicaClosedError, type ReplicaError, ReplicaLinkClosedError, ReplicaTimeoutError, linkLostError } from './errors';
import type { ReplicaEvents, ReplicaLinkInfo, ReplicaState } from './events';
import { linkInfo } from './link-info';
import { type HandshakeReader, type HandshakeResult, type PsyncOutcome, runHandshake } from './handshake';
import { NextAttempt, type PsyncTarget, psyncTargetOf } from './next-attempt';
import { checkReplicaSetup, type ReplicaDeps, type ReplicaOptions, type UpstreamNode } from './options';
import { createKeyspaceApplier, type StreamApplier } from './stream-applier';
import { StreamTracker } from './stream-tracker';
import { SyncTransfer, linkFramer } from './sync-payload';
import { ReplicaCommitPoints } from './commit-points';
import { RetiredLink } from './retired-link';
import { RetryTimer } from './retry-timer';

export class Replica extends EventEmitter<ReplicaEvents> {
  private st: ReplicaState = 'connect';
  private closed = false;
  private link: Duplex | null = null;
  private readonly retired = new RetiredLink();
  private abort: AbortController | null = null;
  private reader: HandshakeReader | null = null;
  private framer: ReplicationStreamFramer | null = null;
  private readonly tracker: StreamTracker;
  private readonly applier: StreamApplier;
  private readonly node: UpstreamNode | undefined;
  private readonly commits: ReplicaCommitPoints;
  private readonly timeoutMs: number;
  private readonly retry = new RetryTimer();
  private cron: NodeJS.Timeout | null = null;
  private lastIo = 0;
  private lastNewline = 0;
  private downSince = 0;
  /** a +FULLRESYNC discards the cached master until its payload is loaded (replicationDiscardCachedMaster) */
  private fullSyncPending = false;
  private legacy = false;
  private paused = false;
  /** the stream db of the history the last PSYNC asked to continue, when the node knew it */
  private continueDb: number | undefined;
  private transfer = new SyncTransfer('', -1);
  private readonly next: NextAttempt;

  constructor(
    private readonly deps: ReplicaDeps,
    private readonly options: ReplicaOptions = {},
  ) {
    super();
    checkReplicaSetup(deps, options);
    this.timeoutMs = options.replTimeoutMs ?? DEFAULT_REPL_TIMEOUT_MS;
    this.next = new NextAttempt(() => this.touch(), deps.connect.prepare, options.pipelinePsync);
    if (deps.keyspace !== undefined) deps.keyspace.role = 'replica';
    this.applier = deps.applier ?? createKeyspaceApplier(deps.keyspace!);
    this.node = deps.node;
    this.tracker = new StreamTracker(this.applier, deps.node, (argv, db, offset) => this.emit('command:applied', argv, db, offset), (offset) => this.sendAck(offset));
    if (options.from !== undefined) this.tracker.resumeFrom(options.from.replid, options.from.offset);
    this.commits = new ReplicaCommitPoints(deps.keyspace);
    this.cron = setInterval(() => this.tick(), ACK_INTERVAL_MS);
    this.downSince = Date.now();
    this.scheduleConnect(0);
  }

  /** Redis's repl_state. */
  get state(): ReplicaState {
    return this.st;
  }

  /** The applied replication offset (the last byte of the stream that took effect). */
  get offset(): number {
    return this.tracker.reploff;
  }

  /** The master's replication id as last seen ('' before the first sync). */
  get masterReplid(): string {
    return this.tracker.replid;
  }

  /** The db the master's stream has selected (a sub-replica's full sync carries it as repl-stream-db). */
  get streamDb(): number {
    return this.tracker.db;
  }

  /** The fields of INFO replication about the upstream link. */
  info(): ReplicaLinkInfo {
    const t = this.transfer;
    return linkInfo(Date.now(), this.st, this.lastIo, this.downSince, t, {
      reploff: this.tracker.reploff,
      buffered: this.tracker.queuedBytes + (this.framer?.bufferedBytes ?? 0),
      replid: this.tracker.replid,
    });
  }

  /** Stops the replica: timers, the connect attempt and the link; a transfer in progress is dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.commits.close();
    this.next.cancel();
    if (this.cron !== null) clearInterval(this.cron);
    this.retry.clear();
    this.cron = null;
    this.abort?.abort(new ReplicaClosedError());
    const link = this.link;
    this.detachLink(new ReplicaClosedError())?.destroy();
    await this.retired.close();
    if (link !== null && !link.closed) await new Promise<void>((resolve) => link.once('close', () => resolve()));
  }

  /**
   * Drops the link to the master now and connects again at once, keeping the cached master so
   * the next PSYNC is partial (`CLIENT KILL TYPE master`: Redis reconnects right from
   * replicationHandleMasterDisconnection too). Nothing happens while there is no link.
   */
  reconnect(reason = 'connection closed'): void {
    if (this.closed || this.link === null) return;
    this.fail(linkLostError(reason));
  }

  /** Whether reading from the master is paused (pauseLink). */
  get linkPaused(): boolean {
    return this.paused;
  }

  /** Stops reading from the master (a slow consumer); ACKs continue. */
  pauseLink(): void {
    this.paused = true;
    this.link?.pause();
  }

  resumeLink(): void {
    if (!this.paused) return;
    this.paused = false;
    this.lastIo = Date.now();
    this.link?.resume();
  }

  // ---- connection --------------------------------------------------------------------------------

  private scheduleConnect(delay: number): void {
    if (!this.closed) this.retry.schedule(delay, () => void this.connectOnce());
  }

  private async connectOnce(): Promise<void> {
    if (this.closed) return;
    this.st = 'connecting';
    this.lastIo = Date.now();
    const abort = this.next.takeAbort();
    this.abort = abort;
    let link: Duplex;
    try {
      link = await this.deps.connect(abort.signal);
    } catch (err) {
      // an attempt aborted by close() or by repl-timeout was already handled
      if (this.closed || abort.signal.aborted) return;
      this.abort = null;
      this.fail(new ReplicaLinkClosedError(`cannot connect: ${(err as Error).message}`, { cause: err }));
      return;
    }
    this.abort = null;
    if (this.closed || abort.signal.aborted) return void link.destroy();
    this.next.giveBackAbort(abort); // unused: the next attempt's
    this.link = link;
    this.lastIo = Date.now();
    const reader = this.next.takeReader();
    this.reader = reader;
    const onRead = this.deps.onRead;
    link.on('data', (chunk: Buffer) => {
      onRead?.(chunk.length);
      this.onData(link, chunk);
    });
    link.on('error', (err: Error) => this.onLinkGone(link, () => new ReplicaLinkClosedError(err.message, { cause: err })));
    link.on('close', () => this.onLinkGone(link, () => linkLostError('connection closed')));
    this.st = 'handshake';
    if (this.paused) link.pause();
    let result: HandshakeResult;
    try {
      result = await runHandshake({ write: (d) => link.write(d), reader }, {
        masterauth: this.options.masterauth,
        masteruser: this.options.masteruser,
        listeningPort: this.options.listeningPort ?? 0,
        announceIp: this.options.announceIp,
        psync: this.psyncTarget(),
        pipelinePsync: this.next.pipelinePsync,
      });
    } catch (err) {
      this.next.handshakeFailed();
      if (this.link === link) this.fail(err as ReplicaError);
      return;
    }
    this.next.handshakeDone(result);
    if (this.link !== link) return;
    this.startStream(link, result.outcome, result.rest);
    this.next.afterLinkUp(() => {
      if (this.st === 'connected') void this.retired.close(); // else the next attempt's end closes it
    });
  }

  /** PSYNC arguments (psyncTargetOf); after a failed transfer, or a legacy SYNC link, there is no history to continue. */
  private psyncTarget(): PsyncTarget | undefined {
    const target = this.fullSyncPending || this.legacy ? undefined : psyncTargetOf(this.node, this.tracker);
    this.continueDb = target?.streamDb;
    return target;
  }

  private onData(link: Duplex, chunk: Buffer): void {
    if (link !== this.link) return;
    this.touch();
    if (this.framer === null) {
      this.reader?.write(chunk);
      return;
    }
    try {
      this.framer.write(chunk);
      this.tracker.flush();
    } catch (err) {
      const e = err as Error & { code?: string };
      this.fail(e.code?.startsWith('ERR_REPLICA') ? (e as ReplicaError) : new ReplicaLinkClosedError(e.message, { cause: e }));
    }
    this.commits.afterChunk(this.st, this.legacy, this.tracker);
  }

  private touch(): void {
    const now = Date.now();
    this.lastIo = now;
    if (this.st === 'sync') this.transfer.lastIo = now;
  }

  private onLinkGone(link: Duplex, error: () => ReplicaError): void {
    if (link !== this.link) return; // a retired link's close builds no error
    const err = error();
    this.reader?.fail(err);
    this.fail(err);
  }

  /**
   * A failed attempt or a lost link: drop it, report, retry. A link that was up is retried at once
   * (Redis's replicationHandleMasterDisconnection), the new connection asked for before anything
   * else, so `link:down` and `error` see the state `connecting` (or `connect` if it already failed).
   * The lost link's socket is paused and closed when that attempt fails, or shortly after it brought
   * the link up (NextAttempt.afterLinkUp): the master handles that close after the handshake.
   */
  private fail(err: ReplicaError): void {
    if (this.closed) return;
    const wasUp = this.st === 'connected';
    const link = this.detachLink(err);
    if (wasUp) {
      this.retry.failures = 0;
      this.retry.clear();
      this.retired.hold(link);
      void this.connectOnce();
      this.emit('link:down', err);
    } else {
      link?.destroy();
      void this.retired.close();
    }
    this.emit('error', err);
    const { retryMinMs = DEFAULT_RETRY_MIN_MS, retryMaxMs = DEFAULT_RETRY_MAX_MS } = this.options;
    if (!wasUp && !this.closed) this.retry.afterFailure(retryMinMs, retryMaxMs, () => void this.connectOnce());
  }

  /** Forgets the link and everything read from it; returns the socket for the caller to destroy. */
  private detachLink(err: ReplicaError): Duplex | null {
    const wasUp = this.st === 'connected';
    const link = this.link;
    this.link = null;
    // a connect still pending (repl-timeout while connecting) must not bring up a second link
    this.abort?.abort(err);
    this.abort = null;
    this.reader?.fail(err);
    this.reader = null;
    this.framer = null;
    this.transfer.abort();
    // a MULTI whose EXEC never came is not applied; the master resends it after a partial resync
    this.tracker.dropQueued();
    this.st = 'connect';
    if (wasUp) {
      this.downSince = Date.now();
      this.node?.upstreamDisconnected?.();
    }
    return link;
  }

  // ---- after PSYNC -------------------------------------------------------------------------------

  private startStream(link: Duplex, outcome: PsyncOutcome, rest: Buffer): void {
    const handlers = {
      payloadStart: (p: PayloadPreamble) => this.link === link && this.transfer.start(this.deps, this.options, p, () => this.newlineToMaster()),
      payloadChunk: (c: Buffer) => this.payloadChunk(link, c),
      payloadEnd: () => this.payloadEnd(link),
      keepalive: () => this.touch(),
    };
    const framer = linkFramer(this.tracker, () => this.link === link, handlers, this.options.framer, this.node !== undefined);
    if (outcome.kind === 'continue') {
      const previous = this.tracker.replid;
      const changed = outcome.replid !== undefined && outcome.replid !== previous ? outcome.replid : undefined;
      this.node?.upstreamContinue(changed);
      this.commits.resumeStreamDb(this.tracker, this.applier);
      // a restarted replica's first CONTINUE: the master's stream goes on in the RDB's repl-stream-db
      if (this.continueDb !== undefined) {
        this.tracker.db = this.continueDb;
        this.applier.reset(this.continueDb);
        this.continueDb = undefined;
      }
      if (changed !== undefined) this.tracker.replid = changed;
      framer.streamOnly();
      this.framer = framer;
      this.retry.failures = 0;
      this.st = 'connected';
      this.emit('sync:start', { kind: 'partial', replid: this.tracker.replid, offset: this.tracker.reploff });
      this.emit('sync:done', { kind: 'partial', replid: this.tracker.replid, offset: this.tracker.reploff, keys: 0, bytes: 0 });
      this.emit('link:up');
    } else {
      this.legacy = outcome.kind === 'sync';
      this.fullSyncPending = true;
      const replid = outcome.kind === 'full' ? outcome.replid : '?';
      const offset = outcome.kind === 'full' ? outcome.offset : -1;
      this.transfer = new SyncTransfer(replid, offset);
      this.st = 'sync';
      framer.expectPayload();
      this.framer = framer;
      this.emit('sync:start', { kind: 'full', replid, offset });
    }
    this.writeToFramer(link, rest);
    // bytes that arrived while the handshake result was handed over
    if (this.link === link && this.reader !== null) {
      const more = this.reader.takeRest();
      this.reader = null;
      this.writeToFramer(link, more);
    }
  }

  private writeToFramer(link: Duplex, data: Buffer): void {
    if (data.length === 0 || this.link !== link || this.framer === null) return;
    this.onData(link, data);
  }

  private payloadChunk(link: Duplex, chunk: Buffer): void {
    if (this.link !== link) return;
    const progress = this.transfer.write(chunk);
    if (progress !== undefined) this.emit('sync:progress', progress);
  }

  private payloadEnd(link: Duplex): void {
    if (this.link !== link) return;
    const t = this.transfer;
    const result = t.end();
    if (result === undefined) return;
    this.tracker.startFull(t.replid, t.offset, result.replication?.streamDb ?? 0);
    this.fullSyncPending = false;
    if (!this.legacy) this.node?.upstreamFullSync(t.replid, t.offset);
    this.tracker.acks = !this.legacy;
    this.retry.failures = 0;
    this.st = 'connected';
    this.emit('sync:done', { kind: 'full', replid: t.replid, offset: t.offset, keys: result.keysLoaded, bytes: t.read });
    this.emit('link:up');
    if (t.eof) this.sendAck(this.tracker.reploff);
  }

  // ---- to the master -----------------------------------------------------------------------------

  private sendAck(offset: number): void {
    if (this.link === null || this.legacy) return;
    this.link.write(encodeCommandToBuffer(['REPLCONF', 'ACK', String(offset)]));
  }

  /** While loading: a `\n` at most once a second, so the master knows the replica is alive. */
  private newlineToMaster(): void {
    const now = Date.now();
    if (this.link === null || now - this.lastNewline < NEWLINE_INTERVAL_MS) return;
    this.lastNewline = now;
    this.link.write('\n');
  }

  /** Once a second: the periodic ACK, and repl-timeout. */
  private tick(): void {
    if (this.closed) return;
    const now = Date.now();
    if (this.st !== 'connect' && !this.paused && now - this.lastIo > this.timeoutMs) {
      this.fail(new ReplicaTimeoutError(this.st, this.timeoutMs));
      return;
    }
    if (this.st === 'connected') this.sendAck(this.tracker.reploff);
    else if (this.st === 'sync' && this.transfer.loadingInMemory) this.newlineToMaster();
  }
}

/** Creates a replica and starts connecting to its master. */
export function createReplica(deps: ReplicaDeps, options?: ReplicaOptions): Replica {
  return new Replica(deps, options);
}
