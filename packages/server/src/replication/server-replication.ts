/**
 * The server's replication state: ONE ReplicationNode for the server's whole life (ids, offsets,
 * backlog, sub-replicas, in both roles) and, while `replicaof` is set, one upstream syncer that
 * feeds it. REPLICAOF host port / NO ONE are role switches on the node, never copies. INFO
 * replication, ROLE, the processCommand checks and the RDB aux fields all read from here.
 */
import type { Keyspace } from '@replikit/keyspace';
import { createMaster, type MasterOptions, type ReplicationNode } from '@replikit/master';
import type { RdbReplicationInfo } from '@replikit/rdb';
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { OutputBufferLimits } from '../config/directives';
import type { ServerConfig } from '../config/server-config';
import type { ServerClient } from '../connection/server-client';
import type { ReplicaRoleEntry, ReplicationState } from '../dispatch/replication-state';
import { type InfoField, type ReplicationInfoProvider, replicationInfoFields, type UpstreamView } from '../info/replication-info';
import type { Logger } from '../logger';
import type { RdbReplicationAux } from '../persistence/rdb-load';
import type { ReplikitServer } from '../server';
import { FailoverCoordinator } from './failover';
import { MasterCommitPoints } from './master-commit-points';
import { ReplicationModeGate } from './replication-mode';
import { startUpstream, type Upstream } from './upstream';

const UNBLOCKED_ROLE_CHANGE = new ErrorReply('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)');

/** The node's options from the config's repl-* (and related) directives. */
export function masterOptionsFromConfig(config: ServerConfig, logger: Logger, role: 'master' | 'replica'): MasterOptions {
  const limits = config.get<OutputBufferLimits>('client-output-buffer-limit');
  return {
    role,
    replBacklogSize: config.getNumber('repl-backlog-size'),
    replBacklogTtl: config.getNumber('repl-backlog-ttl'),
    replDisklessSync: config.getBool('repl-diskless-sync'),
    replDisklessSyncDelay: config.getNumber('repl-diskless-sync-delay'),
    replDisklessSyncMaxReplicas: config.getNumber('repl-diskless-sync-max-replicas'),
    replPingReplicaPeriod: config.getNumber('repl-ping-replica-period'),
    replTimeout: config.getNumber('repl-timeout'),
    dir: config.getString('dir'),
    dbfilename: config.getString('dbfilename'),
    rdbCompression: config.getBool('rdbcompression'),
    rdbChecksum: config.getBool('rdbchecksum'),
    clientOutputBufferLimitReplica: { hard: limits.replica.hard, soft: limits.replica.soft, softSeconds: limits.replica.softSeconds },
    minReplicasMaxLag: config.getNumber('min-replicas-max-lag'),
    logger: (level, message) => logger.log(level, message),
  };
}

function clientDescription(c: ServerClient | undefined): string {
  return c === undefined ? 'config' : `id=${c.id} addr=${c.addr} laddr=${c.laddr} user=${c.user}`;
}

export interface ServerReplicationDeps {
  readonly server: ReplikitServer;
  readonly keyspace: Keyspace;
  readonly config: ServerConfig;
  readonly logger: Logger;
  /** the keyspace's adapter is durable (`storage lmdb`): writes are committed with the replication position */
  readonly durable?: boolean;
  /** true while the startup RDB load runs (INFO loading, LOADING replies) */
  readonly persistenceLoading: () => boolean;
  /** called after a full sync loaded a new dataset (restartAOFAfterSYNC: the AOF is rewritten) */
  readonly onFullSync?: () => void;
}

export class ServerReplication implements ReplicationState, ReplicationInfoProvider {
  readonly node: ReplicationNode;
  /** FAILOVER's state machine (master_failover_state) */
  readonly failover: FailoverCoordinator;
  /** `replication-mode`: holds write replies until replicas acknowledged them */
  readonly modes: ReplicationModeGate;
  private upstream: Upstream | undefined;
  /** a durable store: the master's writes are committed with its replication position */
  private readonly commitPoints: MasterCommitPoints | undefined;
  private masterHost: string | undefined;
  private masterPort = 0;
  private started = false;
  private closed = false;

