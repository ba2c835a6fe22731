import type { ApplyOutcome, StreamApplier } from '@replikit/replica';
import type { PushReply, RespValue } from '@replikit/resp';
import { ErrorReply } from '@replikit/resp';
import type { Dispatcher } from '../dispatch/dispatcher';
import type { ClientBlock, ClientKind, MultiState, ServerClient } from './server-client';

/**
 * The client of kind `master` on a replica: the commands of the master's replication stream run
 * through the dispatcher as its commands (Redis's server.master client), so SELECT and MULTI/EXEC
 * keep their connection semantics, PUBLISH reaches local subscribers, writes wake clients blocked
 * on keys, and none of them is propagated again (the replica forwards the exact stream bytes
 * instead). Replies are dropped, as Redis drops replies to its master; an error reply is reported
 * through `onError` (Redis logs it). It is the replica syncer's StreamApplier.
 */
export class MasterStreamClient implements ServerClient, StreamApplier {
  name = '';
  protocol: 2 | 3 = 2;
  db = 0;
  user = 'default';
  authenticated = true;
  readonly kind: ClientKind = 'master';
  readonly createdAt = Date.now();
  /** the last read from the master's socket (set per chunk by the upstream link, as Redis sets it per read) */
  lastInteraction = this.createdAt;
  lastCommand = 'NULL';
  multi: MultiState | undefined = undefined;
  readonly watched = new Map<string, { readonly db: number; readonly key: string; readonly version: unknown }>();
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  replyOff = false;
  skipNext = false;
  skipThis = false;
  muted = false;
  noEvict = false;
  blockedOn: ClientBlock | undefined = undefined;
  captured: RespValue[] | undefined = undefined;
  callContext: unknown = undefined;
  readonly outputBytes = 0;
  readonly queryBufferBytes = 0;
  private closedFlag = false;

  constructor(
    readonly id: number,
    readonly addr: string,
    private readonly dispatcher: Dispatcher,
    private readonly onError: (argv: readonly string[], error: ErrorReply) => void,
    private readonly onKill: (reason: string) => void,
  ) {}

  /** no socket of its own (CLIENT LIST `fd=-1`) */
  readonly fd = -1;

  get laddr(): string {
    return this.addr;
  }

  get blocked(): boolean {
    return this.blockedOn !== undefined;
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /**
   * Runs one command of the stream (argv as the framer decoded it, latin1). `queued` while a
   * MULTI from the master is open: the offset moves past the transaction at its EXEC.
   */
  apply(argv: string[]): ApplyOutcome {
    if (this.closedFlag || argv.length === 0) return 'applied';
    this.current = argv;
    this.dispatcher.execute(this, argv);
    this.current = undefined;
    return this.multi !== undefined ? 'queued' : 'applied';
  }
  private current: readonly string[] | undefined;

  /** A new stream: the db the snapshot says the master's stream had selected, no open MULTI. */
  reset(db: number): void {
    this.multi = undefined;
    this.db = db;
  }

  /** The link was lost inside a MULTI: the transaction is dropped. */
  discardTransaction(): void {
    this.multi = undefined;
  }

  reply(value: RespValue): void {
    if (this.captured !== undefined) {
      this.captured.push(value);
      return;
    }
    if (value instanceof ErrorReply) this.onError(this.current ?? [], value);
  }

  pushMessage(_message: PushReply): void {
    // the master client subscribes to nothing
  }

  writeRaw(_chunks: readonly Uint8Array[]): boolean {
    return true;
  }

  markReplica(): void {
    // never a replica
  }

  closeAfterReply(): void {
    this.close('quit');
  }

  /** CLIENT KILL TYPE master: the link to the master is dropped; the replica reconnects and resyncs partially. */
  close(reason: string): void {
    this.multi = undefined;
    this.onKill(reason);
  }

  /** The upstream link is gone for good (REPLICAOF NO ONE, another master, shutdown). */
  dispose(): void {
    this.closedFlag = true;
    this.multi = undefined;
  }

  resume(): void {
    // never blocked: pauses do not hold the master client and the stream has no blocking commands
  }
}
