import type { ServerUser } from '../defaults';
import { UserDirectiveError } from '../errors';

interface UserEntry {
  name: string;
  enabled: boolean;
  nopass: boolean;
  passwords: Set<string>;
}

/**
 * The users known to the server: `default` (configured by `requirepass`) plus the `user`
 * directives given as options. Only the subset replication needs: on/off, passwords, nopass; every
 * user may run every command.
 */
export class UserDirectory {
  private readonly users = new Map<string, UserEntry>();

  constructor(requirepass: string | undefined, users: readonly ServerUser[] = []) {
    this.users.set('default', { name: 'default', enabled: true, nopass: true, passwords: new Set() });
    this.setRequirepass(requirepass);
    for (const u of users) {
      this.users.set(u.name, {
        name: u.name,
        enabled: u.enabled ?? true,
        nopass: u.nopass ?? false,
        passwords: new Set(u.passwords ?? []),
      });
    }
  }

  /** `requirepass` semantics: a password replaces every password of `default`; '' or undefined means nopass. */
  setRequirepass(password: string | undefined): void {
    const d = this.get('default') as UserEntry;
    d.passwords.clear();
    if (password === undefined || password === '') d.nopass = true;
    else {
      d.nopass = false;
      d.passwords.add(password);
    }
  }

  /** The `default` user's only password, as CONFIG GET requirepass shows it ('' when nopass). */
  get requirepass(): string {
    const d = this.get('default') as UserEntry;
    return d.nopass ? '' : ([...d.passwords][0] ?? '');
  }

  private get(name: string): UserEntry | undefined {
    return this.users.get(name);
  }

  /** Redis's `authRequired()`: new connections start unauthenticated unless `default` is nopass and on. */
  get defaultUserNeedsAuth(): boolean {
    const d = this.get('default') as UserEntry;
    return !d.nopass || !d.enabled;
  }

  /** `default` user has no password (the case where `AUTH <password>` is an error). */
  get defaultUserNopass(): boolean {
    return (this.get('default') as UserEntry).nopass;
  }

  /** True when `name` exists, is on, and `password` matches (or the user is nopass). */
  check(name: string, password: string): boolean {
    const u = this.get(name);
    if (!u?.enabled) return false;
    return u.nopass || u.passwords.has(password);
  }

  names(): string[] {
    return [...this.users.keys()];
  }
}

/**
 * Parses the rules of a redis.conf `user <name> <rule> ...` directive (the subset we support:
 * `on`, `off`, `>password`, `<password`, `nopass`, `resetpass`, `reset`, and the permission rules
 * `~*`, `%RW~*`, `&*`, `+@all`, `allkeys`, `allchannels`, `allcommands`, which are accepted and
 * ignored because every user may run everything). Throws UserDirectiveError naming the bad rule.
 */
export function parseUserDirective(name: string, rules: readonly string[]): ServerUser {
  let enabled = false;
  let nopass = false;
  let passwords = new Set<string>();
  const accepted = new Set(['~*', '%RW~*', '&*', '+@all', 'allkeys', 'allchannels', 'allcommands', 'resetkeys', 'resetchannels']);
  for (const rule of rules) {
    if (rule === 'on') enabled = true;
    else if (rule === 'off') enabled = false;
    else if (rule === 'nopass') {
      nopass = true;
      passwords = new Set();
    } else if (rule === 'resetpass') {
      nopass = false;
      passwords = new Set();
    } else if (rule === 'reset') {
      enabled = false;
      nopass = false;
      passwords = new Set();
    } else if (rule.startsWith('>')) {
      passwords.add(rule.slice(1));
      nopass = false;
    } else if (rule.startsWith('<')) passwords.delete(rule.slice(1));
    else if (!accepted.has(rule.toLowerCase()) && !accepted.has(rule)) {
      throw new UserDirectiveError(rule, `Error in user declaration '${name}': unsupported ACL rule '${rule}' (replikit supports on, off, >pass, <pass, nopass, resetpass, reset, ~*, &*, +@all)`);
    }
  }
  return { name, enabled, nopass, passwords: [...passwords] };
}
