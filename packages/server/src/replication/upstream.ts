/**
 * The link to our master while `replicaof` is set: the replica syncer from @replikit/replica over
 * TCP, applying the stream through the dispatcher as the master client and feeding the server's
 * ReplicationNode (ids, offsets, backlog, sub-replicas).
 */
import type { Keyspace } from '@replikit/keyspace';
import type { ReplicationNode } from '@replikit/master';
import { type DisklessLoad, type ReplicaConnector, createReplica, tcpConnector, tlsConnector } from '@replikit/replica';
import { MasterStreamClient } from '../connection/master-client';
import type { ServerConfig } from '../config/server-config';
import type { Logger } from '../logger';
import type { ReplikitServer } from '../server';
import { tlsClientOptions, tlsSettingsFromConfig } from '../tls/tls-settings';

/** What INFO, ROLE and the processCommand checks read from the upstream link. */
export interface Upstream {
  /** `connect`, `connecting`, `handshake`, `sync`, `connected` */
  readonly linkState: string;
  /** a snapshot from the master is being loaded (clients get -LOADING) */
  readonly loading: boolean;
  readonly lastIoSecondsAgo: number;
  readonly readOffset: number | undefined;
  readonly appliedOffset: number | undefined;
  readonly linkDownSinceSeconds: number;
  readonly transfer: { readonly totalBytes: number; readonly readBytes: number; readonly lastIoSecondsAgo: number } | undefined;
  /** the db the master client has selected (`repl-stream-db` of a replica's dumps) */
  readonly streamDb: number;
  /** the master client while the link is up */
  readonly masterClient: MasterStreamClient | undefined;
  close(): void;
}

export interface UpstreamDeps {
  readonly host: string;
  readonly port: number;
  readonly node: ReplicationNode;
  readonly server: ReplikitServer;
  readonly keyspace: Keyspace;
  readonly config: ServerConfig;
  readonly logger: Logger;
  /** after a full sync was loaded */
  readonly onFullSync?: () => void;
}

function disklessLoad(v: string): DisklessLoad {
  return v === 'on-empty-db' || v === 'swapdb' ? v : 'disabled';
}

