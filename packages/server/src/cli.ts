/**
 * `replikit-server [/path/to/redis.conf] [--directive value ...] [-]`: redis-server's command
 * line, configuration, logging, startup, dump loading and signal handling, over
 * `createServerFromConfig`. `main(argv)` resolves once the server accepts connections; it ends
 * the process itself (exit 1 on a bad config, an unreadable dump or a busy port; exit 0 after
 * SHUTDOWN or SIGTERM/SIGINT).
 */
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import packageJson from '../package.json';
import { loadConfigFromArgs } from './config/load-config';
import { ConfigFileError } from './errors';
import type { ServerConfig } from './config/server-config';
import { REDIS_VERSION } from './defaults';
import { Logger, type LogLevel } from './logger';
import { DEFAULT_PID_FILE, isDaemonized, spawnDaemon } from './process/daemonize';

// The server itself (config-binding-server and everything under it: keyspace, replication,
// scripting, TLS) is imported by main() once the V8 flags are set, so that loading its code already
// runs with them (the young generation would otherwise grow while ~500 kB of modules load).
type ConfiguredServer = ReturnType<typeof import('./config-binding-server').createServerFromConfig>;
const REPLIKIT_VERSION: string = packageJson.version;

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

/** Where the CLI writes and how it ends; tests and embedders may replace these. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  exit(code: number): void;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  exit: (code) => process.exit(code),
};

export function usage(prog = 'replikit-server'): string {
  const p = `./${prog}`;
  return [
    `Usage: ${p} [/path/to/redis.conf] [options] [-]`,
    `       ${p} - (read config from stdin)`,
    `       ${p} -v or --version`,
    `       ${p} -h or --help`,
    '',
    'Examples:',
    `       ${p} (run the server with default conf)`,
    `       echo 'maxmemory 128mb' | ${p} -`,
    `       ${p} /etc/redis/6379.conf`,
    `       ${p} --port 7777`,
    `       ${p} --port 7777 --replicaof 127.0.0.1 8888`,
    `       ${p} /etc/myredis.conf --loglevel verbose -`,
    `       ${p} /etc/myredis.conf --loglevel verbose`,
    '',
  ].join('\n');
}

export function versionLine(): string {
  return `replikit-server v=${REPLIKIT_VERSION} redis=${REDIS_VERSION} node=${process.version} bits=64\n`;
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (code && ERRNO_TEXT[code]) || (err as Error)?.message || String(err);
}

function loadConfig(argv: readonly string[], io: CliIo): ServerConfig | undefined {
  try {
    return loadConfigFromArgs(argv).config;
  } catch (err) {
    if (err instanceof ConfigFileError) {
      if (err.line === 0) {
        // the file itself could not be opened: redis-server logs one line, not the FATAL box
        const reason = err.reason.replace(/: ([A-Z]+)$/, (_m, code: string) => `: ${ERRNO_TEXT[code] ?? code}`);
        new Logger({ sink: io.stderr, role: 'C' }).warning(reason);
      } else io.stderr(`${err.message}\n`);
      io.exit(1);
      return undefined;
    }
    throw err;
  }
}

/**
 * V8's memory settings for a long-lived store, applied when node was started without heap flags of
 * its own. `--semi-space-growth-factor=1` keeps the young generation at its initial 2 MB: by
 * default a load grows it to 32 MB of semi-spaces, which stay resident afterwards. The heap size
 * flags (`--max-semi-space-size`) are read when the heap is set up, too early for this; the growth
 * factor is read on every scavenge. Measured in bench/results/memory.md (RSS per key, and server
 * CPU per SET/GET against `--optimize-for-size`, which saves more memory but costs SET more CPU).
 */
export function applyMemoryFlags(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => /semi-space|optimize-for-size/.test(a))) return false;
  setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}

