/**
 * What a script invocation runs with: the server's script engine, the ScriptRun of the calling
 * connection (the context redis.call reaches the server through) and scriptCall's checks on every
 * command a script runs (unknown command, arity, `noscript`, writes from read-only scripts,
 * READONLY replica, MISCONF, OOM). Commands see a script client that starts in the caller's db
 * (SELECT inside moves only the script's db).
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { ServerClient } from '../connection/server-client';
import { NO_REPLY } from '../dispatch/command-spec';
import type { TableEntry } from '../dispatch/command-table';
import type { KeyspaceResult } from '../dispatch/keyspace-bridge';
import { READONLY } from '../dispatch/reply-texts';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { OOM } from '../eviction/oom-reply';
import { type Introspection, introspectionOf } from '../introspection/introspection';
import type { ScriptCallContext } from './lua-redis-api';
import { ScriptClient } from './script-client';
import { type CachedScript, LuaScriptEngine, type RunResult } from './script-engine';

const UNKNOWN = new ErrorReply('ERR Unknown Redis command called from script');
const WRONG_ARGS = new ErrorReply('ERR Wrong number of args calling Redis command from script');
const NOT_ALLOWED = new ErrorReply('ERR This Redis command is not allowed from script');
const RO_WRITE = new ErrorReply('ERR Write commands are not allowed from read-only scripts.');

const NO_ARGS: readonly string[] = [];

/**
 * A server's scripting state: its engine, and the command redis.call resolved last. A script's
 * command name is a constant of its code, and redis.call hands over the same string object each
 * time (lua-runtime.ts keeps it with the Lua string), so one comparison finds the entry again;
 * the command table's version tells when a registration may have replaced it.
 */
export class Scripting {
  readonly engine = new LuaScriptEngine();
  readonly introspection: Introspection;
  private lastName = '';
  private lastEntry: TableEntry | undefined;
  private lastVersion = -1;
  private lastNoScript = false;
  private lastDenyOom = false;

  constructor(private readonly rt: ServerRuntime) {
    this.introspection = introspectionOf(rt);
  }

  /** The entry for `argv` (a command without subcommands comes from the last-resolved slot), or an error reply. */
  resolve(argv: readonly string[]): TableEntry | ErrorReply {
    const commands = this.rt.commands;
    const name = argv[0] as string;
    const entry = this.lastEntry;
    if (entry === undefined || name !== this.lastName || commands.version !== this.lastVersion) {
      const found = commands.lookup(argv);
      if (found instanceof ErrorReply || found.spec.subcommands !== undefined || found.fullname.includes('|')) return found;
      this.lastName = name;
      this.lastEntry = found;
      this.lastVersion = commands.version;
      this.lastNoScript = found.spec.flags.includes('noscript');
      this.lastDenyOom = found.spec.flags.includes('denyoom');
      return found;
    }
    const arity = entry.spec.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return WRONG_ARGS;
    return entry;
  }

  /** flagged `noscript` */
  noScript(e: TableEntry): boolean {
    return e === this.lastEntry ? this.lastNoScript : e.spec.flags.includes('noscript');
  }

  /** flagged `denyoom` */
  denyOom(e: TableEntry): boolean {
    return e === this.lastEntry ? this.lastDenyOom : e.spec.flags.includes('denyoom');
  }
}

const states = new WeakMap<ServerRuntime, Scripting>();
/** the runtime scriptingOf served last and its state (one process nearly always has one server) */
let lastRuntime: ServerRuntime | undefined;
let lastState: Scripting | undefined;

/** The server's scripting state (created on first use). */
export function scriptingOf(rt: ServerRuntime): Scripting {
  if (rt === lastRuntime) return lastState as Scripting;
  let s = states.get(rt);
  if (s === undefined) {
    s = new Scripting(rt);
    states.set(rt, s);
  }
  lastRuntime = rt;
  lastState = s;
  return s;
}

/** The server's script engine (created on first use). */
export function scriptEngineOf(rt: ServerRuntime): LuaScriptEngine {
  return scriptingOf(rt).engine;
}

/** One invocation's state, reused by the caller's next script (see `scriptRunFor`). */
export class ScriptRun implements ScriptCallContext {
  resp: 2 | 3 = 2;
  replFlags = 3;
  /** a write command ran (SCRIPT KILL answers UNKILLABLE) */
  wrote = false;
  /** shebang flag allow-oom: denyoom commands run even when the script started over maxmemory */
  allowOom = false;
  private readonly client: ScriptClient;
  private readonly scripting: Scripting;
  /** the caller is our master's link (a client's kind never becomes or stops being `master`) */
  private readonly fromMaster: boolean;
  // the EVAL `start` runs (set by `prepare`; fields, not an object per call)
  private script: CachedScript | undefined;
  private argv: readonly string[] = NO_ARGS;
  private numkeys = 0;
  private mayYield = false;
  private started = 0;
  /** the invocation's start (unix ms): keys its commands read are judged expired at this time, as 7.0 does */
  private timeSnapshot = Date.now();

  constructor(
    readonly rt: ServerRuntime,
    private readonly caller: ServerClient,
    private readOnly: boolean,
  ) {
    this.client = new ScriptClient(caller);
    this.scripting = scriptingOf(rt);
    this.fromMaster = caller.kind === 'master';
  }

  /**
   * Starts the script set with `prepare` (one function for every call, so propagateAsUnit gets
   * no new closure per EVAL).
   */
  readonly start = (): RunResult => {
    const argv = this.argv;
    this.argv = NO_ARGS;
    return this.scripting.engine.run(this.script as CachedScript, argv, 3, this.numkeys, this, this.mayYield, this.started);
  };

