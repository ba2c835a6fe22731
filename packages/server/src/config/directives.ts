/**
 * Every configuration directive replikit-server understands, with Redis 7.0's names, aliases,
 * types, defaults and ranges. The same table drives the config file, `--directive` arguments,
 * CONFIG GET/SET/REWRITE and docs/configuration.md.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseMemory } from './memory-units';
import { formatKeyspaceEvents, parseKeyspaceEvents } from '@replikit/keyspace';

export type DirectiveKind = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'custom';

/** A parsed value: booleans, numbers and strings, or a directive-specific structure. */
export type DirectiveValue = boolean | number | string | readonly string[] | SaveParam[] | OutputBufferLimits | null;

export interface SaveParam {
  seconds: number;
  changes: number;
}

export interface OutputBufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}
export interface OutputBufferLimits {
  normal: OutputBufferLimit;
  replica: OutputBufferLimit;
  pubsub: OutputBufferLimit;
}

export interface DirectiveSpec {
  /** canonical name (Redis's) */
  readonly name: string;
  /** older names accepted everywhere (`slaveof` for `replicaof`) */
  readonly aliases?: readonly string[];
  readonly kind: DirectiveKind;
  /** default as it would be written in a config file */
  readonly defaultText: string;
  readonly min?: number;
  readonly max?: number;
  /** values below `min` are raised to it instead of rejected (repl-backlog-size) */
  readonly clampMin?: boolean;
  readonly enumValues?: readonly string[];
  /** takes several arguments (save, bind, replicaof, client-output-buffer-limit, user) */
  readonly multiArg?: boolean;
  /** may appear several times in a file, each adding (user) */
  readonly repeatable?: boolean;
  /** cannot be changed by CONFIG SET */
  readonly immutable?: boolean;
  /** PROTECTED_CONFIG: CONFIG SET refuses it unless `enable-protected-configs` allows the client */
  readonly protected?: boolean;
  /** hidden from CONFIG GET (include) */
  readonly hidden?: boolean;
  /** only the values listed are implemented; others are rejected with this reason */
  readonly unsupported?: (args: readonly string[]) => string | undefined;
  /** custom parser: returns the value or throws an Error whose message is Redis's reason */
  readonly parse?: (args: readonly string[], current: DirectiveValue) => DirectiveValue;
  /** custom formatter for CONFIG GET / REWRITE */
  readonly format?: (value: DirectiveValue) => string;
  readonly description: string;
}

const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;
const LLONG_MAX = Number.MAX_SAFE_INTEGER;

function parseSave(args: readonly string[]): SaveParam[] {
  if (args.length === 1 && args[0] === '') return [];
  if (args.length % 2 !== 0) throw new Error('Invalid save parameters');
  const out: SaveParam[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const s = Number(args[i]);
    const c = Number(args[i + 1]);
    if (!/^\d+$/.test(args[i]) || !/^\d+$/.test(args[i + 1]) || s < 1 || c < 0) throw new Error('Invalid save parameters');
    out.push({ seconds: s, changes: c });
  }
  return out;
}

/** latency-tracking-info-percentiles: numbers from 0 to 100 (an empty value is no percentiles). */
function parsePercentiles(args: readonly string[]): string[] {
  const words = args.join(' ').split(' ').filter((w) => w !== '');
  for (const w of words) {
    const n = Number(w);
    if (w.trim() === '' || Number.isNaN(n) || n < 0 || n > 100) throw new Error('latency-tracking-info-percentiles: Invalid argument');
  }
  return words.map((w) => String(Number(w)));
}

/** `dir`: like Redis's chdir(), the directory must exist; kept as an absolute path (CONFIG GET shows getcwd()). */
function parseDir(args: readonly string[], current: DirectiveValue): string {
  if (args.length !== 1) throw new Error('wrong number of arguments');
  const base = typeof current === 'string' && current !== '' ? current : process.cwd();
  const p = resolve(base, args[0]);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code === 'ENOTDIR' ? 'Not a directory' : String(code));
  }
  if (!st.isDirectory()) throw new Error('Not a directory');
  return p;
}

/** `dbfilename`: isValidDBfilename (a base name, not a path). */
function parseDbfilename(args: readonly string[]): string {
  if (args.length !== 1) throw new Error('wrong number of arguments');
  if (args[0] !== basename(args[0]) || args[0].includes('/')) throw new Error("dbfilename can't be a path, just a filename");
  return args[0];
}

