/**
 * Function libraries outside memory: FUNCTION DUMP / FUNCTION RESTORE [FLUSH|APPEND|REPLACE]
 * with Redis 7.0's payload (FUNCTION2 records, RDB version, CRC64), and the RDB host that puts the
 * libraries in every RDB the keyspace is written to (SAVE, BGSAVE, full syncs, the AOF preamble)
 * and installs those of every RDB loaded into it (startup, DEBUG RELOAD, a replica's full sync).
 * Libraries read from an RDB or a payload are compiled into a separate registry first, like
 * Redis's temporary library context, so a bad one changes nothing.
 */
import type { Keyspace } from '@replikit/keyspace';
import { attachRdbFunctions, type RdbFunctionLoad } from '@replikit/keyspace-rdb';
import { createFunctionDumpPayload, parseFunctionDumpPayload } from '@replikit/rdb';
import { ErrorReply, OK, type RespValue } from '@replikit/resp';
import type { CommandContext } from '../dispatch/command-spec';
import type { ServerRuntime } from '../dispatch/server-runtime';
import { existingFunctionRegistry, FunctionRegistry, functionRegistryOf } from './function-library';
import { scriptEngineOf } from './script-commands';

export interface FunctionPersistenceOptions {
  /** `rdbcompression`: FUNCTION DUMP compresses library sources like an RDB does @default true */
  compress?: () => boolean;
}

const bindings = new WeakMap<ServerRuntime, FunctionPersistenceOptions>();

/** The library sources of `reg`, as binary strings become bytes, in the registry's order. */
function sourcesOf(reg: FunctionRegistry | undefined): Buffer[] {
  if (reg === undefined) return [];
  return [...reg.libraries.values()].map((l) => Buffer.from(l.code, 'latin1'));
}

/** An error reply's text without its `ERR ` prefix (Redis's sds err of a library load). */
function reason(e: ErrorReply): string {
  return e.message.startsWith('ERR ') ? e.message.slice(4) : e.message;
}

/** Compiles `sources` into a fresh registry (rdbFunctionLoad into a new context, no replace). */
function compileAll(rt: ServerRuntime, sources: readonly Buffer[]): FunctionRegistry | ErrorReply {
  const staged = new FunctionRegistry(scriptEngineOf(rt));
  for (const s of sources) {
    const r = staged.load(s.toString('latin1'), false);
    if (r instanceof ErrorReply) {
      staged.flush();
      return r;
    }
  }
  return staged;
}

/**
 * Attaches the runtime's function libraries to `keyspace` for RDB streams. A server that never
 * used functions does not start a Lua state to save or load an RDB without libraries.
 */
export function bindFunctionPersistence(rt: ServerRuntime, keyspace: Keyspace, options: FunctionPersistenceOptions = {}): void {
  bindings.set(rt, options);
  attachRdbFunctions(keyspace, {
    librarySources: () => sourcesOf(existingFunctionRegistry(rt)),
    beginLoad: (): RdbFunctionLoad => {
      let staged: FunctionRegistry | undefined;
      return {
        add: (source) => {
          staged ??= new FunctionRegistry(scriptEngineOf(rt));
          const r = staged.load(source.toString('latin1'), false);
          if (r instanceof ErrorReply) throw new Error(reason(r));
        },
        commit: () => {
          if (staged !== undefined) functionRegistryOf(rt).adopt(staged);
          else existingFunctionRegistry(rt)?.flush();
          staged = undefined;
        },
        discard: () => {
          staged?.flush();
          staged = undefined;
        },
      };
    },
    replay: (argv) => {
      replayFunctionCommand(rt, argv);
    },
  });
}

/** A FUNCTION command read from the AOF: its effect on the libraries, without reply or propagation. */
function replayFunctionCommand(rt: ServerRuntime, argv: readonly string[]): void {
  const sub = (argv[1] ?? '').toLowerCase();
  const reg = functionRegistryOf(rt);
  if (sub === 'load' && argv.length >= 3) {
    const replace = argv.length > 3 && (argv[2] as string).toLowerCase() === 'replace';
    reg.load(argv[argv.length - 1] as string, replace);
  } else if (sub === 'delete' && argv.length === 3) reg.delete(argv[2] as string);
  else if (sub === 'flush') reg.flush();
  else if (sub === 'restore') restoreLibraries(rt, argv, reg);
}

/** FUNCTION DUMP: the payload of every library (10 bytes when there are none). */
export function functionDump(ctx: CommandContext, existing: FunctionRegistry | undefined): RespValue {
  const compress = bindings.get(ctx.runtime)?.compress?.() ?? true;
  return createFunctionDumpPayload(sourcesOf(existing), { compress });
}

const BAD_POLICY = new ErrorReply('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');

/** FUNCTION RESTORE <payload> [FLUSH|APPEND|REPLACE]: OK (and propagated as called) or Redis's error. */
export function functionRestore(ctx: CommandContext, argv: readonly string[], registry: FunctionRegistry): RespValue {
  const r = restoreLibraries(ctx.runtime, argv, registry);
  if (r === OK) ctx.runtime.propagate([{ db: ctx.client.db, argv: [...argv] }], ctx.client);
  return r;
}

function restoreLibraries(rt: ServerRuntime, argv: readonly string[], registry: FunctionRegistry): RespValue {
  if (argv.length > 4) return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try FUNCTION HELP.`);
  let policy = 'append';
  if (argv.length === 4) {
    policy = (argv[3] as string).toLowerCase();
    if (policy !== 'append' && policy !== 'replace' && policy !== 'flush') return BAD_POLICY;
  }
  const parsed = parseFunctionDumpPayload(Buffer.from(argv[2] as string, 'latin1'));
  if (!parsed.ok) return new ErrorReply(`ERR ${parsed.reason}`);
  const staged = compileAll(rt, parsed.sources);
  if (staged instanceof ErrorReply) return staged;
  if (policy === 'flush') registry.adopt(staged);
  else {
    const err = registry.join(staged, policy === 'replace');
    if (err !== undefined) {
      staged.flush();
      return err;
    }
  }
  return OK;
}
