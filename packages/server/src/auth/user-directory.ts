import type { ErrorReply } from '@replikit/resp';
import { clientInfoLine } from '../connection/client-info';
import type { ServerClient } from '../connection/server-client';
import type { ServerUser } from '../defaults';
import { CommandTable } from '../dispatch/command-table';
import type { TableEntry } from '../dispatch/command-table';
import { UserDirectiveError } from '../errors';
import { AclCommandIndex } from './acl-command-index';
import { mergeSelectorArgs, parseAclFile, readAclFile, writeAclFile } from './acl-file';
import { AclLog, type AclLogContext } from './acl-log';
import { channelAllowed, hasSpaces, ruleFailureText } from './acl-selector';
import { ACL_DENIED_AUTH, ACL_OK, AclUser, type AclVerdict } from './acl-user';
import { aclRefusalReply, execRecheckReply, scriptRefusalReply } from './acl-replies';

export { parseUserDirective } from './user-directive';

/** ACL settings besides `requirepass` and the `user` directives. */
export interface UserDirectoryOptions {
  /** the server's command table (ACL rules name its commands and categories) */
  readonly commands?: CommandTable;
  /** `aclfile`: users are loaded from (and ACL SAVE writes) this file. @default undefined */
  readonly aclfile?: string;
  /** `acllog-max-len` @default 128 */
  readonly acllogMaxLen?: number;
  /** `acl-pubsub-default`: channels a new user starts with. @default 'resetchannels' */
  readonly aclPubsubDefault?: 'allchannels' | 'resetchannels';
}

/**
 * The ACL users of a server (acl.c): `default` (also configured by `requirepass`), the `user`
 * directives or the `aclfile`, and those ACL SETUSER creates. Checks credentials and, in the
 * dispatcher, every command's permissions; keeps the ACL LOG.
 *
 * Configured users are applied on first use (after every command is registered), so their rules
 * can name any command; `load()` does it explicitly and throws on errors (server start).
 */
export class UserDirectory {
  private users = new Map<string, AclUser>();
  readonly index: AclCommandIndex;
  readonly log: AclLog;
  readonly aclfile: string | undefined;
  /** acl-pubsub-default is allchannels (CONFIG SET changes it for users created afterwards) */
  pubsubDefaultAll: boolean;
  /** false while every user may run everything: the dispatcher then skips the ACL check */
  restricted = false;
  private pending: readonly ServerUser[] | undefined;
  private loaded = false;
  /** connected clients, for the disconnections that deleting or narrowing a user causes */
  clients: () => Iterable<ServerClient> = () => [];

  constructor(requirepass: string | undefined, users: readonly ServerUser[] = [], options: UserDirectoryOptions = {}) {
    this.index = new AclCommandIndex(options.commands ?? new CommandTable());
    this.log = new AclLog(options.acllogMaxLen ?? 128);
    this.aclfile = options.aclfile === '' ? undefined : options.aclfile;
    this.pubsubDefaultAll = options.aclPubsubDefault === 'allchannels';
    if (this.aclfile !== undefined && users.length > 0) {
      throw new UserDirectiveError(
        'aclfile',
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    this.users.set('default', this.createDefault());
    this.setRequirepass(requirepass);
    this.pending = users;
  }

  private createDefault(): AclUser {
    const u = new AclUser('default', this.pubsubDefaultAll);
    for (const r of ['+@all', '~*', '&*', 'on', 'nopass']) u.apply(this.index, r);
    return u;
  }

  /** Applies the configured users, then the ACL file; throws UserDirectiveError on errors. Runs once. */
  load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const cfg of this.pending ?? []) {
      let u = this.users.get(cfg.name);
      if (u === undefined) {
        u = new AclUser(cfg.name, this.pubsubDefaultAll);
        this.users.set(cfg.name, u);
      } else u.apply(this.index, 'reset');
      const rules = cfg.rules ?? legacyRules(cfg);
      const merged = mergeSelectorArgs(rules);
      if (!Array.isArray(merged)) throw new UserDirectiveError(rules[merged.unmatched] ?? '', `Unmatched parenthesis in acl selector starting at '${rules[merged.unmatched]}'.`);
      for (const op of merged) {
        const refusal = u.apply(this.index, op);
        if (refusal !== undefined) throw new UserDirectiveError(op, `Error in user declaration '${cfg.name}': ${ruleFailureText(refusal.reason)}`);
      }
    }
    this.pending = undefined;
    if (this.aclfile !== undefined) {
      const err = this.loadFile();
      if (err !== undefined) throw new UserDirectiveError('aclfile', `Aborting Redis startup because of ACL errors: ${err}`);
    }
    this.changed();
  }

  private ready(): void {
    if (!this.loaded) this.load();
  }

  /** Recomputes the fast-path flag after any change. */
  private changed(): void {
    let restricted = false;
    for (const u of this.users.values()) if (!u.unrestricted || u.selectors.length > 1) restricted = true;
    this.restricted = restricted;
  }

