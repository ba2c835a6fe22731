/**
 * The command table: lookup by name (any case), iteration, and the metadata COMMAND INFO and the
 * server's READONLY / NOREPLICAS / MASTERDOWN checks need.
 */
import type { CommandFlag, CommandSpec } from './command-api';
import { DuplicateCommandError } from './errors';

/** A resolved table entry: the spec plus derived fields. */
export interface CommandEntry extends CommandSpec {
  readonly fullName: string;
  /** parent container for subcommands (OBJECT for OBJECT ENCODING) */
  readonly parent?: CommandEntry;
  readonly isWrite: boolean;
  readonly isReadonly: boolean;
  /** `touches-arbitrary-keys`: what it propagates is never wrapped in MULTI/EXEC */
  readonly touchesArbitraryKeys: boolean;
  /** its lookupRead()s count keyspace_hits/misses: every non-write command and the writes that use lookupKeyRead in Redis */
  readonly countsReads: boolean;
  readonly subcommandEntries?: ReadonlyMap<string, CommandEntry>;
  hasFlag(flag: CommandFlag): boolean;
}

/**
 * Write commands whose source lookups are lookupKeyRead in Redis 7.0 (getGenericCommand, COPY's
 * source, the set/zset STORE variants): they count keyspace_hits/misses. Checked against
 * redis-server in integration-tests/server/ops-counters.test.ts.
 */
const WRITES_COUNTING_READS = new Set([
  'getdel', 'getex', 'getset', 'set', 'copy',
  'sunionstore', 'sinterstore', 'sdiffstore', 'zunionstore', 'zinterstore', 'zdiffstore', 'zrangestore',
  'bitop', 'bitfield', 'sort', 'pfmerge', 'georadius', 'georadiusbymember', 'geosearchstore',
]);

function makeEntry(spec: CommandSpec, parent?: CommandEntry): CommandEntry {
  const fullName = parent ? `${parent.name}|${spec.name}` : spec.name;
  const flags = new Set(spec.flags);
  const entry: CommandEntry = {
    ...spec,
    fullName,
    parent,
    isWrite: flags.has('write'),
    isReadonly: flags.has('readonly'),
    touchesArbitraryKeys: flags.has('touches-arbitrary-keys'),
    countsReads: !flags.has('write') || WRITES_COUNTING_READS.has(fullName),
    hasFlag: (f: CommandFlag) => flags.has(f),
  };
  if (spec.subcommands) {
    const subs = new Map<string, CommandEntry>();
    for (const [name, sub] of Object.entries(spec.subcommands)) subs.set(name.toLowerCase(), makeEntry({ ...sub, name: name.toLowerCase() }, entry));
    (entry as { subcommandEntries?: ReadonlyMap<string, CommandEntry> }).subcommandEntries = subs;
  }
  return entry;
}

export class CommandTable implements Iterable<CommandEntry> {
  private readonly byName = new Map<string, CommandEntry>();
  /** exact-case cache in front of the lower-case map (clients send the same casing every time) */
  private readonly byExact = new Map<string, CommandEntry | null>();
  /** the name of the previous lookup and its result (the table does not change after construction) */
  private lastName = '';
  private lastEntry: CommandEntry | undefined = undefined;

  constructor(specs: Iterable<CommandSpec>) {
    for (const s of specs) {
      const name = s.name.toLowerCase();
      if (this.byName.has(name)) throw new DuplicateCommandError(name);
      this.byName.set(name, makeEntry({ ...s, name }));
    }
  }

  /** The entry for a command name in any case, or undefined. */
  lookup(name: string): CommandEntry | undefined {
    // a pipeline repeats one command, and the decoder hands out the same name string each time
    if (name === this.lastName) return this.lastEntry;
    let e: CommandEntry | null | undefined = this.byExact.get(name);
    if (e === undefined) {
      if (name.length > 64) return this.byName.get(name.toLowerCase());
      e = this.byName.get(name.toLowerCase()) ?? null;
      if (this.byExact.size < 4096) this.byExact.set(name, e);
    }
    this.lastName = name;
    this.lastEntry = e ?? undefined;
    return this.lastEntry;
  }

  /** `object|encoding` style lookup, or a plain name. */
  lookupFullName(fullName: string): CommandEntry | undefined {
    const bar = fullName.indexOf('|');
    if (bar < 0) return this.lookup(fullName);
    return this.lookup(fullName.slice(0, bar))?.subcommandEntries?.get(fullName.slice(bar + 1).toLowerCase());
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  get size(): number {
    return this.byName.size;
  }

  [Symbol.iterator](): Iterator<CommandEntry> {
    return this.byName.values();
  }

  /** Key positions of argv for `entry` (0-based argv indexes), by first/last/step. */
  static keyIndexes(entry: CommandSpec, argc: number): number[] {
    if (entry.firstKey <= 0) return [];
    const last = entry.lastKey < 0 ? argc + entry.lastKey : entry.lastKey;
    const out: number[] = [];
    for (let i = entry.firstKey; i <= last && i < argc; i += Math.max(1, entry.keyStep)) out.push(i);
    return out;
  }
}
