import { createHash } from 'node:crypto';
import type { AclCommand, AclCommandIndex } from './acl-command-index';
import { describeSelector } from './acl-describe';
import { type KeyRef, commandChannels, commandKeys } from './acl-keys';
import { AclRuleRefusal, AclSelector } from './acl-selector';

/** ACLHashPassword: SHA-256 in lower-case hex. */
export function hashPassword(clear: string): string {
  return createHash('sha256').update(Buffer.from(clear, 'latin1')).digest('hex');
}

function validHash(h: string): boolean {
  return /^[0-9a-f]{64}$/.test(h);
}

/** ACL_OK / ACL_DENIED_* in acl.c's order (a higher value is the more relevant refusal). */
export const ACL_OK = 0;
export const ACL_DENIED_CMD = 1;
export const ACL_DENIED_KEY = 2;
export const ACL_DENIED_AUTH = 3;
export const ACL_DENIED_CHANNEL = 4;

export interface AclVerdict {
  result: number;
  /** argv position of the refused key or channel */
  pos: number;
}

/**
 * An ACL user: on/off, nopass, sanitize-payload flags, SHA-256 password hashes and its selectors
 * (the root selector first). `apply` is ACLSetUser for one rule.
 */
export class AclUser {
  enabled = false;
  nopass = false;
  /** undefined until sanitize-payload / skip-sanitize-payload / reset */
  sanitize: 'sanitize-payload' | 'skip-sanitize-payload' | undefined = undefined;
  passwords: string[] = [];
  selectors: AclSelector[];

  constructor(
    readonly name: string,
    private readonly pubsubDefaultAll: boolean,
  ) {
    this.selectors = [new AclSelector(true, pubsubDefaultAll)];
  }

  get root(): AclSelector {
    return this.selectors[0] as AclSelector;
  }

  /** A copy with another name (ACLCopyUser into a staging user). */
  clone(name = this.name): AclUser {
    const u = new AclUser(name, this.pubsubDefaultAll);
    u.enabled = this.enabled;
    u.nopass = this.nopass;
    u.sanitize = this.sanitize;
    u.passwords = [...this.passwords];
    u.selectors = this.selectors.map((s) => s.clone());
    return u;
  }

  /** ACLCopyUser: takes every rule of `src`, keeping this user's name. */
  copyFrom(src: AclUser): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.sanitize = src.sanitize;
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.clone());
  }

  /** Root selector grants everything: the dispatcher's fast path. */
  get unrestricted(): boolean {
    const r = this.root;
    return r.allCommands && r.allKeys && r.allChannels;
  }

  apply(index: AclCommandIndex, op: string): AclRuleRefusal | undefined {
    if (op.length === 0) return undefined;
    const lower = op.toLowerCase();
    if (lower === 'on') this.enabled = true;
    else if (lower === 'off') this.enabled = false;
    else if (lower === 'skip-sanitize-payload') this.sanitize = 'skip-sanitize-payload';
    else if (lower === 'sanitize-payload') this.sanitize = 'sanitize-payload';
    else if (lower === 'nopass') {
      this.nopass = true;
      this.passwords = [];
    } else if (lower === 'resetpass') {
      this.nopass = false;
      this.passwords = [];
    } else if (op[0] === '>' || op[0] === '#') {
      let hash: string;
      if (op[0] === '>') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!validHash(hash)) return new AclRuleRefusal('EBADMSG');
      }
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      let hash: string;
      if (op[0] === '<') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!validHash(hash)) return new AclRuleRefusal('EBADMSG');
      }
      const at = this.passwords.indexOf(hash);
      if (at < 0) return new AclRuleRefusal('ENODEV');
      this.passwords.splice(at, 1);
    } else if (op[0] === '(' && op[op.length - 1] === ')') {
      const s = new AclSelector(false, this.pubsubDefaultAll);
      for (const rule of splitSelectorBody(op.slice(1, -1))) {
        const refusal = s.apply(index, rule);
        if (refusal !== undefined) return refusal;
      }
      this.selectors.push(s);
    } else if (lower === 'clearselectors') {
      this.selectors = [this.root];
    } else if (lower === 'reset') {
      this.apply(index, 'resetpass');
      this.apply(index, 'resetkeys');
      this.apply(index, 'resetchannels');
      if (this.pubsubDefaultAll) this.apply(index, 'allchannels');
      this.apply(index, 'off');
      this.apply(index, 'sanitize-payload');
      this.apply(index, 'clearselectors');
      this.apply(index, '-@all');
    } else return this.root.apply(index, op);
    return undefined;
  }

  /** Credentials check (ACLCheckUserCredentials without the lookup). */
  accepts(password: string): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    const h = hashPassword(password);
    return this.passwords.includes(h);
  }

  /** ACLCheckAllUserCommandPerm: OK when one selector allows it, else the most relevant refusal. */
  check(cmd: AclCommand, argv: readonly string[]): AclVerdict {
    let relevant = ACL_DENIED_CMD;
    let lastPos = 0;
    let keys: readonly KeyRef[] | undefined;
    const noAuth = cmd.noAuth;
    for (const s of this.selectors) {
      let result = ACL_OK;
      let pos = 0;
      if (!s.allCommands && !noAuth && !s.canRun(cmd, argv)) result = ACL_DENIED_CMD;
      if (result === ACL_OK && !s.allKeys) {
        if (keys === undefined) keys = commandKeys(cmd, argv);
        for (const k of keys) {
          if (!s.canAccessKey(argv[k.pos] as string, k.perms)) {
            result = ACL_DENIED_KEY;
            pos = k.pos;
            break;
          }
        }
      }
      if (result === ACL_OK && !s.allChannels) {
        const channels = commandChannels(cmd.fullname, argv);
        for (const c of channels ?? []) {
          if (!s.canAccessChannel(argv[c.pos] as string, c.isPattern)) {
            result = ACL_DENIED_CHANNEL;
            pos = c.pos;
            break;
          }
        }
      }
      if (result === ACL_OK) return { result, pos: 0 };
      if (result > relevant || (result === relevant && pos > lastPos)) {
        relevant = result;
        lastPos = pos;
      }
    }
    return { result: relevant, pos: lastPos };
  }

  /** User flags in ACLUserFlags order (GETUSER `flags`, the start of ACL LIST). */
  flags(): string[] {
    const out = [this.enabled ? 'on' : 'off'];
    if (this.nopass) out.push('nopass');
    if (this.sanitize !== undefined) out.push(this.sanitize);
    return out;
  }

  /** ACLDescribeUser: the rules after `user <name> ` in ACL LIST and the ACL file. */
  describe(index: AclCommandIndex): string {
    let res = '';
    for (const f of this.flags()) res += `${f} `;
    for (const p of this.passwords) res += `#${p} `;
    for (const s of this.selectors) {
      const d = describeSelector(index, s);
      res += s.root ? d : ` (${d})`;
    }
    return res;
  }
}

/** sdssplitargs of a selector body (quotes allowed, like Redis). */
function splitSelectorBody(body: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}
