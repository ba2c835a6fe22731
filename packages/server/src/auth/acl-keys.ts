import { type AclCommand, PERM_READ, PERM_WRITE, type PlannedKeySpec } from './acl-command-index';

/** A key argument: its argv position and the permissions it needs (PERM_READ | PERM_WRITE). */
export interface KeyRef {
  readonly pos: number;
  readonly perms: number;
}

const RO_ACCESS = PERM_READ;
const OW_UPDATE = PERM_WRITE;

/** getKeysUsingKeySpecs; undefined where Redis falls back to the command's getkeys procedure. */
export function keysFromSpecs(specs: readonly PlannedKeySpec[], argv: readonly string[], arity: number): KeyRef[] | undefined {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const planned of specs) {
    if (planned.notKey) continue;
    const spec = planned.spec;
    let first = 0;
    const bs = spec.beginSearch;
    if (bs.type === 'index') first = bs.index;
    else if (bs.type === 'keyword') {
      const keyword = bs.keyword.toLowerCase();
      const start = bs.startFrom > 0 ? bs.startFrom : argc + bs.startFrom;
      const end = bs.startFrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if ((argv[i] as string).toLowerCase() === keyword) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else return undefined;
    let last: number;
    let step: number;
    const fk = spec.findKeys;
    if (fk.type === 'range') {
      step = fk.keyStep;
      if (fk.lastKey >= 0) last = first + fk.lastKey;
      else if (fk.limit === 0) last = argc + fk.lastKey;
      else last = first + (Math.floor((argc - first) / fk.limit) + fk.lastKey);
    } else if (fk.type === 'keynum') {
      step = fk.keyStep;
      if (fk.keyNumIdx >= argc) return undefined;
      const raw = argv[first + fk.keyNumIdx];
      if (raw === undefined || !/^-?\d+$/.test(raw)) return undefined;
      const numkeys = Number(raw);
      if (numkeys < 0) return undefined;
      first += fk.firstKey;
      last = first + numkeys - 1;
    } else return undefined;
    if (last >= argc || last < first || first >= argc) return undefined;
    const perms = planned.perms;
    for (let i = first; i <= last; i += Math.max(1, step)) {
      if (i >= argc) {
        if (arity < 0) continue;
        break;
      }
      out.push({ pos: i, perms });
    }
    if (planned.incomplete) return undefined;
  }
  return out;
}

/** The native getkeys procedures of the commands whose key specs are incomplete or variable. */
function keysFromProcedure(name: string, argv: readonly string[]): KeyRef[] {
  const argc = argv.length;
  switch (name) {
    case 'set': {
      for (let i = 3; i < argc; i++) if ((argv[i] as string).toLowerCase() === 'get') return [{ pos: 1, perms: PERM_READ | PERM_WRITE }];
      return [{ pos: 1, perms: OW_UPDATE }];
    }
    case 'sort':
    case 'sort_ro': {
      const keys: KeyRef[] = [{ pos: 1, perms: RO_ACCESS }];
      let store = -1;
      const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
      for (let i = 2; i < argc; i++) {
        const a = (argv[i] as string).toLowerCase();
        if (skip[a] !== undefined) i += skip[a] as number;
        else if (a === 'store' && i + 1 < argc) store = i + 1;
      }
      if (store >= 0) keys.push({ pos: store, perms: OW_UPDATE });
      return keys;
    }
    case 'georadius':
    case 'georadiusbymember': {
      let stored = -1;
      for (let i = 5; i < argc; i++) {
        const a = (argv[i] as string).toLowerCase();
        if ((a === 'store' || a === 'storedist') && i + 1 < argc) {
          stored = i + 1;
          i++;
        }
      }
      return stored < 0 ? [{ pos: 1, perms: RO_ACCESS }] : [{ pos: 1, perms: RO_ACCESS }, { pos: stored, perms: OW_UPDATE }];
    }
    case 'bitfield': {
      let readOnly = true;
      for (let i = 2; i < argc; i++) {
        const a = (argv[i] as string).toLowerCase();
        if (a === 'get' && i + 2 < argc) i += 2;
        else if ((a === 'set' || a === 'incrby') && i + 3 < argc) {
          readOnly = false;
          break;
        } else if (a === 'overflow' && i + 1 < argc) i += 1;
      }
      return [{ pos: 1, perms: readOnly ? RO_ACCESS : PERM_READ | PERM_WRITE }];
    }
    default:
      // the keynum procedures (ZUNIONSTORE, EVAL, LMPOP ...) find no keys when numkeys is invalid
      return [];
  }
}

const NO_KEYS: readonly KeyRef[] = [];

/** getKeysFromCommandWithSpecs(GET_KEYSPEC_DEFAULT) for the ACL key check. */
export function commandKeys(cmd: AclCommand, argv: readonly string[]): readonly KeyRef[] {
  const plan = cmd.keyPlan;
  if (plan.specs.length === 0) return NO_KEYS;
  if (!plan.varflags) {
    const keys = keysFromSpecs(plan.specs, argv, cmd.spec.arity);
    if (keys !== undefined) return keys;
  }
  return keysFromProcedure(cmd.fullname, argv);
}

/** A channel argument (getChannelsFromCommand), for the commands ACL checks: publish and subscribe ones. */
export interface ChannelRef {
  readonly pos: number;
  readonly isPattern: boolean;
}

/** getChannelsFromCommand restricted to CMD_CHANNEL_PUBLISH | CMD_CHANNEL_SUBSCRIBE. */
export function commandChannels(fullname: string, argv: readonly string[]): readonly ChannelRef[] | undefined {
  switch (fullname) {
    case 'publish':
    case 'spublish':
      return argv.length > 1 ? [{ pos: 1, isPattern: false }] : [];
    case 'subscribe':
    case 'ssubscribe':
    case 'psubscribe': {
      const out: ChannelRef[] = [];
      for (let i = 1; i < argv.length; i++) out.push({ pos: i, isPattern: fullname === 'psubscribe' });
      return out;
    }
    default:
      return undefined;
  }
}
