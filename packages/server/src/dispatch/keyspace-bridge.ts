import type { PropagatedCommand } from '@replikit/keyspace';
import type { RespValue } from '@replikit/resp';
import type { ServerCommandSpec } from './command-spec';

/** The result of one keyspace command as the dispatcher needs it. */
export interface KeyspaceResult {
  readonly reply: RespValue;
  /** writes to propagate, in order; empty for reads and no-op writes */
  readonly writes: readonly PropagatedCommand[];
}

/**
 * What the server needs from @replikit/keyspace. `createKeyspaceBridge(ks)` adapts the real
 * keyspace; this file and keyspace-adapter.ts are the only places that know its API.
 */
export interface KeyspaceBridge {
  readonly databases: number;
  /** The keyspace's command table, as server specs whose handler runs `ctx.keyspace(argv)`. */
  specs(): ServerCommandSpec[];
  /**
   * Runs one command in `db`. `resp` is the client's protocol (HELLO): RESP3 clients get
   * [member, score] / [field, value] pairs (WITHSCORES ...). `fromMaster` marks commands applied
   * from our master's replication stream. The result may be a reused object: read it before the
   * next execute().
   */
  execute(argv: string[], db: number, resp: 2 | 3, fromMaster?: boolean): KeyspaceResult;
  /**
   * Runs a queued transaction atomically in `db` (SELECT inside changes the db for the commands
   * after it); `replies` has one entry per command, `writes` is already wrapped in MULTI/EXEC when
   * more than one write was propagated. `db` is the selected db after the transaction.
   */
  executeTransaction(queued: readonly string[][], db: number, resp: 2 | 3): { readonly replies: RespValue[]; readonly writes: readonly PropagatedCommand[]; readonly db: number };
  /**
   * A value that changes whenever the key is modified, deleted or expires (WATCH). Registers the
   * key as watched: call releaseKeyVersion once per call.
   */
  keyVersion(db: number, key: string): unknown;
  releaseKeyVersion(db: number, key: string): void;
  /**
   * Called after every key modification (`key` null: the whole db was flushed or swapped); with
   * `wanted`, only needed while it returns true (asked as each execution starts).
   */
  onKeyModified(listener: (db: number, key: string | null) => void, wanted?: () => boolean): () => void;
  dbSize(db: number): number;
  /** keys with a TTL in `db` (INFO keyspace `expires=`) */
  expiresSize(db: number): number;
  /**
   * Writes no client command produced (the active expiry cycle's DELs, one bare DEL per key).
   * The server forwards them to its PropagationSink and `command:propagate` with no origin.
   */
  onPropagate(listener: (writes: readonly PropagatedCommand[]) => void): () => void;
  /** live counters: keyspace_hits, keyspace_misses, expired_keys, dirty (changes by executed commands) */
  readonly stats: KeyspaceCounters;
  /** CONFIG RESETSTAT: zeroes hits, misses and expired keys */
  resetStats(): void;
  /** Judges key expiry at `ms` until called with undefined (a running script's start time: Keyspace.freezeExpiryClock). */
  freezeExpiryClock(ms: number | undefined): void;
}

/** The keyspace's INFO counters (monotonic until resetStats(), except `dirty` which is never reset). */
export interface KeyspaceCounters {
  readonly keyspaceHits: number;
  readonly keyspaceMisses: number;
  readonly expiredKeys: number;
  readonly dirty: number;
}
