import { MapReply, type RespValue, SetReply, SimpleString } from '@replikit/resp';
import { type CommandContext, containerSpec, type ServerCommandFlag, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { getKeys as getKeysBySpecs, listCommands } from '../introspection/command-keys';

const FLAGS: readonly ServerCommandFlag[] = ['loading', 'stale'];
const CAT = ['@slow', '@connection'];

/** ACL categories derived from flags when a spec does not list them. */
function categories(s: ServerCommandSpec): string[] {
  if (s.categories) return [...s.categories];
  const f = new Set(s.flags);
  const out: string[] = [];
  if (f.has('write')) out.push('@write');
  if (f.has('readonly')) out.push('@read');
  if (f.has('admin')) out.push('@admin', '@dangerous');
  if (f.has('pubsub')) out.push('@pubsub');
  if (f.has('blocking')) out.push('@blocking');
  out.push(f.has('fast') ? '@fast' : '@slow');
  return out;
}

function keySpecs(s: ServerCommandSpec): RespValue[] {
  if (s.firstKey <= 0) return [];
  const f = new Set(s.flags);
  const flags = f.has('write') ? ['RW', 'access', 'update'] : ['RO', 'access'];
  const lastkey = s.lastKey < 0 ? s.lastKey : s.lastKey - s.firstKey;
  return [
    new MapReply([
      ['flags', new SetReply(flags.map((x) => new SimpleString(x)))],
      ['begin_search', new MapReply([['type', 'index'], ['spec', new MapReply([['index', s.firstKey]])]])],
      ['find_keys', new MapReply([['type', 'range'], ['spec', new MapReply([['lastkey', lastkey], ['keystep', s.keyStep], ['limit', 0]])]])],
    ]),
  ];
}

/** One COMMAND INFO entry (10 fields, like Redis 7.0). */
export function commandInfo(s: ServerCommandSpec): RespValue {
  const subs = s.subcommands ? [...s.subcommands.values()].map(commandInfo) : [];
  return [
    s.name,
    s.arity,
    new SetReply(s.flags.map((f) => new SimpleString(f.replace(/-/g, '_')))),
    s.firstKey,
    s.lastKey,
    s.keyStep,
    new SetReply(categories(s).map((c) => new SimpleString(c))),
    new SetReply((s.tips ?? []).map((t) => t)),
    keySpecs(s),
    subs,
  ];
}

function docsOf(s: ServerCommandSpec): MapReply {
  const d = s.docs;
  const group = d?.group ?? (s.flags.includes('pubsub') ? 'pubsub' : 'generic');
  const entries: Array<[RespValue, RespValue]> = [
    ['summary', d?.summary ?? ''],
    ['since', d?.since ?? '1.0.0'],
    ['group', group],
  ];
  if (s.subcommands) {
    entries.push(['subcommands', new MapReply([...s.subcommands.values()].map((x) => [x.name, docsOf(x)] as [RespValue, RespValue]))]);
  }
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
