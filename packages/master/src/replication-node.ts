import type { Duplex } from 'node:stream';
import type { ReplicationBacklog } from '@replikit/backlog';
import type { Keyspace, PropagatedCommand } from '@replikit/keyspace';
import type { RdbReplicationInfo } from '@replikit/rdb';
import type { RespValue } from '@replikit/resp';
import { EventEmitter } from 'eventemitter3';
import { MasterClosedError } from './errors';
import type { MasterEvents, ReplicaInfo, SyncCounters } from './events';
import { FullSyncCoordinator } from './full-sync';
import { type MasterDeps, type MasterOptions, type ResolvedOptions, resolveOptions } from './options';
import { type CommandHost, psyncCommand, replconfCommand, syncCommand } from './replica-commands';
import { countOnline, type HandshakeState, linkInfo, newHandshake, ReplicaLink } from './replica-link';
import { AckWaiters, runCron } from './replication-cron';
import { type RdbReplicationAux, ReplicationState } from './replication-state';
import { serveDuplex } from './serve';
import { GETACK_ARGV, PING_ARGV } from './stream-encoding';
import { StreamFanout } from './stream-fanout';
import type { ReplicaTransport } from './transport';

/**
 * The one owner of replication state, for a master and for a replica: replication ids and
 * offsets, the backlog, and the downstream replica links. A master's local writes come in through
 * {@link propagate}; a replica's upstream stream through {@link feedUpstream}. Replicas connect
 * through {@link serve} (any Duplex) or, in a host server, through {@link replconf}/{@link psync}/{@link sync}.
 */
export class ReplicationNode extends EventEmitter<MasterEvents> {
  readonly options: Readonly<ResolvedOptions>;
  readonly keyspace: Keyspace;
  readonly #upstreamStreamDb: () => number;
  readonly counters: SyncCounters = { syncFull: 0, syncPartialOk: 0, syncPartialErr: 0 };
  readonly #state: ReplicationState;
  readonly #links = new Set<ReplicaLink>();
  readonly #clients = new WeakMap<ReplicaTransport, HandshakeState>();
  #nextId = 1;
  #noReplicasSince: number;
  #closed = false;
  readonly #cron: NodeJS.Timeout;
  #cronLoops = 0;
  readonly #sync: FullSyncCoordinator;
  readonly #acks: AckWaiters;
  readonly #host: CommandHost;
  #getackScheduled = false;
  readonly #fanout: StreamFanout;
  #closedOutputBytes = 0;
  /** connections of serve(), closed with the node */
  readonly #served = new Set<ReplicaTransport>();

