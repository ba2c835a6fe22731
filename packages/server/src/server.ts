import { randomBytes } from 'node:crypto';
import { chmodSync, unlinkSync } from 'node:fs';
import { type Server as NetServer, type Socket, createServer as createNetServer } from 'node:net';
import type { ErrorReply, RespValue } from '@replikit/resp';
import type { PropagatedCommand } from '@replikit/keyspace';
import { EventEmitter } from 'eventemitter3';
import { UserDirectory } from './auth/user-directory';
import { BlockingManager } from './blocking/blocking-manager';
import { PauseManager } from './blocking/pause-manager';
import { serverCommands } from './commands';
import { unwatchAll } from './commands/transaction-commands';
import { ClientConnection, type ConnectionHost } from './connection/client-connection';
import { ClientRegistry } from './connection/client-registry';
import type { ServerClient } from './connection/server-client';
import { type ResolvedServerOptions, type ServerOptions, resolveServerOptions } from './defaults';
import type { ServerCommandSpec } from './dispatch/command-spec';
import { CommandTable } from './dispatch/command-table';
import { Dispatcher } from './dispatch/dispatcher';
import type { KeyspaceBridge } from './dispatch/keyspace-bridge';
import { type PropagationSink, type ReplicationState, standaloneMasterState } from './dispatch/replication-state';
import { MAX_CLIENTS } from './dispatch/reply-texts';
import type { OomCheck, ServerRuntime } from './dispatch/server-runtime';
import { ServerStats } from './dispatch/server-stats';
import { type CommandFailedError, ServerListenError, ServerStateError } from './errors';
import { PubSubHub } from './pubsub/pubsub-hub';

export type ServerState = 'idle' | 'listening' | 'closing' | 'closed';

/** propagateAsUnit's flat list when nothing was collected (only read) */
const NOTHING_PROPAGATED: PropagatedCommand[] = [];

export interface ServerAddress {
  /** first TCP address listened on */
  readonly host: string;
  readonly port: number;
  readonly unixsocket: string | undefined;
}

export interface ServerEvents {
  listening: [address: ServerAddress];
  'client:connect': [client: ServerClient];
  /** `reason`: `quit`, `connection closed by client`, `killed by CLIENT KILL`, `idle timeout`, `output buffer limit (hard)` ... */
  'client:close': [client: ServerClient, reason: string];
  /** a connection refused because of maxclients */
  'client:reject': [reason: string];
  /** a command handler threw; the client got `-ERR <message>` */
  'command:error': [error: CommandFailedError, client: ServerClient];
  /** writes executed, in order (the same list the PropagationSink gets) */
  'command:propagate': [writes: readonly PropagatedCommand[], origin: ServerClient | undefined];
  error: [error: Error];
  close: [];
}

/** What the server is built from (options are separate: `createServer(deps, options)`). */
export interface ServerDeps {
  /** the keyspace, adapted (see `createKeyspaceBridge`) */
  readonly keyspace: KeyspaceBridge;
  /** replication state for the READONLY/NOREPLICAS/MASTERDOWN/LOADING checks; a plain master by default */
  readonly replication?: ReplicationState;
  /** receives every executed write */
  readonly propagation?: PropagationSink;
  /** extra commands (operator surface, replication commands) */
  readonly commands?: readonly ServerCommandSpec[];
}