  /** `requirepass` semantics (ACLUpdateDefaultUserPassword): resetpass, then the password or nopass. */
  setRequirepass(password: string | undefined): void {
    const d = this.users.get('default') as AclUser;
    d.apply(this.index, 'resetpass');
    d.apply(this.index, password === undefined || password === '' ? 'nopass' : `>${password}`);
    this.requirepassText = password ?? '';
  }

  private requirepassText = '';

  /** The `requirepass` value as CONFIG GET shows it ('' when unset). */
  get requirepass(): string {
    return this.requirepassText;
  }

  get defaultUser(): AclUser {
    this.ready();
    return this.users.get('default') as AclUser;
  }

  /** Redis's `authRequired()`: new connections start unauthenticated unless `default` is nopass and on. */
  get defaultUserNeedsAuth(): boolean {
    const d = this.defaultUser;
    return !d.nopass || !d.enabled;
  }

  /** `default` user has no password (the case where `AUTH <password>` is an error). */
  get defaultUserNopass(): boolean {
    return this.defaultUser.nopass;
  }

  /** ACLCheckUserCredentials */
  check(name: string, password: string): boolean {
    this.ready();
    return this.users.get(name)?.accepts(password) === true;
  }

  get(name: string): AclUser | undefined {
    this.ready();
    return this.users.get(name);
  }

  /** User names in ACL LIST order (byte order, like Redis's radix tree). */
  names(): string[] {
    this.ready();
    return [...this.users.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** `user <name> <rules>` for ACL LIST and the ACL file. */
  describe(name: string): string {
    const u = this.get(name) as AclUser;
    return `user ${name} ${u.describe(this.index)}`;
  }

  /**
   * ACLStringSetUser: applies every rule to a copy and installs it only when all are valid.
   * Returns Redis's error text or undefined. `current` is the client running the command.
   */
  setUser(name: string, rules: readonly string[], current?: ServerClient): string | undefined {
    this.ready();
    if (hasSpaces(name)) return "Usernames can't contain spaces or null characters";
    const merged = mergeSelectorArgs(rules);
    if (!Array.isArray(merged)) return `Unmatched parenthesis in acl selector starting at '${rules[merged.unmatched]}'.`;
    const existing = this.users.get(name);
    const staged = existing?.clone() ?? new AclUser(name, this.pubsubDefaultAll);
    for (const op of merged) {
      const refusal = staged.apply(this.index, op);
      if (refusal !== undefined) return `Error in ACL SETUSER modifier '${op}': ${ruleFailureText(refusal.reason)}`;
    }
    if (existing !== undefined) {
      this.killRevokedSubscribers(staged, existing, current);
      existing.copyFrom(staged);
    } else this.users.set(name, staged);
    this.changed();
    return undefined;
  }

  /** ACL DELUSER: removes the users and disconnects their clients; the number removed. */
  deleteUsers(names: readonly string[], current?: ServerClient): number {
    this.ready();
    let deleted = 0;
    for (const n of names) {
      if (!this.users.delete(n)) continue;
      deleted++;
      this.killClientsOf(n, current);
    }
    this.changed();
    return deleted;
  }

  /** ACLFreeUserAndKillClients: the running client is closed after its reply, others now. */
  private killClientsOf(name: string, current?: ServerClient): void {
    for (const c of [...this.clients()]) {
      if (c.user !== name || c.kind === 'master') continue;
      c.user = 'default';
      c.authenticated = false;
      if (c === current) c.closeAfterReply();
      else c.close('acl user removed');
    }
  }

  /** ACLKillPubsubClientsIfNeeded: subscribers whose channels the new rules no longer allow are disconnected. */
  private killRevokedSubscribers(next: AclUser, original: AclUser, current?: ServerClient): void {
    if (next.selectors.some((s) => s.allChannels)) return;
    const upcoming = next.selectors.flatMap((s) => s.channels);
    let superset = true;
    for (const s of original.selectors) {
      if (s.allChannels || s.channels.some((c) => !upcoming.includes(c))) {
        superset = false;
        break;
      }
    }
    if (superset) return;
    for (const c of [...this.clients()]) {
      if (c.user !== original.name || c.channels.size + c.patterns.size + c.shardChannels.size === 0) continue;
      let kill = false;
      for (const p of c.patterns) if (!channelAllowed(upcoming, p, true)) kill = true;
      for (const ch of c.channels) if (!kill && !channelAllowed(upcoming, ch, false)) kill = true;
      for (const ch of c.shardChannels) if (!kill && !channelAllowed(upcoming, ch, false)) kill = true;
      if (!kill) continue;
      if (c === current) c.closeAfterReply();
      else c.close('acl channels revoked');
    }
  }

  /** The permission verdict of `user` for a command (ACL DRYRUN, EXEC re-checks). */
  verdict(user: AclUser, e: TableEntry, argv: readonly string[]): AclVerdict {
    const cmd = this.index.ofSpec(e.spec);
    if (cmd === undefined) return { result: ACL_OK, pos: 0 };
    return user.check(cmd, argv);
  }

  /**
   * The dispatcher's step (ACLCheckAllPerm in processCommand): undefined when allowed, else the
   * NOPERM reply; refusals are logged. The master link's client is never checked.
   */
  refusal(client: ServerClient, e: TableEntry, argv: readonly string[], context: AclLogContext): ErrorReply | undefined {
    if (client.kind === 'master') return undefined;
    const user = this.users.get(client.user) ?? (this.users.get('default') as AclUser);
    if (user.unrestricted && user.selectors.length === 1) return undefined;
    const v = this.verdict(user, e, argv);
    if (v.result === ACL_OK) return undefined;
    this.logRefusal(client, v, e.fullname, argv, context);
    return aclRefusalReply(v.result, e.fullname);
  }

  /** ACLCheckAllUserCommandPerm for the client's user, without logging (redis.acl_check_cmd). */
  allows(client: ServerClient, e: TableEntry, argv: readonly string[]): boolean {
    if (client.kind === 'master') return true;
    const user = this.users.get(client.user) ?? (this.users.get('default') as AclUser);
    return this.verdict(user, e, argv).result === ACL_OK;
  }

  /**
   * scriptVerifyACL: a command a script runs, checked for the user running the script. Undefined
   * when allowed, else `ERR The user executing the script <reason>`; logged with context `lua`.
   */
  scriptRefusal(caller: ServerClient, e: TableEntry, argv: readonly string[]): ErrorReply | undefined {
    if (caller.kind === 'master') return undefined;
    const user = this.users.get(caller.user) ?? (this.users.get('default') as AclUser);
    if (user.unrestricted && user.selectors.length === 1) return undefined;
    const v = this.verdict(user, e, argv);
    if (v.result === ACL_OK) return undefined;
    this.logRefusal(caller, v, e.fullname, argv, 'lua');
    return scriptRefusalReply(v.result);
  }

  /**
   * EXEC's re-check of the queued commands: undefined when all are allowed, else the NOPERM reply
   * of each refused one (by queue position), each logged with context `multi`.
   */
  execRefusals(client: ServerClient, queue: ReadonlyArray<{ readonly entry: TableEntry; readonly argv: readonly string[] }>): Array<ErrorReply | undefined> | undefined {
    if (client.kind === 'master') return undefined;
    const user = this.users.get(client.user) ?? (this.users.get('default') as AclUser);
    if (user.unrestricted && user.selectors.length === 1) return undefined;
    let out: Array<ErrorReply | undefined> | undefined;
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i] as (typeof queue)[number];
      const v = this.verdict(user, q.entry, q.argv);
      if (v.result === ACL_OK) continue;
      this.logRefusal(client, v, q.entry.fullname, q.argv, 'multi');
      if (out === undefined) out = new Array(queue.length).fill(undefined);
      out[i] = execRecheckReply(v.result);
    }
    return out;
  }

