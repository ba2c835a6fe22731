import { ServerOptionsError } from './errors';

/**
 * Options of `createServer(deps, options)` and their defaults. Every option is named after the
 * redis.conf directive it mirrors (camelCase here, the Redis name in each comment), so the config
 * file / `--directive` parser maps one to one.
 */

/** One `client-output-buffer-limit` class: `<hard> <soft> <soft-seconds>`; 0 disables a limit. */
export interface OutputBufferLimit {
  /** Close the client as soon as its pending output exceeds this many bytes (0 = no limit). */
  readonly hardBytes: number;
  /** Close the client when its pending output stays above this many bytes ... (0 = no limit) */
  readonly softBytes: number;
  /** ... for more than this many seconds. */
  readonly softSeconds: number;
}

/** A user as the `user` directive defines it (subset: on/off, passwords, nopass, all commands). */
export interface ServerUser {
  /** User name (`default` is the user `requirepass` configures). */
  readonly name: string;
  /** `on` / `off`. @default true */
  readonly enabled?: boolean;
  /** Clear-text passwords (`>password`); any of them authenticates. @default [] */
  readonly passwords?: readonly string[];
  /** `nopass`: any password authenticates. @default false */
  readonly nopass?: boolean;
  /** Every ACL rule of the directive, in order (`on`, `>pw`, `~cache:*`, `+@read` ...); when set it replaces the fields above. @default undefined */
  readonly rules?: readonly string[];
}

export interface ServerOptions {
  /** `port`: TCP port; 0 picks a free one (read it from `server.address`). @default 6379 */
  port?: number;
  /**
   * `bind`: addresses to listen on. Redis's built-in default is every interface; we default to the
   * loopback address like the redis.conf shipped with Redis. @default ['127.0.0.1']
   */
  bind?: string | readonly string[];
  /** `unixsocket`: also listen on this unix socket path. @default undefined */
  unixsocket?: string;
  /** `unixsocketperm`: octal permissions applied to the socket file. @default undefined */
  unixsocketperm?: number;
  /** `requirepass`: password of the `default` user; unset means `nopass`. @default undefined */
  requirepass?: string;
  /** `user` directives (subset). A `default` entry here overrides `requirepass`. @default [] */
  users?: readonly ServerUser[];
  /** `aclfile`: load users from this file at start (ACL LOAD / ACL SAVE use it); exclusive with `users`. @default undefined */
  aclfile?: string;
  /** `acllog-max-len`: ACL LOG entries kept. @default 128 */
  acllogMaxLen?: number;
  /** `acl-pubsub-default`: the channels a new user may use. @default 'resetchannels' */
  aclPubsubDefault?: 'allchannels' | 'resetchannels';
  /** `maxclients`: connections beyond this get `-ERR max number of clients reached`. @default 10000 */
  maxclients?: number;
  /** `timeout`: close a client idle for this many seconds (0 = never). @default 0 */
  timeout?: number;
  /** `tcp-keepalive`: seconds of SO_KEEPALIVE idle time (0 = off). @default 300 */
  tcpKeepalive?: number;
  /** `client-query-buffer-limit`: bytes of unparsed input a client may hold. @default 1073741824 (1gb) */
  clientQueryBufferLimit?: number;
  /** `proto-max-bulk-len`: longest bulk string a request may carry. @default 536870912 (512mb) */
  protoMaxBulkLen?: number;
  /** `client-output-buffer-limit normal ...`. @default { hardBytes: 0, softBytes: 0, softSeconds: 0 } */
  clientOutputBufferLimitNormal?: OutputBufferLimit;
  /** `client-output-buffer-limit pubsub ...`. @default 32mb 8mb 60 */
  clientOutputBufferLimitPubsub?: OutputBufferLimit;
  /** `client-output-buffer-limit replica ...` (used by the master package). @default 256mb 64mb 60 */
  clientOutputBufferLimitReplica?: OutputBufferLimit;
  /** `replica-read-only`: reject writes from normal clients while a replica. @default true */
  replicaReadOnly?: boolean;
  /** `replica-serve-stale-data`: serve reads while the master link is down. @default true */
  replicaServeStaleData?: boolean;
  /** `min-replicas-to-write`: a master refuses writes with fewer good replicas (0 = off). @default 0 */
  minReplicasToWrite?: number;
  /** `min-replicas-max-lag`: seconds of ACK lag for a replica to count as good. @default 10 */
  minReplicasMaxLag?: number;
  /** `hz`: frequency of the server cron (timeouts, soft output limits). @default 10 */
  hz?: number;
}