/** A Redis 7.0-compatible server over a keyspace. */
export class ReplikitServer extends EventEmitter<ServerEvents> implements ServerRuntime, ConnectionHost {
  readonly options: ResolvedServerOptions;
  readonly users: UserDirectory;
  readonly pubsub = new PubSubHub();
  readonly blocking = new BlockingManager();
  readonly pauses = new PauseManager((client, argv) => this.dispatcher.execute(client, argv));
  readonly commands = new CommandTable();
  readonly clients = new ClientRegistry();
  readonly stats = new ServerStats();
  readonly dispatcher: Dispatcher;
  readonly keyspace: KeyspaceBridge;
  readonly startedAt = Date.now();
  readonly runId = randomBytes(20).toString('hex');
  replication: ReplicationState;
  diskErrorCheck: (() => ErrorReply | undefined) | undefined = undefined;
  oomCheck: OomCheck | undefined = undefined;
  preCommandOom = false;
  writeAckHold: ((client: ServerClient, reply: RespValue) => boolean) | undefined = undefined;
  /** runs before reply bytes are written to a socket (the AOF flush); see ConnectionHost.beforeReply */
  beforeReply: (() => void) | undefined = undefined;
  private sink: PropagationSink | undefined;
  private batch: PropagatedCommand[][] | undefined;
  private emptyBatch: PropagatedCommand[][] | undefined;
  private readonly netServers: NetServer[] = [];
  private readonly sockets = new Set<Socket>();
  private cron: NodeJS.Timeout | undefined;
  private cronTicks = 0;
  private stateValue: ServerState = 'idle';
  private addressValue: ServerAddress | undefined;
  private readonly unsubscribeKeyspace: () => void;
  private readonly unsubscribeExpiry: () => void;
  private allClientsGone: (() => void) | undefined;

  constructor(deps: ServerDeps, options: ServerOptions = {}) {
    super();
    this.options = resolveServerOptions(options);
    this.users = new UserDirectory(this.options.requirepass, this.options.users, {
      commands: this.commands,
      aclfile: this.options.aclfile,
      acllogMaxLen: this.options.acllogMaxLen,
      aclPubsubDefault: this.options.aclPubsubDefault,
    });
    this.users.clients = () => this.clients.all();
    this.keyspace = deps.keyspace;
    this.replication = deps.replication ?? standaloneMasterState();
    this.sink = deps.propagation;
    this.dispatcher = new Dispatcher(this, { commandFailed: (err, client) => this.emit('command:error', err, client) });
    for (const s of deps.keyspace.specs()) this.commands.register(s, true);
    for (const s of serverCommands()) this.commands.register(s, true);
    for (const s of deps.commands ?? []) this.commands.register(s, true);
    // blocked clients need the modified keys only while some client waits
    this.unsubscribeKeyspace = deps.keyspace.onKeyModified(
      (db, key) => this.blocking.signal(db, key),
      () => this.blocking.keyCount > 0,
    );
    // active expiry: each DEL is propagated on its own, never wrapped (propagateNow in Redis)
    this.unsubscribeExpiry = deps.keyspace.onPropagate((writes) => {
      for (let i = 0; i < writes.length; i++) this.propagate([writes[i] as PropagatedCommand], undefined);
    });
  }

  get state(): ServerState {
    return this.stateValue;
  }

  /** Where the server listens (after `listen()`). */
  get address(): ServerAddress | undefined {
    return this.addressValue;
  }

  get port(): number {
    return this.addressValue?.port ?? 0;
  }

  get limits(): ResolvedServerOptions {
    return this.options;
  }

  /**
   * Adds (or with `replace`, overrides) a command: REPLICAOF, PSYNC, INFO, CONFIG ... A command
   * redis-server 7.0 has takes Redis's arity, flags, key specs, ACL categories and tips (see
   * introspection/command-meta.ts); other names keep the spec's own.
   */
  registerCommand(spec: ServerCommandSpec, replace = false): void {
    this.commands.register(spec, replace);
  }

  /** Installs the replication state object the command checks read (role, link, good replicas, loading). */
  setReplicationState(state: ReplicationState): void {
    this.replication = state;
  }

  /**
   * Installs writeCommandsDeniedByDiskError: called for writes and PING (not from the master
   * client); a returned error (`-MISCONF ...`) refuses the command in processCommand order.
   */
  setDiskErrorCheck(check: (() => ErrorReply | undefined) | undefined): void {
    this.diskErrorCheck = check;
  }

  /** Installs the maxmemory check run before every command (see ServerRuntime.oomCheck); undefined removes it. */
  setOomCheck(check: OomCheck | undefined): void {
    this.oomCheck = check;
    if (check === undefined) this.preCommandOom = false;
  }

