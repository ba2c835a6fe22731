/**
 * The contract between one client connection and the server that owns it: where commands go, what
 * happens when the connection ends, and the counters and live limits the connection reads.
 */
import type { OutputBufferLimit } from '../defaults';
import type { ClientConnection } from './client-connection';

/** What a connection needs from the server. */
export interface ConnectionHost {
  /** Runs one command (processCommand). */
  execute(client: ClientConnection, argv: string[]): void;
  /** The connection is gone (socket closed or destroyed). */
  closed(client: ClientConnection, reason: string): void;
  /** Redis's authRequired() for a client that has not authenticated: the default user has a password. */
  authRequired(): boolean;
  /**
   * Called before reply bytes go to any socket (beforeSleep's flushAppendOnlyFile before
   * handleClientsWithPendingWrites): the AOF is written, and with `appendfsync always` synced, first.
   */
  readonly beforeReply?: () => void;
  /** net byte counters (INFO stats total_net_input_bytes, total_net_output_bytes, total_net_repl_output_bytes) */
  readonly stats: { netInputBytes: number; netOutputBytes: number; netReplOutputBytes: number };
  /** Limits read live, so CONFIG SET applies to existing clients like in Redis. */
  readonly limits: {
    readonly clientQueryBufferLimit: number;
    readonly protoMaxBulkLen: number;
    readonly clientOutputBufferLimitNormal: OutputBufferLimit;
    readonly clientOutputBufferLimitPubsub: OutputBufferLimit;
    readonly clientOutputBufferLimitReplica: OutputBufferLimit;
  };
}
