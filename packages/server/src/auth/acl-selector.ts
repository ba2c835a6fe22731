import { globMatch } from '@replikit/keyspace/internal';
import { type AclCommand, type AclCommandIndex, PERM_READ, PERM_WRITE, categoryBit } from './acl-command-index';

/** Why ACLSetSelector/ACLSetUser refused a rule (acl.c's errno values). */
export type AclRuleFailure = 'ENOENT' | 'EINVAL' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'ECHILD';

/** A refused rule: the errno-like reason, turned into Redis's text by `ruleFailureText`. */
export class AclRuleRefusal {
  constructor(readonly reason: AclRuleFailure) {}
}

export interface KeyPattern {
  readonly pattern: string;
  /** PERM_READ | PERM_WRITE */
  flags: number;
  /** the glob compiled for the per-command check */
  readonly match: (key: string) => boolean;
}

/** A glob as a matcher: plain strings and `prefix*` skip the general matcher (stringmatchlen). */
export function compilePattern(pattern: string): (s: string) => boolean {
  // stringmatchlen never matches an empty string against `*` (the loop needs a character)
  if (pattern === '*') return (s) => s.length > 0;
  const star = pattern.endsWith('*');
  const body = star ? pattern.slice(0, -1) : pattern;
  if (/[*?[\\]/.test(body)) return (s) => globMatch(pattern, s);
  return star ? (s) => s.startsWith(body) : (s) => s === body;
}

/** ACLSetUserStringError */
export function ruleFailureText(reason: AclRuleFailure): string {
  switch (reason) {
    case 'ENOENT':
      return 'Unknown command or category name in ACL';
    case 'EINVAL':
      return 'Syntax error';
    case 'EEXIST':
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case 'EISDIR':
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    case 'ENODEV':
      return 'The password you are trying to remove from the user does not exist';
    case 'EBADMSG':
      return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
    case 'ECHILD':
      return 'Allowing first-arg of a subcommand is not supported';
  }
}

/** ACLStringHasSpaces: whitespace or NUL */
export function hasSpaces(s: string): boolean {
  return /[\s\0\v]/.test(s);
}

/**
 * One ACL selector (the root one holds the rules given outside parentheses): a command bitmap,
 * first-argument exceptions, key patterns with read/write flags, and channel patterns.
 *
 * The bitmap is kept as a starting value (`base`: true after +@all, false after -@all) and the
 * commands whose bit differs from it, so commands registered later follow +@all like Redis's
 * reserved "future commands" bit.
 */
export class AclSelector {
  base = false;
  readonly flipped = new Set<string>();
  firstArgs: Map<string, string[]> | undefined = undefined;
  allKeys = false;
  patterns: KeyPattern[] = [];
  allChannels: boolean;
  channels: string[] = [];

  constructor(
    readonly root: boolean,
    allChannelsByDefault: boolean,
  ) {
    this.allChannels = allChannelsByDefault;
  }

  clone(): AclSelector {
    const s = new AclSelector(this.root, this.allChannels);
    s.base = this.base;
    for (const f of this.flipped) s.flipped.add(f);
    if (this.firstArgs) s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    s.allKeys = this.allKeys;
    s.patterns = this.patterns.map((p) => ({ ...p }));
    s.channels = [...this.channels];
    return s;
  }

  /** The command bit (ACLGetSelectorCommandBit). */
  bit(fullname: string): boolean {
    return this.base !== this.flipped.has(fullname);
  }

  private setBit(fullname: string, value: boolean): void {
    if (value === this.base) this.flipped.delete(fullname);
    else this.flipped.add(fullname);
  }

  /** SELECTOR_FLAG_ALLCOMMANDS: every bit set */
  get allCommands(): boolean {
    return this.base && this.flipped.size === 0;
  }

  /** Can run commands added later (the bit +@all sets and only -@all clears). */
  get futureCommands(): boolean {
    return this.base;
  }

  /** ACLChangeSelectorPerm: a command and, for a container, every subcommand. */
  changePerm(cmd: AclCommand, allow: boolean): void {
    this.setBit(cmd.fullname, allow);
    this.firstArgs?.delete(cmd.fullname);
    for (const sub of cmd.subcommands ?? []) this.setBit(sub.fullname, allow);
  }

  setAll(allow: boolean): void {
    this.base = allow;
    this.flipped.clear();
    this.firstArgs = undefined;
  }

  setCategory(commands: readonly AclCommand[], bit: number, allow: boolean): void {
    for (const cmd of commands) {
      if ((cmd.categories & bit) !== 0) this.changePerm(cmd, allow);
      if (cmd.subcommands !== undefined) this.setCategory(cmd.subcommands, bit, allow);
    }
  }

  private addFirstArg(fullname: string, arg: string): void {
    if (this.firstArgs === undefined) this.firstArgs = new Map();
    const list = this.firstArgs.get(fullname) ?? [];
    if (list.some((a) => a.toLowerCase() === arg.toLowerCase())) return;
    list.push(arg);
    this.firstArgs.set(fullname, list);
  }

  /** ACLSetSelector: applies one rule, or returns why it is refused. */
  apply(index: AclCommandIndex, op: string): AclRuleRefusal | undefined {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.patterns = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.patterns = [];
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.setAll(true);
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.setAll(false);
    } else if (op[0] === '~' || op[0] === '%') {
      return this.addKeyPattern(op);
    } else if (op[0] === '&') {
      if (this.allChannels) return new AclRuleRefusal('EISDIR');
      const pat = op.slice(1);
      if (hasSpaces(pat)) return new AclRuleRefusal('EINVAL');
      if (!this.channels.includes(pat)) this.channels.push(pat);
      this.allChannels = false;
    } else if (op[0] === '+' && op[1] !== '@') {
      return this.allowCommand(index, op.slice(1));
    } else if (op[0] === '-' && op[1] !== '@') {
      const cmd = index.lookup(op.slice(1));
      if (cmd === undefined) return new AclRuleRefusal('ENOENT');
      this.changePerm(cmd, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const bit = categoryBit(op.slice(2));
      if (bit === 0) return new AclRuleRefusal('ENOENT');
      this.setCategory(index.commands(), bit, op[0] === '+');
    } else {
      return new AclRuleRefusal('EINVAL');
    }
    return undefined;
  }

  private addKeyPattern(op: string): AclRuleRefusal | undefined {
    if (this.allKeys) return new AclRuleRefusal('EEXIST');
    let flags = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const c = (op[offset] as string).toUpperCase();
        if (c === 'R' && (flags & PERM_READ) === 0) flags |= PERM_READ;
        else if (c === 'W' && (flags & PERM_WRITE) === 0) flags |= PERM_WRITE;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else return new AclRuleRefusal('EINVAL');
      }
    } else flags = PERM_READ | PERM_WRITE;
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return new AclRuleRefusal('EINVAL');
    const found = this.patterns.find((p) => p.pattern === pattern);
    if (found === undefined) this.patterns.push({ pattern, flags, match: compilePattern(pattern) });
    else found.flags |= flags;
    this.allKeys = false;
    return undefined;
  }

  private allowCommand(index: AclCommandIndex, name: string): AclRuleRefusal | undefined {
    const bar = name.lastIndexOf('|');
    if (bar < 0) {
      const cmd = index.lookup(name);
      if (cmd === undefined) return new AclRuleRefusal('ENOENT');
      this.changePerm(cmd, true);
      return undefined;
    }
    const cmd = index.lookup(name.slice(0, bar));
    const sub = name.slice(bar + 1);
    if (cmd === undefined) return new AclRuleRefusal('ENOENT');
    if (cmd.parent !== undefined) return new AclRuleRefusal('ECHILD');
    if (sub.length === 0) return new AclRuleRefusal('EINVAL');
    if (cmd.subcommands !== undefined) {
      const subcmd = index.lookup(name);
      if (subcmd === undefined) return new AclRuleRefusal('ENOENT');
      this.changePerm(subcmd, true);
    } else this.addFirstArg(cmd.fullname, sub);
    return undefined;
  }

  /** The command part of ACLSelectorCheckCmd: the bit, or an allowed first argument. */
  canRun(cmd: AclCommand, argv: readonly string[]): boolean {
    if (this.bit(cmd.fullname)) return true;
    if (argv.length < 2) return false;
    const allowed = this.firstArgs?.get(cmd.fullname);
    if (allowed === undefined) return false;
    const arg = (argv[cmd.parent !== undefined ? 2 : 1] ?? '').toLowerCase();
    return allowed.some((a) => a.toLowerCase() === arg);
  }

  /** ACLSelectorCheckKey: some pattern with the needed flags matches the key. */
  canAccessKey(key: string, perms: number): boolean {
    if (this.allKeys) return true;
    for (const p of this.patterns) {
      if ((p.flags & perms) !== perms) continue;
      if (p.match(key)) return true;
    }
    return false;
  }

  /** ACLCheckChannelAgainstList: patterns (PSUBSCRIBE) compare literally, channels match as globs. */
  canAccessChannel(channel: string, isPattern: boolean): boolean {
    if (this.allChannels) return true;
    return channelAllowed(this.channels, channel, isPattern);
  }
}

export function channelAllowed(list: readonly string[], channel: string, isPattern: boolean): boolean {
  for (const p of list) {
    if (isPattern ? p === channel : globMatch(p, channel)) return true;
  }
  return false;
}

/** sdsCatPatternString */
export function patternString(p: KeyPattern): string {
  if (p.flags === (PERM_READ | PERM_WRITE)) return `~${p.pattern}`;
  if (p.flags === PERM_READ) return `%R~${p.pattern}`;
  if (p.flags === PERM_WRITE) return `%W~${p.pattern}`;
  return `%~${p.pattern}`;
}
