import { ErrorReply as ImportedErrorReply, QUEUED, type RespValue } from '@replikit/resp';
import type { ServerClient } from '../connection/server-client';
import { CommandFailedError } from '../errors';
import { introspectionOf } from '../introspection/introspection';
import { type CommandContext, NO_REPLY } from './command-spec';
import type { TableEntry } from './command-table';
import { LOADING, MASTERDOWN, MONITOR_KEYSPACE, NOAUTH, NOREPLICAS, NOT_IN_MULTI, READONLY, execAbort, pubsubContext } from './reply-texts';
import type { ServerRuntime } from './server-runtime';
import { scriptBusyRefusal } from '../scripting/script-commands';

// A module-level alias: the CJS build reads cross-package imports through an export getter on
// every use, and ErrorReply is tested on every command.
const ErrorReply = ImportedErrorReply;
type ErrorReply = ImportedErrorReply;

/**
 * Microtasks are queued through a settled promise: Node's queueMicrotask() creates an
 * AsyncResource and a bound function on every call, which costs more than the callback here.
 */
const SETTLED = Promise.resolve();

/**
 * The CommandContext handlers get: one per client, created on its first command and reused (no
 * allocation per command). `inExec` is set around each call; a handler that keeps the context
 * (a blocked BLPOP) sees the same client and keyspace later.
 */
class ClientCallContext implements CommandContext {
  inExec = false;
  constructor(
    readonly runtime: ServerRuntime,
    readonly client: ServerClient,
  ) {}

  keyspace(argv: string[]): RespValue {
    return this.runtime.runKeyspace(this.client, argv);
  }
}

/** Hooks the dispatcher reports to (the server turns them into events). */
export interface DispatchObserver {
  commandFailed(err: CommandFailedError, client: ServerClient): void;
}

/**
 * processCommand: the checks of Redis 7.0's server.c in its order, then MULTI queueing or the call.
 *
 * 1. lookup (unknown command / unknown subcommand) and arity
 * 2. authentication (NOAUTH), unless the command is `no-auth`
 * 3. `no-multi` commands inside MULTI
 * 3a. ACL permissions (NOPERM), logged in ACL LOG
 * 3a'. maxmemory: performEvictions, then OOM for denyoom commands (any command inside MULTI)
 * 3b. MISCONF (persistence failing, `stop-writes-on-bgsave-error`), for writes and PING
 * 4. NOREPLICAS (master with min-replicas-to-write), for writes (and EXEC of queued writes)
 * 5. READONLY (replica with replica-read-only), for writes from normal clients
 * 6. RESP2 subscribe-mode context
 * 7. MASTERDOWN (replica, link down, replica-serve-stale-data no), for non-`stale` commands
 * 8. LOADING, for non-`loading` commands
 * 8b. CLIENT PAUSE: postpone (all commands, or writes and may-replicate ones) until the pause ends
 * 9. MULTI queueing (+QUEUED), except EXEC DISCARD MULTI WATCH QUIT RESET
 * 10. call, then serve clients blocked on keys that became ready
 */
export class Dispatcher {
  /**
   * One clock read per command for INFO commandstats `usec`: the end of a call is the start of the
   * next one run in the same synchronous stretch (a pipeline read in one `data` event); the mark
   * is dropped at the next microtask checkpoint, so a call after I/O or a timer reads the clock.
   */
  private clockMark = -1;
  private clockMarkQueued = false;
  /** when the command being called started (performance.now() time): a script's busy-reply-threshold counts from it */
  callStarted = 0;
  private readonly dropClockMark = (): void => {
    this.clockMark = -1;
    this.clockMarkQueued = false;
  };

  /** MONITOR, SLOWLOG, LATENCY: told about every call once its reply is written */
  private readonly introspection;

  constructor(
    private readonly rt: ServerRuntime,
    private readonly observer: DispatchObserver,
  ) {
    this.introspection = introspectionOf(rt);
  }

  private markClock(t: number): void {
    this.clockMark = t;
    if (!this.clockMarkQueued) {
      this.clockMarkQueued = true;
      void SETTLED.then(this.dropClockMark);
    }
  }

  execute(client: ServerClient, argv: string[]): void {
    client.muted = client.replyOff || client.skipThis;
    const found = this.rt.commands.lookup(argv);
    if (found instanceof ErrorReply) {
      // EXEC with a wrong arity is still EXEC for rejectCommandFormat: the text loses its "ERR "
      const isExec = (argv[0] as string).length === 4 && (argv[0] as string).toLowerCase() === 'exec';
      this.reject(client, isExec ? this.rt.commands.lookup(['exec']) as TableEntry : undefined, isExec ? new ErrorReply(found.message.replace(/^ERR /, '')) : found);
    }
    else {
      client.lastCommand = found.fullname;
      const refusal = this.check(client, found, argv);
      if (refusal !== undefined) this.reject(client, found, refusal);
      else if (this.rt.pauses.active !== undefined && this.rt.pauses.holds(client, found.isWrite || found.mayReplicate || (found.fullname === 'exec' && client.multi?.hasWrite === true))) {
        // CLIENT PAUSE: the command runs (from the start of processCommand) when the pause ends
        this.rt.pauses.postpone(client, argv);
      } else if (client.multi !== undefined && !found.bypassesQueue) this.queue(client, found, argv);
      else this.call(client, found, argv, false);
    }
    client.skipThis = client.skipNext;
    client.skipNext = false;
    this.rt.blocking.serveReadyKeys();
  }