  constructor(deps: MasterDeps, options: MasterOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.keyspace = deps.keyspace;
    this.#upstreamStreamDb = deps.upstreamStreamDb ?? (() => 0);
    this.#state = new ReplicationState(options.role ?? 'master', this.options.replBacklogSize);
    this.#fanout = new StreamFanout(this.#links, this.options, this.#state, deps.onStreamAppend, (link, reason) => this.#drop(link, reason));
    this.#noReplicasSince = this.options.clock();
    this.#acks = new AckWaiters(() => this.requestAck());
    this.#sync = new FullSyncCoordinator({
      opts: this.options,
      keyspace: this.keyspace,
      snapshotPoint: () => {
        // the bytes produced so far are in the snapshot: none of them may reach its replicas
        this.#fanout.settle();
        const st = this.#state;
        st.streamDb = -1;
        return { replid: st.ids.replid, offset: st.offset, streamDb: st.role === 'master' ? 0 : this.#upstreamStreamDb() };
      },
      online: (link) => this.#online(link),
      drop: (link, reason) => this.#drop(link, reason),
      emit: (event, ...args) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args),
      closed: () => this.#closed,
    });
    this.#host = {
      opts: this.options,
      role: () => this.#state.role,
      upstreamUp: () => this.#state.upstreamUp,
      ids: () => this.#state.ids,
      backlog: () => this.backlog,
      attach: (transport, state) => this.#attach(transport, state),
      continueLink: (link, from, asks) => this.#continue(link, from, asks),
      fullSync: (link) => this.#sync.enqueue(link),
      ack: (link, offset) => this.#ack(link, offset),
      counters: this.counters,
    };
    this.#cron = setInterval(() => this.#runCron(), 1000);
    this.#cron.unref();
  }

  get role(): 'master' | 'replica' {
    return this.#state.role;
  }
  get replid(): string {
    return this.#state.ids.replid;
  }
  get replid2(): string {
    return this.#state.ids.replid2;
  }
  get secondReplOffset(): number {
    return this.#state.ids.secondReplOffset;
  }
  get masterReplOffset(): number {
    return this.#state.offset;
  }
  /** The backlog, or null when there is none (INFO's repl_backlog_* fields read it). */
  get backlog(): ReplicationBacklog | null {
    this.#fanout.settle();
    return this.#state.backlog;
  }
  /** The db last selected in the stream (`slaveseldb`); -1 when the next command gets a SELECT. */
  get streamDb(): number {
    return this.#state.streamDb;
  }
  get closed(): boolean {
    return this.#closed;
  }
  /** The node's state machine: its role, or `closed`. */
  get state(): 'master' | 'replica' | 'closed' {
    return this.#closed ? 'closed' : this.#state.role;
  }

  /** PSYNC arguments of this node's history; `streamDb` after a restart from an RDB (its repl-stream-db). */
  psyncTarget(): { replid: string; offset: number; failover?: boolean; streamDb?: number } | undefined {
    return this.#state.psyncTarget();
  }
  /** Runtime `repl-backlog-size`: resizes the backlog (newest bytes kept) and the output-limit floor. */
  setBacklogSize(bytes: number): void {
    this.#fanout.settle();
    this.#state.resizeBacklog(bytes);
    (this.options as ResolvedOptions).replBacklogSize = bytes;
  }
  /** While set, the PSYNC to the next master carries `FAILOVER` (the FAILOVER command's hand-over). */
  set psyncFailover(on: boolean) {
    this.#state.psyncFailover = on;
  }

  becomeReplica(): void {
    this.#checkOpen();
    this.#fanout.settle();
    // Redis 7.0 (replicationSetMaster) keeps the sub-replicas: they may continue partially once
    // this node has resynced with its new master; a replid change or a full sync drops them then.
    this.#state.toReplica();
  }

  becomeMaster(): void {
    this.#checkOpen();
    this.#fanout.settle();
    if (!this.#state.toMaster()) return;
    this.#noReplicasSince = this.options.clock();
    this.#resetLinks('the node was promoted to master');
  }

  upstreamFullSync(replid: string, offset: number): void {
    this.#checkOpen();
    this.#fanout.settle();
    this.#state.upstreamFullSync(replid, offset);
    this.#resetLinks('the node loaded a new dataset from its master');
  }

  upstreamContinue(newReplid: string | undefined): void {
    this.#checkOpen();
    this.#fanout.settle();
    if (this.#state.upstreamContinue(newReplid)) this.#resetLinks('the master changed its replication id');
  }

  /** The link to this node's master went down: PSYNC from sub-replicas gets `-NOMASTERLINK` until it is back. */
  upstreamDisconnected(): void {
    this.#state.upstreamUp = false;
  }

  feedUpstream(chunks: readonly Uint8Array[], bytes: number): void {
    if (this.#closed || bytes === 0) return;
    this.#fanout.feedUpstream(chunks, bytes);
  }

  propagate(commands: readonly PropagatedCommand[]): void {
    if (this.#closed || this.#state.role !== 'master' || commands.length === 0) return;
    this.#fanout.propagate(commands);
  }

  /** Puts `REPLCONF GETACK *` into the stream (once per event-loop turn however often it is asked). */
  requestAck(): void {
    if (this.#getackScheduled || this.#closed || this.#state.role !== 'master') return;
    this.#getackScheduled = true;
    setImmediate(() => {
      this.#getackScheduled = false;
      this.#fanout.writeOwn(GETACK_ARGV);
    });
  }

  /**
   * Restart rule (protocol.md §5.4) for an RDB loaded with `repl-id`/`repl-offset`/`repl-stream-db`:
   * a replica takes the id and offset as its own (it PSYNCs with them); a master keeps a new id,
   * keeps the loaded one as replid2 up to `offset + 1`, and starts a backlog at `offset`.
   * @returns false when the fields are not valid (nothing changes)
   */
  restoreFromRdb(aux: RdbReplicationAux | undefined): boolean {
    this.#checkOpen();
    this.#fanout.settle();
    this.#noReplicasSince = this.options.clock();
    return this.#state.restoreFromRdb(aux);
  }

  /**
   * The replication aux fields a save must write (rdbPopulateSaveInfo), or undefined when this node
   * is not in a replication chain. On a replica `repl-stream-db` is `deps.upstreamStreamDb()`.
   */
  rdbSaveInfo(): RdbReplicationInfo | undefined {
    return this.#state.rdbSaveInfo(this.#upstreamStreamDb());
  }

  /** Serves one connection (a replica, or redis-cli --rdb) over any Duplex until it closes. */
  serve(duplex: Duplex): ReplicaTransport {
    this.#checkOpen();
    const transport = serveDuplex(this, duplex);
    this.#served.add(transport);
    transport.onClose(() => this.#served.delete(transport));
    return transport;
  }

  /** The handshake state of a transport (created on first use). */
  handshakeOf(transport: ReplicaTransport): HandshakeState {
    let s = this.#clients.get(transport);
    if (s === undefined) {
      s = newHandshake(this.options.requirepass === undefined && this.options.checkUser === undefined);
      this.#clients.set(transport, s);
    }
    return s;
  }

  /** `REPLCONF ...` from `transport` (argv[0] is the command name). undefined = send no reply. */
  replconf(transport: ReplicaTransport, argv: readonly string[]): RespValue | undefined {
    return replconfCommand(this.#host, this.handshakeOf(transport), argv);
  }

  /** `PSYNC replid offset`: writes `+CONTINUE`/`+FULLRESYNC` itself; returns an error reply or undefined. */
  psync(transport: ReplicaTransport, argv: readonly string[]): RespValue | undefined {
    this.#checkOpen();
    return psyncCommand(this.#host, transport, this.handshakeOf(transport), argv);
  }

  /** Legacy `SYNC`. */
  sync(transport: ReplicaTransport, argv: readonly string[] = ['SYNC']): RespValue | undefined {
    this.#checkOpen();
    return syncCommand(this.#host, transport, this.handshakeOf(transport), argv);
  }

  /** A keepalive newline from a replica: refreshes its ACK time (its lag). */
  touch(transport: ReplicaTransport): void {
    const link = this.#clients.get(transport)?.link;
    if (link) link.ackTime = this.options.clock();
  }

  /** Every downstream replica. */
  replicas(): ReplicaInfo[] {
    return [...this.#links].filter((l) => !l.handshake.rdbOnly).map((l) => this.#info(l));
  }

  /** Online replicas whose ACK lag is at most `maxLag` seconds (min-replicas-max-lag). */
  goodReplicas(maxLag: number): number {
    const now = this.options.clock();
    return countOnline(this.#links, (l) => linkInfo(l, now).lag <= maxLag);
  }

  /**
   * WAIT: resolves with the number of online replicas that acknowledged the current offset, as
   * soon as `numreplicas` did, or at the timeout (0 = no timeout). Sends `REPLCONF GETACK *`.
   */
  wait(numreplicas: number, timeoutMs: number): Promise<number> {
    const target = this.#state.offset;
    return this.#acks.wait(target, numreplicas, timeoutMs, () => countOnline(this.#links, (l) => l.ackOffset >= target));
  }

  /** Bytes written to replicas since creation. */
  get outputBytes(): number {
    this.#fanout.settle();
    let n = this.#closedOutputBytes;
    for (const l of this.#links) n += l.outputBytes;
    return n;
  }

  /** Closes every replica link, every connection of serve() and every timer; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#fanout.settle();
    this.#closed = true;
    clearInterval(this.#cron);
    this.#resetLinks('the node is closing');
    for (const t of [...this.#served]) t.close('the node is closing');
    this.#acks.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new MasterClosedError();
  }

  #attach(transport: ReplicaTransport, state: HandshakeState): ReplicaLink {
    // a backlog created here starts at the offset: the bytes it counts must be in the stream already
    this.#fanout.settle();
    const link = new ReplicaLink(this.#nextId++, transport, state, this.options.clock());
    state.link = link;
    this.#links.add(link);
    transport.onClose(() => this.#drop(link, 'connection closed'));
    // the first replica creates the backlog, and with it a new history (protocol.md §2.4)
    if (!state.rdbOnly && this.#state.createMasterBacklog()) {
      this.options.log('notice', `Replication backlog created, my new replication IDs are '${this.replid}' and '${this.replid2}'`);
    }
    return link;
  }

  #continue(link: ReplicaLink, fromOffset: number, asks: string): void {
    this.#fanout.settle();
    const now = this.options.clock();
    link.phase = 'online';
    link.ackTime = now;
    const line = link.handshake.capaPsync2 ? `+CONTINUE ${this.replid}\r\n` : '+CONTINUE\r\n';
    const head = Buffer.from(line, 'latin1');
    // a copy: the ring's views change at the next append, the transport may keep them longer
    const data = (this.#state.backlog as ReplicationBacklog).readCopy(fromOffset);
    link.write(data.length === 0 ? [head] : [head, data], head.length + data.length, now);
    this.options.log('notice', asks);
    this.options.log('notice', `Partial resynchronization request from ${link.name} accepted. Sending ${data.length} bytes of backlog starting from offset ${fromOffset}.`);
    this.emit('replica:online', this.#info(link));
  }

  #online(link: ReplicaLink): void {
    link.flushPending(this.options.clock());
    this.emit('replica:online', this.#info(link));
  }

  #ack(link: ReplicaLink, offset: number): void {
    const now = this.options.clock();
    if (offset > link.ackOffset) link.ackOffset = offset;
    link.ackTime = now;
    if (link.streamOnAck && link.phase === 'online') {
      link.streamOnAck = false;
      this.#online(link);
    }
    this.emit('replica:ack', this.#info(link), offset);
    this.#acks.check();
  }

  #drop(link: ReplicaLink, reason: string): void {
    if (!this.#links.delete(link)) return;
    link.closing = true;
    this.#closedOutputBytes += link.outputBytes;
    link.handshake.link = undefined;
    this.#sync.remove(link);
    if (!link.transport.closed) link.transport.close(reason);
    if (this.#links.size === 0) this.#noReplicasSince = this.options.clock();
    if (link.phase === 'online') this.options.log('notice', `Connection with replica ${link.name} lost.`);
    this.emit('replica:offline', this.#info(link), reason);
    this.#acks.check();
  }

  /** Stops a running full sync and disconnects every replica (they reconnect and PSYNC again). */
  #resetLinks(reason: string): void {
    this.#sync.abort();
    for (const link of [...this.#links]) this.#drop(link, reason);
  }

  #info(link: ReplicaLink): ReplicaInfo {
    return linkInfo(link, this.options.clock());
  }

  #runCron(): void {
    if (this.#closed) return;
    this.#fanout.settle();
    runCron({
      loops: this.#cronLoops++,
      now: this.options.clock(),
      opts: this.options,
      role: this.#state.role,
      links: this.#links,
      sync: this.#sync,
      ping: () => this.#fanout.writeOwn(PING_ARGV),
      drop: (link, reason) => this.#drop(link, reason),
      checkOutputLimit: (link, now) => this.#fanout.checkOutputLimit(link, now, true),
      lagging: (link) => this.emit('replica:lagging', this.#info(link)),
      backlogTtlExpired: (now) => {
        const ttl = this.options.replBacklogTtl;
        if (this.#links.size === 0 && this.#state.expireBacklog(now - this.#noReplicasSince, ttl)) {
          this.options.log('notice', `Replication backlog freed after ${ttl} seconds without connected replicas.`);
        }
      },
    });
  }
}

/** `createMaster(deps, options)`: a {@link ReplicationNode}. */
export function createMaster(deps: MasterDeps, options?: MasterOptions): ReplicationNode {
  return new ReplicationNode(deps, options);
}
