/**
 * Sorted set algebra (t_zset.c zunionInterDiffGenericCommand): ZUNIONSTORE ZINTERSTORE
 * ZDIFFSTORE destination numkeys key ..., ZUNION ZINTER ZDIFF numkeys key ... [WITHSCORES],
 * [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] (not for DIFF), and ZINTERCARD numkeys key ...
 * [LIMIT n]. Inputs may be sets (every member scores 1). Keys are type-checked before the
 * options are parsed, like Redis.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { doubleArg, longArg, positiveLongArg } from '../command-helpers';
import { SYNTAX_ERR, WRONGTYPE, errReply } from '../reply-errors';
import type { SetValue } from '../types/set-value';
import { ZSetValue } from '../types/zset-value';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../notify';
import { spec } from './meta';
import { PairsBuilder, isResp3 } from './zset-common';

const WEIGHT_NOT_FLOAT = errReply('weight value is not a float');
const LIMIT_NEGATIVE = errReply("LIMIT can't be negative");

type Aggregate = 'sum' | 'min' | 'max';
type Op = 'union' | 'inter' | 'diff';

interface Variant {
  /** fullname for the numkeys error */
  readonly name: string;
  readonly op: Op;
  /** argv index of numkeys (1, or 2 with a destination at 1) */
  readonly numkeysIdx: number;
  readonly store: boolean;
  /** ZINTERCARD: only the count */
  readonly card: boolean;
}

interface Source {
  zset: ZSetValue | null;
  set: SetValue | null;
  weight: number;
}

function length(s: Source): number {
  return s.zset !== null ? s.zset.size : s.set !== null ? s.set.size : 0;
}

function* entries(s: Source): IterableIterator<[BinaryString, number]> {
  if (s.zset !== null) {
    for (let x = s.zset.sl.first(); x !== null; x = x.forward[0]) yield [x.member, x.score];
  } else if (s.set !== null) {
    for (const m of s.set.values()) yield [m, 1];
  }
}

function find(s: Source, member: BinaryString): number | undefined {
  if (s.zset !== null) return s.zset.score(member);
  if (s.set !== null) return s.set.has(member) ? 1 : undefined;
  return undefined;
}

