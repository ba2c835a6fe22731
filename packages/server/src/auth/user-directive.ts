import type { ServerUser } from '../defaults';
import { UserDirectiveError } from '../errors';
import { mergeSelectorArgs } from './acl-file';
import { AclCommandIndex } from './acl-command-index';
import { AclUser } from './acl-user';
import { CommandTable } from '../dispatch/command-table';
import { ruleFailureText } from './acl-selector';

/**
 * Parses the rules of a redis.conf `user <name> <rule> ...` directive (ACLAppendUserForLoading):
 * every rule is checked now except command and category names, which are checked when the
 * server applies the users (its commands are all registered by then). Throws UserDirectiveError
 * naming the bad rule. The result keeps the rules; `enabled`, `nopass` and `passwords` summarise them.
 */
export function parseUserDirective(name: string, rules: readonly string[]): ServerUser {
  const merged = mergeSelectorArgs(rules);
  if (!Array.isArray(merged)) {
    throw new UserDirectiveError(rules[merged.unmatched] ?? '', `Error in user declaration '${name}': Unmatched parenthesis in acl selector`);
  }
  const probe = new AclUser(name, false);
  const index = new AclCommandIndex(new CommandTable());
  let passwords: string[] = [];
  for (const op of merged) {
    const refusal = probe.apply(index, op);
    if (refusal !== undefined && refusal.reason !== 'ENOENT') {
      throw new UserDirectiveError(op, `Error in user declaration '${name}': ${ruleFailureText(refusal.reason)}`);
    }
    const lower = op.toLowerCase();
    if (lower === 'nopass' || lower === 'resetpass' || lower === 'reset') passwords = [];
    else if (op[0] === '>') {
      if (!passwords.includes(op.slice(1))) passwords.push(op.slice(1));
    } else if (op[0] === '<') passwords = passwords.filter((p) => p !== op.slice(1));
  }
  return { name, enabled: probe.enabled, nopass: probe.nopass, passwords, rules: merged };
}
