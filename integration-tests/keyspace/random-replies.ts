/**
 * Checks for the commands whose reply is random (HRANDFIELD, SRANDMEMBER, ZRANDMEMBER, RANDOMKEY):
 * two correct servers rarely give the same bytes, so each reply is checked against the rules
 * instead: its type, its length by the sign of the count, unique members for a non-negative count,
 * and (with Redis's copy of the key) that every member, value and score is really there.
 */
import { encodeFrame, type Frame } from './resp';

export interface RandomSpec {
  /** which read gives Redis's copy of what the command draws from */
  kind: 'hash' | 'set' | 'zset' | 'keys';
  key: string | null;
  /** the count argument; null for the single-member form (a bulk string or nil reply) */
  count: bigint | null;
  /** WITHVALUES / WITHSCORES: a flat array of member, value pairs */
  pairs: boolean;
}

const KINDS: Record<string, RandomSpec['kind']> = { HRANDFIELD: 'hash', SRANDMEMBER: 'set', ZRANDMEMBER: 'zset', RANDOMKEY: 'keys' };

/** The rules for a random-reply command, or an error when `argv` is not one. */
export function randomSpec(argv: readonly string[]): RandomSpec {
  const kind = KINDS[(argv[0] ?? '').toUpperCase()];
  if (!kind) throw new Error(`${JSON.stringify(argv)} is not a random-reply command`);
  if (kind === 'keys') return { kind, key: null, count: null, pairs: false };
  if (argv.length < 3) return { kind, key: argv[1] ?? null, count: null, pairs: false };
  // a count that is not an integer is an error reply, compared byte for byte before these rules
  const count = /^-?\d+$/.test(argv[2]) ? BigInt(argv[2]) : Number.NaN;
  if (typeof count !== 'bigint') throw new Error(`${JSON.stringify(argv)}: the count is not an integer but no side replied with an error`);
  return { kind, key: argv[1], count, pairs: argv.length === 4 };
}

/** The argv that reads Redis's copy of what `spec` draws from. */
export function copyReadArgv(spec: RandomSpec): string[] {
  switch (spec.kind) {
    case 'hash':
      return ['HGETALL', spec.key ?? ''];
    case 'set':
      return ['SMEMBERS', spec.key ?? ''];
    case 'zset':
      return ['ZRANGE', spec.key ?? '', '0', '-1', 'WITHSCORES'];
    case 'keys':
      return ['KEYS', '*'];
  }
}

/** The text of a scalar frame (bulk, verbatim, double, integer...), or null for nil and aggregates. */
function text(f: Frame): string | null {
  return 'items' in f || f.t === '_' ? null : f.s;
}

/** Items of an aggregate, RESP3 [member, value] pairs flattened into the RESP2 layout. */
function flatItems(items: Frame[]): Frame[] {
  return items.flatMap((f) => (f.t === '*' && f.items?.length === 2 ? f.items : [f]));
}

/** Redis's copy as member -> value (hash value, zset score; null for sets and keys). */
export function copyFromReply(spec: RandomSpec, reply: Frame): Map<string, string | null> {
  if (!('items' in reply) || !reply.items) throw new Error(`reading the copy of ${spec.key}: ${encodeFrame(reply)}`);
  const out = new Map<string, string | null>();
  const strings = flatItems(reply.items).map((f) => text(f) ?? '');
  if (spec.kind === 'hash' || spec.kind === 'zset') for (let i = 0; i + 1 < strings.length; i += 2) out.set(strings[i], strings[i + 1]);
  else for (const s of strings) out.set(s, null);
  return out;
}

interface Drawn {
  nil: boolean;
  members: string[];
  values: string[];
  /** the item types (`$`, `*$$`, `*$,`...), which must be the same on both sides */
  layout: string;
}

