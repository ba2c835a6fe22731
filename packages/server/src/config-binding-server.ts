/**
 * A whole replikit-server from a ServerConfig: the keyspace, the server with its options, the
 * operator commands (CONFIG, INFO, SAVE, BGSAVE, LASTSAVE, DUMP, RESTORE, DEBUG, SHUTDOWN), RDB
 * persistence and live CONFIG SET. The CLI is a thin layer over this; tests and embedders can
 * use it directly.
 */
import { unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Keyspace, type StorageAdapter, createKeyspace } from '@replikit/keyspace';
import type { LmdbFsyncPolicy, lmdbStorage as LmdbStorageFactory } from '@replikit/storage-lmdb';
import { bindConfig, clampHz, serverOptionsFromConfig } from './config-binding';
import type { OperatorContext, ShutdownFlags } from './config-binding-operator';
import type { ServerConfig } from './config/server-config';
import { configCommand } from './commands/config-command';
import { memoryCommand } from './commands/memory-command';
import { bindIntrospectionConfig } from './introspection/introspection-config';
import { scriptEngineOf } from './scripting/script-commands';
import { bindFunctionPersistence } from './scripting/function-dump';
import { bindFunctionStore, functionStoreOf } from './scripting/function-persistence';
import { debugCommand } from './commands/debug-command';
import { dumpCommands } from './commands/dump-commands';
import { migrateCommands } from './commands/migrate-command';
import { infoCommand } from './commands/info-command';
import { persistenceCommands } from './commands/persistence-commands';
import { shutdownCommand } from './commands/shutdown-command';
import { createKeyspaceBridge } from './dispatch/keyspace-adapter';
import { MISCONF } from './dispatch/reply-texts';
import { InstantaneousMetrics } from './info/info-metrics';
import { MaxmemoryController } from './eviction/maxmemory';
import { KeyspaceEvents } from './pubsub/keyspace-events';
import { Logger, type LogLevel } from './logger';
import type { RdbLoadResult } from './persistence/rdb-load';
import { RdbPersistence } from './persistence/rdb-persistence';
import { aofCommands } from './persistence/aof/aof-commands';
import { AofPersistence } from './persistence/aof/aof-persistence';
import { replicationCommands } from './replication/replication-commands';
import { ServerReplication } from './replication/server-replication';
import { type ReplikitServer, type ServerAddress, createServer } from './server';
import { ServerTls } from './tls/server-tls';
import packageJson from '../package.json';

/** `replikit_version` in INFO. */
export const REPLIKIT_VERSION: string = packageJson.version;

export interface ConfiguredServerOptions {
  /** @default a Logger at the config's `loglevel`, writing to `logfile` or stdout */
  logger?: Logger;
  /** @default a new in-memory keyspace with the config's `databases` */
  keyspace?: Keyspace;
  /** INFO `executable` @default process.argv[1] */
  executable?: string;
  /** called once a SHUTDOWN (command or signal) has finished successfully (the CLI exits) */
  onShutdown?: () => void;
}

export interface ConfiguredServer {
  readonly server: ReplikitServer;
  readonly keyspace: Keyspace;
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly persistence: RdbPersistence;
  /** the append-only file (active while `appendonly` is yes) */
  readonly aof: AofPersistence;
  /** the ReplicationNode and, while `replicaof` is set, the upstream link */
  readonly replication: ServerReplication;
  readonly operator: OperatorContext;
  /** the TLS port (`tls-port`) and the TLS options of the replication link */
  readonly tls: ServerTls;
  /**
   * Loads the AOF when `appendonly` is yes (rejects with AofLoadError), else the dump if there is
   * one (rejects with RdbLoadError for a bad one); then opens the AOF (AofWriteError).
   */
  load(): Promise<RdbLoadResult | undefined>;
  /** Listens and starts the timers (save points, metrics, active expiry). */
  listen(): Promise<ServerAddress>;
  /** `load()` then `listen()`. */
  start(): Promise<ServerAddress>;
  /** SHUTDOWN semantics (save if configured); false when it failed and the server keeps running. */
  shutdown(flags?: ShutdownFlags): Promise<boolean>;
  /** Stops everything without saving. */
  close(): Promise<void>;
}

