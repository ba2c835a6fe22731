/**
 * PING, AUTH, REPLCONF, PSYNC and SYNC as a master answers them (replication.c replconfCommand,
 * syncCommand, masterTryPartialResynchronization), over any {@link ReplicaTransport}. Replies are
 * RESP values with Redis's exact text; `undefined` means no reply.
 */
import { type ReplicationBacklog, type ReplicationIds, decidePsync } from '@replikit/backlog';
import { ErrorReply, OK, PONG, type RespValue } from '@replikit/resp';
import { splitArgs } from '@replikit/resp/internal';
import { NET_HOST_STR_LEN } from './defaults';
import type { ResolvedOptions } from './options';
import type { HandshakeState, ReplicaLink } from './replica-link';
import type { ReplicaTransport } from './transport';

/** What the commands need from the node. */
export interface CommandHost {
  readonly opts: ResolvedOptions;
  role(): 'master' | 'replica';
  upstreamUp(): boolean;
  ids(): ReplicationIds;
  backlog(): ReplicationBacklog | null;
  /** makes the connection a replica link (adds it to the node's replicas) */
  attach(transport: ReplicaTransport, state: HandshakeState): ReplicaLink;
  /**
   * the link accepted a partial resync: send `+CONTINUE` and the backlog from `fromOffset`, then log
   * `asks` and the acceptance (the replica waits for the bytes, not for the log lines)
   */
  continueLink(link: ReplicaLink, fromOffset: number, asks: string): void;
  /** queue the link for a full sync */
  fullSync(link: ReplicaLink): void;
  ack(link: ReplicaLink, offset: number): void;
  counters: { syncFull: number; syncPartialOk: number; syncPartialErr: number };
}

/**
 * The capability a replica announces (`REPLCONF capa pipelined-psync`) when PSYNC follows in the
 * same write as its PING / AUTH / REPLCONFs. Redis 7.0 ignores it and refuses such a PSYNC.
 */
export const PIPELINED_PSYNC_CAPA = 'pipelined-psync';

const SYNTAX_ERROR = new ErrorReply('ERR syntax error');
const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
const WRONGPASS = new ErrorReply('WRONGPASS invalid username-password pair or user is disabled.');

/** `string2ll`: a canonical signed 64-bit decimal; JS numbers keep it exact up to 2^53. */
export function parseLongLong(s: string): number | undefined {
  if (!/^-?(0|[1-9][0-9]{0,18})$/.test(s) || s === '-0') return undefined;
  const n = Number(s);
  if (!Number.isSafeInteger(n)) {
    const b = BigInt(s);
    if (b > 9223372036854775807n || b < -9223372036854775808n) return undefined;
  }
  return n;
}

export function wrongArity(name: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
}

/** `PING [message]`. */
export function pingCommand(argv: readonly string[]): RespValue {
  if (argv.length > 2) return wrongArity('ping');
  return argv.length === 2 ? Buffer.from(argv[1], 'latin1') : PONG;
}

