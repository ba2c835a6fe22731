/**
 * Config -> live server: builds `ServerOptions` from a ServerConfig (the redis.conf / `--directive`
 * view) and applies CONFIG SET changes to a running server, the way Redis's apply functions do.
 * Persistence reads `save`, `dir`, `dbfilename`, `rdbcompression`, `rdbchecksum` from the config
 * on use, so those need no binding.
 */
import { parseUserDirective } from './auth/user-directory';
import type { OutputBufferLimits } from './config/directives';
import type { ServerConfig } from './config/server-config';
import { splitConfigArgs } from './config/split-args';
import type { OutputBufferLimit, ResolvedServerOptions, ServerOptions, ServerUser } from './defaults';
import type { Logger, LogLevel } from './logger';
import type { ReplikitServer } from './server';

/** Redis's CONFIG_MIN_HZ / CONFIG_MAX_HZ: `hz` outside 1..500 is clamped. */
export function clampHz(hz: number): number {
  return Math.min(500, Math.max(1, hz));
}

/**
 * `bind` as listen addresses: `*` is every IPv4 interface, `::*` every IPv6 one. Addresses with a
 * leading `-` are optional in Redis (skipped when unavailable); replikit skips them altogether, so
 * the default `* -::*` listens on 0.0.0.0.
 */
export function bindAddresses(bind: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of bind) {
    if (a.startsWith('-')) continue;
    out.push(a === '*' ? '0.0.0.0' : a === '::*' ? '::' : a);
  }
  return out.length > 0 ? out : ['0.0.0.0'];
}

function limit(l: { hard: number; soft: number; softSeconds: number }): OutputBufferLimit {
  return { hardBytes: l.hard, softBytes: l.soft, softSeconds: l.softSeconds };
}

function users(config: ServerConfig): ServerUser[] {
  const out: ServerUser[] = [];
  for (const line of config.get<string[]>('user') ?? []) {
    const args = splitConfigArgs(line) ?? line.split(' ');
    if (args.length === 0) continue;
    out.push(parseUserDirective(args[0], args.slice(1)));
  }
  return out;
}

/** The server options a config describes. Throws UserDirectiveError for a `user` we cannot honour. */
export function serverOptionsFromConfig(config: ServerConfig): ServerOptions {
  const limits = config.get<OutputBufferLimits>('client-output-buffer-limit');
  const unixsocket = config.getString('unixsocket');
  const perm = config.getNumber('unixsocketperm');
  const pass = config.getString('requirepass');
  const port = config.getNumber('port');
  return {
    port,
    // `port 0` means no TCP listener in redis.conf (ServerOptions' 0 would pick a free port)
    bind: port === 0 ? [] : bindAddresses(config.get<string[]>('bind')),
    unixsocket: unixsocket === '' ? undefined : unixsocket,
    unixsocketperm: perm === 0 ? undefined : perm,
    requirepass: pass === '' ? undefined : pass,
    users: users(config),
    aclfile: config.getString('aclfile') === '' ? undefined : config.getString('aclfile'),
    acllogMaxLen: config.getNumber('acllog-max-len'),
    aclPubsubDefault: config.getString('acl-pubsub-default') as 'allchannels' | 'resetchannels',
    maxclients: config.getNumber('maxclients'),
    timeout: config.getNumber('timeout'),
    tcpKeepalive: config.getNumber('tcp-keepalive'),
    clientQueryBufferLimit: config.getNumber('client-query-buffer-limit'),
    protoMaxBulkLen: config.getNumber('proto-max-bulk-len'),
    clientOutputBufferLimitNormal: limit(limits.normal),
    clientOutputBufferLimitPubsub: limit(limits.pubsub),
    clientOutputBufferLimitReplica: limit(limits.replica),
    replicaReadOnly: config.getBool('replica-read-only'),
    replicaServeStaleData: config.getBool('replica-serve-stale-data'),
    minReplicasToWrite: config.getNumber('min-replicas-to-write'),
    minReplicasMaxLag: config.getNumber('min-replicas-max-lag'),
    hz: clampHz(config.getNumber('hz')),
  };
}

/** The parts of a running server that CONFIG SET reaches. */
export interface ConfigBindingTarget {
  readonly server: Pick<ReplikitServer, 'options' | 'users'>;
  readonly logger?: Logger;
}

/** Applies one changed directive to the live server (the `apply` step of CONFIG SET). */
export function applyConfigChange(target: ConfigBindingTarget, config: ServerConfig, name: string): void {
  const o = target.server.options as ResolvedServerOptions;
  switch (name) {
    case 'loglevel':
      if (target.logger) target.logger.level = config.getString('loglevel') as LogLevel;
      return;
    case 'requirepass': {
      const p = config.getString('requirepass');
      target.server.users.setRequirepass(p === '' ? undefined : p);
      o.requirepass = p === '' ? undefined : p;
      return;
    }
    case 'timeout':
      o.timeout = config.getNumber('timeout');
      return;
    case 'acllog-max-len':
      target.server.users.log.maxLen = config.getNumber(name);
      o.acllogMaxLen = config.getNumber(name);
      return;
    case 'acl-pubsub-default':
      target.server.users.pubsubDefaultAll = config.getString(name) === 'allchannels';
      o.aclPubsubDefault = config.getString(name) as 'allchannels' | 'resetchannels';
      return;
    case 'maxclients':
      o.maxclients = config.getNumber('maxclients');
      return;
    case 'tcp-keepalive':
      o.tcpKeepalive = config.getNumber('tcp-keepalive');
      return;
    case 'client-query-buffer-limit':
      o.clientQueryBufferLimit = config.getNumber(name);
      return;
    case 'proto-max-bulk-len':
      o.protoMaxBulkLen = config.getNumber(name);
      return;
    case 'client-output-buffer-limit': {
      const l = config.get<OutputBufferLimits>(name);
      o.clientOutputBufferLimitNormal = limit(l.normal);
      o.clientOutputBufferLimitPubsub = limit(l.pubsub);
      o.clientOutputBufferLimitReplica = limit(l.replica);
      return;
    }
    case 'replica-read-only':
      o.replicaReadOnly = config.getBool(name);
      return;
    case 'replica-serve-stale-data':
      o.replicaServeStaleData = config.getBool(name);
      return;
    case 'min-replicas-to-write':
      o.minReplicasToWrite = config.getNumber(name);
      return;
    case 'min-replicas-max-lag':
      o.minReplicasMaxLag = config.getNumber(name);
      return;
    default:
    // save, dir, dbfilename, rdbcompression, rdbchecksum are read on use. `hz`, `port`, `bind` take
    // effect at the next start (the server's cron and listeners are set up by listen()), and
    // client-query-buffer-limit / proto-max-bulk-len apply to connections made after the change.
  }
}

/** Subscribes the server to config changes; returns the unsubscribe function. */
export function bindConfig(target: ConfigBindingTarget, config: ServerConfig): () => void {
  return config.onChange((name) => applyConfigChange(target, config, name));
}
