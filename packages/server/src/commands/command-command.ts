import type { KeySpec } from '@replikit/keyspace';
import { MapReply, type RespValue, SetReply, SimpleString } from '@replikit/resp';
import { ACL_CATEGORIES, keySpecsOf, specCategories } from '../auth/acl-command-index';
import { type CommandContext, containerSpec, type ServerCommandFlag, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { docsReply, redisDocsRow } from '../introspection/command-docs';
import { getKeys as getKeysBySpecs, listCommands } from '../introspection/command-keys';

const FLAGS: readonly ServerCommandFlag[] = ['loading', 'stale'];
const CAT = ['@slow', '@connection'];

/** The flags COMMAND INFO prints, in addReplyFlagsForCommand's order (others are hidden). */
const SHOWN_FLAGS: readonly string[] = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale', 'skip-monitor',
  'skip-slowlog', 'asking', 'fast', 'no-auth', 'no-mandatory-keys', 'no-async-loading', 'no-multi', 'movablekeys', 'allow-busy',
];

/** addReplyFlagsForKeyArgs' order. */
const KEY_FLAG_ORDER = ['RO', 'RW', 'OW', 'RM', 'ACCESS', 'UPDATE', 'INSERT', 'DELETE', 'NOT_KEY', 'INCOMPLETE', 'VARIABLE_FLAGS'];

function flagSet(s: ServerCommandSpec): SetReply {
  const have = new Set<string>(s.flags);
  return new SetReply(SHOWN_FLAGS.filter((f) => have.has(f)).map((f) => new SimpleString(f.replace(/-/g, '_'))));
}

function categorySet(s: ServerCommandSpec): SetReply {
  const have = new Set(specCategories(s));
  return new SetReply(ACL_CATEGORIES.filter((c) => have.has(c)).map((c) => new SimpleString(`@${c}`)));
}

function beginSearch(b: KeySpec['beginSearch']): MapReply {
  if (b.type === 'index') return new MapReply([['type', 'index'], ['spec', new MapReply([['index', b.index]])]]);
  if (b.type === 'keyword') return new MapReply([['type', 'keyword'], ['spec', new MapReply([['keyword', b.keyword], ['startfrom', b.startFrom]])]]);
  return new MapReply([['type', 'unknown'], ['spec', new MapReply([])]]);
}

function findKeys(f: KeySpec['findKeys']): MapReply {
  if (f.type === 'range') return new MapReply([['type', 'range'], ['spec', new MapReply([['lastkey', f.lastKey], ['keystep', f.keyStep], ['limit', f.limit]])]]);
  if (f.type === 'keynum') return new MapReply([['type', 'keynum'], ['spec', new MapReply([['keynumidx', f.keyNumIdx], ['firstkey', f.firstKey], ['keystep', f.keyStep]])]]);
  return new MapReply([['type', 'unknown'], ['spec', new MapReply([])]]);
}

/** addReplyCommandKeySpecs: notes (when any), flags, begin_search, find_keys. */
function keySpecReply(k: KeySpec): MapReply {
  const have = new Set(k.flags.map((f) => f.toUpperCase()));
  const flags = KEY_FLAG_ORDER.filter((f) => have.has(f)).map((f) => new SimpleString(f.length === 2 ? f : f.toLowerCase()));
  const entries: Array<[RespValue, RespValue]> = [];
  if (k.notes !== undefined) entries.push(['notes', k.notes]);
  entries.push(['flags', new SetReply(flags)], ['begin_search', beginSearch(k.beginSearch)], ['find_keys', findKeys(k.findKeys)]);
  return new MapReply(entries);
}

/** One COMMAND INFO entry (10 fields; tips and key specs are sets in Redis 7.0, subcommands an array, an empty set when none). */
export function commandInfo(s: ServerCommandSpec): RespValue {
  const subs = s.subcommands ? [...s.subcommands.values()].map(commandInfo) : [];
  return [
    s.name,
    s.arity,
    flagSet(s),
    s.firstKey,
    s.lastKey,
    s.keyStep,
    categorySet(s),
    new SetReply(s.tips ?? []),
    new SetReply(keySpecsOf(s).map(keySpecReply)),
    s.subcommands ? subs : new SetReply([]),
  ];
}

/** One COMMAND DOCS entry: Redis 7.0's documentation, or what the spec declares for other commands. */
function docsOf(s: ServerCommandSpec): MapReply {
  const subs = s.subcommands ? [...s.subcommands.values()].map((x) => [x.name, docsOf(x)] as [RespValue, RespValue]) : undefined;
  const row = redisDocsRow(s.name);
  if (row !== undefined) return docsReply(row, subs);
  const d = s.docs;
  const group = d?.group ?? (s.flags.includes('pubsub') ? 'pubsub' : 'generic');
  const entries: Array<[RespValue, RespValue]> = [
    ['summary', d?.summary ?? ''],
    ['since', d?.since ?? '1.0.0'],
    ['group', group],
  ];
  if (subs !== undefined) entries.push(['subcommands', new MapReply(subs)]);
  return new MapReply(entries);
}

function lookup(ctx: CommandContext, name: string): ServerCommandSpec | undefined {
  const i = name.indexOf('|');
  if (i < 0) return ctx.runtime.commands.get(name);
  return ctx.runtime.commands.get(name.slice(0, i))?.subcommands?.get(name.slice(i + 1).toLowerCase());
}

const HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

const container = containerSpec(
  'command',
  [
    spec('command|count', 2, FLAGS, CAT, (ctx) => ctx.runtime.commands.size),
    spec('command|info', -2, FLAGS, CAT, (ctx, argv) => {
      if (argv.length === 2) return ctx.runtime.commands.specs().map(commandInfo);
      return argv.slice(2).map((n) => {
        const s = lookup(ctx, n);
        return s === undefined ? null : commandInfo(s);
      });
    }),
    spec('command|docs', -2, FLAGS, CAT, (ctx, argv) => {
      const specs = argv.length === 2 ? ctx.runtime.commands.specs() : argv.slice(2).map((n) => lookup(ctx, n));
      const entries: Array<[RespValue, RespValue]> = [];
      for (const s of specs) if (s !== undefined) entries.push([s.name, docsOf(s)]);
      return new MapReply(entries);
    }),
    spec('command|list', -2, FLAGS, CAT, listCommands),
    spec('command|getkeys', -4, FLAGS, CAT, (ctx, argv) => getKeysBySpecs(ctx, argv, false)),
    spec('command|getkeysandflags', -4, FLAGS, CAT, (ctx, argv) => getKeysBySpecs(ctx, argv, true)),
    spec('command|help', 2, FLAGS, CAT, () => HELP.map((h) => new SimpleString(h))),
  ],
  { flags: FLAGS, categories: CAT },
);

/** COMMAND with no subcommand lists everything: arity -1 on the container itself. */
export const commandCommand: ServerCommandSpec = {
  ...container,
  arity: -1,
  handler: (ctx) => ctx.runtime.commands.specs().map(commandInfo),
};
