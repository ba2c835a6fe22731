/**
 * Command metadata of Redis 7.0.15 for the stream commands, generated from redis-server 7.0.15's
 * COMMAND INFO and COMMAND DOCS: arity, flags, legacy first/last/step key range, group, explicit
 * ACL categories (the ones implied by flags are added by aclCategoriesOf), key specifications,
 * tips, summary and version. `streamSpec()` builds a CommandSpec from it as `spec()` does.
 */
import type { CommandFlag, CommandSpec } from '../command-api';
import type { CommandMeta } from './meta';
import { type CommandDocs, type KeySpec, kw } from './meta-docs';

type Ks = KeySpec;
const idx = (index: number) => ({ type: 'index', index }) as const;
const range = (lastKey: number, keyStep: number, limit: number) => ({ type: 'range', lastKey, keyStep, limit }) as const;

const M: Record<string, CommandMeta> = {
  'xadd': { arity: -5, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xrange': { arity: -4, flags: ['readonly'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xrevrange': { arity: -4, flags: ['readonly'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xlen': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xdel': { arity: -3, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xtrim': { arity: -4, flags: ['write'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xsetid': { arity: -3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xread': { arity: -4, flags: ['readonly', 'blocking', 'movablekeys'], keys: [0, 0, 0], group: 'stream', acl: ['stream'] },
  'xreadgroup': { arity: -7, flags: ['write', 'blocking', 'movablekeys'], keys: [0, 0, 0], group: 'stream', acl: ['stream'] },
  'xack': { arity: -4, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xpending': { arity: -3, flags: ['readonly'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xclaim': { arity: -6, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xautoclaim': { arity: -6, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'stream', acl: ['stream'] },
  'xgroup': { arity: -2, flags: [], keys: [0, 0, 0], group: 'stream', acl: [] },
  'xgroup|destroy': { arity: 4, flags: ['write'], keys: [2, 2, 1], group: 'stream', acl: ['stream'] },
  'xgroup|delconsumer': { arity: 5, flags: ['write'], keys: [2, 2, 1], group: 'stream', acl: ['stream'] },
  'xgroup|create': { arity: -5, flags: ['write', 'denyoom'], keys: [2, 2, 1], group: 'stream', acl: ['stream'] },
  'xgroup|createconsumer': { arity: 5, flags: ['write', 'denyoom'], keys: [2, 2, 1], group: 'stream', acl: ['stream'] },
  'xgroup|setid': { arity: -5, flags: ['write'], keys: [2, 2, 1], group: 'stream', acl: ['stream'] },
  'xgroup|help': { arity: 2, flags: ['loading', 'stale'], keys: [0, 0, 0], group: 'stream', acl: ['stream'] },
  'xinfo': { arity: -2, flags: [], keys: [0, 0, 0], group: 'stream', acl: [] },
  'xinfo|consumers': { arity: 4, flags: ['readonly'], keys: [2, 2, 1], group: 'stream', acl: ['stream'] },
  'xinfo|groups': { arity: 3, flags: ['readonly'], keys: [2, 2, 1], group: 'stream', acl: ['stream'] },
  'xinfo|stream': { arity: -3, flags: ['readonly'], keys: [2, 2, 1], group: 'stream', acl: ['stream'] },
  'xinfo|help': { arity: 2, flags: ['loading', 'stale'], keys: [0, 0, 0], group: 'stream', acl: ['stream'] },
};

const DOCS: Record<string, CommandDocs> = {
  "xadd": { summary: "Appends a new entry to a stream", since: "5.0.0", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: idx(1), findKeys: range(0, 1, 0), notes: "UPDATE instead of INSERT because of the optional trimming feature" } as Ks] },
  "xrange": { summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xrevrange": { summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xlen": { summary: "Return the number of entries in a stream", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RO"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xdel": { summary: "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RW","DELETE"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xtrim": { summary: "Trims the stream to (approximately if '~' is passed) a certain size", since: "5.0.0", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RW","DELETE"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xsetid": { summary: "An internal command for replicating stream values", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xread": { summary: "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: kw("STREAMS", 1), findKeys: range(-1, 1, 2) } as Ks] },
  "xreadgroup": { summary: "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: kw("STREAMS", 4), findKeys: range(-1, 1, 2) } as Ks] },
  "xack": { summary: "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xpending": { summary: "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.", since: "5.0.0", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xclaim": { summary: "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.", since: "5.0.0", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xautoclaim": { summary: "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.", since: "6.2.0", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RW","DELETE"], beginSearch: idx(1), findKeys: range(0, 1, 0) } as Ks] },
  "xgroup": { summary: "A container for consumer groups commands", since: "5.0.0", tips: [], keySpecs: [] },
  "xgroup|destroy": { summary: "Destroy a consumer group.", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RW","DELETE"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks] },
  "xgroup|delconsumer": { summary: "Delete a consumer from a consumer group.", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RW","DELETE"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks] },
  "xgroup|create": { summary: "Create a consumer group.", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RW","INSERT"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks] },
  "xgroup|createconsumer": { summary: "Create a consumer in a consumer group.", since: "6.2.0", tips: [], keySpecs: [{ flags: ["RW","INSERT"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks] },
  "xgroup|setid": { summary: "Set a consumer group to an arbitrary last delivered ID value.", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RW","UPDATE"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks] },
  "xgroup|help": { summary: "Show helpful text about the different subcommands", since: "5.0.0", tips: [], keySpecs: [] },
  "xinfo": { summary: "A container for stream introspection commands", since: "5.0.0", tips: [], keySpecs: [] },
  "xinfo|consumers": { summary: "List the consumers in a consumer group", since: "5.0.0", tips: ["nondeterministic_output"], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks] },
  "xinfo|groups": { summary: "List the consumer groups of a stream", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks] },
  "xinfo|stream": { summary: "Get information about a stream", since: "5.0.0", tips: [], keySpecs: [{ flags: ["RO","ACCESS"], beginSearch: idx(2), findKeys: range(0, 1, 0) } as Ks] },
  "xinfo|help": { summary: "Show helpful text about the different subcommands", since: "5.0.0", tips: [], keySpecs: [] },
};

/** A CommandSpec from the metadata above plus a handler (`xgroup|create` for subcommands). */
export function streamSpec(fullName: string, handler: CommandSpec['handler'], extra?: Partial<CommandSpec>): CommandSpec {
  const m = M[fullName];
  const d = DOCS[fullName];
  if (!m || !d) throw new Error(`no command metadata for '${fullName}'`);
  const bar = fullName.indexOf('|');
  return {
    name: bar < 0 ? fullName : fullName.slice(bar + 1),
    arity: m.arity,
    flags: m.flags as CommandFlag[],
    firstKey: m.keys[0],
    lastKey: m.keys[1],
    keyStep: m.keys[2],
    group: m.group,
    aclCategories: m.acl,
    keySpecs: d.keySpecs,
    tips: d.tips,
    summary: d.summary,
    since: d.since,
    handler,
    ...extra,
  };
}