  /** The EVAL `start` runs: `script` with KEYS and ARGV from `argv`, counted as started at `started` (performance.now() time). */
  prepare(script: CachedScript, argv: readonly string[], numkeys: number, mayYield: boolean, started: number): void {
    this.script = script;
    this.argv = argv;
    this.numkeys = numkeys;
    this.mayYield = mayYield;
    this.started = started;
  }

  /** The state of a new invocation (the script client starts again in the caller's db). */
  reset(readOnly: boolean): void {
    this.timeSnapshot = Date.now();
    this.resp = 2;
    this.replFlags = 3;
    this.wrote = false;
    this.allowOom = false;
    this.readOnly = readOnly;
    const c = this.client;
    c.db = this.caller.db;
    c.protocol = 2;
    c.multi = undefined;
    const captured = c.captured as RespValue[];
    if (captured.length !== 0) captured.length = 0;
    c.muted = false;
  }

  aclAllows(argv: string[]): boolean {
    const found = this.rt.commands.lookup(argv);
    return found instanceof ErrorReply || this.rt.users.allows(this.caller, found, argv);
  }

  commandExists(argv: string[]): boolean {
    return !(this.rt.commands.lookup(argv) instanceof ErrorReply);
  }

  call(lent: string[]): RespValue {
    const rt = this.rt;
    const scripting = this.scripting;
    const found = scripting.resolve(lent);
    if (found instanceof ErrorReply) return found === WRONG_ARGS || found.message.startsWith('ERR wrong number') ? WRONG_ARGS : UNKNOWN;
    // `lent` is redis.call's reused array: a keyspace read keeps nothing of it; writes (propagated
    // as they are), other commands and the ACL log may keep theirs
    const restricted = rt.users.restricted;
    const argv = found.spec.keyspace === true && !found.isWrite && !restricted ? lent : lent.slice();
    if (scripting.noScript(found)) return NOT_ALLOWED;
    // ACL: the script's commands are checked for the user running the script (context lua)
    if (restricted) {
      const denied = rt.users.scriptRefusal(this.caller, found, argv);
      if (denied !== undefined) return denied;
    }
    if (found.isWrite) {
      if (this.readOnly) return RO_WRITE;
      if (rt.replication.role === 'replica' && rt.options.replicaReadOnly && !this.fromMaster) return READONLY;
      const diskError = rt.diskErrorCheck?.();
      if (diskError !== undefined && !this.fromMaster) return diskError;
    }
    // scriptVerifyOOM: over maxmemory at the script's start, denyoom commands fail until its first write
    if (rt.preCommandOom === true && rt.oomCheck !== undefined && !this.allowOom && !this.wrote && !this.fromMaster && scripting.denyOom(found)) return OOM;
    const sc = this.client;
    sc.protocol = this.resp;
    if (found.isWrite) this.wrote = true;
    if (found.spec.keyspace === true) {
      const stat = rt.stats.forEntry(found);
      stat.calls++;
      rt.stats.totalCommandsProcessed++;
      const t0 = performance.now();
      const ks = rt.keyspace;
      ks.freezeExpiryClock(this.timeSnapshot);
      let r: KeyspaceResult;
      try {
        r = ks.execute(argv, sc.db, this.resp, this.fromMaster);
      } finally {
        ks.freezeExpiryClock(undefined);
      }
      const reply = r.reply;
      const writes = r.writes;
      scripting.introspection.called(sc, found, argv, Math.round((performance.now() - t0) * 1000));
      if (writes.length > 0 && (this.replFlags & 2) !== 0) rt.propagate(writes, this.caller);
      if (reply instanceof ErrorReply) stat.failedCalls++;
      return reply;
    }
    const captured = sc.captured as RespValue[];
    captured.length = 0;
    rt.keyspace.freezeExpiryClock(this.timeSnapshot);
    let r: ReturnType<ServerRuntime['dispatcher']['call']>;
    try {
      r = rt.dispatcher.call(sc, found, argv, true);
    } finally {
      rt.keyspace.freezeExpiryClock(undefined);
    }
    if (r !== NO_REPLY) return r;
    return captured.length > 0 ? (captured[0] as RespValue) : null;
  }
}

const runs = new WeakMap<ServerClient, ScriptRun>();
/**
 * The caller scriptRunFor served last and its run (the entry `runs` holds for it). A closed
 * client stays referenced here until another client runs a script: one connection's state.
 */
let lastCaller: ServerClient | undefined;
let lastRun: ScriptRun | undefined;

/** Runtimes with a script past busy-reply-threshold (the dispatcher answers their clients BUSY). */
export const slowScripts = new Map<ServerRuntime, ScriptRun>();

/**
 * The ScriptRun for a new invocation by `caller`: the caller's previous one, reset, so a script
 * call creates no script client (and marks none as such) once the connection has run one; a new
 * one while the previous is still running (a script past busy-reply-threshold).
 */
export function scriptRunFor(rt: ServerRuntime, caller: ServerClient, readOnly: boolean): ScriptRun {
  // a pipeline of scripts from one client: the same run again, without the WeakMap lookup
  const r = caller === lastCaller ? lastRun : runs.get(caller);
  if (r !== undefined && r.rt === rt && (slowScripts.size === 0 || slowScripts.get(rt) !== r)) {
    r.reset(readOnly);
    lastCaller = caller;
    lastRun = r;
    return r;
  }
  const fresh = new ScriptRun(rt, caller, readOnly);
  runs.set(caller, fresh);
  lastCaller = caller;
  lastRun = fresh;
  return fresh;
}
