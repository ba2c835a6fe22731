/**
 * FCALL, FCALL_RO and FUNCTION LOAD | DELETE | FLUSH | LIST | STATS | KILL | DUMP | RESTORE
 * (Redis 7.0 functions). FCALL runs like EVAL (same script client, checks and effects
 * replication); FUNCTION LOAD, DELETE, FLUSH and RESTORE are propagated as they were called, so
 * replicas (ours and redis-server) get the libraries. RDB files carry them too (function-dump.ts).
 */
import { ErrorReply, MapReply, OK, type RespValue, SetReply, SimpleString } from '@replikit/resp';
import { type CommandContext, containerSpec, NO_REPLY, type ServerCommandSpec } from '../dispatch/command-spec';
import { NOT_INTEGER } from '../dispatch/reply-texts';
import { OOM } from '../eviction/oom-reply';
import { functionDump, functionRestore } from './function-dump';
import { existingFunctionRegistry, functionRegistryOf } from './function-library';
import { continueSlowScript, KEYS_NEGATIVE, KEYS_TOO_MANY, parseNumKeys, RO_COMMAND, RO_REPLICA, scriptEngineOf, scriptRunFor } from './script-commands';

export { functionRegistryOf };

const CAT = ['@slow', '@scripting'];

function fcall(ctx: CommandContext, argv: readonly string[], ro: boolean): RespValue {
  const rt = ctx.runtime;
  const reg = functionRegistryOf(rt);
  const fn = reg.functions.get(argv[1] as string);
  if (fn === undefined) return new ErrorReply('ERR Function not found');
  const numkeys = parseNumKeys(argv[2] as string);
  if (numkeys === undefined) return NOT_INTEGER;
  if (numkeys > argv.length - 3) return KEYS_TOO_MANY;
  if (numkeys < 0) return KEYS_NEGATIVE;
  const client = ctx.client;
  const noWrites = fn.flags.includes('no-writes');
  if (!noWrites) {
    if (rt.replication.role === 'replica' && rt.options.replicaReadOnly && client.kind !== 'master') return RO_REPLICA;
    if (ro) return RO_COMMAND;
  }
  const engine = scriptEngineOf(rt);
  const allowOom = fn.flags.includes('allow-oom');
  // a function that may write is denyoom unless allow-oom (fcallGetCommandFlags)
  if (!noWrites && !allowOom && rt.preCommandOom === true && rt.oomCheck !== undefined && client.kind !== 'master') return OOM;
  const run = scriptRunFor(rt, client, ro || noWrites);
  run.allowOom = allowOom;
  const keys = argv.slice(3, 3 + numkeys) as string[];
  const args = argv.slice(3 + numkeys) as string[];
  const first = rt.propagateAsUnit(client, () => engine.runFunction(fn.ref, fn.name, keys, args, run, !ctx.inExec, rt.dispatcher.callStarted));
  if (first.done) return first.reply;
  continueSlowScript(rt, engine, client, run);
  return NO_REPLY;
}

function fcallSpec(name: string, ro: boolean): ServerCommandSpec {
  const flags = ['noscript', 'stale', 'skip-monitor', 'no-mandatory-keys', 'movablekeys'] as const;
  return {
    name,
    arity: -3,
    flags: ro ? ['readonly', ...flags] : flags,
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: CAT,
    handler: (ctx, argv) => fcall(ctx, argv, ro),
  };
}

function sub(name: string, arity: number, flags: ServerCommandSpec['flags'], handler: ServerCommandSpec['handler']): ServerCommandSpec {
  return { name: `function|${name}`, arity, flags, firstKey: 0, lastKey: 0, keyStep: 0, categories: CAT, handler };
}