/** Connects to `host:port` and keeps the link (reconnecting, resyncing partially) until `close()`. */
export function startUpstream(deps: UpstreamDeps): Upstream {
  const { server, config, logger, node, keyspace } = deps;
  const master = new MasterStreamClient(
    server.clients.nextId(),
    `${deps.host}:${deps.port}`,
    server.dispatcher,
    (argv, error) => {
      logger.warning(`== CRITICAL == This replica is sending an error to its master: '${error.message}' after processing the command '${argv[0] ?? ''}'`);
    },
    // CLIENT KILL TYPE master: the link is dropped and the next attempt starts at once (a partial resync)
    (reason) => replica.reconnect(reason),
  );
  // tls-replication (read at every attempt, as Redis does): TLS with our client certificate,
  // its files read again each time
  const plain = tcpConnector(deps.host, deps.port);
  const secure = tlsConnector(deps.host, deps.port, () => tlsClientOptions(tlsSettingsFromConfig(config)));
  const connect: ReplicaConnector = (signal) => (config.getBool('tls-replication') ? secure : plain)(signal);
  // the TCP connector builds its next socket ahead of time (not needed for TLS, set at every attempt)
  connect.prepare = () => {
    if (!config.getBool('tls-replication')) plain.prepare?.();
  };
  const mode = disklessLoad(config.getString('repl-diskless-load'));
  const announcePort = config.getNumber('replica-announce-port');
  const announceIp = config.getString('replica-announce-ip');
  const masterauth = config.getString('masterauth');
  const masteruser = config.getString('masteruser');
  // every byte read from the master counts as total_net_repl_input_bytes; a read is the master
  // client's last interaction (CLIENT LIST idle=), once per chunk rather than per applied command
  const onRead = (bytes: number): void => {
    server.stats.netReplInputBytes += bytes;
    master.lastInteraction = Date.now();
  };
  const replica = createReplica(
    { keyspace, connect, node, applier: master, onRead },
    {
      masterauth: masterauth === '' ? undefined : masterauth,
      masteruser: masteruser === '' ? undefined : masteruser,
      // Redis announces its TLS port when it replicates over TLS
      listeningPort: announcePort > 0 ? announcePort : config.getBool('tls-replication') && config.getNumber('tls-port') > 0 ? config.getNumber('tls-port') : server.port,
      announceIp: announceIp === '' ? undefined : announceIp,
      replTimeoutMs: config.getNumber('repl-timeout') * 1000,
      replDisklessLoad: mode,
      dir: config.getString('dir'),
      dbfilename: config.getString('dbfilename'),
    },
  );
  // A log line is a write(2) as costly as a socket write. On a lost link and on +CONTINUE the
  // line is written once the work the master or the stream waits for is done: link:down comes right
  // after the next connect was asked for (a TCP connect is issued in a nextTick queued before this
  // one), sync:done (partial) before the backlog that came with +CONTINUE is applied. The lines keep
  // their order (nextTicks run in order) and their millisecond.
  const logLater = (message: string): void => process.nextTick(() => logger.notice(message));
  // a snapshot streamed into the live (empty) keyspace is a half-loaded dataset until it ends; with
  // `disabled` an empty keyspace is loaded as the payload arrives too (the temp file is still written)
  let loadingLive = false;
  let emptyAtStart = false;
  replica.on('sync:start', (info) => {
    if (info.kind !== 'full') return;
    emptyAtStart = (mode === 'on-empty-db' || mode === 'disabled') && keyspaceEmpty(keyspace);
    logger.notice(`Full resync from master: ${info.replid}:${info.offset}`);
  });
  replica.on('sync:progress', () => {
    loadingLive = emptyAtStart;
  });
  replica.on('sync:done', (info) => {
    loadingLive = false;
    if (info.kind === 'full') {
      logger.notice(`MASTER <-> REPLICA sync: Finished with success (${info.keys} keys, ${info.bytes} bytes)`);
      deps.onFullSync?.();
    } else logLater('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
  });
  replica.on('link:up', () => {
    master.lastInteraction = Date.now();
  });
  // the error of a lost link is reported by link:down too: Redis logs only "Connection with master
  // lost" then, and "Error condition on socket for SYNC" for a failed connect or handshake
  let lostLink: Error | undefined;
  replica.on('link:down', (reason) => {
    loadingLive = false;
    lostLink = reason;
    node.upstreamDisconnected();
    logLater(`Connection with master lost (${reason.message}).`);
  });
  replica.on('error', (err) => {
    loadingLive = false;
    if (err === lostLink) lostLink = undefined;
    else if (replica.state !== 'connected') logger.warning(`Error condition on socket for SYNC: ${err.message}`);
  });
  logger.notice('MASTER <-> REPLICA sync started');

  return {
    get linkState() {
      return replica.state;
    },
    get loading() {
      return loadingLive && replica.state === 'sync';
    },
    get lastIoSecondsAgo() {
      return replica.info().masterLastIoSecondsAgo;
    },
    get readOffset() {
      return replica.state === 'connected' ? replica.info().readReplOffset : undefined;
    },
    get appliedOffset() {
      return replica.state === 'connected' ? replica.offset : undefined;
    },
    get linkDownSinceSeconds() {
      return replica.info().masterLinkDownSinceSeconds;
    },
    get transfer() {
      if (replica.state !== 'sync') return undefined;
      const i = replica.info();
      // Redis shows 0 for an `$EOF:` payload once bytes flow (-1 only before the preamble)
      const total = i.masterSyncTotalBytes < 0 && i.masterSyncReadBytes > 0 ? 0 : i.masterSyncTotalBytes;
      return { totalBytes: total, readBytes: i.masterSyncReadBytes, lastIoSecondsAgo: i.masterSyncLastIoSecondsAgo };
    },
    get streamDb() {
      return master.db;
    },
    get masterClient() {
      return replica.state === 'connected' ? master : undefined;
    },
    close() {
      master.dispose();
      void replica.close();
    },
  };
}

function keyspaceEmpty(ks: Keyspace): boolean {
  for (let i = 0; i < ks.databases; i++) if (ks.size(i) > 0) return false;
  return true;
}
