/**
 * ZUNIONSTORE / ZINTERSTORE destination numkeys key [key ...] [WEIGHTS w ...]
 * [AGGREGATE SUM|MIN|MAX] (t_zset.c zunionInterDiffGenericCommand). Inputs may be sets
 * (every member scores 1). Keys are type-checked before the options are parsed, like Redis.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { doubleArg, longArg } from '../command-helpers';
import { SYNTAX_ERR, WRONGTYPE, errReply } from '../reply-errors';
import type { SetValue } from '../types/set-value';
import { ZSetValue } from '../types/zset-value';
import { spec } from './meta';

const WEIGHT_NOT_FLOAT = errReply('weight value is not a float');

type Aggregate = 'sum' | 'min' | 'max';

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

function zstoreGeneric(ctx: CommandContext, argv: readonly BinaryString[], inter: boolean): RespValue {
  const dst = argv[1];
  const numkeys = longArg(argv[2]);
  if (numkeys instanceof ErrorReply) return numkeys;
  if (numkeys < 1) return errReply(`at least 1 input key is needed for '${inter ? 'zinterstore' : 'zunionstore'}' command`);
  if (numkeys > argv.length - 3) return SYNTAX_ERR;

  const src: Source[] = new Array(numkeys);
  let j = 3;
  for (let i = 0; i < numkeys; i++, j++) {
    const v = ctx.db.lookupRead(argv[j]);
    if (v === undefined) {
      src[i] = { zset: null, set: null, weight: 1 };
    } else if (typeof v === 'string' || (v.type !== 'zset' && v.type !== 'set')) {
      return WRONGTYPE;
    } else {
      src[i] = v.type === 'zset' ? { zset: v as ZSetValue, set: null, weight: 1 } : { zset: null, set: v as SetValue, weight: 1 };
    }
  }

  let how: Aggregate = 'sum';
  let remaining = argv.length - j;
  while (remaining > 0) {
    const opt = argv[j].toLowerCase();
    if (remaining >= numkeys + 1 && opt === 'weights') {
      j++;
      remaining--;
      for (let i = 0; i < numkeys; i++, j++, remaining--) {
        const w = doubleArg(argv[j], WEIGHT_NOT_FLOAT);
        if (w instanceof ErrorReply) return w;
        src[i].weight = w;
      }
    } else if (remaining >= 2 && opt === 'aggregate') {
      const a = argv[j + 1].toLowerCase();
      if (a !== 'sum' && a !== 'min' && a !== 'max') return SYNTAX_ERR;
      how = a;
      j += 2;
      remaining -= 2;
    } else {
      return SYNTAX_ERR;
    }
  }

  // smallest inputs first (stable, like glibc's merge-sort qsort)
  src.sort((a, b) => length(a) - length(b));

  const result = ZSetValue.createSkiplist();
  if (inter) {
    if (length(src[0]) > 0) {
      for (const [member, s0] of entries(src[0])) {
        let score = src[0].weight * s0;
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < numkeys; k++) {
          const v = find(src[k], member);
          if (v === undefined) break;
          score = aggregate(score, v * src[k].weight, how);
        }
        if (k === numkeys) result.insert(member, score);
      }
    }
  } else {
    const acc = new Map<BinaryString, number>();
    for (const s of src) {
      if (length(s) === 0) continue;
      for (const [member, v] of entries(s)) {
        let score = s.weight * v;
        if (Number.isNaN(score)) score = 0;
        const cur = acc.get(member);
        acc.set(member, cur === undefined ? score : aggregate(cur, score, how));
      }
    }
    for (const [member, score] of acc) result.insert(member, score);
  }

  if (result.size > 0) {
    result.convertToListpackIfSmall();
    ctx.db.setValue(dst, result);
    ctx.dirty();
    return result.size;
  }
  if (ctx.db.delete(dst)) ctx.dirty();
  return 0;
}

export const zunionstoreCommand: CommandSpec = spec('zunionstore', (ctx, argv) => zstoreGeneric(ctx, argv, false));
export const zinterstoreCommand: CommandSpec = spec('zinterstore', (ctx, argv) => zstoreGeneric(ctx, argv, true));
