/**
 * The guide's three replication modes as a server setting (`replication-mode async|sync|semi-sync`
 * and its `replication-mode-*` companions), applied to every command a client sends that put
 * something into the replication stream (a write, an EXEC of writes, a script's writes).
 *
 * The command runs and is propagated exactly as in `async` mode; only its reply is held back,
 * with the client blocked the way WAIT blocks it (its pipelined commands wait behind it), until
 * enough replicas acknowledged an offset covering the write (`REPLCONF GETACK` is sent at once,
 * like WAIT does). At the timeout, `replication-mode-on-timeout` decides: `fail` answers
 * `-NOTACKED ...` (the write is still applied on the master and in the stream: there is no
 * rollback), `report` answers the command's normal reply. Both count in INFO
 * `replication_mode_timeouts`.
 *
 * The rule per mode is the one of `WriteConcern` in @replikit/master (docs/consistency.md): `sync`
 * waits for every replica online when the write was made (none online: answered at once),
 * `semi-sync` for `replication-mode-replicas` of them.
 */
import type { ReplicationMode } from '@replikit/master';
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { ServerConfig } from '../config/server-config';
import type { ServerClient } from '../connection/server-client';
import type { InfoField } from '../info/replication-info';
import type { ReplikitServer } from '../server';
import type { ServerReplication } from './server-replication';

/** The settings of the four directives. */
export interface ReplicationModeSettings {
  readonly mode: ReplicationMode;
  readonly replicas: number;
  readonly timeoutMs: number;
  readonly onTimeout: 'fail' | 'report';
}

/** The directives' current values. */
export function replicationModeFromConfig(config: ServerConfig): ReplicationModeSettings {
  return {
    mode: config.getString('replication-mode') as ReplicationMode,
    replicas: config.getNumber('replication-mode-replicas'),
    timeoutMs: config.getNumber('replication-mode-timeout'),
    onTimeout: config.getString('replication-mode-on-timeout') as 'fail' | 'report',
  };
}

/** The reply of a held write whose ACKs did not arrive in time, with `fail`. */
export function notAckedReply(s: ReplicationModeSettings, required: number, acked: number): ErrorReply {
  return new ErrorReply(
    `NOTACKED the write was applied on the master but acknowledged by ${acked} of ${required} replicas within ${s.timeoutMs} ms (replication-mode ${s.mode})`,
  );
}

const NAMES = new Set(['replication-mode', 'replication-mode-replicas', 'replication-mode-timeout', 'replication-mode-on-timeout']);

/** Holds write replies until the replicas the mode asks for acknowledged them. */
export class ReplicationModeGate {
  private settings: ReplicationModeSettings;
  /** writes whose ACKs did not arrive within the timeout (INFO `replication_mode_timeouts`) */
  timeouts = 0;
  /** writes whose reply was held (INFO `replication_mode_held_writes`) */
  held = 0;
  private readonly unbind: () => void;

  constructor(
    private readonly repl: ServerReplication,
    private readonly server: ReplikitServer,
    config: ServerConfig,
  ) {
    this.settings = replicationModeFromConfig(config);
    this.install();
    this.unbind = config.onChange((name) => {
      if (!NAMES.has(name)) return;
      this.settings = replicationModeFromConfig(config);
      this.install();
    });
  }

  get current(): ReplicationModeSettings {
    return this.settings;
  }

  /** `# Replication` lines; none in `async` mode with no timeout counted, so INFO stays Redis's by default. */
  infoFields(): InfoField[] {
    if (this.settings.mode === 'async' && this.held === 0) return [];
    return [
      ['replication_mode', this.settings.mode],
      ['replication_mode_held_writes', this.held],
      ['replication_mode_timeouts', this.timeouts],
    ];
  }

  close(): void {
    this.unbind();
    this.server.setWriteAckHold(undefined);
  }

  /** The dispatcher only asks (and reads the offset around each command) outside `async` mode. */
  private install(): void {
    this.server.setWriteAckHold(this.settings.mode === 'async' ? undefined : this.hold);
  }

  /**
   * Called by the dispatcher after a client's command moved the replication offset, with the
   * reply it would send. True when the reply is held (it is sent later, by the blocking manager).
   */
  private readonly hold = (client: ServerClient, reply: RespValue): boolean => {
    const s = this.settings;
    const node = this.repl.node;
    if (s.mode === 'async' || node.role !== 'master' || client.kind === 'master' || client.kind === 'replica') return false;
    const target = node.masterReplOffset;
    const required = s.mode === 'sync' ? node.replicas().filter((r) => r.state === 'online').length : s.replicas;
    if (required === 0) return false;
    const acked = (): number => node.replicas().filter((r) => r.state === 'online' && r.offset >= target).length;
    if (acked() >= required) return false;
    this.held++;
    const outcome = (count: number): RespValue => {
      if (count >= required) return reply;
      this.timeouts++;
      return s.onTimeout === 'fail' ? notAckedReply(s, required, count) : reply;
    };
    const blocking = this.server.blocking;
    // CLIENT UNBLOCK ends the wait with the timeout outcome; the ACK wait's late answer must then
    // not end a later block of the same client
    let ended = false;
    const timeoutReply = (): RespValue => {
      ended = true;
      return outcome(acked());
    };
    blocking.block({ client, db: client.db, keys: [], tryServe: () => undefined, timeoutReply }, 0);
    void node.wait(required, s.timeoutMs).then((count) => {
      if (!ended && !client.isClosed) blocking.serve(client, outcome(count));
    });
    return true;
  };
}
