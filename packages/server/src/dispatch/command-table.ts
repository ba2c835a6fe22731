import type { ErrorReply } from '@replikit/resp';
import { CommandExistsError } from '../errors';
import { withRedisMeta } from '../introspection/command-meta';
import type { ServerCommandSpec } from './command-spec';
import { unknownCommand, unknownSubcommand, wrongArity } from './reply-texts';
import type { CommandStat } from './server-stats';

/** A command resolved for dispatch, with processCommand's flag tests precomputed. */
export interface TableEntry {
  readonly spec: ServerCommandSpec;
  /** `get`, `client|list` */
  readonly fullname: string;
  readonly isWrite: boolean;
  /** flagged `may-replicate` (PUBLISH, FLUSHALL ...): held by CLIENT PAUSE WRITE */
  readonly mayReplicate: boolean;
  /** not flagged `stale`: refused by MASTERDOWN */
  readonly denyStale: boolean;
  /** not flagged `loading`: refused while loading */
  readonly denyLoading: boolean;
  readonly noAuth: boolean;
  readonly noMulti: boolean;
  /** allowed for a RESP2 client in subscribe mode */
  readonly pubsubContext: boolean;
  /** EXEC / DISCARD / MULTI / WATCH / QUIT / RESET run at once even inside MULTI */
  readonly bypassesQueue: boolean;
  /** flagged `readonly` (a MONITOR client may not run it) */
  readonly isReadonly: boolean;
  /**
   * The INFO commandstats counters of this command, cached by ServerStats.forEntry so a call
   * costs no map lookup; valid while `statEpoch` equals the stats' epoch.
   */
  statCache: CommandStat | undefined;
  statEpoch: number;
}

const PUBSUB_CONTEXT = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);
const BYPASS_QUEUE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

function entryOf(spec: ServerCommandSpec, fullname: string): TableEntry {
  const f = new Set(spec.flags);
  return {
    spec,
    fullname,
    isWrite: f.has('write'),
    mayReplicate: f.has('may-replicate'),
    denyStale: !f.has('stale'),
    denyLoading: !f.has('loading'),
    noAuth: f.has('no-auth'),
    noMulti: f.has('no-multi'),
    pubsubContext: PUBSUB_CONTEXT.has(fullname),
    bypassesQueue: BYPASS_QUEUE.has(fullname),
    isReadonly: f.has('readonly'),
    statCache: undefined,
    statEpoch: 0,
  };
}

interface Slot {
  readonly entry: TableEntry;
  readonly subs: Map<string, TableEntry> | undefined;
}

/**
 * The server's command table: keyspace commands plus server commands, looked up
 * case-insensitively like Redis, with container subcommands (`client|list`).
 */
export class CommandTable {
  private readonly slots = new Map<string, Slot>();
  /** the same slots under upper-case names: clients send `SET`, and a hit avoids a toLowerCase() per command */
  private readonly upper = new Map<string, Slot>();
  /** the name of the previous lookup and its slot; register() forgets them */
  private lastName: string | undefined = undefined;
  private lastSlot: Slot | undefined = undefined;
  /** counts registrations: an entry looked up earlier is still the current one while this is unchanged */
  version = 0;

  /** Adds a command; throws CommandExistsError when the name is taken unless `replace`. */
  register(given: ServerCommandSpec, replace = false): void {
    const name = given.name.toLowerCase();
    // arity, flags, key specs, categories and tips as redis-server 7.0 has them
    const spec = withRedisMeta(given, name);
    if (!replace && this.slots.has(name)) throw new CommandExistsError(name);
    let subs: Map<string, TableEntry> | undefined;
    if (spec.subcommands) {
      subs = new Map();
      for (const [sub, s] of spec.subcommands) subs.set(sub.toLowerCase(), entryOf(s, `${name}|${sub.toLowerCase()}`));
    }
    const slot = { entry: entryOf(spec, name), subs };
    this.slots.set(name, slot);
    this.upper.set(name.toUpperCase(), slot);
    this.lastName = undefined;
    this.lastSlot = undefined;
    this.version++;
  }

  has(name: string): boolean {
    return this.slots.has(name.toLowerCase());
  }

  get(name: string): ServerCommandSpec | undefined {
    return this.slots.get(name.toLowerCase())?.entry.spec;
  }

  /** Resolves argv to an entry, or the error processCommand replies (unknown command/subcommand, arity). */
  lookup(argv: readonly string[]): TableEntry | ErrorReply {
    const name = argv[0] as string;
    // a pipeline repeats one command, and the decoder hands out the same name string each time
    let slot = name === this.lastName ? this.lastSlot : undefined;
    if (slot === undefined) {
      slot = this.slots.get(name) ?? this.upper.get(name);
      if (slot === undefined) slot = this.slots.get(name.toLowerCase());
      if (slot === undefined) return unknownCommand(argv);
      this.lastName = name;
      this.lastSlot = slot;
    }
    let entry = slot.entry;
    if (slot.subs !== undefined && argv.length >= 2) {
      const sub = slot.subs.get((argv[1] as string).toLowerCase());
      if (sub === undefined) return unknownSubcommand(argv);
      entry = sub;
    }
    const arity = entry.spec.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return wrongArity(entry.fullname);
    return entry;
  }

  /** Every top-level command spec. */
  specs(): ServerCommandSpec[] {
    return [...this.slots.values()].map((s) => s.entry.spec);
  }

  get size(): number {
    return this.slots.size;
  }
}