  /** Installs the replication mode's reply hold (see ServerRuntime.writeAckHold); undefined removes it. */
  setWriteAckHold(hold: ((client: ServerClient, reply: RespValue) => boolean) | undefined): void {
    this.writeAckHold = hold;
  }

  /** Installs the sink that receives every executed write (the master package's backlog feed). */
  setPropagationSink(sink: PropagationSink | undefined): void {
    this.sink = sink;
  }

  runKeyspace(client: ServerClient, argv: string[]): RespValue {
    const r = this.keyspace.execute(argv, client.db, client.protocol, client.kind === 'master');
    // r may be reused by the next execute (a sink could run one): take both fields first
    const reply = r.reply;
    const writes = r.writes;
    if (writes.length > 0) this.propagate(writes, client);
    return reply;
  }

  propagate(writes: readonly PropagatedCommand[], origin: ServerClient | undefined): void {
    if (this.batch !== undefined) {
      this.batch.push(writes as PropagatedCommand[]);
      return;
    }
    this.sink?.propagate(writes, origin);
    this.emit('command:propagate', writes, origin);
  }

  propagateAsUnit<T>(origin: ServerClient | undefined, fn: () => T): T {
    if (this.batch !== undefined) return fn();
    // a unit that propagates nothing (a read-only script) allocates nothing: its empty list is kept for the next
    this.batch = this.emptyBatch ?? [];
    this.emptyBatch = undefined;
    let collected: PropagatedCommand[][];
    try {
      return fn();
    } finally {
      collected = this.batch;
      this.batch = undefined;
      if (collected.length === 0) this.emptyBatch = collected;
      const flat: PropagatedCommand[] = collected.length === 0 ? NOTHING_PROPAGATED : [];
      for (const list of collected) {
        for (const w of list) {
          const name = (w.argv[0] ?? '').toLowerCase();
          if (name !== 'multi' && name !== 'exec') flat.push(w);
        }
      }
      if (flat.length === 1) this.propagate(flat, origin);
      else if (flat.length > 1) {
        const db = (flat[0] as PropagatedCommand).db;
        this.propagate([{ db, argv: ['MULTI'] }, ...flat, { db, argv: ['EXEC'] }], origin);
      }
    }
  }

  /** Starts listening on every `bind` address (and `unixsocket`). Port 0 picks a free port. */
  async listen(): Promise<ServerAddress> {
    if (this.stateValue !== 'idle') throw new ServerStateError(this.stateValue, `listen() called in state ${this.stateValue}`);
    // ACL users from the config or the aclfile (every command is registered by now)
    this.users.load();
    let port = this.options.port;
    let firstHost = this.options.bind[0] ?? '127.0.0.1';
    try {
      for (const host of this.options.bind) {
        const h = host === '*' ? '0.0.0.0' : host.replace(/^-/, '');
        const srv = await this.openListener({ host: h, port }, `${h}:${port}`);
        if (port === 0) {
          const a = srv.address();
          port = typeof a === 'object' && a !== null ? a.port : 0;
        }
        if (host === this.options.bind[0]) firstHost = h;
      }
      if (this.options.unixsocket !== undefined) {
        const path = this.options.unixsocket;
        try {
          unlinkSync(path);
        } catch {
          /* not there */
        }
        await this.openListener({ path }, path);
        if (this.options.unixsocketperm !== undefined) chmodSync(path, this.options.unixsocketperm);
      }
    } catch (err) {
      await this.closeListeners();
      this.stateValue = 'closed';
      throw err;
    }
    this.stateValue = 'listening';
    this.addressValue = { host: firstHost, port, unixsocket: this.options.unixsocket };
    this.cron = setInterval(() => this.serverCron(), Math.max(1, Math.floor(1000 / this.options.hz)));
    this.emit('listening', this.addressValue);
    return this.addressValue;
  }

  private openListener(where: { host: string; port: number } | { path: string }, label: string): Promise<NetServer> {
    return new Promise((resolve, reject) => {
      const srv = createNetServer({ noDelay: true }, (socket) => this.accept(socket));
      srv.once('error', (err) => reject(new ServerListenError(label, err)));
      srv.listen({ ...where, backlog: 511 }, () => {
        srv.removeAllListeners('error');
        srv.on('error', (err) => this.emit('error', err));
        this.netServers.push(srv);
        resolve(srv);
      });
    });
  }

