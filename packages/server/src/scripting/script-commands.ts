/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (LOAD, EXISTS, FLUSH, KILL, DEBUG, HELP) over one
 * LuaScriptEngine per server; redis.call's checks and the script client are in script-run.ts. The
 * writes a script makes are propagated as the commands it ran, wrapped in MULTI/EXEC when there is
 * more than one (7.0 effects replication); scripts themselves are never propagated, so each server
 * has its own cache.
 */
import { ErrorReply, OK, type RespValue, SimpleString } from '@replikit/resp';
import type { ServerClient } from '../connection/server-client';
import { type CommandContext, containerSpec, NO_REPLY, type ServerCommandSpec } from '../dispatch/command-spec';
import { NOT_INTEGER } from '../dispatch/reply-texts';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { OOM } from '../eviction/oom-reply';
import { BUSY, type CachedScript, type LuaScriptEngine } from './script-engine';
import { type ScriptRun, scriptEngineOf, scriptingOf, scriptRunFor, slowScripts } from './script-run';

export { scriptEngineOf, scriptRunFor };

const NOSCRIPT = new ErrorReply('NOSCRIPT No matching script. Please use EVAL.');
export const KEYS_NEGATIVE = new ErrorReply("ERR Number of keys can't be negative");
export const KEYS_TOO_MANY = new ErrorReply("ERR Number of keys can't be greater than number of args");
export const RO_REPLICA = new ErrorReply('READONLY Can not run script with write flag on readonly replica');
export const RO_COMMAND = new ErrorReply('ERR Can not execute a script with write flag using *_ro command.');
const NOTBUSY = new ErrorReply('NOTBUSY No scripts in execution right now.');
const UNKILLABLE = new ErrorReply(
  'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
);