  constructor(private readonly deps: ServerReplicationDeps) {
    const configured = deps.config.get<string[] | null>('replicaof');
    const role = configured ? 'replica' : 'master';
    const commitPoints = deps.durable !== true ? undefined : new MasterCommitPoints(deps.keyspace, () => this.node);
    this.commitPoints = commitPoints;
    this.node = createMaster(
      { keyspace: deps.keyspace, upstreamStreamDb: () => this.upstream?.streamDb ?? 0, onStreamAppend: commitPoints && (() => commitPoints.streamAppended()) },
      masterOptionsFromConfig(deps.config, deps.logger, role),
    );
    if (configured) {
      this.masterHost = configured[0];
      this.masterPort = Number(configured[1]);
    }
    this.applyRole();
    this.failover = new FailoverCoordinator(this, deps.server, deps.logger);
    this.modes = new ReplicationModeGate(this, deps.server, deps.config);
    // CONFIG SET repl-backlog-size resizes the live backlog, as Redis's updateReplBacklogSize does
    deps.config.onChange((name) => {
      if (name === 'repl-backlog-size') this.node.setBacklogSize(deps.config.getNumber('repl-backlog-size'));
    });
    deps.server.stats.sync = this.node.counters;
    deps.server.setReplicationState(this);
    // local writes of a master go to the backlog and the replicas; the master client's writes
    // are not propagated again (the upstream forwards the exact bytes it applied)
    deps.server.setPropagationSink({
      propagate: (writes, origin) => {
        if (origin?.kind === 'master') return;
        const cp = this.commitPoints;
        if (cp === undefined) this.node.propagate(writes);
        else cp.around(() => this.node.propagate(writes));
      },
    });
  }

  // --- ReplicationState (read by processCommand on every command: cheap getters) ---

  get role(): 'master' | 'replica' {
    return this.node.role;
  }

  get masterLinkUp(): boolean {
    return this.upstream?.linkState === 'connected';
  }

  get goodReplicas(): number {
    return this.node.goodReplicas(this.deps.server.options.minReplicasMaxLag);
  }

  get loading(): boolean {
    return this.deps.persistenceLoading() || this.upstream?.loading === true;
  }

  get replicationOffset(): number {
    return this.node.masterReplOffset;
  }

  onlineReplicas(): readonly ReplicaRoleEntry[] {
    return this.node
      .replicas()
      .filter((r) => r.state === 'online')
      .map((r) => ({ ip: r.ip, port: r.port, ackOffset: r.offset }));
  }

  /** `repl-disable-tcp-nodelay`: replica sockets leave Nagle on once a full sync starts */
  get replDisableTcpNodelay(): boolean {
    return this.deps.config.getBool('repl-disable-tcp-nodelay');
  }

  get masterClient(): ServerClient | undefined {
    return this.upstream?.masterClient;
  }

  get master(): { host: string; port: number; linkState: string; offset: number } | undefined {
    const up = this.upstream;
    if (up === undefined || this.masterHost === undefined) return undefined;
    return { host: this.masterHost, port: this.masterPort, linkState: up.linkState, offset: up.appliedOffset ?? -1 };
  }

  /** ROLE (protocol.md §8.2). */
  roleReply(): RespValue {
    const m = this.master;
    if (this.node.role === 'replica' && m !== undefined) return ['slave', m.host, m.port, m.linkState, m.offset];
    return ['master', this.node.masterReplOffset, this.onlineReplicas().map((x) => [x.ip, String(x.port), String(x.ackOffset)])];
  }

  // --- INFO replication and the RDB aux fields ---

  replicationFields(): InfoField[] {
    const fields = replicationInfoFields(this.node, this.upstreamView(), this.deps.config, this.failover.state);
    const modes = this.modes.infoFields();
    return modes.length === 0 ? fields : [...fields, ...modes];
  }

  private upstreamView(): UpstreamView | undefined {
    const up = this.upstream;
    if (up === undefined || this.masterHost === undefined) return undefined;
    return {
      host: this.masterHost,
      port: this.masterPort,
      linkState: up.linkState,
      lastIoSecondsAgo: up.lastIoSecondsAgo,
      readOffset: up.readOffset,
      appliedOffset: up.appliedOffset,
      linkDownSinceSeconds: up.linkDownSinceSeconds,
      transfer: up.transfer,
    };
  }

