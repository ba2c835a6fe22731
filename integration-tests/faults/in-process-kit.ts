/**
 * In-process nodes for the fault schedules: a keyspace, its ReplicationNode, a TCP listener that
 * serves replicas, a fault proxy in front of that listener, and (while a replica) a Replica syncer
 * that reaches its master through the master's proxy. Everything a real server would do with
 * these parts for replication, minus the client protocol: writes run straight on the keyspace and
 * their propagation goes to the node, so a schedule runs in milliseconds.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { RdbKeyspaceLoader, snapshotToRdbChunksSync } from '@replikit/keyspace-rdb';
import { createMaster, type ReplicationNode } from '@replikit/master';
import { createReplica, type DisklessLoad, type Replica, tcpConnector } from '@replikit/replica';
import type { RespValue } from '@replikit/resp';
import { createFaultProxy, type FaultProxy } from '@replikit/test-utils';

export interface NodeConfig {
  /** `repl-backlog-size` (16 KiB at least) */
  backlogSize: number;
  disklessSync: boolean;
  disklessLoad: DisklessLoad;
  /** where disk-based syncs write and load their files */
  dir: string;
  /** master side `repl-timeout`, seconds @default 60 */
  masterReplTimeout?: number;
  /** replica side `repl-timeout`, ms @default 60000 */
  replicaReplTimeoutMs?: number;
  /** `client-output-buffer-limit replica` @default Redis's */
  outputLimit?: { hard: number; soft: number; softSeconds: number };
}

let fileCounter = 0;

export class InProcessNode {
  /** Redis-style log lines of the node (master side) and of its syncer (replica side) */
  readonly log: string[] = [];
  readonly session = { db: 0 };
  keyspace: Keyspace;
  node: ReplicationNode;
  replica: Replica | undefined;
  /** syncs this node's syncer went through, in order (`full` / `partial`) */
  readonly syncs: Array<'full' | 'partial'> = [];
  readonly #sockets = new Set<Socket>();
  readonly #dbfilename = `fault-${process.pid}-${++fileCounter}.rdb`;

  private constructor(
    readonly name: string,
    readonly config: NodeConfig,
    readonly server: Server,
    readonly proxy: FaultProxy,
    readonly port: number,
  ) {
    this.keyspace = createKeyspace();
    this.node = this.#newNode();
  }

