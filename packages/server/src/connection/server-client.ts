import type { PushReply, RespValue } from '@replikit/resp';
import type { TableEntry } from '../dispatch/command-table';

/** What kind of client this is, for CLIENT LIST `flags`, CLIENT KILL TYPE and output buffer classes. */
export type ClientKind = 'normal' | 'pubsub' | 'replica' | 'master';

/** The state of one MULTI block. */
export interface MultiState {
  readonly queue: Array<{ readonly entry: TableEntry; readonly argv: string[] }>;
  /** a queued command was rejected: EXEC answers EXECABORT */
  dirtyExec: boolean;
  /** queued commands include a write (for READONLY/NOREPLICAS checks on EXEC) */
  hasWrite: boolean;
  /** queued commands include one that is not `stale` / not `loading` */
  hasDenyStale: boolean;
  hasDenyLoading: boolean;
}

/**
 * Why a client's input is on hold: `command` while a blocking command (BLPOP, WAIT ...) waits in
 * the BlockingManager, `postponed` while a pause (CLIENT PAUSE, a failover or shutdown pause)
 * holds its command in the PauseManager. The managers own the objects; others only test them.
 */
export interface ClientBlock {
  readonly type: 'command' | 'postponed';
}

/**
 * A client as commands see it: a socket connection, or the in-process client that applies a
 * master's replication stream (kind `master`). PSYNC/SYNC turn a connection into a replica link
 * with `markReplica()` and `writeRaw()`; the connection keeps parsing commands from it
 * (REPLCONF ACK) while it streams.
 */
export interface ServerClient {
  readonly id: number;
  /** `ip:port` of the peer (`/path:0` style for unix sockets like Redis) */
  readonly addr: string;
  readonly laddr: string;
  name: string;
  /** RESP protocol version negotiated with HELLO */
  protocol: 2 | 3;
  /** selected database */
  db: number;
  /** authenticated user name (`default` until AUTH when no password is required) */
  user: string;
  authenticated: boolean;
  readonly kind: ClientKind;
  readonly createdAt: number;
  lastInteraction: number;
  /** last command's full name (`client|list`) */
  lastCommand: string;
  multi: MultiState | undefined;
  readonly watched: Map<string, { readonly db: number; readonly key: string; readonly version: unknown }>;
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  readonly shardChannels: Set<string>;
  /** CLIENT REPLY OFF is on */
  replyOff: boolean;
  /** CLIENT REPLY SKIP: the next command's reply is dropped */
  skipNext: boolean;
  /** replies of the running command are dropped (CLIENT REPLY OFF/SKIP) */
  muted: boolean;
  noEvict: boolean;
  /** set by the BlockingManager / PauseManager while the client's input is on hold */
  blockedOn: ClientBlock | undefined;
  /** true while `blockedOn` is set */
  readonly blocked: boolean;
  /** the connection is gone: blocked and postponed commands are dropped */
  readonly isClosed: boolean;
  /** CLIENT REPLY SKIP was given by the previous command: this command's reply is dropped */
  skipThis: boolean;
  /** Called when a block ends (served, timed out, pause over): flush and go on with the pipeline. */
  resume(): void;
  /** While set, reply() collects into it instead of writing (EXEC gathers its queued commands' replies). */
  captured: RespValue[] | undefined;
  /** Queues a reply (batched; flushed once per read). */
  reply(value: RespValue): void;
  /** Queues an out-of-band Pub/Sub message (ignores CLIENT REPLY OFF, like Redis). */
  pushMessage(message: PushReply): void;
  /**
   * Writes bytes as they are (the replication stream, an RDB payload), bypassing the reply
   * encoder, after the replies already queued. False when the peer is behind (wait for a drain).
   */
  writeRaw(chunks: readonly Uint8Array[]): boolean;
  /** Flags the client as a replica (output limits of class replica, CLIENT LIST flag S). */
  markReplica(): void;
  /** Close after the pending replies are written (QUIT, CLIENT KILL of self). */
  closeAfterReply(): void;
  /** Close now; `reason` goes to the `client:close` event. */
  close(reason: string): void;
  /** Bytes queued for the socket and not yet written (omem). */
  readonly outputBytes: number;
  /** Bytes received and not yet parsed (qbuf). */
  readonly queryBufferBytes: number;
  /** The dispatcher's reusable CommandContext for this client (created on its first command; internal). */
  callContext: unknown;
}