/** Propagates the command as called (FUNCTION LOAD/DELETE/FLUSH reach replicas and the AOF). */
function propagateAsIs(ctx: CommandContext, argv: readonly string[]): void {
  ctx.runtime.propagate([{ db: ctx.client.db, argv: [...argv] }], ctx.client);
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function list(ctx: CommandContext, argv: readonly string[]): RespValue {
  let withCode = false;
  let pattern: RegExp | undefined;
  for (let i = 2; i < argv.length; i++) {
    const a = (argv[i] as string).toLowerCase();
    if (a === 'withcode' && !withCode) withCode = true;
    else if (a === 'libraryname' && pattern === undefined && i + 1 < argv.length) pattern = globToRegExp(argv[++i] as string);
    else return new ErrorReply(`ERR Unknown argument ${argv[i]}`);
  }
  const out: RespValue[] = [];
  for (const lib of functionRegistryOf(ctx.runtime).libraries.values()) {
    if (pattern !== undefined && !pattern.test(lib.name)) continue;
    const fns = [...lib.functions.values()].map(
      (f) =>
        new MapReply([
          ['name', f.name],
          ['description', f.description],
          ['flags', new SetReply(f.flags.map((x) => new SimpleString(x)))],
        ]),
    );
    const entries: Array<[RespValue, RespValue]> = [
      ['library_name', lib.name],
      ['engine', 'LUA'],
      ['functions', fns],
    ];
    if (withCode) entries.push(['library_code', lib.code]);
    out.push(new MapReply(entries));
  }
  return out;
}

const NOTBUSY = new ErrorReply('NOTBUSY No scripts in execution right now.');

/** FUNCTION HELP's text, as redis-server 7.0 prints it. */
const HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

const functionCommand = containerSpec(
  'function',
  [
    sub('load', -3, ['write', 'denyoom', 'noscript'], (ctx, argv) => {
      let replace = false;
      let i = 2;
      if (argv.length > 3) {
        if ((argv[2] as string).toLowerCase() !== 'replace' || argv.length > 4) return new ErrorReply(`ERR Unknown option given: ${argv[2]}`);
        replace = true;
        i = 3;
      }
      const r = functionRegistryOf(ctx.runtime).load(argv[i] as string, replace);
      if (typeof r === 'string') propagateAsIs(ctx, argv);
      return r;
    }),
    sub('delete', 3, ['write', 'noscript'], (ctx, argv) => {
      if (!functionRegistryOf(ctx.runtime).delete(argv[2] as string)) return new ErrorReply('ERR Library not found');
      propagateAsIs(ctx, argv);
      return OK;
    }),
    sub('flush', -2, ['write', 'noscript'], (ctx, argv) => {
      if (argv.length > 3 || (argv.length === 3 && !/^(a?sync)$/i.test(argv[2] as string))) return new ErrorReply('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
      functionRegistryOf(ctx.runtime).flush();
      propagateAsIs(ctx, argv);
      return OK;
    }),
    sub('list', -2, ['noscript'], list),
    sub('stats', 2, ['noscript', 'allow-busy'], (ctx) => {
      const reg = functionRegistryOf(ctx.runtime);
      return new MapReply([
        ['running_script', null],
        ['engines', new MapReply([['LUA', new MapReply([['libraries_count', reg.libraries.size], ['functions_count', reg.functions.size]])]])],
      ]);
    }),
    sub('dump', 2, ['noscript'], (ctx) => functionDump(ctx, existingFunctionRegistry(ctx.runtime))),
    sub('restore', -3, ['write', 'denyoom', 'noscript'], (ctx, argv) => functionRestore(ctx, argv, functionRegistryOf(ctx.runtime))),
    sub('help', 2, ['loading', 'stale'], () => HELP.map((h) => new SimpleString(h))),
    sub('kill', 2, ['noscript', 'allow-busy'], (ctx) => {
      const outcome = scriptEngineOf(ctx.runtime).kill(false);
      return outcome === 'notbusy' ? NOTBUSY : OK;
    }),
  ],
  { categories: ['@slow'] },
);

export const functionCommands: ServerCommandSpec[] = [fcallSpec('fcall', false), fcallSpec('fcall_ro', true), functionCommand];
