/**
 * Set algebra: SINTER SUNION SDIFF, their STORE forms, and SINTERCARD (t_set.c
 * sinterGenericCommand / sunionDiffGenericCommand / sinterCardCommand).
 *
 * Every key is type-checked before anything is computed (a WRONGTYPE anywhere wins, even after
 * a missing key). Destinations are built as a new set (intset first, like createIntsetObject)
 * and replace the old value, TTL cleared; an empty result deletes the destination.
 */
import { ErrorReply, SetReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { longArg, positiveLongArg } from '../command-helpers';
import { SYNTAX_ERR, WRONGTYPE, errReply } from '../reply-errors';
import { SetValue } from '../types/set-value';
import { NOTIFY_GENERIC, NOTIFY_SET } from '../notify';
import { spec } from './meta';

const NUMKEYS_POSITIVE = errReply('numkeys should be greater than 0');
const NUMKEYS_TOO_MANY = errReply("Number of keys can't be greater than number of args");
const LIMIT_NEGATIVE = errReply("LIMIT can't be negative");

type Op = 'inter' | 'union' | 'diff';

/** The sets at `keys` (null for a missing key), or WRONGTYPE. */
function lookupSets(ctx: CommandContext, keys: readonly BinaryString[]): Array<SetValue | null> | ErrorReply {
  const sets: Array<SetValue | null> = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const v = ctx.db.lookupRead(keys[i]);
    if (v === undefined) sets[i] = null;
    else if (typeof v === 'string' || v.type !== 'set') return WRONGTYPE;
    else sets[i] = v as SetValue;
  }
  return sets;
}

/** Members of the intersection, stopping once `limit` (> 0) are found. */
function intersect(sets: Array<SetValue | null>, limit = 0): BinaryString[] {
  if (sets.some((s) => s === null || s.size === 0)) return [];
  const sorted = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const out: BinaryString[] = [];
  const first = sorted[0];
  outer: for (const m of first.values()) {
    for (let i = 1; i < sorted.length; i++) if (sorted[i] !== first && !sorted[i].has(m)) continue outer;
    out.push(m);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

function unionOrDiff(sets: Array<SetValue | null>, op: 'union' | 'diff'): BinaryString[] {
  const acc = new Set<BinaryString>();
  if (op === 'union') {
    for (const s of sets) if (s !== null) for (const m of s.values()) acc.add(m);
  } else {
    const first = sets[0];
    if (first === null) return [];
    for (const m of first.values()) {
      let keep = true;
      for (let i = 1; i < sets.length; i++) {
        const s = sets[i];
        if (s?.has(m)) {
          keep = false;
          break;
        }
      }
      if (keep) acc.add(m);
    }
  }
  return Array.from(acc);
}

function compute(sets: Array<SetValue | null>, op: Op): BinaryString[] {
  return op === 'inter' ? intersect(sets) : unionOrDiff(sets, op);
}

/** SINTER / SUNION / SDIFF key [key ...] */
function setOp(ctx: CommandContext, argv: readonly BinaryString[], op: Op): RespValue {
  const sets = lookupSets(ctx, argv.slice(1));
  if (sets instanceof ErrorReply) return sets;
  // one key: the set's own order (numeric for an intset), like SMEMBERS
  if (sets.length === 1) return new SetReply(sets[0] === null ? [] : sets[0].toArray());
  return new SetReply(compute(sets, op));
}

/** SINTERSTORE / SUNIONSTORE / SDIFFSTORE destination key [key ...] */
function setOpStore(ctx: CommandContext, argv: readonly BinaryString[], op: Op): RespValue {
  const dst = argv[1];
  const sets = lookupSets(ctx, argv.slice(2));
  if (sets instanceof ErrorReply) return sets;
  const members = compute(sets, op);
  if (members.length === 0) {
    if (ctx.db.delete(dst)) {
      ctx.dirty();
      ctx.notify(NOTIFY_GENERIC, 'del', dst);
    }
    return 0;
  }
  const result = new SetValue(true);
  for (const m of members) result.add(m);
  ctx.db.setValue(dst, result);
  ctx.dirty();
  ctx.notify(NOTIFY_SET, op === 'inter' ? 'sinterstore' : op === 'union' ? 'sunionstore' : 'sdiffstore', dst);
  return result.size;
}

export const sinterCommand: CommandSpec = spec('sinter', (ctx, argv) => setOp(ctx, argv, 'inter'));
export const sunionCommand: CommandSpec = spec('sunion', (ctx, argv) => setOp(ctx, argv, 'union'));
export const sdiffCommand: CommandSpec = spec('sdiff', (ctx, argv) => setOp(ctx, argv, 'diff'));
export const sinterstoreCommand: CommandSpec = spec('sinterstore', (ctx, argv) => setOpStore(ctx, argv, 'inter'));
export const sunionstoreCommand: CommandSpec = spec('sunionstore', (ctx, argv) => setOpStore(ctx, argv, 'union'));
export const sdiffstoreCommand: CommandSpec = spec('sdiffstore', (ctx, argv) => setOpStore(ctx, argv, 'diff'));

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
export const sintercardCommand: CommandSpec = spec('sintercard', (ctx, argv) => {
  const numkeys = longArg(argv[1], NUMKEYS_POSITIVE);
  if (numkeys instanceof ErrorReply) return numkeys;
  if (numkeys < 1) return NUMKEYS_POSITIVE;
  if (numkeys > argv.length - 2) return NUMKEYS_TOO_MANY;
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (argv[j].toLowerCase() === 'limit' && j + 1 < argv.length) {
      j++;
      const l = positiveLongArg(argv[j], LIMIT_NEGATIVE);
      if (l instanceof ErrorReply) return l;
      limit = l;
    } else {
      return SYNTAX_ERR;
    }
  }
  const sets = lookupSets(ctx, argv.slice(2, 2 + numkeys));
  if (sets instanceof ErrorReply) return sets;
  return intersect(sets, limit).length;
});
