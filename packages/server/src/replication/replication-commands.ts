/**
 * PSYNC, SYNC, REPLCONF, REPLICAOF / SLAVEOF and ROLE as thin glue: the ReplicationNode answers
 * the replication handshake over the client's connection (a ReplicaTransport), the
 * ServerReplication switches roles.
 */
import { ErrorReply, SimpleString } from '@replikit/resp';
import { parseStrictInt } from '../commands/arg-parsing';
import type { ClientConnection } from '../connection/client-connection';
import type { ServerClient } from '../connection/server-client';
import { connectionTransport } from '../connection/replica-transport';
import { type CommandResult, NO_REPLY, type ServerCommandFlag, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { failoverCommand, psyncFailoverArgv } from './failover';
import type { ServerReplication } from './server-replication';
import type { ReplicaTransport } from '@replikit/master';

const ADMIN_CAT = ['@admin', '@slow', '@dangerous'];
const SYNC_FLAGS: readonly ServerCommandFlag[] = ['admin', 'noscript', 'no-async-loading', 'no-multi'];
const REPLICAOF_FLAGS: readonly ServerCommandFlag[] = ['admin', 'noscript', 'stale', 'no-async-loading'];
const OK = new SimpleString('OK');
const ALREADY = new SimpleString('OK Already connected to specified master');
const REPLICAOF_DURING_FAILOVER = new ErrorReply('ERR REPLICAOF not allowed while failing over.');
const INVALID_PORT = new ErrorReply('ERR Invalid master port');
const NOT_VALID_FOR_REPLICA = new ErrorReply('ERR Command is not valid when client is a replica.');
const WAIT_ON_REPLICA = new ErrorReply(
  'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.',
);
const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
const TIMEOUT_NOT_INTEGER = new ErrorReply('ERR timeout is not an integer or out of range');
const TIMEOUT_NEGATIVE = new ErrorReply('ERR timeout is negative');

/** One transport per connection, so the node keeps one handshake state across REPLCONF and PSYNC. */
const transports = new WeakMap<ServerClient, ReplicaTransport>();

function transportOf(repl: ServerReplication, client: ServerClient): ReplicaTransport {
  let t = transports.get(client);
  if (t === undefined) {
    const conn = client as ClientConnection;
    const transport = connectionTransport(conn);
    // a replica's `\n` while it loads our snapshot keeps its link from timing out
    conn.onKeepalive = () => repl.node.touch(transport);
    // the replica's next handshake step waits for these replies: written after the read, not at the end of the turn
    conn.flushEachRead = true;
    transports.set(client, transport);
    t = transport;
  }
  return t;
}

function result(r: ReturnType<ServerReplication['node']['psync']>): CommandResult {
  return r === undefined ? NO_REPLY : r;
}

/**
 * PSYNC / SYNC through `run`; when it became a full sync and `repl-disable-tcp-nodelay` is yes, the
 * replica's socket turns Nagle back on (syncCommand's connDisableTcpNoDelay: fewer, larger packets
 * for the snapshot and the stream). A partial resync keeps TCP_NODELAY, as in Redis 7.0.
 */
function syncing(repl: ServerReplication, client: ServerClient, run: () => ReturnType<ServerReplication['node']['psync']>): CommandResult {
  const fullBefore = repl.node.counters.syncFull;
  const r = run();
  if (repl.node.counters.syncFull > fullBefore && repl.replDisableTcpNodelay) (client as ClientConnection).socket.setNoDelay(false);
  return result(r);
}

function replicaof(repl: ServerReplication, name: string): ServerCommandSpec {
  return spec(name, 3, REPLICAOF_FLAGS, ADMIN_CAT, (ctx, argv) => {
    const host = argv[1] as string;
    const port = argv[2] as string;
    if (repl.failover.refusesReplicaof) return REPLICAOF_DURING_FAILOVER;
    if (host.toLowerCase() === 'no' && port.toLowerCase() === 'one') {
      repl.unsetMaster(ctx.client);
      return OK;
    }
    if (ctx.client.kind === 'replica') return NOT_VALID_FOR_REPLICA;
    const p = parseStrictInt(port);
    if (p === null || p < 0 || p > 65535) return INVALID_PORT;
    return repl.setMaster(host, p, ctx.client) ? OK : ALREADY;
  });
}

/**
 * WAIT numreplicas timeout: the online replicas that acknowledged the current offset, at once when
 * enough did (or inside MULTI), else when they do or at the timeout (0 = none); the node sends
 * REPLCONF GETACK * meanwhile.
 */
function waitCommand(repl: ServerReplication): ServerCommandSpec {
  return spec('wait', 3, ['noscript'], ['@slow', '@connection'], (ctx, argv) => {
    if (repl.node.role === 'replica') return WAIT_ON_REPLICA;
    const n = parseStrictInt(argv[1] as string);
    if (n === null) return NOT_INTEGER;
    const timeout = parseStrictInt(argv[2] as string);
    if (timeout === null) return TIMEOUT_NOT_INTEGER;
    if (timeout < 0) return TIMEOUT_NEGATIVE;
    const target = repl.node.masterReplOffset;
    const acked = (): number => repl.node.replicas().filter((r) => r.state === 'online' && r.offset >= target).length;
    const now = acked();
    if (now >= n || ctx.inExec) return now;
    const client = ctx.client;
    ctx.runtime.blocking.block({ client, db: client.db, keys: [], tryServe: () => undefined, timeoutReply: acked }, 0);
    void repl.node.wait(n, timeout).then((count) => ctx.runtime.blocking.serve(client, count));
    return NO_REPLY;
  });
}

/** The replication commands of a server whose replication state is `repl`. */
export function replicationCommands(repl: ServerReplication): ServerCommandSpec[] {
  return [
    spec('psync', -3, SYNC_FLAGS, ADMIN_CAT, (ctx, argv) => {
      // PSYNC ... FAILOVER from the master handing over to this replica (FAILOVER command)
      const args = psyncFailoverArgv(repl, ctx.client, argv);
      return args instanceof ErrorReply ? args : syncing(repl, ctx.client, () => repl.node.psync(transportOf(repl, ctx.client), args));
    }),
    spec('sync', 1, SYNC_FLAGS, ADMIN_CAT, (ctx, argv) => syncing(repl, ctx.client, () => repl.node.sync(transportOf(repl, ctx.client), argv))),
    spec('replconf', -1, ['admin', 'noscript', 'loading', 'stale', 'allow-busy'], ADMIN_CAT, (ctx, argv) =>
      result(repl.node.replconf(transportOf(repl, ctx.client), argv)),
    ),
    replicaof(repl, 'replicaof'),
    replicaof(repl, 'slaveof'),
    waitCommand(repl),
    failoverCommand(repl.failover),
    spec('role', 1, ['noscript', 'loading', 'stale', 'fast'], ['@admin', '@fast', '@dangerous'], () => repl.roleReply()),
  ];
}
