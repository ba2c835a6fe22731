/**
 * Shared pieces of the sorted set commands (t_zset.c): range parsing (zslParseRange,
 * zslParseLexRange), typed lookups, and reply shapes for member/score pairs.
 */
import { DoubleReply, type ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext } from '../command-api';
import { readTyped, writeTyped } from '../command-helpers';
import { errReply } from '../reply-errors';
import type { LexBound, LexRange, ScoreRange } from '../types/skiplist';
import type { ZSetValue } from '../types/zset-value';
import { parseDouble } from '../util/double';

export const MIN_MAX_NOT_FLOAT = errReply('min or max is not a float');
export const MIN_MAX_NOT_LEX = errReply('min or max not valid string range item');
export const RESULT_NAN = errReply('resulting score is not a number (NaN)');

/** The sorted set at `key` for reading: value, undefined, or WRONGTYPE. */
export function readZset(ctx: CommandContext, key: BinaryString): ZSetValue | undefined | ErrorReply {
  return readTyped<ZSetValue>(ctx.db, key, 'zset');
}

/** The sorted set at `key` through lookupWrite (in-place mutation allowed). */
export function writeZset(ctx: CommandContext, key: BinaryString): ZSetValue | undefined | ErrorReply {
  return writeTyped<ZSetValue>(ctx.db, key, 'zset');
}

/** The protocol of the calling client when the executor provides it (RESP3 shapes pairs). */
export function isResp3(ctx: CommandContext): boolean {
  return ctx.resp === 3;
}

// strtod's accepted syntax once leading whitespace is skipped (decimal, inf/infinity, nan, hex)
const STRTOD_DEC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const STRTOD_INF_RE = /^[+-]?(?:inf|infinity)$/i;
const STRTOD_NAN_RE = /^[+-]?nan(?:\([0-9A-Za-z_]*\))?$/i;
const STRTOD_HEX_RE = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?$/;
const SPACE_RE = /^[ \t\n\v\f\r]+/;

/**
 * strtod over the whole string as zslParseRange uses it: leading whitespace is skipped,
 * overflow gives +/-inf and underflow 0 (no ERANGE check), NaN is rejected; the empty string is
 * 0 (strtod consumed nothing and the end pointer is at the terminator). null when invalid.
 */
export function parseRangeDouble(s: BinaryString): number | null {
  if (s.length === 0) return 0;
  const t = s.replace(SPACE_RE, '');
  if (t.length === 0) return null;
  if (STRTOD_DEC_RE.test(t)) return Number(t);
  if (STRTOD_INF_RE.test(t)) return t.charCodeAt(0) === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (STRTOD_NAN_RE.test(t)) return null;
  if (STRTOD_HEX_RE.test(t)) return parseDouble(t) ?? hexFallback(t);
  return null;
}

/** Hex floats that parseDouble refuses (overflow / underflow): strtod still answers. */
function hexFallback(t: string): number | null {
  const neg = t.charCodeAt(0) === 45;
  const body = t.replace(/^[+-]?0[xX]/, '');
  const m = /^([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/.exec(body);
  if (!m) return null;
  let v = 0;
  for (const c of m[1] + m[2]) v = v * 16 + Number.parseInt(c, 16);
  v *= 2 ** (Number(m[3] ?? 0) - 4 * m[2].length);
  return neg ? -v : v;
}

function parseScoreBound(s: BinaryString): { v: number; ex: boolean } | null {
  if (s.charCodeAt(0) === 40 /* ( */) {
    const v = parseRangeDouble(s.slice(1));
    return v === null ? null : { v, ex: true };
  }
  const v = parseRangeDouble(s);
  return v === null ? null : { v, ex: false };
}

/** zslParseRange: `min`/`max` with `(` for exclusive, or null ("min or max is not a float"). */
export function parseScoreRange(min: BinaryString, max: BinaryString): ScoreRange | null {
  const a = parseScoreBound(min);
  if (a === null) return null;
  const b = parseScoreBound(max);
  if (b === null) return null;
  return { min: a.v, minex: a.ex, max: b.v, maxex: b.ex };
}

const LEX_MIN: LexBound = { kind: 'min' };
const LEX_MAX: LexBound = { kind: 'max' };

function parseLexBound(s: BinaryString): LexBound | null {
  const c = s.charCodeAt(0);
  // sds strings end in a NUL: "+\0..." is still "+"
  if (c === 43 /* + */) return s.length === 1 || s.charCodeAt(1) === 0 ? LEX_MAX : null;
  if (c === 45 /* - */) return s.length === 1 || s.charCodeAt(1) === 0 ? LEX_MIN : null;
  if (c === 40 /* ( */) return { kind: 'value', value: s.slice(1), ex: true };
  if (c === 91 /* [ */) return { kind: 'value', value: s.slice(1), ex: false };
  return null;
}

/** zslParseLexRange: `-`, `+`, `(x`, `[x`, or null ("min or max not valid string range item"). */
export function parseLexRange(min: BinaryString, max: BinaryString): LexRange | null {
  const a = parseLexBound(min);
  if (a === null) return null;
  const b = parseLexBound(max);
  if (b === null) return null;
  return { min: a, max: b };
}

/**
 * Member/score pairs as Redis emits them: a flat member, score, ... array in RESP2 and
 * [member, score] pairs in RESP3 (ZRANGE WITHSCORES, ZPOPMIN with a count, ZRANDMEMBER).
 */
export class PairsBuilder {
  readonly out: RespValue[] = [];
  constructor(
    private readonly resp3: boolean,
    private readonly withScores: boolean,
  ) {}
  push(member: BinaryString, score: number): void {
    if (!this.withScores) this.out.push(member);
    else if (this.resp3) this.out.push([member, new DoubleReply(score)]);
    else this.out.push(member, new DoubleReply(score));
  }
}

/** Deletes `key` when the sorted set became empty (every write path calls this). */
export function deleteIfEmpty(ctx: CommandContext, key: BinaryString, z: ZSetValue): void {
  if (z.size === 0) ctx.db.delete(key);
}