  rdbSaveInfo(): RdbReplicationInfo | undefined {
    return this.node.rdbSaveInfo();
  }

  /**
   * Keys the startup load dropped as expired go into the stream as DEL (UNLINK with
   * lazyfree-lazy-expire), right after the restored offset, so replicas that continue partially
   * drop them too (a replica never expires keys itself). Without a restored history there is no
   * backlog and no replica yet, and nothing to tell.
   */
  expiredAtLoad(keys: ReadonlyArray<{ db: number; key: string }>): void {
    if (this.node.role !== 'master' || this.node.backlog === null) return;
    const del = this.deps.config.getBool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL';
    this.node.propagate(keys.map((k) => ({ db: k.db, argv: [del, k.key] })));
  }

  /** The startup load found repl aux fields: the node's restart rule (protocol.md §5.4). */
  rdbLoaded(aux: RdbReplicationAux): void {
    this.node.restoreFromRdb(aux);
    // a restarted master commits its new id at once (the data is unchanged)
    this.commitPoints?.commit();
  }

  // --- lifecycle and role switches ---

  /** After the startup load: connect to the configured master, if any. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    if (this.masterHost !== undefined) this.connectUpstream();
  }

  /**
   * REPLICAOF host port (replicationSetMaster). False when already replicating from that master
   * (`+OK Already connected to specified master`).
   */
  setMaster(host: string, port: number, by?: ServerClient): boolean {
    if (this.masterHost !== undefined && this.masterHost.toLowerCase() === host.toLowerCase() && this.masterPort === port) {
      this.deps.logger.notice('REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.');
      return false;
    }
    const wasMaster = this.node.role === 'master';
    this.masterHost = host;
    this.masterPort = port;
    // CONFIG GET / CONFIG REWRITE show the master set at runtime, as Redis's do
    this.deps.config.set('replicaof', [host, String(port)]);
    this.stopUpstream();
    if (wasMaster) this.node.becomeReplica();
    this.applyRole();
    this.unblockAll();
    this.deps.logger.notice(`Connecting to MASTER ${host}:${port}`);
    this.deps.logger.notice(`REPLICAOF ${host}:${port} enabled (user request from '${clientDescription(by)}')`);
    if (this.started) this.connectUpstream();
    return true;
  }

  /** REPLICAOF NO ONE (replicationUnsetMaster): a no-op on a master. */
  unsetMaster(by?: ServerClient, reason = 'user request'): void {
    if (this.masterHost === undefined) return;
    this.masterHost = undefined;
    this.masterPort = 0;
    this.deps.config.set('replicaof', ['no', 'one']);
    this.stopUpstream();
    this.node.becomeMaster();
    this.commitPoints?.commit();
    this.applyRole();
    this.deps.logger.notice(`MASTER MODE enabled (${reason} from '${clientDescription(by)}')`);
  }

  /** SHUTDOWN / close: the upstream link, every replica link, the node's timers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failover.close();
    this.modes.close();
    this.stopUpstream();
    this.node.close();
  }

  private connectUpstream(): void {
    if (this.masterHost === undefined || this.closed) return;
    this.upstream = startUpstream({
      host: this.masterHost,
      port: this.masterPort,
      node: this.node,
      server: this.deps.server,
      keyspace: this.deps.keyspace,
      config: this.deps.config,
      logger: this.deps.logger,
      onFullSync: this.deps.onFullSync,
    });
  }

  private stopUpstream(): void {
    const up = this.upstream;
    this.upstream = undefined;
    up?.close();
  }

  /** The keyspace and the log follow the node's role (a replica never expires keys itself). */
  private applyRole(): void {
    const role = this.node.role;
    this.deps.keyspace.role = role;
    this.deps.logger.role = role === 'master' ? 'M' : 'S';
  }

  /** disconnectAllBlockedClients: clients blocked on keys get -UNBLOCKED when a master turns replica. */
  private unblockAll(): void {
    const server = this.deps.server;
    for (const c of [...server.clients.all()]) {
      if (c.blockedOn?.type === 'command') server.blocking.unblock(c, UNBLOCKED_ROLE_CHANGE);
    }
  }
}
