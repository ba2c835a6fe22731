import type { KeySpec } from '@replikit/keyspace';
import type { ServerCommandSpec } from '../dispatch/command-spec';
import type { CommandTable } from '../dispatch/command-table';

/** Redis 7.0's ACL categories in acl.c's table order (ACL CAT lists them in this order). */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
] as const;

const CATEGORY_BIT = new Map<string, number>(ACL_CATEGORIES.map((c, i) => [c, 2 ** i]));

/** The bit of a category name (any case, without the `@`), or 0 when it is not a category. */
export function categoryBit(name: string): number {
  return CATEGORY_BIT.get(name.toLowerCase()) ?? 0;
}

/** Key permissions a key argument needs: ACCESS reads, INSERT/DELETE/UPDATE write. */
export const PERM_READ = 1;
export const PERM_WRITE = 2;

/** One command (or subcommand) as the ACL code sees it. */
export interface AclCommand {
  /** `get`, `client|list` */
  readonly fullname: string;
  /** bit set of ACL_CATEGORIES */
  readonly categories: number;
  readonly spec: ServerCommandSpec;
  readonly parent: AclCommand | undefined;
  readonly subcommands: readonly AclCommand[] | undefined;
  /** flagged `no-auth`: every user may run it */
  readonly noAuth: boolean;
  /** how to find its key arguments (computed once) */
  readonly keyPlan: KeyPlan;
}

/** A key spec prepared for the per-command check: permissions needed and special flags. */
export interface PlannedKeySpec {
  readonly spec: KeySpec;
  /** PERM_READ | PERM_WRITE */
  readonly perms: number;
  readonly notKey: boolean;
  readonly incomplete: boolean;
}

export interface KeyPlan {
  readonly specs: readonly PlannedKeySpec[];
  /** some spec has VARIABLE_FLAGS: Redis uses the command's getkeys procedure */
  readonly varflags: boolean;
}

function planKeys(s: ServerCommandSpec): KeyPlan {
  const specs = keySpecsOf(s).map((spec) => {
    const flags = new Set(spec.flags.map((f) => f.toUpperCase()));
    let perms = 0;
    if (flags.has('ACCESS')) perms |= PERM_READ;
    if (flags.has('INSERT') || flags.has('DELETE') || flags.has('UPDATE')) perms |= PERM_WRITE;
    return { spec, perms, notKey: flags.has('NOT_KEY'), incomplete: flags.has('INCOMPLETE'), varflags: flags.has('VARIABLE_FLAGS') };
  });
  return { specs, varflags: specs.some((x) => x.varflags) };
}

/**
 * ACL categories of a spec: the listed ones plus those its flags imply (setImplicitACLCategories:
 * write, read unless scripting, admin and dangerous, pubsub, fast, blocking, slow when not fast).
 */
export function specCategories(s: ServerCommandSpec): string[] {
  const out = new Set((s.categories ?? []).map((c) => c.replace(/^@/, '').toLowerCase()));
  const f = new Set<string>(s.flags);
  if (f.has('write')) out.add('write');
  if (f.has('readonly') && !out.has('scripting')) out.add('read');
  if (f.has('admin')) {
    out.add('admin');
    out.add('dangerous');
  }
  if (f.has('pubsub')) out.add('pubsub');
  if (f.has('fast')) out.add('fast');
  if (f.has('blocking')) out.add('blocking');
  if (!out.has('fast')) out.add('slow');
  return [...out];
}

function build(s: ServerCommandSpec, fullname: string, parent: AclCommand | undefined): AclCommand {
  let categories = 0;
  for (const c of specCategories(s)) categories |= categoryBit(c);
  const cmd: { -readonly [K in keyof AclCommand]: AclCommand[K] } = {
    fullname,
    categories,
    spec: s,
    parent,
    subcommands: undefined,
    noAuth: s.flags.includes('no-auth'),
    keyPlan: planKeys(s),
  };
  if (s.subcommands !== undefined) {
    cmd.subcommands = [...s.subcommands.entries()].map(([name, sub]) => build(sub, `${fullname}|${name.toLowerCase()}`, cmd));
  }
  return cmd;
}

