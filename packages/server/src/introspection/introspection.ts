import { SimpleString } from '@replikit/resp';
import type { ClientConnection } from '../connection/client-connection';
import type { ServerClient } from '../connection/server-client';
import type { TableEntry } from '../dispatch/command-table';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { ClientTracking } from './client-tracking';
import { CommandHistogram, LatencyMonitor } from './latency-monitor';
import { monitorLine, monitorOrigin } from './monitor-line';
import { Slowlog } from './slowlog';

/** The settings read on every command, with redis.conf's names and defaults. */
export interface IntrospectionSettings {
  /** `slowlog-log-slower-than` in microseconds; negative disables, 0 logs every command. @default 10000 */
  slowlogLogSlowerThan: number;
  /** `latency-monitor-threshold` in milliseconds; 0 disables. @default 0 */
  latencyMonitorThreshold: number;
  /** `latency-tracking`: per-command latency histograms. @default true */
  latencyTracking: boolean;
}

/** Commands that feed MONITOR themselves before they run, so a script's commands follow them. */
const FEEDS_BEFORE = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro']);
/** Arguments Redis 7.0 replaces with `(redacted)` in MONITOR and SLOWLOG. */
const REDACTED = '(redacted)';

/** Clients that run a script's commands (MONITOR shows them as `lua`, SLOWLOG as `?:0`). */
const scriptClients = new WeakSet<ServerClient>();

export function markScriptClient(c: ServerClient): void {
  scriptClients.add(c);
}

/** Whether `c` runs a script's commands (CLIENT_SCRIPT: XREAD/XREADGROUP refuse BLOCK from scripts). */
export function isScriptClient(c: ServerClient): boolean {
  return scriptClients.has(c);
}

/** Clients in monitor mode on any server (CLIENT LIST flag `O`). */
const monitoring = new WeakSet<ServerClient>();

export function isMonitoringClient(c: ServerClient): boolean {
  return monitoring.has(c);
}

/** redactClientCommandArgument's choices: AUTH's arguments, HELLO's AUTH pair, MIGRATE's AUTH/AUTH2. */
function redact(e: TableEntry, argv: readonly string[]): readonly string[] {
  const n = e.fullname;
  if (n !== 'auth' && n !== 'hello' && n !== 'migrate') return argv;
  const out = [...argv];
  if (n === 'auth') {
    for (let i = 1; i < out.length; i++) out[i] = REDACTED;
    return out;
  }
  for (let i = n === 'hello' ? 2 : 6; i < out.length; i++) {
    const a = (out[i] as string).toLowerCase();
    if (a === 'auth' && n === 'hello') {
      if (i + 2 < out.length) {
        out[i + 1] = REDACTED;
        out[i + 2] = REDACTED;
      }
      i += 2;
    } else if (n === 'migrate' && a === 'auth') {
      if (i + 1 < out.length) out[i + 1] = REDACTED;
      i += 1;
    } else if (n === 'migrate' && a === 'auth2') {
      if (i + 2 < out.length) {
        out[i + 1] = REDACTED;
        out[i + 2] = REDACTED;
      }
      i += 2;
    } else if (n === 'migrate' && a === 'keys') break;
  }
  return out;
}

/**
 * MONITOR clients, the slow log, the latency monitor and the command latency histograms of one
 * server. The dispatcher calls `called()` after every command (clients, EXEC, scripts); with no
 * monitors, a threshold not reached and latency tracking off it only compares numbers.
 */
export class Introspection {
  readonly monitors = new Set<ClientConnection>();
  readonly slowlog = new Slowlog(128);
  readonly latency = new LatencyMonitor();
  readonly histograms = new Map<string, CommandHistogram>();
  readonly settings: IntrospectionSettings = { slowlogLogSlowerThan: 10000, latencyMonitorThreshold: 0, latencyTracking: true };
  /** CLIENT TRACKING */
  readonly tracking: ClientTracking;

  constructor(rt: ServerRuntime) {
    this.tracking = new ClientTracking(rt);
  }

  /** After a command ran (its reply is written): MONITOR feed, SLOWLOG, LATENCY, histogram. */
  called(client: ServerClient, e: TableEntry, argv: readonly string[], durationUs: number, db = client.db): void {
    const s = this.settings;
    const fullname = e.fullname;
    if (this.tracking.active) this.tracking.afterCommand(client, e, argv);
    // EXEC comes after the commands it ran, as in Redis's natural order of calls
    if (this.monitors.size > 0 && !FEEDS_BEFORE.has(fullname) && !e.spec.flags.includes('admin')) {
      this.feed(client, db, redact(e, argv));
    }
    // EXEC is flagged skip-slowlog: its commands are logged one by one
    if (s.slowlogLogSlowerThan >= 0 && durationUs >= s.slowlogLogSlowerThan && fullname !== 'exec') {
      const script = scriptClients.has(client);
      this.slowlog.push(redact(e, argv), durationUs, script ? '?:0' : client.addr, script ? '' : client.name);
    }
    if (s.latencyMonitorThreshold > 0) {
      this.latency.addIfNeeded(s.latencyMonitorThreshold, e.spec.flags.includes('fast') ? 'fast-command' : 'command', Math.floor(durationUs / 1000));
    }
    if (s.latencyTracking) {
      let h = this.histograms.get(fullname);
      if (h === undefined) {
        h = new CommandHistogram();
        this.histograms.set(fullname, h);
      }
      h.record(durationUs);
    }
  }

  /**
   * A transaction of keyspace commands run in one piece: each command as if called on its own,
   * in `db`, with the block's time shared among them.
   */
  calledInTransaction(client: ServerClient, queue: ReadonlyArray<{ readonly entry: TableEntry; readonly argv: string[] }>, db: number, totalUs: number): void {
    const us = Math.round(totalUs / Math.max(1, queue.length));
    for (const q of queue) this.called(client, q.entry, q.argv, us, db);
  }

  /** EVAL is shown before its script's commands: it feeds MONITOR when it starts. */
  feedCommand(client: ServerClient, db: number, argv: readonly string[]): void {
    if (this.monitors.size > 0) this.feed(client, db, argv);
  }

  /** MONITOR: the line goes to every monitor as a status reply. */
  private feed(client: ServerClient, db: number, argv: readonly string[]): void {
    const line = new SimpleString(monitorLine(db, monitorOrigin(client, scriptClients.has(client)), argv));
    for (const m of this.monitors) {
      if (m.isClosed) continue;
      m.reply(line);
      m.scheduleFlush();
    }
  }

  /** CONFIG RESETSTAT: the command latency histograms start again (resetCommandTableStats). */
  resetStats(): void {
    this.histograms.clear();
  }

  /** RESET: monitor mode and tracking end. */
  clientReset(c: ServerClient): void {
    this.unmonitor(c);
    this.tracking.disable(c);
  }

  /** A client leaves monitor mode (RESET, close). */
  unmonitor(c: ServerClient): void {
    this.monitors.delete(c as ClientConnection);
    monitoring.delete(c);
  }

  /** A client enters monitor mode (MONITOR). */
  monitor(c: ClientConnection): void {
    this.monitors.add(c);
    monitoring.add(c);
  }

  isMonitor(c: ServerClient): boolean {
    return this.monitors.size > 0 && this.monitors.has(c as ClientConnection);
  }
}

const all = new WeakMap<object, Introspection>();

/** The Introspection of a server runtime (created on first use). */
export function introspectionOf(rt: ServerRuntime | object): Introspection {
  let i = all.get(rt);
  if (i === undefined) {
    i = new Introspection(rt as ServerRuntime);
    all.set(rt, i);
  }
  return i;
}
