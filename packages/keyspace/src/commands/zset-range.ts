/**
 * ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE and the legacy ZRANGEBYSCORE
 * ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREVRANGE (t_zset.c zrangeGenericCommand).
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { longArg, normalizeRange } from '../command-helpers';
import { SYNTAX_ERR, errReply } from '../reply-errors';
import { type LexRange, type ScoreRange, type SkipNode, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax } from '../types/skiplist';
import { ZSET_MAX_LISTPACK_ENTRIES, ZSetValue } from '../types/zset-value';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../notify';
import { spec } from './meta';
import { MIN_MAX_NOT_FLOAT, MIN_MAX_NOT_LEX, PairsBuilder, isResp3, parseLexRange, parseScoreRange, readZset } from './zset-common';

const LIMIT_NEEDS_BY = errReply('syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
const WITHSCORES_BYLEX = errReply('syntax error, WITHSCORES not supported in combination with BYLEX');

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** Receives the elements of a range: a reply builder or a destination sorted set. */
interface Sink {
  /** the range length when known in advance (rank ranges) */
  begin?(length: number): void;
  push(member: BinaryString, score: number): void;
}

/** ZRANGESTORE's destination (zrangeResultBeginStore: a skiplist when the length is known to exceed the listpack limit). */
class StoreSink implements Sink {
  readonly z = new ZSetValue(0);
  begin(length: number): void {
    if (length > ZSET_MAX_LISTPACK_ENTRIES) this.z.convertToSkiplist();
  }
  push(member: BinaryString, score: number): void {
    this.z.insert(member, score);
  }
}

/** Walks the requested range of `z` into `sink`; returns the number of elements emitted. */
function emitRank(z: ZSetValue, start: number, end: number, reverse: boolean, sink: Sink): number {
  const llen = z.size;
  const r = normalizeRange(start, end, llen);
  if (r === null) return 0;
  start = r[0];
  const n = r[1] - start + 1;
  sink.begin?.(n);
  let x: SkipNode | null = z.nodeAt(reverse ? llen - 1 - start : start);
  for (let i = 0; i < n && x !== null; i++) {
    sink.push(x.member, x.score);
    x = reverse ? x.backward : x.forward[0];
  }
  return n;
}

function emitScore(z: ZSetValue, r: ScoreRange, reverse: boolean, offset: number, limit: number, sink: Sink): number {
  let x = reverse ? z.sl.lastInScoreRange(r) : z.sl.firstInScoreRange(r);
  if (offset < 0) return 0;
  while (x !== null && offset-- > 0) x = reverse ? x.backward : x.forward[0];
  let n = 0;
  while (x !== null && limit-- !== 0) {
    if (reverse ? !scoreGteMin(x.score, r) : !scoreLteMax(x.score, r)) break;
    sink.push(x.member, x.score);
    n++;
    x = reverse ? x.backward : x.forward[0];
  }
  return n;
}

function emitLex(z: ZSetValue, r: LexRange, reverse: boolean, offset: number, limit: number, sink: Sink): number {
  let x = reverse ? z.lastInLexRange(r) : z.firstInLexRange(r);
  if (offset < 0) return 0;
  while (x !== null && offset-- > 0) x = reverse ? x.backward : x.forward[0];
  let n = 0;
  while (x !== null && limit-- !== 0) {
    if (reverse ? !lexGteMin(x.member, r.min) : !lexLteMax(x.member, r.max)) break;
    sink.push(x.member, x.score);
    n++;
    x = reverse ? x.backward : x.forward[0];
  }
  return n;
}

/**
 * zrangeGenericCommand. `keyIdx` is the source key's position (ZRANGESTORE: 2), `dst` the
 * destination for ZRANGESTORE.
 */