  /**
   * Serves a connection accepted by another listener (the TLS port, after its handshake) exactly
   * like one from the TCP port: maxclients, keepalive, a new client.
   */
  adoptConnection(socket: Socket): void {
    this.accept(socket);
  }

  private accept(socket: Socket): void {
    if (this.stateValue !== 'listening') {
      socket.destroy();
      return;
    }
    this.stats.totalConnectionsReceived++;
    if (this.clients.size >= this.options.maxclients) {
      this.stats.rejectedConnections++;
      socket.on('error', () => {});
      socket.end(`-${MAX_CLIENTS.message}\r\n`);
      this.emit('client:reject', 'max number of clients reached');
      return;
    }
    socket.setNoDelay(true);
    if (this.options.tcpKeepalive > 0) socket.setKeepAlive(true, this.options.tcpKeepalive * 1000);
    const client = new ClientConnection(this.clients.nextId(), socket, this, this.users.defaultUserNeedsAuth);
    this.sockets.add(socket);
    this.clients.add(client);
    this.emit('client:connect', client);
  }

  authRequired(): boolean {
    return this.users.defaultUserNeedsAuth;
  }

  execute(client: ClientConnection, argv: string[]): void {
    this.dispatcher.execute(client, argv);
  }

  closed(client: ClientConnection, reason: string): void {
    this.sockets.delete(client.socket);
    this.clients.remove(client);
    this.blocking.remove(client);
    this.pubsub.removeAll(client);
    unwatchAll(this, client);
    if (reason.startsWith('output buffer limit')) this.stats.clientOutputBufferLimitDisconnections++;
    if (reason === 'query buffer limit') this.stats.clientQueryBufferLimitDisconnections++;
    this.emit('client:close', client, reason);
    if (this.clients.size === 0 && this.allClientsGone !== undefined) {
      this.allClientsGone();
      this.allClientsGone = undefined;
    }
  }

  /** clientsCron: idle timeouts (once a second) and soft output buffer limits. */
  private serverCron(): void {
    this.cronTicks++;
    const now = Date.now();
    const everySecond = this.cronTicks % this.options.hz === 0;
    const maxIdle = this.options.timeout * 1000;
    for (const c of [...this.clients.all()]) {
      if (c.outputBytes > 0 && c.checkOutputLimits(now)) continue;
      if (everySecond && maxIdle > 0 && c.kind === 'normal' && !c.blocked && now - c.lastInteraction > maxIdle) {
        c.close('idle timeout');
      }
    }
  }

  private closeListeners(): Promise<void> {
    const all = this.netServers.splice(0).map((srv) => new Promise<void>((resolve) => srv.close(() => resolve())));
    return Promise.all(all).then(() => undefined);
  }

  /**
   * Stops listening, closes every client (blocked ones get nothing), clears timers; resolves once
   * every connection is gone (so the keyspace can be closed right after).
   */
  async close(): Promise<void> {
    if (this.stateValue === 'closed' || this.stateValue === 'closing') return;
    this.stateValue = 'closing';
    if (this.cron !== undefined) clearInterval(this.cron);
    this.cron = undefined;
    this.blocking.clear();
    this.pauses.clear();
    const closing = this.closeListeners();
    const gone = new Promise<void>((resolve) => {
      if (this.clients.size === 0) resolve();
      else this.allClientsGone = resolve;
    });
    for (const c of [...this.clients.all()]) c.close('server shutdown');
    for (const s of this.sockets) s.destroy();
    await Promise.all([closing, gone]);
    this.unsubscribeKeyspace();
    this.unsubscribeExpiry();
    this.stateValue = 'closed';
    this.emit('close');
  }
}

/** Creates a server; call `listen()` to accept connections. */
export function createServer(deps: ServerDeps, options: ServerOptions = {}): ReplikitServer {
  return new ReplikitServer(deps, options);
}