/** Builds a server from a config (see ConfiguredServer). Nothing listens until `start()`. */
export function createServerFromConfig(config: ServerConfig, options: ConfiguredServerOptions = {}): ConfiguredServer {
  const logger = options.logger ?? new Logger({ level: config.getString('loglevel') as LogLevel, logfile: config.getString('logfile') });
  const ownKeyspace = options.keyspace === undefined;
  let unbindFunctionStore: (() => void) | undefined;
  const keyspace =
    options.keyspace ??
    createKeyspace({
      databases: config.getNumber('databases'),
      lazyfreeLazyExpire: config.getBool('lazyfree-lazy-expire'),
      lazyfreeLazyUserDel: config.getBool('lazyfree-lazy-user-del'),
      protoMaxBulkLen: config.getNumber('proto-max-bulk-len'),
      activeExpire: { hz: clampHz(config.getNumber('hz')) },
      // `storage lmdb`: the dataset and its replication position persist in `dir`
      storage: config.getString('storage') === 'lmdb' ? loadLmdbStorage()({ dir: config.getString('dir'), fsync: config.getString('storage-fsync') as LmdbFsyncPolicy, log: (line) => logger.notice(line) }) : undefined,
    });
  // a durable store (`storage lmdb`, or an embedder's keyspace on an adapter with a committed
  // position): the dataset, its replication position and the function libraries live in it, and
  // it is loaded at start instead of the RDB / AOF
  const durable = durableAdapterOf(keyspace);
  let op!: OperatorContext;
  const lateCommands = () => [configCommand(op), infoCommand(op), ...persistenceCommands(op), ...dumpCommands(keyspace, { compress: () => config.getBool('rdbcompression') }), ...migrateCommands(keyspace, { compress: () => config.getBool('rdbcompression') }), debugCommand(op), shutdownCommand(op), memoryCommand(keyspace)];
  const server = createServer({ keyspace: createKeyspaceBridge(keyspace) }, serverOptionsFromConfig(config));
  // FUNCTION libraries go in and out of RDB streams with the keyspace (saves, loads, full syncs)
  bindFunctionPersistence(server, keyspace, { compress: () => config.getBool('rdbcompression') });
  let persistence!: RdbPersistence;
  let aof!: AofPersistence;
  const replication = new ServerReplication({ server, keyspace, config, logger, durable: durable !== undefined, persistenceLoading: () => persistence.loading || aof.loading, onFullSync: () => aof.restartAfterSync() });
  const replicationInfo = replication;
  persistence = new RdbPersistence({ keyspace, config, logger, replication });
  aof = new AofPersistence({ keyspace, config, logger, otherChildRunning: () => persistence.bgsaveInProgress });
  // the AOF is one more consumer of the propagated write stream (a replica's too: its master's writes)
  server.on('command:propagate', (writes) => aof.feed(writes));
  server.beforeReply = () => aof.flush();
  const unbindAof = config.onChange((name) => {
    if (name !== 'appendonly') return;
    if (config.getBool('appendonly')) aof.enable();
    else aof.disable();
  });
  // notify-keyspace-events: every command path (clients, the master link, expiry) raises them
  const keyspaceEvents = new KeyspaceEvents(keyspace, server.pubsub);
  keyspaceEvents.setFlags(config.getNumber('notify-keyspace-events'));
  const unbindEvents = config.onChange((name, value) => {
    if (name === 'notify-keyspace-events') keyspaceEvents.setFlags(value as number);
  });
  const metrics = new InstantaneousMetrics(server.stats);
  // maxmemory, maxmemory-policy and friends: eviction before commands, -OOM, CONFIG SET
  const maxmemory = new MaxmemoryController({
    server, keyspace, config, logger, baseline: metrics.memoryStartup,
    loading: () => replication.loading || aof.loading,
  });
  const tls = new ServerTls({ server, config, logger });
  let shuttingDown = false;
  let closed = false;

  const unbind = bindConfig({ server, logger }, config);
  // rdb_changes_since_last_save comes from the keyspace's change counter (persistence.dirty)
  server.setDiskErrorCheck(() =>
    aof.diskError() ??
    (persistence.lastBgsaveStatus === 'err' && persistence.saveParams.length > 0 && config.getBool('stop-writes-on-bgsave-error') ? MISCONF : undefined),
  );

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    unbind();
    unbindFunctionStore?.();
    unbindAof();
    unbindEvents();
    maxmemory.close();
    keyspaceEvents.close();
    metrics.close();
    replication.close();
    await persistence.close();
    await aof.close();
    keyspace.stopActiveExpire();
    await tls.close();
    await server.close();
    if (ownKeyspace) keyspace.close();
  }

  async function shutdown(flags: ShutdownFlags = {}): Promise<boolean> {
    if (shuttingDown || closed) return false;
    shuttingDown = true;
    logger.warning('User requested shutdown...');
    const nosave = flags.nosave === true || persistence.loading;
    await persistence.killBgsave();
    if (aof.rewriter.inProgress) {
      logger.warning('There is a child rewriting the AOF. Killing it!');
      await aof.rewriter.killAndWait();
    }
    if (aof.enabled) {
      logger.notice('Calling fsync() on the AOF file.');
      aof.syncAndClose();
    }
    if ((persistence.saveParams.length > 0 && !nosave) || flags.save === true) {
      logger.notice('Saving the final RDB snapshot before exiting.');
      if (!persistence.saveSync()) {
        if (flags.force) logger.warning('Error trying to save the DB. Exit anyway.');
        else {
          logger.warning("Error trying to save the DB, can't exit.");
          logger.warning('Errors trying to shut down the server. Check the logs for more information.');
          shuttingDown = false;
          return false;
        }
      }
    }
    const pidfile = config.getString('pidfile');
    if (pidfile !== '') {
      logger.notice('Removing the pid file.');
      try {
        unlinkSync(pidfile);
      } catch {
        /* already gone */
      }
    }
    await close();
    logger.warning('Redis is now ready to exit, bye bye...');
    options.onShutdown?.();
    return true;
  }

  op = {
    runtime: server,
    config,
    keyspace,
    persistence,
    aof,
    metrics,
    replicationInfo,
    replikitVersion: REPLIKIT_VERSION,
    executable: options.executable ?? process.argv[1] ?? '',
    logger,
    shutdown,
  };
  for (const s of lateCommands()) server.registerCommand(s, true);
  // slowlog-*, latency-monitor-threshold, latency-tracking
  bindIntrospectionConfig(server, config);
  // scripting: busy-reply-threshold (lua-time-limit) goes to the script engine
  const scripts = scriptEngineOf(server);
  scripts.busyReplyThreshold = config.getNumber('busy-reply-threshold');
  // redis.log lines go to the server log at the script's level (serverLogRaw)
  const LUA_LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;
  scripts.log = (level, message) => logger.log(LUA_LOG_LEVELS[level] ?? 'warning', message);
  config.onChange((name, value) => {
    if (name === 'busy-reply-threshold') scripts.busyReplyThreshold = value as number;
  });
  // stream-node-max-bytes / -entries: where XADD opens new stream nodes (and the default ~ trim LIMIT)
  keyspace.setStreamNodeLimits({ maxBytes: config.getNumber('stream-node-max-bytes'), maxEntries: config.getNumber('stream-node-max-entries') });
  config.onChange((name, value) => {
    if (name === 'stream-node-max-bytes') keyspace.setStreamNodeLimits({ maxBytes: value as number });
    else if (name === 'stream-node-max-entries') keyspace.setStreamNodeLimits({ maxEntries: value as number });
  });
  for (const s of replicationCommands(replication)) server.registerCommand(s, true);
  for (const s of aofCommands(aof)) server.registerCommand(s, true);

  // loadDataFromDisk: with the AOF on, the AOF is loaded and the RDB file is not read
  async function load(): Promise<RdbLoadResult | undefined> {
    if (durable !== undefined) {
      const lmdb = config.getString('storage') === 'lmdb';
      // the durable store was loaded when it opened; its committed position is the restart point
      const fstore = functionStoreOf(durable);
      if (fstore !== undefined && unbindFunctionStore === undefined) {
        // its function libraries are installed before anything is served, then kept in it
        const bound = bindFunctionStore(server, keyspace, fstore, {
          compress: () => config.getBool('rdbcompression'),
          idleCommit: () => replication.role === 'master' && !replication.loading,
          where: lmdb ? `the lmdb storage in ${config.getString('dir')}` : 'the storage adapter',
        });
        unbindFunctionStore = bound.unbind;
        if (bound.libraries > 0) logger.notice(`${bound.libraries} function libraries loaded from ${lmdb ? 'the lmdb storage' : 'the storage adapter'}`);
      }
      const p = keyspace.committedPosition();
      if (p !== undefined) replication.rdbLoaded({ replId: p.replid, offset: p.offset, streamDb: p.streamDb ?? 0 });
      logger.notice(`DB loaded from ${lmdb ? 'the lmdb storage' : 'the storage adapter'}${p === undefined ? '' : ` at replication offset ${p.offset}`}`);
      return undefined;
    }
    if (aof.state !== 'on') {
      aof.readManifestQuietly();
      return persistence.loadAtStartup();
    }
    await aof.loadAtStartup();
    aof.openOnStart();
    return undefined;
  }

  async function start(): Promise<ServerAddress> {
    await load();
    return listen();
  }

  async function listen(): Promise<ServerAddress> {
    if (aof.state === 'on' && aof.writer === undefined) aof.openOnStart();
    const address = await server.listen();
    await tls.listen();
    aof.start(clampHz(config.getNumber('hz')));
    metrics.start();
    persistence.start(clampHz(config.getNumber('hz')));
    keyspace.startActiveExpire();
    replication.start();
    return address;
  }

  return { server, keyspace, config, logger, persistence, aof, replication, operator: op, tls, load, listen, start, shutdown, close };
}

/**
 * `@replikit/storage-lmdb`, loaded when `storage lmdb` is set: the lmdb addon costs every process
 * about 11 MB of RSS (and a 16 MB buffer), which the default in-memory store does not need.
 * In CommonJS (the CLI, jest, tsx, bundles) a literal `require` call, which bundlers still see; the
 * ESM build has no `require` (its bundle turns the call into a throwing stub) and resolves the
 * package from its own file instead (`__filename` comes from tsup's shims).
 */
/** The keyspace's adapter when it is durable (it stores a replication position with its commits). */
function durableAdapterOf(keyspace: Keyspace): StorageAdapter | undefined {
  const adapter = keyspace.storageAdapter;
  return adapter.committedPosition === undefined ? undefined : adapter;
}

function loadLmdbStorage(): typeof LmdbStorageFactory {
  type LmdbModule = { lmdbStorage: typeof LmdbStorageFactory };
  const mod: LmdbModule = typeof module !== 'undefined' ? require('@replikit/storage-lmdb') : createRequire(__filename)('@replikit/storage-lmdb');
  return mod.lmdbStorage;
}

