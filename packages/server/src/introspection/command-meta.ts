/**
 * Redis 7.0's command metadata (what COMMAND INFO shows and what ACL categories, key checks and
 * COMMAND GETKEYS are computed from), one compact row per command or subcommand, applied to every
 * command the server registers so the table answers like redis-server whatever the module that
 * implements a command declares.
 *
 * A row is space-separated fields:
 *   `<arity> <flags> <first>,<last>,<step> <categories> <tips> <key spec>...`
 * - flags, categories (without `@`) and tips are comma lists, `-` when empty; flags use the
 *   `no-auth` spelling of ServerCommandFlag (COMMAND INFO prints `no_auth`);
 * - each key spec is `<flags>/<begin search>/<find keys>`: begin search `i<index>`,
 *   `k<KEYWORD>,<startfrom>` or `?` (unknown); find keys `r<lastkey>,<keystep>,<limit>`,
 *   `n<keynumidx>,<firstkey>,<keystep>` or `?`. A spec's notes are in KEY_SPEC_NOTES under
 *   `name/index`.
 * COMMAND INFO hides some flags Redis commands carry (`may_replicate`, `protected`,
 * `touches_arbitrary_keys`); a registered spec keeps its own of those.
 */
import type { KeySpec } from '@replikit/keyspace';
import type { ServerCommandFlag, ServerCommandSpec } from '../dispatch/command-spec';
import { ROWS_A_L } from './command-meta-rows-a-l';
import { KEY_SPEC_NOTES, ROWS_M_Z } from './command-meta-rows-m-z';

/** One command's metadata, parsed from its row. */
export interface RedisCommandMeta {
  readonly arity: number;
  /** the flags COMMAND INFO shows, in its order */
  readonly flags: readonly ServerCommandFlag[];
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  /** `@read`, `@string`, ... in acl.c's order, implied ones included */
  readonly categories: readonly string[];
  readonly tips: readonly string[];
  readonly keySpecs: readonly KeySpec[];
}

/** Flags Redis 7.0 carries but COMMAND INFO never prints. */
const HIDDEN_FLAGS: ReadonlySet<string> = new Set(['may-replicate', 'protected', 'touches-arbitrary-keys', 'sentinel', 'only-sentinel']);

const nums = (s: string): number[] => s.split(',').map(Number);
const items = (s: string | undefined): string[] => (s === undefined || s === '-' ? [] : s.split(','));

function parseBegin(s: string): KeySpec['beginSearch'] {
  if (s.startsWith('i')) return { type: 'index', index: Number(s.slice(1)) };
  if (s.startsWith('k')) {
    const comma = s.lastIndexOf(',');
    return { type: 'keyword', keyword: s.slice(1, comma), startFrom: Number(s.slice(comma + 1)) };
  }
  return { type: 'unknown' };
}

function parseFind(s: string): KeySpec['findKeys'] {
  if (s.startsWith('r')) {
    const [lastKey = 0, keyStep = 1, limit = 0] = nums(s.slice(1));
    return { type: 'range', lastKey, keyStep, limit };
  }
  if (s.startsWith('n')) {
    const [keyNumIdx = 0, firstKey = 1, keyStep = 1] = nums(s.slice(1));
    return { type: 'keynum', keyNumIdx, firstKey, keyStep };
  }
  return { type: 'unknown' };
}

/** Parses one row (see the notation above); `name` finds the key specs' notes. */
export function parseMetaRow(name: string, row: string): RedisCommandMeta {
  const f = row.split(' ');
  const [firstKey = 0, lastKey = 0, keyStep = 0] = nums(f[2] as string);
  const keySpecs = f.slice(5).map((ks, i): KeySpec => {
    const [flags = '', begin = '?', find = '?'] = ks.split('/');
    const notes = KEY_SPEC_NOTES[`${name}/${i}`];
    const spec = { flags: items(flags), beginSearch: parseBegin(begin), findKeys: parseFind(find) };
    return notes === undefined ? spec : { ...spec, notes };
  });
  return {
    arity: Number(f[0]),
    flags: items(f[1]) as ServerCommandFlag[],
    firstKey,
    lastKey,
    keyStep,
    categories: items(f[3]).map((c) => `@${c}`),
    tips: items(f[4]),
    keySpecs,
  };
}

const parsed = new Map<string, RedisCommandMeta | null>();

/** Redis 7.0's metadata of `get` or `client|list`, or undefined for a command Redis does not have. */
export function redisCommandMeta(fullname: string): RedisCommandMeta | undefined {
  const name = fullname.toLowerCase();
  let m = parsed.get(name);
  if (m === undefined) {
    const row = ROWS_A_L[name] ?? ROWS_M_Z[name];
    m = row === undefined ? null : parseMetaRow(name, row);
    parsed.set(name, m);
  }
  return m ?? undefined;
}

/** Every command and subcommand name that has a row. */
export function redisCommandNames(): string[] {
  return [...Object.keys(ROWS_A_L), ...Object.keys(ROWS_M_Z)];
}

/**
 * `spec` with Redis 7.0's metadata for `fullname` (arity, flags, key range, categories, tips, key
 * specs), its subcommands likewise; unchanged where Redis has no such command.
 */
export function withRedisMeta(spec: ServerCommandSpec, fullname: string): ServerCommandSpec {
  let subcommands = spec.subcommands;
  if (subcommands !== undefined) {
    const next = new Map<string, ServerCommandSpec>();
    for (const [sub, s] of subcommands) next.set(sub, withRedisMeta(s, `${fullname}|${sub.toLowerCase()}`));
    subcommands = next;
  }
  const m = redisCommandMeta(fullname);
  if (m === undefined) return subcommands === spec.subcommands ? spec : { ...spec, subcommands };
  const hidden = spec.flags.filter((f) => HIDDEN_FLAGS.has(f));
  return {
    ...spec,
    arity: m.arity,
    flags: hidden.length === 0 ? m.flags : [...m.flags, ...hidden],
    firstKey: m.firstKey,
    lastKey: m.lastKey,
    keyStep: m.keyStep,
    categories: m.categories,
    tips: m.tips,
    keySpecs: m.keySpecs,
    subcommands,
  };
}