/** The reply's shape by the rules that need no data: a description of what is wrong, or the members. */
function shape(spec: RandomSpec, f: Frame): string | Drawn {
  if (spec.count === null) {
    if (f.t === '_' || (f.t === '$' && f.s === null)) return { nil: true, members: [], values: [], layout: f.t };
    if (f.t !== '$' || f.s === null) return `a bulk string or nil, not ${encodeFrame(f)}`;
    return { nil: false, members: [f.s], values: [], layout: '$' };
  }
  if (f.t !== '*' || f.items === null) return `an array, not ${encodeFrame(f)}`;
  const layouts = new Set<string>();
  const strings: string[] = [];
  for (const item of f.items) {
    const nested = spec.pairs && item.t === '*' && item.items !== null;
    const parts = nested && item.items ? item.items : [item];
    if (nested && parts.length !== 2) return `[member, value] pairs, not ${encodeFrame(item)}`;
    for (const [k, part] of parts.entries()) {
      const value = text(part);
      const scoreLike = spec.kind === 'zset' && spec.pairs && (nested ? k === 1 : strings.length % 2 === 1);
      if (value === null || (part.t !== '$' && !(scoreLike && part.t === ','))) return `bulk strings (or scores), not ${encodeFrame(part)}`;
      strings.push(value);
    }
    layouts.add(nested ? `*${parts.map((p) => p.t).join('')}` : item.t);
  }
  if (spec.pairs && strings.length % 2 !== 0) return `member/value pairs, not ${strings.length} items`;
  const members = spec.pairs ? strings.filter((_, i) => i % 2 === 0) : strings;
  const values = spec.pairs ? strings.filter((_, i) => i % 2 === 1) : [];
  const n = BigInt(members.length);
  if (spec.count >= 0n) {
    if (n > spec.count) return `at most ${spec.count} members, not ${n}`;
    if (new Set(members).size !== members.length) return `distinct members for a non-negative count: ${JSON.stringify(members)}`;
  } else if (n !== 0n && n !== -spec.count) return `${-spec.count} members (repeats allowed) or none, not ${n}`;
  if (spec.kind === 'zset' && spec.pairs) {
    const bad = values.find((v) => Number.isNaN(Number(v)) && v !== 'inf' && v !== '-inf');
    if (bad !== undefined) return `scores, not ${JSON.stringify(bad)}`;
  }
  return { nil: false, members, values, layout: [...layouts].sort().join(' ') };
}

/**
 * Checks both replies against the rules that need no data, and against each other where two
 * correct replies must agree (nil-ness, number of members). Null when both are fine.
 */
export function checkRandomShapes(argv: readonly string[], theirs: Frame, ours: Frame): string | null {
  const spec = randomSpec(argv);
  const a = shape(spec, theirs);
  if (typeof a === 'string') return `redis reply breaks the rules: expected ${a}`;
  const b = shape(spec, ours);
  if (typeof b === 'string') return `keyspace reply breaks the rules: expected ${b}`;
  if (a.nil !== b.nil || a.members.length !== b.members.length || (a.members.length > 0 && a.layout !== b.layout) || (a.nil && theirs.t !== ours.t)) {
    return `redis ${JSON.stringify(encodeFrame(theirs))} vs keyspace ${JSON.stringify(encodeFrame(ours))}: different nil-ness, length or item types`;
  }
  return null;
}

/** Checks one reply against Redis's copy of the key: sizes, members, values and scores. */
export function checkAgainstCopy(argv: readonly string[], reply: Frame, copy: Map<string, string | null>): string | null {
  const spec = randomSpec(argv);
  const d = shape(spec, reply);
  if (typeof d === 'string') return `expected ${d}`;
  const size = BigInt(copy.size);
  if (spec.count === null) {
    if (d.nil !== (size === 0n)) return `nil ${d.nil} but Redis's copy has ${size} members`;
  } else {
    const want = spec.count >= 0n ? (spec.count < size ? spec.count : size) : size === 0n ? 0n : -spec.count;
    if (BigInt(d.members.length) !== want) return `${d.members.length} members, expected ${want} (copy has ${size})`;
  }
  for (let i = 0; i < d.members.length; i++) {
    const m = d.members[i];
    if (!copy.has(m)) return `member ${JSON.stringify(m)} is not in Redis's copy`;
    if (spec.pairs && copy.get(m) !== d.values[i]) return `member ${JSON.stringify(m)} with ${JSON.stringify(d.values[i])}, Redis's copy has ${JSON.stringify(copy.get(m))}`;
  }
  return null;
}