  logRefusal(client: ServerClient, v: AclVerdict, fullname: string, argv: readonly string[], context: AclLogContext, username = client.user): void {
    const object = v.result === 1 ? fullname : v.result === ACL_DENIED_AUTH ? (argv[0] as string) : (argv[v.pos] as string);
    this.log.add({ reason: v.result, context, object, username, ctime: Date.now(), clientInfo: clientInfoLine(client) });
  }

  /** A failed AUTH / HELLO AUTH: logged with the user name tried and the command as typed. */
  logAuthFailure(client: ServerClient, username: string, commandName: string): void {
    this.logRefusal(client, { result: ACL_DENIED_AUTH, pos: 0 }, commandName, [commandName], client.multi !== undefined ? 'multi' : 'toplevel', username);
  }

  /** ACL LOAD: replaces every user from the ACL file (default is reset when the file lacks it); error text or undefined. */
  loadFile(): string | undefined {
    if (this.aclfile === undefined) return 'no aclfile';
    const text = readAclFile(this.aclfile);
    if (typeof text !== 'string') return text.error;
    const parsed = parseAclFile(text, this.aclfile, this.index, this.pubsubDefaultAll);
    if (typeof parsed === 'string') return parsed;
    const old = this.users;
    const def = old.get('default') as AclUser;
    def.copyFrom(parsed.get('default') ?? this.createDefault());
    parsed.set('default', def);
    this.users = parsed;
    for (const name of old.keys()) if (name !== 'default') this.killClientsOf(name);
    this.changed();
    return undefined;
  }

  /** ACL SAVE */
  saveFile(): boolean {
    if (this.aclfile === undefined) return false;
    return writeAclFile(this.aclfile, this.names().map((n) => this.describe(n)));
  }
}

/** The rules a ServerUser without `rules` stands for (on/off, passwords, nopass, everything allowed). */
function legacyRules(u: ServerUser): string[] {
  const rules = [u.enabled === false ? 'off' : 'on', '~*', '&*', '+@all'];
  if (u.nopass) rules.push('nopass');
  for (const p of u.passwords ?? []) rules.push(`>${p}`);
  return rules;
}
