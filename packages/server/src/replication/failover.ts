/**
 * FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | FAILOVER ABORT (Redis 6.2+ coordinated switchover).
 *
 * A master pauses writes (the `failover` pause purpose) and waits (`waiting-for-sync`) until a
 * replica (the one given with TO, else the first) acknowledged the master's whole offset; it then
 * becomes a replica of that target (`failover-in-progress`) and PSYNCs with `FAILOVER` appended.
 * The target, still a replica of this master, turns itself into a master when the replid matches
 * (the id shift keeps the old one as replid2), so the old master continues partially. Once the
 * old master's link is up the state is cleared and the pause ends (postponed writes then meet a
 * replica and get -READONLY). TIMEOUT without FORCE aborts when the target does not catch up;
 * with FORCE the switch happens anyway. ABORT during `failover-in-progress` makes this node a
 * master again. INFO shows the state as `master_failover_state`.
 */
import { replidEquals } from '@replikit/backlog';
import { ErrorReply, SimpleString } from '@replikit/resp';
import { parseStrictInt } from '../commands/arg-parsing';
import type { ServerClient } from '../connection/server-client';
import { type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { NOT_INTEGER, SYNTAX } from '../dispatch/reply-texts';
import type { Logger } from '../logger';
import type { ReplikitServer } from '../server';
import type { ServerReplication } from './server-replication';

export type FailoverState = 'no-failover' | 'waiting-for-sync' | 'failover-in-progress';

const OK = new SimpleString('OK');
const err = (text: string): ErrorReply => new ErrorReply(`ERR ${text}`);
const CHECK_INTERVAL_MS = 100;
const CANT_SYNC_WHILE_FAILING_OVER = new ErrorReply("NOMASTERLINK Can't SYNC while failing over");

export class FailoverCoordinator {
  #state: FailoverState = 'no-failover';
  #host: string | undefined;
  #port = 0;
  #endAt = 0;
  #force = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repl: ServerReplication,
    private readonly server: ReplikitServer,
    private readonly logger: Logger,
  ) {
    repl.node.on('replica:ack', () => this.#update());
  }

  get state(): FailoverState {
    return this.#state;
  }

  /** The FAILOVER command (failoverCommand). */
  command(argv: readonly string[]): ErrorReply | SimpleString {
    if (argv.length === 2 && (argv[1] as string).toLowerCase() === 'abort') {
      if (this.#state === 'no-failover') return err('No failover in progress.');
      this.abort('Failover manually aborted');
      return OK;
    }
    let timeout = 0;
    let force = false;
    let host: string | undefined;
    let port = 0;
    for (let j = 1; j < argv.length; j++) {
      const a = (argv[j] as string).toLowerCase();
      if (a === 'timeout' && j + 1 < argv.length && timeout === 0) {
        const t = parseStrictInt(argv[j + 1] as string);
        if (t === null) return NOT_INTEGER;
        if (t <= 0) return err('FAILOVER timeout must be greater than 0');
        timeout = t;
        j++;
      } else if (a === 'to' && j + 2 < argv.length && host === undefined) {
        const p = parseStrictInt(argv[j + 2] as string);
        if (p === null) return NOT_INTEGER;
        host = argv[j + 1] as string;
        port = p;
        j += 2;
      } else if (a === 'force' && !force) force = true;
      else return SYNTAX;
    }
    if (this.#state !== 'no-failover') return err('FAILOVER already in progress.');
    if (this.repl.role === 'replica') return err('FAILOVER is not valid when server is a replica.');
    const replicas = this.repl.node.replicas();
    if (replicas.length === 0) return err('FAILOVER requires connected replicas.');
    if (force && (timeout === 0 || host === undefined)) return err('FAILOVER with force option requires both a timeout and target HOST and IP.');
    if (host !== undefined) {
      const target = replicas.find((r) => r.ip.toLowerCase() === (host as string).toLowerCase() && r.port === port);
      if (target === undefined) return err('FAILOVER target HOST and PORT is not a replica.');
      if (target.state !== 'online') return err('FAILOVER target replica is not online.');
      this.#host = host;
      this.#port = port;
      this.logger.notice(`FAILOVER requested to ${host}:${port}.`);
    } else {
      this.logger.notice('FAILOVER requested to any replica.');
    }
    this.#endAt = timeout > 0 ? Date.now() + timeout : 0;
    this.#force = force;
    this.#state = 'waiting-for-sync';
    this.server.pauses.pause('failover', 'write', 0);
    this.#timer = setInterval(() => this.#update(), CHECK_INTERVAL_MS);
    this.#timer.unref();
    queueMicrotask(() => this.#update());
    return OK;
  }

  /** abortFailover: back to no-failover (and to master when the switch had started). */
  abort(reason: string): void {
    if (this.#state === 'no-failover') return;
    const to = this.#host !== undefined ? `${this.#host}:${this.#port}` : 'any replica';
    this.logger.notice(`FAILOVER to ${to} aborted: ${reason}`);
    if (this.#state === 'failover-in-progress') this.repl.unsetMaster(undefined, 'failover abort');
    this.#clear();
  }

  /** REPLICAOF is refused while a failover runs. */
  get refusesReplicaof(): boolean {
    return this.#state !== 'no-failover';
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #clear(): void {
    this.#state = 'no-failover';
    this.#host = undefined;
    this.#port = 0;
    this.#endAt = 0;
    this.#force = false;
    this.repl.node.psyncFailover = false;
    this.close();
    this.server.pauses.unpause('failover');
  }

  /** updateFailoverStatus, run on every ACK and on a short timer while a failover runs. */
  #update(): void {
    if (this.#state === 'failover-in-progress') {
      // the PSYNC FAILOVER was answered (+CONTINUE or +FULLRESYNC): the hand-over is complete
      if (this.repl.masterLinkUp) {
        this.logger.notice(`FAILOVER to ${this.#host}:${this.#port} completed.`);
        this.#clear();
      }
      return;
    }
    if (this.#state !== 'waiting-for-sync') return;
    if (this.#endAt > 0 && Date.now() >= this.#endAt) {
      if (this.#force) {
        this.logger.notice(`FAILOVER to ${this.#host}:${this.#port} time out exceeded, failing over.`);
        this.#switch();
      } else this.abort('Replica never caught up before timeout');
      return;
    }
    const offset = this.repl.node.masterReplOffset;
    const replicas = this.repl.node.replicas().filter((r) => r.state === 'online');
    const target =
      this.#host !== undefined
        ? replicas.find((r) => r.ip.toLowerCase() === (this.#host as string).toLowerCase() && r.port === this.#port)
        : replicas.find((r) => r.offset === offset);
    if (target === undefined || target.offset !== offset) return;
    this.#host = target.ip;
    this.#port = target.port;
    this.logger.notice(`Failover target ${this.#host}:${this.#port} is synced, failing over.`);
    this.#switch();
  }

  #switch(): void {
    this.#state = 'failover-in-progress';
    this.repl.node.psyncFailover = true;
    this.repl.setMaster(this.#host as string, this.#port);
  }
}

/**
 * `PSYNC replid offset FAILOVER` on a replica whose replid matches: this replica becomes a master
 * first (the old master hands over to it), then the PSYNC is answered as usual. @returns the argv
 * to answer (without FAILOVER), or an error reply
 */
export function psyncFailoverArgv(repl: ServerReplication, client: ServerClient, argv: readonly string[]): readonly string[] | ErrorReply {
  if (repl.failover.state !== 'no-failover') return CANT_SYNC_WHILE_FAILING_OVER;
  if (argv.length !== 4 || (argv[3] as string).toLowerCase() !== 'failover') return argv;
  if (repl.role !== 'replica') return argv;
  if (!replidEquals(argv[1] as string, repl.node.replid)) return err('PSYNC FAILOVER replid must match my replid.');
  repl.unsetMaster(client, 'failover request');
  return argv.slice(0, 3);
}

/** FAILOVER as a server command. */
export function failoverCommand(failover: FailoverCoordinator): ServerCommandSpec {
  return spec('failover', -1, ['admin', 'noscript', 'stale'], ['@admin', '@slow', '@dangerous'], (_ctx, argv) => failover.command(argv as string[]));
}