/**
 * The command table as ACL rules address it: every command and subcommand with its category
 * bits, in table order, looked up case-insensitively by `name` or `container|sub`. Rebuilt when
 * commands are registered after it was first used.
 */
export class AclCommandIndex {
  private list: AclCommand[] = [];
  private readonly byName = new Map<string, AclCommand>();
  private readonly bySpec = new Map<ServerCommandSpec, AclCommand>();
  private builtFrom = -1;
  private builtSpecs: ServerCommandSpec[] = [];

  constructor(private readonly table: CommandTable) {}

  private refresh(): void {
    const specs = this.table.specs();
    if (specs.length === this.builtFrom && specs.every((s, i) => s === this.builtSpecs[i])) return;
    this.builtFrom = specs.length;
    this.builtSpecs = specs;
    this.list = specs.map((s) => build(s, s.name.toLowerCase(), undefined));
    this.byName.clear();
    this.bySpec.clear();
    for (const c of this.list) {
      this.byName.set(c.fullname, c);
      this.bySpec.set(c.spec, c);
      for (const sub of c.subcommands ?? []) {
        this.byName.set(sub.fullname, sub);
        this.bySpec.set(sub.spec, sub);
      }
    }
  }

  /** The entry of a resolved command (the dispatcher's per-command lookup: one map read). */
  ofSpec(spec: ServerCommandSpec): AclCommand | undefined {
    const hit = this.bySpec.get(spec);
    if (hit !== undefined) return hit;
    this.refresh();
    return this.bySpec.get(spec);
  }

  /** Top-level commands, in table order. */
  commands(): readonly AclCommand[] {
    this.refresh();
    return this.list;
  }

  /** ACLLookupCommand: `name` or `container|sub` (any case); undefined for anything else. */
  lookup(name: string): AclCommand | undefined {
    this.refresh();
    const parts = name.toLowerCase().split('|');
    if (parts.length > 2) return undefined;
    const top = this.byName.get(parts[0] as string);
    if (top === undefined || top.parent !== undefined) return undefined;
    if (parts.length === 1) return top;
    if (top.subcommands === undefined) return undefined;
    return this.byName.get(`${top.fullname}|${parts[1]}`);
  }
}

const keynumSpec = (flags: string[]): KeySpec[] => [
  { flags, beginSearch: { type: 'index', index: 2 }, findKeys: { type: 'keynum', keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
];

/** Redis 7.0's key specs of the script commands (their keys follow a numkeys argument). */
const SCRIPT_KEY_SPECS: Record<string, readonly KeySpec[]> = {
  eval: keynumSpec(['RW', 'ACCESS', 'UPDATE']),
  evalsha: keynumSpec(['RW', 'ACCESS', 'UPDATE']),
  eval_ro: keynumSpec(['RO', 'ACCESS']),
  evalsha_ro: keynumSpec(['RO', 'ACCESS']),
  fcall: keynumSpec(['RW', 'ACCESS', 'UPDATE']),
  fcall_ro: keynumSpec(['RO', 'ACCESS']),
};

/** Key specs of a spec: its own (keyspace commands carry Redis's), or ones derived from the legacy key range. */
export function keySpecsOf(s: ServerCommandSpec): readonly KeySpec[] {
  if (s.keySpecs !== undefined) return s.keySpecs;
  const script = SCRIPT_KEY_SPECS[s.name];
  if (script !== undefined) return script;
  if (s.firstKey <= 0 || s.flags.includes('pubsub')) return [];
  const f = new Set<string>(s.flags);
  const flags = f.has('write') ? ['RW', 'ACCESS', 'UPDATE'] : f.has('readonly') ? ['RO', 'ACCESS'] : ['RO'];
  const lastKey = s.lastKey < 0 ? s.lastKey : s.lastKey - s.firstKey;
  return [{ flags, beginSearch: { type: 'index', index: s.firstKey }, findKeys: { type: 'range', lastKey, keyStep: s.keyStep, limit: 0 } }];
}