/** zunionInterAggregate */
function aggregate(target: number, val: number, how: Aggregate): number {
  if (how === 'sum') {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  // not Math.min/max: a NaN weighted score must lose, as with C's comparisons
  // biome-ignore lint/complexity/useMathMinMax: NaN semantics
  if (how === 'min') return val < target ? val : target;
  // biome-ignore lint/complexity/useMathMinMax: NaN semantics
  return val > target ? val : target;
}

function zsetOpGeneric(ctx: CommandContext, argv: readonly BinaryString[], v: Variant): RespValue {
  const numkeys = longArg(argv[v.numkeysIdx]);
  if (numkeys instanceof ErrorReply) return numkeys;
  if (numkeys < 1) return errReply(`at least 1 input key is needed for '${v.name}' command`);
  if (numkeys > argv.length - (v.numkeysIdx + 1)) return SYNTAX_ERR;

  const src: Source[] = new Array(numkeys);
  let j = v.numkeysIdx + 1;
  for (let i = 0; i < numkeys; i++, j++) {
    const val = ctx.db.lookupRead(argv[j]);
    if (val === undefined) {
      src[i] = { zset: null, set: null, weight: 1 };
    } else if (typeof val === 'string' || (val.type !== 'zset' && val.type !== 'set')) {
      return WRONGTYPE;
    } else {
      src[i] = val.type === 'zset' ? { zset: val as ZSetValue, set: null, weight: 1 } : { zset: null, set: val as SetValue, weight: 1 };
    }
  }

  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const opt = argv[j].toLowerCase();
    if (v.op !== 'diff' && !v.card && remaining >= numkeys + 1 && opt === 'weights') {
      j++;
      remaining--;
      for (let i = 0; i < numkeys; i++, j++, remaining--) {
        const w = doubleArg(argv[j], WEIGHT_NOT_FLOAT);
        if (w instanceof ErrorReply) return w;
        src[i].weight = w;
      }
    } else if (v.op !== 'diff' && !v.card && remaining >= 2 && opt === 'aggregate') {
      const a = argv[j + 1].toLowerCase();
      if (a !== 'sum' && a !== 'min' && a !== 'max') return SYNTAX_ERR;
      how = a;
      j += 2;
      remaining -= 2;
    } else if (!v.store && !v.card && opt === 'withscores') {
      withScores = true;
      j++;
      remaining--;
    } else if (v.card && remaining >= 2 && opt === 'limit') {
      const l = positiveLongArg(argv[j + 1], LIMIT_NEGATIVE);
      if (l instanceof ErrorReply) return l;
      limit = l;
      j += 2;
      remaining -= 2;
    } else {
      return SYNTAX_ERR;
    }
  }

  // smallest inputs first (stable, like glibc's merge-sort qsort); DIFF keeps the first input first
  if (v.op !== 'diff') src.sort((a, b) => length(a) - length(b));

  const result = ZSetValue.createSkiplist();
  if (v.op === 'inter') {
    let cardinality = 0;
    if (length(src[0]) > 0) {
      for (const [member, s0] of entries(src[0])) {
        let score = src[0].weight * s0;
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < numkeys; k++) {
          const found = find(src[k], member);
          if (found === undefined) break;
          score = aggregate(score, found * src[k].weight, how);
        }
        if (k !== numkeys) continue;
        if (v.card) {
          cardinality++;
          if (limit > 0 && cardinality >= limit) break;
        } else {
          result.insert(member, score);
        }
      }
    }
    if (v.card) return cardinality;
  } else if (v.op === 'union') {
    const acc = new Map<BinaryString, number>();
    for (const s of src) {
      if (length(s) === 0) continue;
      for (const [member, val] of entries(s)) {
        let score = s.weight * val;
        if (Number.isNaN(score)) score = 0;
        const cur = acc.get(member);
        acc.set(member, cur === undefined ? score : aggregate(cur, score, how));
      }
    }
    for (const [member, score] of acc) result.insert(member, score);
  } else {
    outer: for (const [member, score] of entries(src[0])) {
      for (let k = 1; k < numkeys; k++) if (find(src[k], member) !== undefined) continue outer;
      result.insert(member, score);
    }
  }

  if (!v.store) {
    const b = new PairsBuilder(isResp3(ctx), withScores);
    for (let x = result.sl.first(); x !== null; x = x.forward[0]) b.push(x.member, x.score);
    return b.out;
  }
  const dst = argv[1];
  if (result.size > 0) {
    result.convertToListpackIfSmall();
    ctx.db.setValue(dst, result);
    ctx.dirty();
    ctx.notify(NOTIFY_ZSET, v.name, dst);
    return result.size;
  }
  if (ctx.db.delete(dst)) {
    ctx.dirty();
    ctx.notify(NOTIFY_GENERIC, 'del', dst);
  }
  return 0;
}

const variant = (name: string, op: Op, store: boolean, card = false): Variant => ({ name, op, numkeysIdx: store ? 2 : 1, store, card });

export const zunionstoreCommand: CommandSpec = spec('zunionstore', (ctx, argv) => zsetOpGeneric(ctx, argv, variant('zunionstore', 'union', true)));
export const zinterstoreCommand: CommandSpec = spec('zinterstore', (ctx, argv) => zsetOpGeneric(ctx, argv, variant('zinterstore', 'inter', true)));
export const zdiffstoreCommand: CommandSpec = spec('zdiffstore', (ctx, argv) => zsetOpGeneric(ctx, argv, variant('zdiffstore', 'diff', true)));
export const zunionCommand: CommandSpec = spec('zunion', (ctx, argv) => zsetOpGeneric(ctx, argv, variant('zunion', 'union', false)));
export const zinterCommand: CommandSpec = spec('zinter', (ctx, argv) => zsetOpGeneric(ctx, argv, variant('zinter', 'inter', false)));
export const zdiffCommand: CommandSpec = spec('zdiff', (ctx, argv) => zsetOpGeneric(ctx, argv, variant('zdiff', 'diff', false)));
export const zintercardCommand: CommandSpec = spec('zintercard', (ctx, argv) => zsetOpGeneric(ctx, argv, variant('zintercard', 'inter', false, true)));