  /** A master with an empty dataset, listening on loopback behind its own fault proxy. */
  static async start(name: string, config: NodeConfig): Promise<InProcessNode> {
    let self: InProcessNode | undefined;
    const server = createServer((socket) => {
      if (self === undefined || self.node.closed) {
        socket.destroy();
        return;
      }
      const sockets = self.#sockets;
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      self.node.serve(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const proxy = await createFaultProxy({ target: { host: '127.0.0.1', port } });
    self = new InProcessNode(name, config, server, proxy, port);
    return self;
  }

  #newNode(): ReplicationNode {
    const c = this.config;
    const node = createMaster(
      { keyspace: this.keyspace, upstreamStreamDb: () => this.replica?.streamDb ?? 0 },
      {
        replBacklogSize: c.backlogSize,
        replDisklessSync: c.disklessSync,
        replDisklessSyncDelay: 0,
        replTimeout: c.masterReplTimeout,
        clientOutputBufferLimitReplica: c.outputLimit,
        dir: c.dir,
        dbfilename: this.#dbfilename,
        logger: (level, message) => this.log.push(`${this.name} ${level}: ${message}`),
      },
    );
    // expiry deletions (lazy and active cycles) reach the replicas like a server's would
    this.keyspace.onPropagate((cmds) => node.propagate(cmds));
    return node;
  }

  get role(): 'master' | 'replica' {
    return this.node.role;
  }

  /** One command on the master's dataset, propagated. */
  write(argv: string[]): RespValue {
    const r = this.keyspace.execute(argv, this.session);
    this.node.propagate(r.propagate);
    return r.reply;
  }

  /** A MULTI/EXEC block, propagated as one. */
  transaction(queued: string[][]): void {
    const r = this.keyspace.executeTransaction(queued, this.session);
    this.node.propagate(r.propagate);
  }

  /** Follows `master` through its proxy (REPLICAOF host port). */
  replicaOf(master: InProcessNode): void {
    this.node.becomeReplica();
    this.#startSyncer(master);
  }

  /**
   * The replica process dies and comes back. `keepData`: it shut down with a save, so it restarts
   * from its own RDB (dataset plus repl-id / repl-offset / repl-stream-db) and may continue with a
   * partial resync. A replica killed while loading a snapshot has no consistent dataset to save,
   * so it always comes back empty, as does one restarted without `keepData`.
   */
  async restartReplica(master: InProcessNode, keepData: boolean): Promise<'rdb' | 'empty'> {
    const syncer = this.replica;
    const loading = syncer !== undefined && syncer.state === 'sync';
    await syncer?.close();
    // the node's aux fields, as a server's SHUTDOWN SAVE writes them (repl-stream-db from the syncer)
    const rdb = keepData && !loading ? this.saveRdb() : undefined;
    this.replica = undefined;
    this.node.close();
    this.keyspace.close();
    this.keyspace = createKeyspace();
    this.node = this.#newNode();
    this.node.becomeReplica();
    if (rdb !== undefined) {
      const loader = new RdbKeyspaceLoader(this.keyspace, { role: 'replica' });
      loader.write(rdb);
      this.node.restoreFromRdb(loader.end().replication);
    }
    this.#startSyncer(master);
    return rdb === undefined ? 'empty' : 'rdb';
  }

  /**
   * SAVE: the dataset and the replication aux fields (repl-id, repl-offset, repl-stream-db) as an
   * RDB image, what a restart would load. A master without a backlog writes no aux fields.
   */
  saveRdb(): Buffer {
    const aux = this.node.rdbSaveInfo();
    const snapshot = this.keyspace.snapshot();
    try {
      return Buffer.concat([...snapshotToRdbChunksSync(this.keyspace, snapshot, { replication: aux })]);
    } finally {
      snapshot.close();
    }
  }

  /**
   * The master process dies and restarts from `rdb` (empty without one), on the same port: its
   * replicas lose their links; the restarted master keeps the loaded id as replid2 (so a replica
   * may continue partially) and propagates DEL for the keys whose TTL passed while it was down.
   */
  restartMaster(rdb: Buffer | undefined): void {
    this.node.close();
    for (const s of this.#sockets) s.destroy();
    this.keyspace.close();
    this.keyspace = createKeyspace();
    this.session.db = 0;
    this.node = this.#newNode();
    if (rdb === undefined) return;
    const expired: Array<{ db: number; argv: string[] }> = [];
    const loader = new RdbKeyspaceLoader(this.keyspace, { role: 'master', onExpired: (db, key) => expired.push({ db, argv: ['DEL', key.toString('latin1')] }) });
    loader.write(rdb);
    this.node.restoreFromRdb(loader.end().replication);
    if (this.node.backlog !== null) this.node.propagate(expired);
  }

  /** REPLICAOF NO ONE. */
  async promote(): Promise<void> {
    const r = this.replica;
    this.replica = undefined;
    await r?.close();
    this.node.becomeMaster();
    this.keyspace.role = 'master';
  }

  /**
   * The syncer follows `master`'s current history and has applied everything it streamed so far.
   * The id matters: a master restarted empty starts again at offset 0 under a new id, and a syncer
   * that has not noticed its lost link yet must not pass for caught up.
   */
  caughtUpWith(master: InProcessNode): boolean {
    const r = this.replica;
    return r?.state === 'connected' && r.masterReplid === master.node.replid && r.offset === master.node.masterReplOffset;
  }

  #startSyncer(master: InProcessNode): void {
    const c = this.config;
    const replica = createReplica(
      { keyspace: this.keyspace, node: this.node, connect: tcpConnector('127.0.0.1', master.proxy.port) },
      {
        replTimeoutMs: c.replicaReplTimeoutMs,
        replDisklessLoad: c.disklessLoad,
        dir: c.dir,
        dbfilename: this.#dbfilename,
        retryMinMs: 5,
        retryMaxMs: 50,
      },
    );
    replica.on('sync:start', (s) => {
      this.syncs.push(s.kind);
      this.log.push(`${this.name} notice: ${s.kind === 'full' ? `Full resync from master: ${s.replid}:${s.offset}` : 'Master accepted a Partial Resynchronization.'}`);
    });
    replica.on('link:down', (e) => this.log.push(`${this.name} notice: Connection with master lost (${e.message}).`));
    replica.on('error', (e) => this.log.push(`${this.name} warning: ${e.code}: ${e.message}`));
    this.replica = replica;
  }

  /** Stops the syncer, the node, the listener and the proxy; every socket and timer. */
  async close(): Promise<void> {
    await this.replica?.close();
    this.replica = undefined;
    this.node.close();
    for (const s of this.#sockets) s.destroy();
    await this.proxy.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.keyspace.close();
  }
}