/** `appendfilename` / `appenddirname`: a plain name, not a path (Redis's pathIsBaseName). */
function parseBaseName(args: readonly string[], reason: string): string {
  if (args.length !== 1) throw new Error('wrong number of arguments');
  if (args[0].includes('/')) throw new Error(reason);
  return args[0];
}

const DEFAULT_BUFFER_LIMITS: OutputBufferLimits = {
  normal: { hard: 0, soft: 0, softSeconds: 0 },
  replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
  pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
};

function parseBufferLimits(args: readonly string[], current: DirectiveValue): OutputBufferLimits {
  if (args.length % 4 !== 0 || args.length === 0) throw new Error('Wrong number of arguments in buffer limit configuration.');
  const base = (current ?? DEFAULT_BUFFER_LIMITS) as OutputBufferLimits;
  const next: OutputBufferLimits = { normal: { ...base.normal }, replica: { ...base.replica }, pubsub: { ...base.pubsub } };
  for (let i = 0; i < args.length; i += 4) {
    const cls = args[i].toLowerCase();
    const key = cls === 'normal' ? 'normal' : cls === 'replica' || cls === 'slave' ? 'replica' : cls === 'pubsub' ? 'pubsub' : null;
    if (!key) throw new Error('Invalid client class specified in buffer limit configuration.');
    const hard = parseMemory(args[i + 1]);
    const soft = parseMemory(args[i + 2]);
    const secs = /^\d+$/.test(args[i + 3]) ? Number(args[i + 3]) : -1;
    if (hard === null || soft === null || hard < 0 || soft < 0 || secs < 0) throw new Error('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    next[key] = { hard, soft, softSeconds: secs };
  }
  return next;
}

function formatBufferLimits(v: DirectiveValue): string {
  const l = v as OutputBufferLimits;
  const f = (n: string, x: OutputBufferLimit) => `${n} ${x.hard} ${x.soft} ${x.softSeconds}`;
  return `${f('normal', l.normal)} ${f('slave', l.replica)} ${f('pubsub', l.pubsub)}`;
}

function parseReplicaof(args: readonly string[]): string[] | null {
  if (args.length === 2 && args[0].toLowerCase() === 'no' && args[1].toLowerCase() === 'one') return null;
  if (args.length === 1 && args[0] === '') return null;
  if (args.length !== 2) throw new Error('wrong number of arguments');
  const port = Number(args[1]);
  if (!/^\d+$/.test(args[1]) || port < 0 || port > 65535) throw new Error('Invalid master port');
  return [args[0], args[1]];
}

const TLS_PROTOCOL_NAMES = ['tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3'];

/** `tls-protocols`: space-separated TLS versions (Redis's parseProtocolsConfig names, any case). */
function parseTlsProtocolsDirective(args: readonly string[]): string[] {
  const tokens = args.flatMap((a) => a.split(' ')).filter((t) => t !== '');
  for (const t of tokens) {
    if (!TLS_PROTOCOL_NAMES.includes(t.toLowerCase())) throw new Error("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
  }
  return tokens;
}

/** `notify-keyspace-events`: the NOTIFY_* flag bits (0 when empty). */
function parseNotifyKeyspaceEvents(args: readonly string[]): number {
  if (args.length !== 1) throw new Error('wrong number of arguments');
  const flags = parseKeyspaceEvents(args[0]);
  if (flags === -1) throw new Error("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  return flags;
}

const int = (name: string, def: number, min: number, max: number, description: string, extra: Partial<DirectiveSpec> = {}): DirectiveSpec => ({
  name, kind: 'int', defaultText: String(def), min, max, description, ...extra,
});
const mem = (name: string, def: string, min: number, max: number, description: string, extra: Partial<DirectiveSpec> = {}): DirectiveSpec => ({
  name, kind: 'memory', defaultText: def, min, max, description, ...extra,
});
const bool = (name: string, def: boolean, description: string, extra: Partial<DirectiveSpec> = {}): DirectiveSpec => ({
  name, kind: 'bool', defaultText: def ? 'yes' : 'no', description, ...extra,
});
const str = (name: string, def: string, description: string, extra: Partial<DirectiveSpec> = {}): DirectiveSpec => ({
  name, kind: 'string', defaultText: def, description, ...extra,
});
const enm = (name: string, def: string, values: readonly string[], description: string, extra: Partial<DirectiveSpec> = {}): DirectiveSpec => ({
  name, kind: 'enum', defaultText: def, enumValues: values, description, ...extra,
});

export const DIRECTIVES: readonly DirectiveSpec[] = [
  // network
  int('port', 6379, 0, 65535, 'TCP port; 0 disables TCP', { immutable: false }),
  { name: 'bind', kind: 'custom', multiArg: true, defaultText: '* -::*', description: 'addresses to listen on (a leading - makes an address optional)',
    parse: (a) => (a.length === 1 && a[0] === '' ? [] : [...a]), format: (v) => (v as string[]).join(' ') },
  str('unixsocket', '', 'path of a unix socket to listen on', { immutable: true }),
  { name: 'unixsocketperm', kind: 'custom', defaultText: '0', immutable: true, description: 'permissions of the unix socket (octal)',
    parse: (a) => { if (!/^[0-7]+$/.test(a[0])) throw new Error('argument couldn\'t be parsed into an integer'); return parseInt(a[0], 8); },
    format: (v) => (v as number).toString(8) },
  int('tcp-backlog', 511, 0, INT_MAX, 'listen() backlog', { immutable: true }),
  int('timeout', 0, 0, INT_MAX, 'close a client idle for this many seconds (0 = never)'),
  int('tcp-keepalive', 300, 0, INT_MAX, 'TCP keepalive interval in seconds'),
  bool('protected-mode', true, 'accepted for compatibility (replikit binds where told)'),
  int('maxclients', 10000, 1, UINT_MAX, 'maximum number of connected clients'),
  // general
  bool('daemonize', false, 'run detached in the background (writes `pidfile`, logs to `logfile`)', { immutable: true }),
  enm('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], 'supervision mode; accepted (systemd readiness is not signalled)', { immutable: true }),
  str('pidfile', '', 'write the process id to this file', { immutable: true }),
  enm('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning'], 'log verbosity'),
  str('logfile', '', 'log file path; empty logs to stdout', { immutable: true }),
  int('databases', 16, 1, INT_MAX, 'number of databases', { immutable: true }),
  int('hz', 10, 0, INT_MAX, 'background task frequency (active expiry, timeouts)'),
  int('busy-reply-threshold', 5000, 0, INT_MAX, 'ms a script runs before other clients are answered BUSY and SCRIPT KILL can stop it; 0 never', { aliases: ['lua-time-limit'] }),
  str('requirepass', '', 'password of the default user'),
  enm('enable-protected-configs', 'no', ['no', 'yes', 'local'], 'allow CONFIG SET of protected configs (dir, dbfilename): no, yes, or from local connections', { immutable: true }),
  enm('enable-debug-command', 'no', ['no', 'yes', 'local'], 'allow the DEBUG command: no, yes, or from local connections', { immutable: true }),
  str('aclfile', '', 'ACL file: users are loaded from it at start, ACL LOAD / ACL SAVE read and write it (not with `user` directives)', { immutable: true }),
  int('acllog-max-len', 128, 0, INT_MAX, 'ACL LOG entries kept'),
  int('slowlog-log-slower-than', 10000, -1, LLONG_MAX, 'SLOWLOG records commands that ran at least this many microseconds (0 every command, -1 none)'),
  int('slowlog-max-len', 128, 0, LLONG_MAX, 'SLOWLOG entries kept'),
  int('latency-monitor-threshold', 0, 0, LLONG_MAX, 'LATENCY records events of at least this many milliseconds (0 disables)'),
  bool('latency-tracking', true, 'per-command latency histograms (LATENCY HISTOGRAM)'),
  { name: 'latency-tracking-info-percentiles', kind: 'custom', multiArg: true, defaultText: '50 99 99.9', description: 'percentiles of the command latency histograms (accepted; INFO latencystats is not implemented)',
    parse: (a) => parsePercentiles(a), format: (v) => (v as string[]).join(' ') },
  enm('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels'], 'Pub/Sub channels a new ACL user may use'),
  { name: 'user', kind: 'custom', multiArg: true, repeatable: true, immutable: true, defaultText: '', description: 'ACL user: `user <name> <rule> ...` with every Redis 7.0 ACL rule (see docs/acl.md)',
    parse: (a, cur) => [...((cur as string[] | null) ?? []), a.join(' ')], format: (v) => ((v as string[] | null) ?? []).join('\n') },
  // persistence
  { name: 'save', kind: 'custom', multiArg: true, defaultText: '3600 1 300 100 60 10000', description: 'RDB save points: <seconds> <changes> pairs; "" disables',
    parse: (a) => parseSave(a), format: (v) => (v as SaveParam[]).map((p) => `${p.seconds} ${p.changes}`).join(' ') },
  { name: 'dbfilename', kind: 'custom', defaultText: 'dump.rdb', protected: true, description: 'RDB file name (a file name, not a path)', parse: (a) => parseDbfilename(a) },
  { name: 'dir', kind: 'custom', defaultText: '.', protected: true, description: 'working directory for the RDB file (must exist; shown as an absolute path)',
    parse: (a, cur) => parseDir(a, cur) },
  bool('rdbcompression', true, 'LZF-compress strings in RDB files'),
  bool('rdbchecksum', true, 'write and check the RDB CRC64'),
  bool('stop-writes-on-bgsave-error', true, 'refuse writes after a failed background save'),
  bool('appendonly', false, 'append-only file persistence (multi-part AOF in `appenddirname`); CONFIG SET yes starts a rewrite'),
  { name: 'appendfilename', kind: 'custom', defaultText: 'appendonly.aof', immutable: true, description: 'base name of the AOF files and manifest',
    parse: (a) => parseBaseName(a, "appendfilename can't be a path, just a filename") },
  { name: 'appenddirname', kind: 'custom', defaultText: 'appendonlydir', immutable: true, description: 'directory (inside `dir`) holding the AOF files',
    parse: (a) => parseBaseName(a, "appenddirname can't be a path, just a dirname") },
  enm('appendfsync', 'everysec', ['always', 'everysec', 'no'], 'fsync policy of the AOF: always (before the reply), everysec, no'),
  bool('no-appendfsync-on-rewrite', false, 'skip AOF fsyncs while a rewrite runs'),
  int('auto-aof-rewrite-percentage', 100, 0, INT_MAX, 'rewrite the AOF when it grew by this percentage since the last rewrite (0 disables)'),
  mem('auto-aof-rewrite-min-size', '64mb', 0, LLONG_MAX, 'no automatic rewrite below this AOF size'),
  bool('aof-load-truncated', true, 'load an AOF whose last command is cut short (and truncate it) instead of exiting'),
  bool('aof-use-rdb-preamble', true, 'write the AOF base file as an RDB (else in command form)'),
  bool('aof-timestamp-enabled', false, 'write #TS:<unix seconds> annotations into the AOF'),
  bool('aof-rewrite-incremental-fsync', true, 'fsync the rewritten base every 4 MB while writing it'),
  int('shutdown-timeout', 10, 0, INT_MAX, 'seconds SHUTDOWN waits for replicas to catch up'),
  enm('storage', 'memory', ['memory', 'lmdb'], 'where the dataset lives: memory, or lmdb (durable, `replikit.lmdb` in `dir`, loaded at start instead of the RDB/AOF; see docs/storage-adapters.md)', { immutable: true }),
  enm('storage-fsync', 'everysec', ['always', 'everysec', 'no'], 'fsync policy of the lmdb storage: always (before the reply), everysec, no', { immutable: true }),
  // limits
  mem('client-query-buffer-limit', '1gb', 1024 * 1024, LLONG_MAX, 'maximum query buffer of one client'),
  mem('proto-max-bulk-len', '512mb', 1024 * 1024, LLONG_MAX, 'maximum bulk string length in a request'),
  mem('stream-node-max-bytes', '4096', 0, LLONG_MAX, 'listpack bytes of a stream node before XADD opens a new one (0 = no limit)'),
  int('stream-node-max-entries', 100, 0, LLONG_MAX, 'entries of a stream node before XADD opens a new one (0 = no limit); approximate trims default to LIMIT 100x this'),
  int('tracking-table-max-keys', 1000000, 0, LLONG_MAX, 'keys CLIENT TRACKING (default mode) remembers; past it the oldest are invalidated and forgotten (0 = no limit)'),
  { name: 'client-output-buffer-limit', kind: 'custom', multiArg: true, defaultText: 'normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60',
    description: 'output buffer limits per class: <class> <hard> <soft> <soft-seconds>', parse: parseBufferLimits, format: formatBufferLimits },
  mem('maxmemory', '0', 0, LLONG_MAX, 'memory limit in bytes (0 = none): over it, keys are evicted per maxmemory-policy, or denyoom commands get -OOM; used memory is the dataset estimate described in docs/server.md'),
  enm('maxmemory-policy', 'noeviction', ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'], 'what to evict over maxmemory (LRU/LFU approximated by sampling into a pool of 16)'),
  int('maxmemory-samples', 5, 1, INT_MAX, 'keys sampled per eviction-pool refill (per database)'),
  int('maxmemory-eviction-tenacity', 10, 0, 100, 'time one eviction pass may take: 0-10 = 50us steps, then 500us x 1.15^(n-10), 100 = unlimited'),
  int('lfu-log-factor', 10, 0, INT_MAX, 'LFU counter growth: an access increments it with probability 1/((counter-5)*factor+1)'),
  int('lfu-decay-time', 1, 0, INT_MAX, 'minutes without access for the LFU counter to lose one (0 = never)'),
  bool('replica-ignore-maxmemory', true, 'a replica does not evict on its own (it applies its master\'s DELs)', { aliases: ['slave-ignore-maxmemory'] }),
  bool('lazyfree-lazy-expire', false, 'propagate UNLINK instead of DEL for expired keys'),
  bool('lazyfree-lazy-user-del', false, 'DEL behaves like UNLINK (GETDEL propagates UNLINK)'),
  bool('lazyfree-lazy-eviction', false, 'propagate UNLINK instead of DEL for evicted keys'),
  bool('lazyfree-lazy-server-del', false, 'accepted for compatibility'),
  bool('replica-lazy-flush', false, 'accepted for compatibility', { aliases: ['slave-lazy-flush'] }),
  { name: 'notify-keyspace-events', kind: 'custom', defaultText: '', description: 'keyspace notification classes (K keyspace, E keyevent channels; g $ l s h z x e t m d n; A = g$lshzxetd); empty disables',
    parse: (a) => parseNotifyKeyspaceEvents(a), format: (v) => formatKeyspaceEvents(v as number) },
  // replication
  { name: 'replicaof', aliases: ['slaveof'], kind: 'custom', multiArg: true, immutable: true, defaultText: '', description: 'make this server a replica of <host> <port>',
    parse: (a) => parseReplicaof(a), format: (v) => ((v as string[] | null) ?? []).join(' ') },
  str('masterauth', '', 'password used to authenticate with the master'),
  str('masteruser', '', 'user name used to authenticate with the master'),
  bool('replica-read-only', true, 'reject writes from normal clients on a replica', { aliases: ['slave-read-only'] }),
  bool('replica-serve-stale-data', true, 'serve possibly stale data while the master link is down', { aliases: ['slave-serve-stale-data'] }),
  bool('repl-diskless-sync', true, 'send the RDB straight to replica sockets ($EOF: framing)'),
  int('repl-diskless-sync-delay', 5, 0, INT_MAX, 'seconds to wait for more replicas before a diskless transfer'),
  int('repl-diskless-sync-max-replicas', 0, 0, INT_MAX, 'start a diskless transfer as soon as this many replicas wait'),
  enm('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb'], 'how a replica loads the RDB it receives'),
  int('repl-ping-replica-period', 10, 1, INT_MAX, 'seconds between pings to replicas', { aliases: ['repl-ping-slave-period'] }),
  int('repl-timeout', 60, 1, INT_MAX, 'replication timeout in seconds'),
  bool('repl-disable-tcp-nodelay', false, 'disable TCP_NODELAY on replica sockets'),
  mem('repl-backlog-size', '1mb', 16 * 1024, LLONG_MAX, 'replication backlog size', { clampMin: true }),
  int('repl-backlog-ttl', 3600, 0, INT_MAX, 'seconds without replicas before the backlog is freed'),
  int('min-replicas-to-write', 0, 0, INT_MAX, 'refuse writes with fewer good replicas than this', { aliases: ['min-slaves-to-write'] }),
  int('min-replicas-max-lag', 10, 0, INT_MAX, 'max lag in seconds of a good replica', { aliases: ['min-slaves-max-lag'] }),
  enm('replication-mode', 'async', ['async', 'sync', 'semi-sync'], 'when a write is answered: async (at once, like Redis), sync (after every online replica acknowledged it), semi-sync (after `replication-mode-replicas`); see docs/consistency.md'),
  int('replication-mode-replicas', 1, 1, INT_MAX, 'replicas a semi-sync write waits for'),
  int('replication-mode-timeout', 1000, 0, INT_MAX, 'ms a sync / semi-sync write waits for acknowledgements (0 = no limit)'),
  enm('replication-mode-on-timeout', 'fail', ['fail', 'report'], 'on timeout: fail (-NOTACKED, the write stays applied) or report (the normal reply)'),
  str('replica-announce-ip', '', 'IP announced to the master', { aliases: ['slave-announce-ip'] }),
  int('replica-announce-port', 0, 0, 65535, 'port announced to the master', { aliases: ['slave-announce-port'] }),
  int('replica-priority', 100, 0, INT_MAX, 'priority for promotion', { aliases: ['slave-priority'] }),
  bool('replica-announced', true, 'shown in INFO'),
  // TLS (node:tls; see docs/security.md). CONFIG SET re-reads the files for new connections.
  int('tls-port', 0, 0, 65535, 'TLS port; 0 disables TLS (`port 0` + `tls-port N` = TLS only)'),
  str('tls-cert-file', '', 'PEM certificate (chain) the TLS port presents, and replication links unless tls-client-cert-file is set'),
  str('tls-key-file', '', 'PEM private key of tls-cert-file'),
  str('tls-key-file-pass', '', 'passphrase of an encrypted tls-key-file'),
  str('tls-client-cert-file', '', 'PEM certificate presented when connecting to a master (with tls-client-key-file)'),
  str('tls-client-key-file', '', 'PEM private key of tls-client-cert-file'),
  str('tls-client-key-file-pass', '', 'passphrase of an encrypted tls-client-key-file'),
  str('tls-dh-params-file', '', 'accepted; node negotiates ECDHE / DH parameters itself'),
  str('tls-ca-cert-file', '', 'PEM CA bundle that client and master certificates must chain to'),
  str('tls-ca-cert-dir', '', 'directory of PEM CA certificates (every file in it is read)'),
  enm('tls-auth-clients', 'yes', ['no', 'yes', 'optional'], 'client certificates on the TLS port: yes (required), optional (checked when sent), no (not requested)'),
  bool('tls-replication', false, 'connect to the master over TLS (and announce tls-port to it)'),
  bool('tls-cluster', false, 'accepted for compatibility (no cluster bus)'),
  { name: 'tls-protocols', kind: 'custom', multiArg: true, defaultText: '', description: 'TLS versions allowed: any of TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 (empty = TLSv1.2 TLSv1.3); node applies the range from the lowest to the highest',
    parse: (a) => parseTlsProtocolsDirective(a), format: (v) => (v as string[]).join(' ') },
  str('tls-ciphers', '', 'OpenSSL cipher list for TLSv1.2 and below (empty = node default)'),
  str('tls-ciphersuites', '', 'TLSv1.3 cipher suites (empty = node default)'),
  bool('tls-prefer-server-ciphers', false, 'choose the cipher by the server\'s preference'),
  bool('tls-session-caching', true, 'accepted; node keeps its own session cache'),
  int('tls-session-cache-size', 20480, 0, INT_MAX, 'accepted; node keeps its own session cache'),
  int('tls-session-cache-timeout', 300, 0, INT_MAX, 'accepted; node keeps its own session cache'),
  { name: 'include', kind: 'custom', multiArg: false, immutable: true, hidden: true, defaultText: '', description: 'include another config file (config files only)',
    parse: (a) => a[0], format: () => '' },
];

const byName = new Map<string, DirectiveSpec>();
for (const d of DIRECTIVES) {
  byName.set(d.name, d);
  for (const a of d.aliases ?? []) byName.set(a, d);
}

/** Finds a directive by name or alias (case-insensitive). */
export function lookupDirective(name: string): DirectiveSpec | undefined {
  return byName.get(name.toLowerCase());
}
