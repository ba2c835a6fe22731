import { randomBytes } from 'node:crypto';
import { DoubleReply, ErrorReply, MapReply, OK, type RespValue, SetReply, SimpleString } from '@replikit/resp';
import { ACL_CATEGORIES, type AclCommand, categoryBit } from '../auth/acl-command-index';
import { describeCommandRules } from '../auth/acl-describe';
import { reasonName } from '../auth/acl-log';
import { dryrunText } from '../auth/acl-replies';
import { type AclSelector, patternString } from '../auth/acl-selector';
import { ACL_OK } from '../auth/acl-user';
import type { UserDirectory } from '../auth/user-directory';
import { type CommandContext, type ServerCommandFlag, type ServerCommandSpec, containerSpec, spec } from '../dispatch/command-spec';
import { NOT_INTEGER } from '../dispatch/reply-texts';
import { parseStrictInt } from './arg-parsing';

const ADMIN: readonly ServerCommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const PLAIN: readonly ServerCommandFlag[] = ['noscript', 'loading', 'stale'];
const ADMIN_CAT = ['@admin', '@slow', '@dangerous'];
const SLOW = ['@slow'];
const NO_FILE = new ErrorReply(
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.',
);
const GENPASS_MAX_BITS = 4096;

/** aclAddReplySelectorDescription: commands, keys, channels. */
function selectorFields(users: UserDirectory, s: AclSelector): Array<[RespValue, RespValue]> {
  return [
    ['commands', describeCommandRules(users.index, s)],
    ['keys', s.allKeys ? '~*' : s.patterns.map(patternString).join(' ')],
    ['channels', s.allChannels ? '&*' : s.channels.map((c) => `&${c}`).join(' ')],
  ];
}

function getuser(ctx: CommandContext, argv: readonly string[]): RespValue {
  const users = ctx.runtime.users;
  const u = users.get(argv[2] as string);
  if (u === undefined) return null;
  return new MapReply([
    ['flags', new SetReply(u.flags())],
    ['passwords', [...u.passwords]],
    ...selectorFields(users, u.root),
    ['selectors', u.selectors.slice(1).map((s) => new MapReply(selectorFields(users, s)))],
  ]);
}

/** aclCatWithFlags: every command and subcommand in the category, in table order. */
function catCommands(commands: readonly AclCommand[], bit: number, out: string[]): void {
  for (const c of commands) {
    if ((c.categories & bit) !== 0) out.push(c.fullname);
    if (c.subcommands !== undefined) catCommands(c.subcommands, bit, out);
  }
}

function cat(ctx: CommandContext, argv: readonly string[]): RespValue {
  if (argv.length === 2) return [...ACL_CATEGORIES];
  if (argv.length > 3) return subcommandSyntax(argv);
  const bit = categoryBit(argv[2] as string);
  if (bit === 0) return new ErrorReply(`ERR Unknown category '${(argv[2] as string).slice(0, 128)}'`);
  const out: string[] = [];
  catCommands(ctx.runtime.users.index.commands(), bit, out);
  return out;
}

function log(ctx: CommandContext, argv: readonly string[]): RespValue {
  if (argv.length > 3) return subcommandSyntax(argv);
  const aclLog = ctx.runtime.users.log;
  let count = 10;
  if (argv.length === 3) {
    if ((argv[2] as string).toLowerCase() === 'reset') {
      aclLog.reset();
      return OK;
    }
    const n = parseStrictInt(argv[2] as string);
    if (n === null) return NOT_INTEGER;
    count = Math.max(0, n);
  }
  const now = Date.now();
  return aclLog.list(count).map(
    (e) =>
      new MapReply([
        ['count', e.count],
        ['reason', reasonName(e.reason)],
        ['context', e.context],
        ['object', e.object],
        ['username', e.username],
        ['age-seconds', new DoubleReply((now - e.ctime) / 1000)],
        ['client-info', e.clientInfo],
      ]),
  );
}