/** The options with every default applied (what the server and INFO/CONFIG read). */
export interface ResolvedServerOptions {
  port: number;
  bind: string[];
  unixsocket: string | undefined;
  unixsocketperm: number | undefined;
  requirepass: string | undefined;
  users: ServerUser[];
  aclfile: string | undefined;
  acllogMaxLen: number;
  aclPubsubDefault: 'allchannels' | 'resetchannels';
  maxclients: number;
  timeout: number;
  tcpKeepalive: number;
  clientQueryBufferLimit: number;
  protoMaxBulkLen: number;
  clientOutputBufferLimitNormal: OutputBufferLimit;
  clientOutputBufferLimitPubsub: OutputBufferLimit;
  clientOutputBufferLimitReplica: OutputBufferLimit;
  replicaReadOnly: boolean;
  replicaServeStaleData: boolean;
  minReplicasToWrite: number;
  minReplicasMaxLag: number;
  hz: number;
}

const MB = 1024 * 1024;

export const SERVER_DEFAULTS: Readonly<ResolvedServerOptions> = Object.freeze({
  port: 6379,
  bind: ['127.0.0.1'],
  unixsocket: undefined,
  unixsocketperm: undefined,
  requirepass: undefined,
  users: [],
  aclfile: undefined,
  acllogMaxLen: 128,
  aclPubsubDefault: 'resetchannels',
  maxclients: 10000,
  timeout: 0,
  tcpKeepalive: 300,
  clientQueryBufferLimit: 1024 * MB,
  protoMaxBulkLen: 512 * MB,
  clientOutputBufferLimitNormal: { hardBytes: 0, softBytes: 0, softSeconds: 0 },
  clientOutputBufferLimitPubsub: { hardBytes: 32 * MB, softBytes: 8 * MB, softSeconds: 60 },
  clientOutputBufferLimitReplica: { hardBytes: 256 * MB, softBytes: 64 * MB, softSeconds: 60 },
  replicaReadOnly: true,
  replicaServeStaleData: true,
  minReplicasToWrite: 0,
  minReplicasMaxLag: 10,
  hz: 10,
});

export { REDIS_VERSION } from './redis-version';

function nonNegativeInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new ServerOptionsError(name, `expected a non-negative integer, got ${v}`);
  return v;
}

/** Applies defaults and validates (throws ServerOptionsError naming the Redis directive). */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  const d = SERVER_DEFAULTS;
  const bind = options.bind === undefined ? [...d.bind] : typeof options.bind === 'string' ? options.bind.split(/\s+/).filter(Boolean) : [...options.bind];
  const r: ResolvedServerOptions = {
    port: nonNegativeInt('port', options.port ?? d.port),
    bind,
    unixsocket: options.unixsocket ?? d.unixsocket,
    unixsocketperm: options.unixsocketperm ?? d.unixsocketperm,
    requirepass: options.requirepass ?? d.requirepass,
    users: [...(options.users ?? d.users)],
    aclfile: options.aclfile ?? d.aclfile,
    acllogMaxLen: options.acllogMaxLen ?? d.acllogMaxLen,
    aclPubsubDefault: options.aclPubsubDefault ?? d.aclPubsubDefault,
    maxclients: nonNegativeInt('maxclients', options.maxclients ?? d.maxclients),
    timeout: nonNegativeInt('timeout', options.timeout ?? d.timeout),
    tcpKeepalive: nonNegativeInt('tcp-keepalive', options.tcpKeepalive ?? d.tcpKeepalive),
    clientQueryBufferLimit: nonNegativeInt('client-query-buffer-limit', options.clientQueryBufferLimit ?? d.clientQueryBufferLimit),
    protoMaxBulkLen: nonNegativeInt('proto-max-bulk-len', options.protoMaxBulkLen ?? d.protoMaxBulkLen),
    clientOutputBufferLimitNormal: { ...(options.clientOutputBufferLimitNormal ?? d.clientOutputBufferLimitNormal) },
    clientOutputBufferLimitPubsub: { ...(options.clientOutputBufferLimitPubsub ?? d.clientOutputBufferLimitPubsub) },
    clientOutputBufferLimitReplica: { ...(options.clientOutputBufferLimitReplica ?? d.clientOutputBufferLimitReplica) },
    replicaReadOnly: options.replicaReadOnly ?? d.replicaReadOnly,
    replicaServeStaleData: options.replicaServeStaleData ?? d.replicaServeStaleData,
    minReplicasToWrite: nonNegativeInt('min-replicas-to-write', options.minReplicasToWrite ?? d.minReplicasToWrite),
    minReplicasMaxLag: nonNegativeInt('min-replicas-max-lag', options.minReplicasMaxLag ?? d.minReplicasMaxLag),
    hz: nonNegativeInt('hz', options.hz ?? d.hz),
  };
  if (r.port > 65535) throw new ServerOptionsError('port', `out of range: ${r.port}`);
  if (r.hz < 1 || r.hz > 500) throw new ServerOptionsError('hz', `expected 1..500, got ${r.hz}`);
  if (r.maxclients < 1) throw new ServerOptionsError('maxclients', 'must be at least 1');
  return r;
}