  /** Steps 2-8: the first refusal, or undefined. */
  private check(client: ServerClient, e: TableEntry, argv: string[]): ErrorReply | undefined {
    const rt = this.rt;
    if (!client.authenticated && !e.noAuth && rt.users.defaultUserNeedsAuth) return NOAUTH;
    const multi = client.multi;
    if (multi !== undefined && e.noMulti) return NOT_IN_MULTI;
    // ACL (fast path: every user may run everything)
    if (rt.users.restricted) {
      const denied = rt.users.refusal(client, e, argv, multi !== undefined ? 'multi' : 'toplevel');
      if (denied !== undefined) return denied;
    }
    // 3a'. maxmemory: evict, then -OOM for denyoom commands (and anything queued in MULTI)
    if (rt.oomCheck !== undefined) {
      const oom = rt.oomCheck(client, e);
      if (oom !== undefined) return oom;
    }
    const isExec = e.fullname === 'exec';
    const isWrite = e.isWrite || (isExec && multi?.hasWrite === true);
    const diskError = rt.diskErrorCheck;
    if (diskError !== undefined && (isWrite || e.fullname === 'ping') && client.kind !== 'master') {
      const refusal = diskError();
      if (refusal !== undefined) return refusal;
    }
    // the options first: the role getter goes through two objects and most commands need no role
    const repl = rt.replication;
    const opts = rt.options;
    if (isWrite && opts.minReplicasToWrite > 0 && opts.minReplicasMaxLag > 0 && repl.role === 'master' && repl.goodReplicas < opts.minReplicasToWrite) {
      return NOREPLICAS;
    }
    if (isWrite && opts.replicaReadOnly && repl.role === 'replica' && client.kind !== 'master') return READONLY;
    if (client.protocol === 2 && !e.pubsubContext && client.channels.size + client.patterns.size + client.shardChannels.size > 0) {
      return pubsubContext(e.fullname);
    }
    if (!opts.replicaServeStaleData && repl.role === 'replica' && !repl.masterLinkUp && (e.denyStale || (isExec && multi?.hasDenyStale))) {
      return MASTERDOWN;
    }
    // a MONITOR client may not touch the keyspace (Redis refuses it for every CLIENT_SLAVE)
    if (this.introspection.isMonitor(client) && (e.isWrite || e.mayReplicate || e.isReadonly)) return MONITOR_KEYSPACE;
    if (repl.loading && (e.denyLoading || (isExec && multi?.hasDenyLoading))) return LOADING;
    // 9. BUSY while a script runs past busy-reply-threshold (commands flagged allow-busy pass)
    return scriptBusyRefusal(rt, client, e.spec.flags);
  }

  /** rejectCommand: flags the transaction; EXEC itself is aborted with the reason. */
  private reject(client: ServerClient, e: TableEntry | undefined, err: ErrorReply): void {
    if (e !== undefined) this.rt.stats.forEntry(e).rejectedCalls++;
    this.rt.stats.error(err.prefix);
    if (e?.fullname === 'exec') {
      // rejectCommand answers a refused EXEC with execCommandAbort, in MULTI or not
      if (client.multi !== undefined) {
        client.multi = undefined;
        for (const w of client.watched.values()) this.rt.keyspace.releaseKeyVersion(w.db, w.key);
        client.watched.clear();
      }
      client.reply(execAbort(err));
      return;
    }
    if (client.multi !== undefined) client.multi.dirtyExec = true;
    client.reply(err);
  }

  private queue(client: ServerClient, e: TableEntry, argv: string[]): void {
    const m = client.multi;
    if (m === undefined) return;
    m.queue.push({ entry: e, argv });
    if (e.isWrite) m.hasWrite = true;
    if (e.denyStale) m.hasDenyStale = true;
    if (e.denyLoading) m.hasDenyLoading = true;
    client.reply(QUEUED);
  }

  /** Runs one resolved command and replies (also used by EXEC for each queued command). */
  call(client: ServerClient, e: TableEntry, argv: string[], inExec: boolean): RespValue | typeof NO_REPLY {
    const rt = this.rt;
    const stat = rt.stats.forEntry(e);
    let ctx = client.callContext as ClientCallContext | undefined;
    if (ctx === undefined) {
      ctx = new ClientCallContext(rt, client);
      client.callContext = ctx;
    }
    const outerInExec = ctx.inExec;
    ctx.inExec = inExec;
    // replication-mode sync / semi-sync: a write (or EXEC) that moved the offset may have its reply held
    const hold = inExec || !(e.isWrite || e.fullname === 'exec') ? undefined : rt.writeAckHold;
    const offsetBefore = hold === undefined ? 0 : rt.replication.replicationOffset;
    const t0 = this.clockMark >= 0 ? this.clockMark : performance.now();
    this.callStarted = t0;
    let result: RespValue | typeof NO_REPLY;
    try {
      result = e.spec.handler(ctx, argv);
    } catch (err) {
      const failure = new CommandFailedError(e.fullname, err);
      this.observer.commandFailed(failure, client);
      result = new ErrorReply(`ERR ${(err as Error)?.message ?? String(err)}`.replace(/[\r\n]/g, ' '));
    } finally {
      ctx.inExec = outerInExec;
    }
    const t1 = performance.now();
    const us = Math.round((t1 - t0) * 1000);
    stat.usec += us;
    this.markClock(t1);
    stat.calls++;
    rt.stats.totalCommandsProcessed++;
    if (result === NO_REPLY) {
      this.introspection.called(client, e, argv, us);
      return result;
    }
    if (result instanceof ErrorReply) {
      stat.failedCalls++;
      rt.stats.error(result.prefix);
    }
    if (!inExec) {
      if (hold === undefined || rt.replication.replicationOffset === offsetBefore || !hold(client, result)) client.reply(result);
    }
    this.introspection.called(client, e, argv, us);
    return result;
  }
}