/** getLongLongFromObject: a strict decimal integer (no sign but `-`, no leading zero, safe). */
export function parseNumKeys(s: string): number | undefined {
  const n = s.length;
  const start = n > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  if (n - start < 1 || n - start > 19) return undefined;
  // a leading zero only as the whole number ("0"; "-0" and "01" are refused)
  if (s.charCodeAt(start) === 48 && n > 1) return undefined;
  let v = 0;
  for (let i = start; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  if (!Number.isSafeInteger(v)) return undefined;
  return start === 1 ? -v : v;
}

function evalGeneric(ctx: CommandContext, argv: readonly string[], bySha: boolean, ro: boolean): RespValue {
  const rt = ctx.runtime;
  const scripting = scriptingOf(rt);
  // MONITOR shows EVAL before the commands its script runs
  scripting.introspection.feedCommand(ctx.client, ctx.client.db, argv);
  const numkeys = parseNumKeys(argv[2] as string);
  if (numkeys === undefined) return NOT_INTEGER;
  if (numkeys > argv.length - 3) return KEYS_TOO_MANY;
  if (numkeys < 0) return KEYS_NEGATIVE;
  const engine = scripting.engine;
  let script: CachedScript | ErrorReply | undefined;
  if (bySha) {
    const sha = argv[1] as string;
    script = sha.length === 40 ? engine.get(sha) : undefined;
    if (script === undefined) return NOSCRIPT;
  } else {
    script = engine.load(argv[1] as string);
    if (script instanceof ErrorReply) return script;
  }
  const client = ctx.client;
  const flags = script.flags;
  if (!flags.compat && !flags.noWrites) {
    if (rt.replication.role === 'replica' && rt.options.replicaReadOnly && client.kind !== 'master') return RO_REPLICA;
    if (ro) return RO_COMMAND;
  }
  // a shebang script that may write is denyoom unless allow-oom (evalGetCommandFlags)
  if (!flags.compat && !flags.noWrites && !flags.allowOom && rt.preCommandOom === true && rt.oomCheck !== undefined && client.kind !== 'master') return OOM;
  const run = scriptRunFor(rt, client, ro || flags.noWrites);
  run.allowOom = !flags.compat && flags.allowOom;
  // inside EXEC a script cannot be suspended: it runs to its end
  run.prepare(script, argv, numkeys, !ctx.inExec, rt.dispatcher.callStarted);
  const first = rt.propagateAsUnit(client, run.start);
  if (first.done) return first.reply;
  continueSlowScript(rt, engine, client, run);
  return NO_REPLY;
}

const SCRIPT_BLOCK = { type: 'command' as const };

/**
 * A script past busy-reply-threshold: its client waits (its input is on hold) while the script is
 * resumed from the event loop, one hook interval at a time; meanwhile other clients are answered
 * BUSY and SCRIPT KILL can stop it. Each stretch's writes are propagated as one unit.
 */
export function continueSlowScript(rt: ServerRuntime, engine: LuaScriptEngine, client: ServerClient, run: ScriptRun): void {
  client.blockedOn = SCRIPT_BLOCK;
  slowScripts.set(rt, run);
  const tick = (): void => {
    const r = rt.propagateAsUnit(client, () => engine.resume());
    if (!r.done) {
      setImmediate(tick);
      return;
    }
    slowScripts.delete(rt);
    client.blockedOn = undefined;
    if (!client.isClosed) {
      client.reply(r.reply);
      client.resume();
    }
    rt.blocking.serveReadyKeys();
  };
  setImmediate(tick);
}

/**
 * processCommand's BUSY check: while a script of this server runs past busy-reply-threshold,
 * commands not flagged `allow-busy` are refused (the master link's stream is still applied).
 */
export function scriptBusyRefusal(rt: ServerRuntime, client: ServerClient, flags: readonly string[]): ErrorReply | undefined {
  if (slowScripts.size === 0 || !slowScripts.has(rt) || client.kind === 'master') return undefined;
  return flags.includes('allow-busy') ? undefined : BUSY;
}

const EVAL_FLAGS = ['noscript', 'stale', 'skip-monitor', 'no-mandatory-keys', 'movablekeys'] as const;
const RO_FLAGS = ['readonly', ...EVAL_FLAGS] as const;
const CAT = ['@slow', '@scripting'];

function evalSpec(name: string, bySha: boolean, ro: boolean): ServerCommandSpec {
  return {
    name,
    arity: -3,
    flags: ro ? RO_FLAGS : EVAL_FLAGS,
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: CAT,
    docs: { summary: '', group: 'scripting', since: ro ? '7.0.0' : bySha ? '2.6.0' : '2.6.0' },
    handler: (ctx, argv) => evalGeneric(ctx, argv, bySha, ro),
  };
}

function sub(name: string, arity: number, flags: ServerCommandSpec['flags'], handler: ServerCommandSpec['handler']): ServerCommandSpec {
  return { name: `script|${name}`, arity, flags, firstKey: 0, lastKey: 0, keyStep: 0, categories: CAT, handler };
}

const HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

const scriptCommand = containerSpec(
  'script',
  [
    sub('load', 3, ['noscript', 'stale'], (ctx, argv) => {
      const r = scriptEngineOf(ctx.runtime).load(argv[2] as string);
      return r instanceof ErrorReply ? r : r.sha;
    }),
    sub('exists', -3, ['noscript'], (ctx, argv) => {
      const e = scriptEngineOf(ctx.runtime);
      return argv.slice(2).map((sha) => (e.has(sha) ? 1 : 0));
    }),
    sub('flush', -2, ['noscript'], (ctx, argv) => {
      if (argv.length > 3) return new ErrorReply('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
      if (argv.length === 3) {
        const mode = (argv[2] as string).toLowerCase();
        if (mode !== 'sync' && mode !== 'async') return new ErrorReply('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
      }
      scriptEngineOf(ctx.runtime).flush();
      return OK;
    }),
    sub('kill', 2, ['noscript', 'allow-busy'], (ctx) => {
      const run = slowScripts.get(ctx.runtime);
      const outcome = scriptEngineOf(ctx.runtime).kill(run?.wrote === true);
      if (outcome === 'notbusy') return NOTBUSY;
      if (outcome === 'unkillable') return UNKILLABLE;
      return OK;
    }),
    sub('debug', 3, ['noscript'], (_ctx, argv) => {
      const mode = (argv[2] as string).toLowerCase();
      if (mode === 'no') return OK;
      if (mode === 'yes' || mode === 'sync') return new ErrorReply('ERR The Lua debugger (SCRIPT DEBUG) is not supported by this server');
      return new ErrorReply('ERR Use SCRIPT DEBUG YES/SYNC/NO');
    }),
    sub('help', 2, ['loading', 'stale'], () => HELP.map((l) => new SimpleString(l))),
  ],
  { categories: ['@slow'] },
);

/** The scripting commands, for the server's command table. */
export const scriptingCommands: ServerCommandSpec[] = [
  evalSpec('eval', false, false),
  evalSpec('evalsha', true, false),
  evalSpec('eval_ro', false, true),
  evalSpec('evalsha_ro', true, true),
  scriptCommand,
];