function zrangeGeneric(ctx: CommandContext, argv: readonly BinaryString[], keyIdx: number, rangeType: RangeType, direction: Direction, dst: BinaryString | null): RespValue {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = keyIdx + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j].toLowerCase();
    if (dst === null && opt === 'withscores') {
      withScores = true;
    } else if (opt === 'limit' && left >= 2) {
      const o = longArg(argv[j + 1]);
      if (o instanceof ErrorReply) return o;
      const l = longArg(argv[j + 2]);
      if (l instanceof ErrorReply) return l;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === 'auto' && opt === 'rev') {
      direction = 'reverse';
    } else if (rangeType === 'auto' && opt === 'bylex') {
      rangeType = 'lex';
    } else if (rangeType === 'auto' && opt === 'byscore') {
      rangeType = 'score';
    } else {
      return SYNTAX_ERR;
    }
  }
  if (direction === 'auto') direction = 'forward';
  if (rangeType === 'auto') rangeType = 'rank';
  if (limit !== -1 && rangeType === 'rank') return LIMIT_NEEDS_BY;
  if (withScores && rangeType === 'lex') return WITHSCORES_BYLEX;
  const reverse = direction === 'reverse';
  let minArg = argv[keyIdx + 1];
  let maxArg = argv[keyIdx + 2];
  if (reverse && rangeType !== 'rank') {
    const t = minArg;
    minArg = maxArg;
    maxArg = t;
  }

  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (rangeType === 'rank') {
    const s = longArg(minArg);
    if (s instanceof ErrorReply) return s;
    const e = longArg(maxArg);
    if (e instanceof ErrorReply) return e;
    start = s;
    end = e;
  } else if (rangeType === 'score') {
    scoreRange = parseScoreRange(minArg, maxArg);
    if (scoreRange === null) return MIN_MAX_NOT_FLOAT;
  } else {
    lexRange = parseLexRange(minArg, maxArg);
    if (lexRange === null) return MIN_MAX_NOT_LEX;
  }

  const z = readZset(ctx, argv[keyIdx]);
  if (z instanceof ErrorReply) return z;
  const sink: Sink = dst === null ? new PairsBuilder(isResp3(ctx), withScores) : new StoreSink();
  let n = 0;
  if (z !== undefined) {
    if (rangeType === 'rank') n = emitRank(z, start, end, reverse, sink);
    else if (rangeType === 'score') n = emitScore(z, scoreRange!, reverse, offset, limit, sink);
    else n = emitLex(z, lexRange!, reverse, offset, limit, sink);
  }
  if (dst === null) return (sink as PairsBuilder).out;
  if (n > 0) {
    ctx.db.setValue(dst, (sink as StoreSink).z);
    ctx.dirty();
    ctx.notify(NOTIFY_ZSET, 'zrangestore', dst);
  } else if (ctx.db.delete(dst)) {
    ctx.dirty();
    ctx.notify(NOTIFY_GENERIC, 'del', dst);
  }
  return n;
}

export const zrangeCommand: CommandSpec = spec('zrange', (ctx, argv) => zrangeGeneric(ctx, argv, 1, 'auto', 'auto', null));
export const zrangestoreCommand: CommandSpec = spec('zrangestore', (ctx, argv) => zrangeGeneric(ctx, argv, 2, 'auto', 'auto', argv[1]));
export const zrevrangeCommand: CommandSpec = spec('zrevrange', (ctx, argv) => zrangeGeneric(ctx, argv, 1, 'rank', 'reverse', null));
export const zrangebyscoreCommand: CommandSpec = spec('zrangebyscore', (ctx, argv) => zrangeGeneric(ctx, argv, 1, 'score', 'forward', null));
export const zrevrangebyscoreCommand: CommandSpec = spec('zrevrangebyscore', (ctx, argv) => zrangeGeneric(ctx, argv, 1, 'score', 'reverse', null));
export const zrangebylexCommand: CommandSpec = spec('zrangebylex', (ctx, argv) => zrangeGeneric(ctx, argv, 1, 'lex', 'forward', null));
export const zrevrangebylexCommand: CommandSpec = spec('zrevrangebylex', (ctx, argv) => zrangeGeneric(ctx, argv, 1, 'lex', 'reverse', null));
