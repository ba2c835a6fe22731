import type { ErrorReply, RespValue } from '@replikit/resp';
import type { UserDirectory } from '../auth/user-directory';
import type { BlockingManager } from '../blocking/blocking-manager';
import type { PauseManager } from '../blocking/pause-manager';
import type { ClientRegistry } from '../connection/client-registry';
import type { ServerClient } from '../connection/server-client';
import type { ResolvedServerOptions } from '../defaults';
import type { PubSubHub } from '../pubsub/pubsub-hub';
import type { CommandTable, TableEntry } from './command-table';
import type { Dispatcher } from './dispatcher';
import type { KeyspaceBridge } from './keyspace-bridge';
import type { PropagatedCommand } from '@replikit/keyspace';
import type { ReplicationState } from './replication-state';
import type { ServerStats } from './server-stats';

/** See ServerRuntime.oomCheck. */
export type OomCheck = (client: ServerClient, entry: TableEntry) => ErrorReply | undefined;

/**
 * The services every command handler can reach through `ctx.runtime`. The operator surface
 * (CONFIG, INFO, persistence) and the replication commands use the same object.
 */
export interface ServerRuntime {
  /** live options: CONFIG SET writes here and the server reads them on use */
  readonly options: ResolvedServerOptions;
  readonly users: UserDirectory;
  readonly pubsub: PubSubHub;
  readonly blocking: BlockingManager;
  /** CLIENT PAUSE and the pause seam for FAILOVER / SHUTDOWN */
  readonly pauses: PauseManager;
  readonly commands: CommandTable;
  readonly keyspace: KeyspaceBridge;
  readonly clients: ClientRegistry;
  readonly dispatcher: Dispatcher;
  readonly stats: ServerStats;
  readonly replication: ReplicationState;
  /** unix ms when the server was created */
  readonly startedAt: number;
  /** 40 hex chars, INFO `run_id` */
  readonly runId: string;
  /** the TCP port listened on (0 before listen) */
  readonly port: number;
  /**
   * writeCommandsDeniedByDiskError: the refusal for writes (and PING) while persistence is failing
   * (`-MISCONF ...`), or undefined. Installed by the persistence layer with `setDiskErrorCheck`.
   */
  readonly diskErrorCheck: (() => ErrorReply | undefined) | undefined;
  /**
   * The maxmemory step of processCommand (installed while `maxmemory` is set): evicts what the
   * policy allows and returns `-OOM ...` when `entry` must be refused; it also records whether
   * memory was still over the limit (`preCommandOom`, read by scripts at their first write).
   */
  readonly oomCheck?: OomCheck | undefined;
  /** pre_command_oom_state: the last oomCheck found memory over the limit */
  preCommandOom?: boolean;
  /**
   * The replication mode's hold (`replication-mode sync|semi-sync`): called after a client's
   * command (outside EXEC) that moved the replication offset, with its reply; true when the reply
   * is held until replicas acknowledge (sent later). Undefined in `async` mode.
   */
  readonly writeAckHold?: ((client: ServerClient, reply: RespValue) => boolean) | undefined;
  /** Runs a keyspace command for `client` in its db, propagates its writes, returns the reply. */
  runKeyspace(client: ServerClient, argv: string[]): RespValue;
  /** Hands writes to the propagation sink and the `command:propagate` event. */
  propagate(writes: readonly PropagatedCommand[], origin: ServerClient | undefined): void;
  /**
   * Runs `fn` with propagation held back; the writes it produced are then propagated as one unit,
   * wrapped in MULTI/EXEC when there is more than one (Redis 7.0's also_propagate rule). Used by EXEC.
   */
  propagateAsUnit<T>(origin: ServerClient | undefined, fn: () => T): T;
}
