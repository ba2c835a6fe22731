import { ErrorReply, MapReply, type RespValue, SetReply, SimpleString } from '@replikit/resp';
import { type CommandContext, type ServerCommandSpec, containerSpec, spec, type ServerCommandFlag } from '../dispatch/command-spec';
import { globMatch } from '@replikit/keyspace/internal';
import { eqi } from './arg-parsing';

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

/** COMMAND GETKEYS by first/last/step (movable-key commands need the keyspace's own key finder). */
function getKeys(ctx: CommandContext, argv: readonly string[]): RespValue {
  const args = argv.slice(2);
  let s = ctx.runtime.commands.get(args[0] as string);
  if (s?.subcommands && args.length >= 2) s = s.subcommands.get((args[1] as string).toLowerCase());
  if (s === undefined) return new ErrorReply('ERR Invalid command specified');
  if (s.firstKey <= 0) return new ErrorReply('ERR The command has no key arguments');
  if ((s.arity > 0 && s.arity !== args.length) || args.length < -s.arity) return new ErrorReply('ERR Invalid number of arguments specified for command');
  const last = s.lastKey < 0 ? args.length + s.lastKey : s.lastKey;
  const keys: string[] = [];
  for (let i = s.firstKey; i <= last && i < args.length; i += Math.max(1, s.keyStep)) keys.push(args[i] as string);
  if (keys.length === 0) return new ErrorReply('ERR Invalid arguments specified for command');
  return keys;
}

const HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  "    Return details about all Redis commands.",
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'HELP',
  '    Print this help.',
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
    spec('command|list', -2, FLAGS, CAT, (ctx, argv) => {
      let names = ctx.runtime.commands.specs().map((s) => s.name);
      if (argv.length === 2) return names;
      if (argv.length !== 5 || !eqi(argv[2], 'filterby')) return new ErrorReply('ERR syntax error');
      const by = argv[3] as string;
      const v = argv[4] as string;
      if (eqi(by, 'pattern')) names = names.filter((n) => globMatch(v.toLowerCase(), n));
      else if (eqi(by, 'aclcat')) names = ctx.runtime.commands.specs().filter((s) => categories(s).includes(`@${v.toLowerCase()}`)).map((s) => s.name);
      else if (eqi(by, 'module')) names = [];
      else return new ErrorReply('ERR syntax error');
      return names;
    }),
    spec('command|getkeys', -4, FLAGS, CAT, getKeys),
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