/** Runs replikit-server with redis-server's arguments (without `node` and the script). */
export async function main(argv: string[], io: CliIo = processIo): Promise<void> {
  if (io === processIo) applyMemoryFlags();
  const first = argv[0];
  if (argv.length === 1 && (first === '-v' || first === '--version')) {
    io.stdout(versionLine());
    io.exit(0);
    return;
  }
  if (argv.length === 1 && (first === '-h' || first === '--help')) {
    io.stderr(usage());
    io.exit(1);
    return;
  }
  const config = loadConfig(argv, io);
  if (config === undefined) return;
  const daemonize = config.getBool('daemonize') && io === processIo;
  if (daemonize && !isDaemonized()) {
    // the parent returns at once; the detached copy runs the server
    spawnDaemon();
    io.exit(0);
    return;
  }
  if (daemonize && config.getString('pidfile') === '') config.set('pidfile', [DEFAULT_PID_FILE]);
  const logger = new Logger({ level: config.getString('loglevel') as LogLevel, logfile: config.getString('logfile'), sink: io.stdout });
  logger.log('warning', 'oO0OoO0OoO0Oo replikit is starting oO0OoO0OoO0Oo', 'C');
  logger.log(
    'warning',
    `replikit version=${REPLIKIT_VERSION} (Redis ${REDIS_VERSION} compatible), node=${process.version}, bits=64, pid=${process.pid}, just started`,
    'C',
  );
  if (config.configFile === null) {
    logger.log('warning', 'Warning: no config file specified, using the default config. In order to specify a config file use replikit-server /path/to/redis.conf', 'C');
  } else logger.log('warning', 'Configuration loaded', 'C');

  if (config.getNumber('port') === 0 && config.getNumber('tls-port') === 0 && config.getString('unixsocket') === '') {
    logger.warning('Configured to not listen anywhere, exiting.');
    io.exit(1);
    return;
  }
  const { createServerFromConfig } = await import('./config-binding-server');
  let configured: ConfiguredServer;
  try {
    configured = createServerFromConfig(config, { logger, onShutdown: () => io.exit(0) });
  } catch (err) {
    logger.warning(`Fatal error: ${(err as Error).message}`);
    io.exit(1);
    return;
  }
  const pidfile = config.getString('pidfile');
  if (pidfile !== '') {
    try {
      writeFileSync(pidfile, `${process.pid}\n`);
    } catch (err) {
      logger.warning(`Failed to write PID file: ${errnoText(err)}`);
    }
  }
  const supervised = config.getString('supervised');
  if (supervised === 'systemd' && !process.env.NOTIFY_SOCKET) logger.warning('systemd supervision error: NOTIFY_SOCKET not found!');
  else if (supervised === 'upstart' && !process.env.UPSTART_JOB) logger.warning('upstart supervision requested, but UPSTART_JOB not found!');
  logger.notice(`Running mode=standalone, port=${config.getNumber('port') || config.getNumber('tls-port')}.`);
  logger.warning('Server initialized');

  let signalled = false;
  const onSignal = (sig: 'SIGTERM' | 'SIGINT') => {
    if (signalled) return; // a shutdown is already under way
    signalled = true;
    logger.warning(sig === 'SIGINT' ? 'Received SIGINT scheduling shutdown...' : 'Received SIGTERM scheduling shutdown...');
    void configured.shutdown({}).then((ok) => {
      if (ok) return;
      signalled = false;
      logger.warning(`${sig} received but errors trying to shut down the server, check the logs for more information`);
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  try {
    await configured.load();
  } catch (err) {
    const lines = (err as { logLines?: readonly string[] }).logLines;
    const code = (err as { code?: string }).code;
    if (code === 'ERR_SERVER_AOF_LOAD' || code === 'ERR_SERVER_AOF_WRITE') {
      // the AOF's own lines, then exit(1) like loadDataFromDisk / aofOpenIfNeededOnServerStart
      for (const l of lines ?? [(err as Error).message]) logger.warning(l);
    } else if (lines) {
      for (const l of lines) logger.warning(l);
      logger.warning('Terminating server after rdb file reading failure.');
    } else logger.warning(`Fatal error loading the DB: ${errnoText(err)}. Exiting.`);
    await configured.close();
    io.exit(1);
    return;
  }
  try {
    await configured.listen();
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SERVER_TLS_CONFIG') {
      logger.warning((err as Error).message);
      logger.warning('Failed to configure TLS. Check logs for more info.');
      await configured.close();
      io.exit(1);
      return;
    }
    const cause = (err as { cause?: unknown }).cause ?? err;
    const where = (err as { address?: string }).address ?? `*:${config.getNumber('port')}`;
    logger.warning(`Warning: Could not create server TCP listening socket ${where}: bind: ${errnoText(cause)}`);
    logger.warning(`Failed listening on port ${config.getNumber('port')} (TCP), aborting.`);
    await configured.close();
    io.exit(1);
    return;
  }
  if (config.getNumber('port') !== 0 || config.getNumber('tls-port') !== 0) logger.notice('Ready to accept connections');
  const sock = config.getString('unixsocket');
  if (sock !== '') logger.notice(`The server is now ready to accept connections at ${sock}`);
}
