import type { Socket } from 'node:net';
import type { PushReply, RespValue } from '@replikit/resp';
import type { ConnectionHost } from './connection-host';
import { createReplyWriter, createRequestReader, protocolFailure, type ReplyWriter, type RequestReader } from './resp-io';
import type { ClientBlock, ClientKind, MultiState, ServerClient } from './server-client';
import { localAddr, peerAddr } from './socket-addr';

export type { ConnectionHost } from './connection-host';

/** Pending reply bytes at which the input loop writes early (and so may pause on backpressure). */
const FLUSH_EARLY_BYTES = 64 * 1024;

/**
 * Replies of the commands read in one event-loop turn are written after all its reads, like
 * Redis's beforeSleep (handleClientsWithPendingWrites): one setImmediate per turn flushes every
 * connection that has pending replies. Writing inside each read callback instead interleaves
 * processing with the write syscalls and wakes the peer once per connection.
 */
const pendingFlush: ClientConnection[] = [];
let flushQueuedThisTurn = false;

function flushPending(): void {
  flushQueuedThisTurn = false;
  for (let i = 0; i < pendingFlush.length; i++) (pendingFlush[i] as ClientConnection).flushDeferred();
  pendingFlush.length = 0;
}

function queueEndOfTurnFlush(c: ClientConnection): void {
  pendingFlush.push(c);
  if (flushQueuedThisTurn) return;
  flushQueuedThisTurn = true;
  setImmediate(flushPending);
}

/** see dispatcher.ts: a settled promise's then() is a cheaper microtask than queueMicrotask() */
const SETTLED = Promise.resolve();

/**
 * One client connection: socket I/O, request parsing, reply batching (one socket write per read),
 * socket backpressure (stop reading while the client does not read its replies), output buffer
 * limits, and the per-connection state of ServerClient.
 */
