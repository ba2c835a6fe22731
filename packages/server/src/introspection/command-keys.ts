import { globMatch } from '@replikit/keyspace/internal';
import { ErrorReply, type RespValue, SetReply, SimpleString } from '@replikit/resp';
import { type AclCommand, categoryBit, PERM_READ, PERM_WRITE } from '../auth/acl-command-index';
import { commandKeys, keysFromSpecs } from '../auth/acl-keys';
import type { CommandContext } from '../dispatch/command-spec';

const INVALID_COMMAND = new ErrorReply('ERR Invalid command specified');
const NO_KEYS = new ErrorReply('ERR The command has no key arguments');
const BAD_ARITY = new ErrorReply('ERR Invalid number of arguments specified for command');
const BAD_ARGS = new ErrorReply('ERR Invalid arguments specified for command');

/** addReplyFlagsForKeyArgs' order. */
const FLAG_ORDER = ['RW', 'RO', 'OW', 'RM', 'ACCESS', 'UPDATE', 'INSERT', 'DELETE', 'NOT_KEY', 'INCOMPLETE', 'VARIABLE_FLAGS'];

function flagReply(flags: readonly string[]): SetReply {
  const have = new Set(flags.map((f) => f.toUpperCase()));
  const out: SimpleString[] = [];
  for (const f of FLAG_ORDER) if (have.has(f)) out.push(new SimpleString(f.length === 2 ? f : f.toLowerCase()));
  return new SetReply(out);
}

/** The flags a key procedure reports (SET's OW update, BITFIELD's RW/RO ...), from the permissions it needs. */
function flagsOfPerms(perms: number): string[] {
  if ((perms & PERM_READ) !== 0 && (perms & PERM_WRITE) !== 0) return ['RW', 'ACCESS', 'UPDATE'];
  if ((perms & PERM_WRITE) !== 0) return ['OW', 'UPDATE'];
  return ['RO', 'ACCESS'];
}

/**
 * COMMAND GETKEYS / GETKEYSANDFLAGS (commandGetKeys): the command is looked up like
 * lookupCommand (a container with a second argument means its subcommand), then its keys are
 * found with the key specs or the command's key procedure, the ones the ACL check uses.
 */
export function getKeys(ctx: CommandContext, argv: readonly string[], withFlags: boolean): RespValue {
  const args = argv.slice(2);
  const index = ctx.runtime.users.index;
  let cmd: AclCommand | undefined = index.lookup(args[0] as string);
  if (cmd?.subcommands !== undefined && args.length >= 2) cmd = index.lookup(`${args[0]}|${args[1]}`);
  if (cmd === undefined) return INVALID_COMMAND;
  const plan = cmd.keyPlan;
  if (plan.specs.length === 0) return NO_KEYS;
  const arity = cmd.spec.arity;
  if ((arity > 0 && arity !== args.length) || args.length < -arity) return BAD_ARITY;
  const keys = commandKeys(cmd, args);
  // EVAL, FCALL ... (no-mandatory-keys) may have none
  if (keys.length === 0) return (cmd.spec.flags as readonly string[]).includes('no-mandatory-keys') ? [] : BAD_ARGS;
  if (!withFlags) return keys.map((k) => args[k.pos] as string);
  // each key's flags: those of the key spec that finds it, else what the key procedure reports
  const perSpec = plan.varflags
    ? []
    : plan.specs.map((p) => ({ flags: p.spec.flags, incomplete: p.incomplete, positions: new Set((keysFromSpecs([p], args, arity) ?? []).map((k) => k.pos)) }));
  // a key no complete spec finds comes from the key procedure: it has the incomplete spec's flags (SORT's STORE key)
  const incomplete = plan.specs.find((p) => p.incomplete);
  return keys.map((k) => {
    const owner = perSpec.find((s) => !s.incomplete && s.positions.has(k.pos));
    const flags = owner?.flags ?? (incomplete !== undefined && !plan.varflags ? incomplete.spec.flags.filter((f) => f.toUpperCase() !== 'INCOMPLETE') : flagsOfPerms(k.perms));
    return [args[k.pos] as string, flagReply(flags)];
  });
}

/**
 * COMMAND LIST [FILTERBY MODULE name | ACLCAT cat | PATTERN glob]: every command and every
 * subcommand (`client|list`), each tested on its own full name and categories.
 */
export function listCommands(ctx: CommandContext, argv: readonly string[]): RespValue {
  let test: (c: AclCommand) => boolean = () => true;
  if (argv.length === 5 && (argv[2] as string).toLowerCase() === 'filterby') {
    const by = (argv[3] as string).toLowerCase();
    const v = argv[4] as string;
    if (by === 'pattern') test = (c) => globMatch(v.toLowerCase(), c.fullname);
    else if (by === 'aclcat') {
      const bit = categoryBit(v);
      test = (c) => (c.categories & bit) !== 0;
    } else if (by === 'module') test = () => false;
    else return new ErrorReply('ERR syntax error');
  } else if (argv.length !== 2) return new ErrorReply('ERR syntax error');
  const out: string[] = [];
  for (const c of ctx.runtime.users.index.commands()) {
    if (test(c)) out.push(c.fullname);
    for (const s of c.subcommands ?? []) if (test(s)) out.push(s.fullname);
  }
  return out;
}