/** `AUTH [user] password` against `requirepass` or `checkUser`. */
export function authCommand(opts: ResolvedOptions, state: HandshakeState, argv: readonly string[]): RespValue {
  if (argv.length < 2) return wrongArity('auth');
  if (argv.length > 3) return SYNTAX_ERROR;
  const user = argv.length === 3 ? argv[1] : 'default';
  const pass = argv[argv.length - 1];
  if (opts.checkUser) {
    if (!opts.checkUser(user, pass)) return WRONGPASS;
  } else if (opts.requirepass === undefined) {
    if (argv.length === 2) {
      return new ErrorReply(
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
    }
    if (user !== 'default') return WRONGPASS;
  } else if (user !== 'default' || pass !== opts.requirepass) {
    return WRONGPASS;
  }
  state.authenticated = true;
  return OK;
}

/** `REPLCONF <option> <value> ...` (replconfCommand). */
export function replconfCommand(host: CommandHost, state: HandshakeState, argv: readonly string[]): RespValue | undefined {
  if (argv.length % 2 === 0) return SYNTAX_ERROR;
  for (let j = 1; j < argv.length; j += 2) {
    const opt = argv[j].toLowerCase();
    const value = argv[j + 1];
    if (opt === 'listening-port') {
      const port = parseLongLong(value);
      if (port === undefined) return NOT_INTEGER;
      state.listeningPort = port;
    } else if (opt === 'ip-address') {
      if (value.length >= NET_HOST_STR_LEN) {
        return new ErrorReply(`ERR REPLCONF ip-address provided by replica instance is too long: ${value.length} bytes`);
      }
      state.ipAddress = value;
    } else if (opt === 'capa') {
      const capa = value.toLowerCase();
      if (capa === 'eof') state.capaEof = true;
      else if (capa === 'psync2') state.capaPsync2 = true;
      else if (capa === PIPELINED_PSYNC_CAPA) state.capaPipelinedPsync = true;
    } else if (opt === 'ack') {
      // only from a replica, never answered
      const link = state.link;
      if (link === undefined) return undefined;
      const offset = parseLongLong(value);
      if (offset === undefined) return undefined;
      host.ack(link, offset);
      return undefined;
    } else if (opt === 'getack') {
      // a master has no master to ACK to; a replica's own ACKs are the replica syncer's
      return undefined;
    } else if (opt === 'rdb-only') {
      const v = parseLongLong(value);
      if (v === undefined) return NOT_INTEGER;
      if (v < 0 || v > 1) return new ErrorReply('ERR value is out of range, value must between 0 and 1');
      state.rdbOnly = v === 1;
    } else if (opt === 'rdb-filter-only') {
      const filters = splitArgs(Buffer.from(value, 'latin1'), 0, value.length);
      if (filters === null) return new ErrorReply('ERR Missing rdb-filter-only values');
      // every part is filtered out unless included; "functions" is the only include filter
      state.rdbExcludeData = true;
      state.rdbIncludeFunctions = false;
      for (const f of filters) {
        if (f.toLowerCase() !== 'functions') return new ErrorReply(`ERR Unsupported rdb-filter-only option: ${f}`);
        state.rdbIncludeFunctions = true;
      }
    } else {
      return new ErrorReply(`ERR Unrecognized REPLCONF option: ${argv[j]}`);
    }
  }
  return OK;
}

function pendingOutput(transport: ReplicaTransport): boolean {
  return transport.hasPendingReplies ? transport.hasPendingReplies() : transport.bufferedBytes > 0;
}

/** Checks shared by PSYNC and SYNC (syncCommand, before the decision). */
function syncPreChecks(host: CommandHost, transport: ReplicaTransport, state: HandshakeState): ErrorReply | undefined {
  if (host.role() === 'replica' && !host.upstreamUp()) {
    return new ErrorReply("NOMASTERLINK Can't SYNC while not connected with my master");
  }
  // a replica that announced pipelined PSYNC gets the earlier replies first, then the PSYNC reply
  // (the transport writes them in that order); any other client meets syncCommand's refusal
  if (!state.capaPipelinedPsync && pendingOutput(transport)) return new ErrorReply('ERR SYNC and PSYNC are invalid with pending output');
  if (state.rdbExcludeData && !state.capaEof) return new ErrorReply('ERR Filtered replica requires EOF capability');
  return undefined;
}

/**
 * `PSYNC <replid> <offset> [FAILOVER]`. Writes `+CONTINUE`/`+FULLRESYNC` itself and returns
 * undefined, or returns an error reply. A connection that is already a replica is ignored.
 */
export function psyncCommand(host: CommandHost, transport: ReplicaTransport, state: HandshakeState, argv: readonly string[]): RespValue | undefined {
  if (argv.length < 3) return wrongArity('psync');
  if (state.link !== undefined) return undefined;
  if (argv.length === 4 && argv[3].toLowerCase() === 'failover') {
    if (host.role() === 'master') return new ErrorReply("ERR PSYNC FAILOVER can't be sent to a master.");
    return new ErrorReply('ERR PSYNC FAILOVER replid must match my replid.');
  }
  const pre = syncPreChecks(host, transport, state);
  if (pre) return pre;
  const offset = parseLongLong(argv[2]);
  if (offset === undefined) return NOT_INTEGER;
  const replid = argv[1];
  const decision = decidePsync({ replid, offset }, host.ids(), host.backlog());
  const asks = `Replica ${state.ipAddress ?? transport.remoteAddress ?? '?'}:${state.listeningPort} asks for synchronization`;
  const link = host.attach(transport, state);
  if (decision.kind === 'continue') {
    host.counters.syncPartialOk++;
    host.continueLink(link, decision.fromOffset, asks);
    return undefined;
  }
  host.opts.log('notice', asks);
  host.opts.log('notice', decision.message);
  if (decision.reason !== 'force-full') host.counters.syncPartialErr++;
  host.counters.syncFull++;
  host.fullSync(link);
  return undefined;
}

/** Legacy `SYNC`: a full sync with no `+FULLRESYNC` line; the replica never ACKs. */
export function syncCommand(host: CommandHost, transport: ReplicaTransport, state: HandshakeState, argv: readonly string[]): RespValue | undefined {
  if (argv.length !== 1) return wrongArity('sync');
  if (state.link !== undefined) return undefined;
  const pre = syncPreChecks(host, transport, state);
  if (pre) return pre;
  host.opts.log('notice', `Replica ${state.ipAddress ?? transport.remoteAddress ?? '?'}:${state.listeningPort} asks for synchronization`);
  const link = host.attach(transport, state);
  link.prePsync = true;
  host.counters.syncFull++;
  host.fullSync(link);
  return undefined;
}