function dryrun(ctx: CommandContext, argv: readonly string[]): RespValue {
  const rt = ctx.runtime;
  const u = rt.users.get(argv[2] as string);
  if (u === undefined) return new ErrorReply(`ERR User '${argv[2]}' not found`);
  const args = argv.slice(3);
  const found = rt.commands.lookup(args);
  if (found instanceof ErrorReply) {
    if (found.message.startsWith('ERR wrong number')) return found;
    return new ErrorReply(`ERR Command '${argv[3]}' not found`);
  }
  const v = rt.users.verdict(u, found, args);
  if (v.result === ACL_OK) return OK;
  return dryrunText(v.result, found.fullname, args[v.pos] as string);
}

function genpass(_ctx: CommandContext, argv: readonly string[]): RespValue {
  let bits = 256;
  if (argv.length === 3) {
    const n = parseStrictInt(argv[2] as string);
    if (n === null) return NOT_INTEGER;
    bits = n;
  }
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    return new ErrorReply(`ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`);
  }
  const chars = Math.floor((bits + 3) / 4);
  return randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
}

/** addReplySubcommandSyntaxError */
function subcommandSyntax(argv: readonly string[]): ErrorReply {
  return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${(argv[1] as string).slice(0, 128)}'. Try ACL HELP.`);
}

const HELP = [
  'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
  'HELP',
  '    Prints this help.',
];

/** ACL and its subcommands (acl.c aclCommand). */
export const aclCommand: ServerCommandSpec = containerSpec(
  'acl',
  [
    spec('acl|cat', -2, PLAIN, SLOW, cat),
    spec('acl|deluser', -3, ADMIN, ADMIN_CAT, (ctx, argv) => {
      const names = argv.slice(2);
      if (names.includes('default')) return new ErrorReply("ERR The 'default' user cannot be removed");
      return ctx.runtime.users.deleteUsers(names, ctx.client);
    }),
    spec('acl|dryrun', -4, ADMIN, ADMIN_CAT, dryrun),
    spec('acl|genpass', -2, PLAIN, SLOW, (ctx, argv) => (argv.length > 3 ? subcommandSyntax(argv) : genpass(ctx, argv))),
    spec('acl|getuser', 3, ADMIN, ADMIN_CAT, getuser),
    spec('acl|list', 2, ADMIN, ADMIN_CAT, (ctx) => ctx.runtime.users.names().map((n) => ctx.runtime.users.describe(n))),
    spec('acl|load', 2, ADMIN, ADMIN_CAT, (ctx) => {
      const users = ctx.runtime.users;
      if (users.aclfile === undefined) return NO_FILE;
      const err = users.loadFile();
      return err === undefined ? OK : new ErrorReply(`ERR ${err}`.replace(/[\r\n]/g, ' '));
    }),
    spec('acl|log', -2, ADMIN, ADMIN_CAT, log),
    spec('acl|save', 2, ADMIN, ADMIN_CAT, (ctx) => {
      const users = ctx.runtime.users;
      if (users.aclfile === undefined) return NO_FILE;
      return users.saveFile() ? OK : new ErrorReply('ERR There was an error trying to save the ACLs. Please check the server logs for more information');
    }),
    spec('acl|setuser', -3, ADMIN, ADMIN_CAT, (ctx, argv) => {
      const err = ctx.runtime.users.setUser(argv[2] as string, argv.slice(3), ctx.client);
      return err === undefined ? OK : new ErrorReply(`ERR ${err}`.replace(/[\r\n]/g, ' '));
    }),
    spec('acl|users', 2, ADMIN, ADMIN_CAT, (ctx) => ctx.runtime.users.names()),
    spec('acl|whoami', 2, PLAIN, SLOW, (ctx) => ctx.client.user),
    spec('acl|help', 2, ['loading', 'stale'], SLOW, () => HELP.map((h) => new SimpleString(h))),
  ],
  { categories: SLOW },
);