export class ClientConnection implements ServerClient {
  name = '';
  protocol: 2 | 3 = 2;
  db = 0;
  user = 'default';
  authenticated: boolean;
  lastInteraction: number;
  lastCommand = 'NULL';
  multi: MultiState | undefined = undefined;
  readonly watched = new Map<string, { db: number; key: string; version: unknown }>();
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** CLIENT REPLY state, driven by the dispatcher: replies of the running command are dropped while muted. */
  muted = false;
  replyOff = false;
  skipNext = false;
  skipThis = false;
  noEvict = false;
  readonly createdAt = Date.now();
  private addrText: string | undefined;
  private laddrText: string | undefined;
  /** while set (EXEC running queued commands), replies written with reply() are collected here */
  captured: RespValue[] | undefined = undefined;
  callContext: unknown = undefined;
  /** set by the blocking and pause managers while the input is on hold */
  blockedOn: ClientBlock | undefined = undefined;
  private replica = false;
  private drainListeners: Array<() => void> | undefined;
  private emptyLinesSeen = 0;
  /**
   * Replies are written at the end of each read, not of the event-loop turn: set on a connection in
   * the replication handshake, whose next step waits for them (a turn under load runs every batch).
   */
  flushEachRead = false;
  /** called when a replica sends its `\n` keepalive (the ReplicationNode refreshes its ACK time) */
  onKeepalive: (() => void) | undefined = undefined;
  private closeListeners: Array<() => void> | undefined;
  private readonly reader: RequestReader;
  private readonly writer: ReplyWriter;
  private paused = false;
  private closing = false;
  private closeAfter = false;
  private flushScheduled = false;
  private processing = false;
  private softLimitSince = 0;
  private closedReason: string | undefined;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly host: ConnectionHost,
    needsAuth: boolean,
  ) {
    this.authenticated = !needsAuth;
    this.lastInteraction = this.createdAt;
    this.reader = createRequestReader({
      maxBulkLength: host.limits.protoMaxBulkLen,
      maxQueryBuffer: host.limits.clientQueryBufferLimit,
      authenticated: !needsAuth,
    });
    this.writer = createReplyWriter();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => {}); // 'close' follows and reports
    // peer gone: nothing left to answer closes at once (no shutdown + finish; Redis frees it too)
    socket.on('end', () => (this.processing || this.flushQueued || this.outputBytes > 0 || this.reader.bufferedBytes > 0 ? socket.end() : socket.destroy()));
    socket.on('close', () => this.onSocketClose());
  }

  get addr(): string {
    return (this.addrText ??= peerAddr(this.socket));
  }

  get laddr(): string {
    return (this.laddrText ??= localAddr(this.socket));
  }

  get kind(): ClientKind {
    if (this.replica) return 'replica';
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0 ? 'pubsub' : 'normal';
  }

  /** the socket's file descriptor (CLIENT LIST `fd`), -1 when unknown */
  get fd(): number {
    return (this.socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
  }

  get blocked(): boolean {
    return this.blockedOn !== undefined;
  }

  get isClosed(): boolean {
    return this.closedReason !== undefined;
  }

  get outputBytes(): number {
    return this.socket.writableLength + this.writer.pendingBytes;
  }

  get queryBufferBytes(): number {
    return this.reader.bufferedBytes;
  }

  reply(value: RespValue): void {
    if (this.captured !== undefined) {
      this.captured.push(value);
      return;
    }
    if (this.muted) return;
    this.writer.push(value, this.protocol);
  }

  pushMessage(message: PushReply): void {
    if (this.closing) return;
    this.writer.push(message, this.protocol);
    this.scheduleFlush();
  }

  /** `now`: not held for the turn's stream (PSYNC's first reply); pending replies leave in the same write. */
  writeRaw(chunks: readonly Uint8Array[], now = false): boolean {
    if (this.closing) return false;
    const cork = chunks.length > 1 || this.writer.pendingBytes > 0;
    if (cork) this.socket.cork();
    this.flushNow();
    if (this.replica && !now) this.corkForTurn();
    let ok = true;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i] as Uint8Array;
      this.countOutput(c.length);
      if (!this.socket.write(c)) ok = false;
    }
    if (cork) this.socket.uncork();
    if (!ok) this.applyBackpressure();
    if (!this.replica) this.checkOutputLimits();
    return ok;
  }

  /** Calls `cb` once at the next drain of the socket (or when the connection closes). */
  onDrainOnce(cb: () => void): void {
    if (this.closing) cb();
    else (this.drainListeners ??= []).push(cb);
  }

  /** Calls `cb` once when the connection is gone. */
  onCloseOnce(cb: () => void): void {
    if (this.closedReason !== undefined && this.closing && this.socket.destroyed) cb();
    else (this.closeListeners ??= []).push(cb);
  }

  /** Replies queued by earlier commands and not yet handed to the socket (PSYNC refuses then). */
  get hasPendingReplies(): boolean {
    return this.writer.pendingBytes > 0;
  }

  markReplica(): void {
    this.replica = true;
  }

  closeAfterReply(): void {
    this.closeAfter = true;
  }

  close(reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.closedReason ??= reason;
    this.socket.destroy();
  }

  /** Called after a blocked client got its reply (or timed out): answer and go on with its pipeline. */
  resume(): void {
    this.scheduleFlush(true);
  }

  /** Flush (and optionally re-run the input loop) at the end of the current tick's work. */
  scheduleFlush(processInput = false): void {
    if (processInput) this.pendingInput = true;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    void SETTLED.then(this.runScheduled);
  }
  private readonly runScheduled = (): void => {
    this.flushScheduled = false;
    if (this.pendingInput) {
      this.pendingInput = false;
      this.processInput();
    } else this.flushNow();
  };
  private pendingInput = false;
  private flushQueued = false;

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.lastInteraction = Date.now();
    this.host.stats.netInputBytes += chunk.length;
    this.reader.write(chunk);
    this.processInput();
  }

  private processInput(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (!this.closing && !this.closeAfter && !this.paused && this.blockedOn === undefined) {
        let argv: string[] | undefined;
        try {
          argv = this.reader.next();
        } catch (err) {
          const f = protocolFailure(err);
          this.closedReason = f.reason;
          if (f.reply === undefined) {
            this.close(f.reason);
            return;
          }
          this.writer.push(f.reply, this.protocol);
          this.closeAfter = true;
          break;
        }
        if (argv === undefined) break;
        if (argv.length === 0) continue;
        if (this.onKeepalive !== undefined) this.noteKeepalive();
        this.host.execute(this, argv);
        this.reader.authenticated = this.authenticated || !this.host.authRequired();
        // A pipeline of big replies to a client that does not read: write out and stop parsing
        // once the socket wants a drain, so one read cannot pile up unbounded output.
        if (this.writer.pendingBytes >= FLUSH_EARLY_BYTES) this.flushNow();
      }
    } finally {
      this.processing = false;
    }
    if (this.onKeepalive !== undefined) this.noteKeepalive();
    if (this.closeAfter || this.paused || (this.flushEachRead && this.writer.pendingBytes > 0)) this.flushNow();
    else this.deferFlush();
  }

  private deferFlush(): void {
    if (this.flushQueued || this.writer.pendingBytes === 0) return;
    this.flushQueued = true;
    queueEndOfTurnFlush(this);
  }

  /**
   * A replica link gets the stream one propagated command at a time; writing each at once costs a
   * write syscall per command and replica. Like Redis (the replica's output buffer is written in
   * beforeSleep), the socket stays corked for the rest of the turn and the end-of-turn flush
   * uncorks it: one writev carries everything propagated during the turn.
   */
  private corkForTurn(): void {
    if (this.corkedForTurn) return;
    this.corkedForTurn = true;
    this.socket.cork();
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueEndOfTurnFlush(this);
  }
  private corkedForTurn = false;

  /** Called by the end-of-turn flush (see pendingFlush). */
  flushDeferred(): void {
    this.flushQueued = false;
    this.flushNow();
    if (this.corkedForTurn) {
      this.corkedForTurn = false;
      this.socket.uncork();
    }
  }

  private flushNow(): void {
    if (this.closing) return;
    this.host.beforeReply?.();
    const chunks = this.writer.flush();
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i] as Buffer;
      this.countOutput(chunk.length);
      if (!this.socket.write(chunk)) this.applyBackpressure();
    }
    if (this.closeAfter) {
      this.closing = true;
      this.closedReason ??= 'quit';
      this.socket.end();
      this.socket.destroySoon?.();
      return;
    }
    if (chunks.length > 0 && !this.replica) this.checkOutputLimits();
  }

  private noteKeepalive(): void {
    const n = this.reader.emptyLines;
    if (n === this.emptyLinesSeen) return;
    this.emptyLinesSeen = n;
    this.onKeepalive?.();
  }

  /** Redis 7.0 counts what goes to replicas apart from what goes to clients. */
  private countOutput(bytes: number): void {
    if (this.replica) this.host.stats.netReplOutputBytes += bytes;
    else this.host.stats.netOutputBytes += bytes;
  }

  private applyBackpressure(): void {
    // a replica link keeps reading (REPLCONF ACK flows during a transfer): the master paces its
    // writes on drain instead
    if (this.paused || this.replica) return;
    this.paused = true;
    this.socket.pause();
  }

  private onDrain(): void {
    const waiting = this.drainListeners;
    if (waiting !== undefined && waiting.length > 0) {
      this.drainListeners = undefined;
      for (const cb of waiting) cb();
    }
    if (!this.paused) return;
    this.paused = false;
    this.softLimitSince = 0;
    this.socket.resume();
    this.processInput();
  }

  /** `client-output-buffer-limit` of this client's class; true if the client was closed. */
  checkOutputLimits(now = Date.now()): boolean {
    if (this.closing) return true;
    // a replica link's limit is enforced by the ReplicationNode, which closes it with Redis's log line
    if (this.replica) return false;
    const l = this.host.limits;
    const kind = this.kind;
    const limit = kind === 'pubsub' ? l.clientOutputBufferLimitPubsub : kind === 'replica' ? l.clientOutputBufferLimitReplica : l.clientOutputBufferLimitNormal;
    const used = this.outputBytes;
    if (limit.hardBytes > 0 && used >= limit.hardBytes) {
      this.close('output buffer limit (hard)');
      return true;
    }
    if (limit.softBytes > 0 && used >= limit.softBytes) {
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else if (now - this.softLimitSince > limit.softSeconds * 1000) {
        this.close('output buffer limit (soft)');
        return true;
      }
    } else this.softLimitSince = 0;
    return false;
  }

  private onSocketClose(): void {
    this.closing = true;
    const reason = this.closedReason ?? 'connection closed by client';
    this.closedReason = reason;
    this.host.closed(this, reason);
    const drains = this.drainListeners;
    const closes = this.closeListeners;
    this.drainListeners = undefined;
    this.closeListeners = undefined;
    if (drains !== undefined) for (const cb of drains) cb();
    if (closes !== undefined) for (const cb of closes) cb();
  }
}
