import type { CommandFlag, KeySpec } from '@replikit/keyspace';
import type { RespValue } from '@replikit/resp';
import type { ServerClient } from '../connection/server-client';
import type { ServerRuntime } from './server-runtime';

/** Returned by a handler that has written nothing and must not be answered (REPLCONF ACK, a blocked client). */
export const NO_REPLY: unique symbol = Symbol.for('replikit.server.noReply');
export type CommandResult = RespValue | typeof NO_REPLY;

/**
 * Flags with Redis 7.0's names as COMMAND INFO prints them, but with `-` for `_`: the keyspace's
 * CommandFlag spelling, plus the flags only server commands carry (`protected` for DEBUG,
 * `no-async-loading`, `asking`). processCommand derives its checks from them.
 */
export type ServerCommandFlag = CommandFlag | 'protected' | 'no-async-loading' | 'asking';

/** What a server command handler sees besides argv. */
export interface CommandContext {
  readonly runtime: ServerRuntime;
  readonly client: ServerClient;
  /** true while the command runs as part of EXEC (blocking commands must not block) */
  readonly inExec: boolean;
  /** Runs a keyspace command in the client's db, propagates its writes, returns its reply. */
  keyspace(argv: string[]): RespValue;
}

/**
 * One entry of the server's command table. Keyspace commands are wrapped into these; server
 * commands (PING, CLIENT, SUBSCRIBE, BLPOP ...) and later packages' commands (REPLICAOF, PSYNC,
 * REPLCONF, WAIT, INFO, CONFIG ...) are written directly as these and added with
 * `server.registerCommand(spec)`.
 */
export interface ServerCommandSpec {
  /** lower-case name (`get`, `client`) */
  readonly name: string;
  /** Redis arity: N > 0 exactly N arguments including the name; -N at least N */
  readonly arity: number;
  readonly flags: readonly ServerCommandFlag[];
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  /** ACL categories as COMMAND INFO shows them (`@fast`, `@connection`); derived from flags when absent */
  readonly categories?: readonly string[];
  /** COMMAND INFO tips (`request_policy:all_shards`, `nondeterministic_output`) */
  readonly tips?: readonly string[];
  /** Redis 7.0 key specifications (ACL key checks); derived from firstKey/lastKey/keyStep when absent */
  readonly keySpecs?: readonly KeySpec[];
  /** Container commands (CLIENT, COMMAND, PUBSUB, CONFIG): lower-case subcommand name -> spec named `client|id`. */
  readonly subcommands?: ReadonlyMap<string, ServerCommandSpec>;
  /** COMMAND DOCS summary, group, since */
  readonly docs?: { readonly summary: string; readonly group: string; readonly since: string };
  /** true for specs that only forward to the keyspace executor */
  readonly keyspace?: boolean;
  /** Not called for containers (their subcommands' handlers are). */
  handler(ctx: CommandContext, argv: readonly string[]): CommandResult;
}

/** Builds a container spec from its subcommands (`client`, `client|id`, ...). */
export function containerSpec(
  name: string,
  subs: readonly ServerCommandSpec[],
  extra: Partial<Pick<ServerCommandSpec, 'docs' | 'categories' | 'flags'>> = {},
): ServerCommandSpec {
  const map = new Map<string, ServerCommandSpec>();
  for (const s of subs) map.set(s.name.slice(name.length + 1), s);
  return {
    name,
    arity: -2,
    flags: extra.flags ?? [],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: extra.categories ?? ['@slow'],
    docs: extra.docs,
    subcommands: map,
    handler: () => null,
  };
}

/** Shorthand for keyless specs. */
export function spec(
  name: string,
  arity: number,
  flags: readonly ServerCommandFlag[],
  categories: readonly string[],
  handler: ServerCommandSpec['handler'],
  keys: { firstKey: number; lastKey: number; keyStep: number } = { firstKey: 0, lastKey: 0, keyStep: 0 },
): ServerCommandSpec {
  return { name, arity, flags, categories, ...keys, handler };
}

export function hasFlag(s: ServerCommandSpec, f: ServerCommandFlag): boolean {
  return s.flags.includes(f);
}
