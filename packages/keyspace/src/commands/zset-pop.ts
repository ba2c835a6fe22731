/**
 * ZPOPMIN ZPOPMAX (t_zset.c zpopMinMaxCommand / genericZpopCommand) and ZREMRANGEBYSCORE
 * ZREMRANGEBYRANK ZREMRANGEBYLEX (zremrangeGenericCommand).
 *
 * `zpop` is exported for the server's BZPOPMIN/BZPOPMAX: it pops from an existing sorted set
 * through lookupWrite, deletes the key when emptied and counts dirty, so the blocking command
 * only has to shape its reply and propagate `ZPOPMIN/ZPOPMAX key` (protocol.md §4.5).
 */
import { DoubleReply, ErrorReply, NULL_ARRAY, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { longArg, normalizeRange, positiveLongArg } from '../command-helpers';
import { SYNTAX_ERR, errReply } from '../reply-errors';
import type { ZSetValue } from '../types/zset-value';
import { MIN_MAX_NOT_FLOAT, MIN_MAX_NOT_LEX, isResp3, parseLexRange, parseScoreRange, writeZset } from './zset-common';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../notify';
import { spec } from './meta';

/**
 * Pops up to `count` members with the lowest (`max` false) or highest scores from the sorted set
 * at `key`. Returns [member, score] pairs (empty when the key is missing or count is 0), or
 * WRONGTYPE. Marks the command dirty once per popped member and deletes an emptied key.
 */
export function zpop(ctx: CommandContext, key: BinaryString, max: boolean, count: number): Array<[BinaryString, number]> | ErrorReply {
  const z = writeZset(ctx, key);
  if (z instanceof ErrorReply) return z;
  const out: Array<[BinaryString, number]> = [];
  if (z === undefined || count <= 0) return out;
  const n = Math.min(count, z.size);
  for (let i = 0; i < n; i++) {
    const x = max ? z.sl.tail! : z.sl.first()!;
    out.push([x.member, x.score]);
    z.remove(x.member);
  }
  if (n > 0) ctx.notify(NOTIFY_ZSET, max ? 'zpopmax' : 'zpopmin', key);
  if (z.size === 0) {
    ctx.db.delete(key);
    ctx.notify(NOTIFY_GENERIC, 'del', key);
  }
  if (n > 0) ctx.dirty(n);
  return out;
}

function zpopCommandHandler(ctx: CommandContext, argv: readonly BinaryString[], max: boolean): RespValue {
  if (argv.length > 3) return SYNTAX_ERR;
  let count = -1;
  if (argv.length === 3) {
    const c = positiveLongArg(argv[2]);
    if (c instanceof ErrorReply) return c;
    count = c;
  }
  const popped = zpop(ctx, argv[1], max, count === -1 ? 1 : count);
  if (popped instanceof ErrorReply) return popped;
  const nested = count !== -1 && isResp3(ctx);
  const out: RespValue[] = [];
  for (const [m, s] of popped) {
    if (nested) out.push([m, new DoubleReply(s)]);
    else out.push(m, new DoubleReply(s));
  }
  return out;
}

const NUMKEYS_POSITIVE = errReply('numkeys should be greater than 0');
const COUNT_POSITIVE = errReply('count should be greater than 0');

/** getRangeLongFromObjectOrReply(1, LONG_MAX, msg) */
function positiveCount(s: BinaryString, msg: ErrorReply): number | ErrorReply {
  const v = longArg(s, msg);
  if (v instanceof ErrorReply) return v;
  return v < 1 ? msg : v;
}

/**
 * ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] (zmpopGenericCommand): pops from the first
 * non-empty key; replies [key, [[member, score], ...]] or a null array; propagates as
 * `ZPOPMIN|ZPOPMAX key <number popped>` (as redis-server 7.0.15 streams it).
 */
export const zmpopCommand: CommandSpec = spec('zmpop', (ctx, argv) => {
  const numkeys = positiveCount(argv[1], NUMKEYS_POSITIVE);
  if (numkeys instanceof ErrorReply) return numkeys;
  const whereIdx = 1 + numkeys + 1;
  if (whereIdx >= argv.length) return SYNTAX_ERR;
  const where = argv[whereIdx].toLowerCase();
  if (where !== 'min' && where !== 'max') return SYNTAX_ERR;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === 'count' && j + 1 < argv.length) {
      const c = positiveCount(argv[++j], COUNT_POSITIVE);
      if (c instanceof ErrorReply) return c;
      count = c;
    } else {
      return SYNTAX_ERR;
    }
  }
  if (count === -1) count = 1;
  for (let i = 2; i < whereIdx; i++) {
    const key = argv[i];
    const v = ctx.db.lookupWrite(key);
    if (v === undefined) continue;
    const popped = zpop(ctx, key, where === 'max', count);
    if (popped instanceof ErrorReply) return popped;
    ctx.rewrite([where === 'max' ? 'ZPOPMAX' : 'ZPOPMIN', key, String(popped.length)]);
    return [key, popped.map(([m, sc]) => [m, new DoubleReply(sc)])];
  }
  return NULL_ARRAY;
});

export const zpopminCommand: CommandSpec = spec('zpopmin', (ctx, argv) => zpopCommandHandler(ctx, argv, false));
export const zpopmaxCommand: CommandSpec = spec('zpopmax', (ctx, argv) => zpopCommandHandler(ctx, argv, true));

type RemoveRange = 'rank' | 'score' | 'lex';

function zremrangeGeneric(ctx: CommandContext, argv: readonly BinaryString[], type: RemoveRange): RespValue {
  const key = argv[1];
  let start = 0;
  let end = 0;
  let remove: ((z: ZSetValue) => BinaryString[]) | null = null;
  if (type === 'rank') {
    const s = longArg(argv[2]);
    if (s instanceof ErrorReply) return s;
    const e = longArg(argv[3]);
    if (e instanceof ErrorReply) return e;
    start = s;
    end = e;
  } else if (type === 'score') {
    const r = parseScoreRange(argv[2], argv[3]);
    if (r === null) return MIN_MAX_NOT_FLOAT;
    remove = (z) => z.removeRangeByScore(r);
  } else {
    const r = parseLexRange(argv[2], argv[3]);
    if (r === null) return MIN_MAX_NOT_LEX;
    remove = (z) => z.removeRangeByLex(r);
  }
  const z = writeZset(ctx, key);
  if (z === undefined) return 0;
  if (z instanceof ErrorReply) return z;
  let removed: BinaryString[];
  if (remove === null) {
    const r = normalizeRange(start, end, z.size);
    if (r === null) return 0;
    removed = z.removeRangeByRank(r[0], r[1]);
  } else {
    removed = remove(z);
  }
  if (removed.length) ctx.notify(NOTIFY_ZSET, type === 'rank' ? 'zremrangebyrank' : type === 'score' ? 'zremrangebyscore' : 'zremrangebylex', key);
  if (z.size === 0) {
    ctx.db.delete(key);
    ctx.notify(NOTIFY_GENERIC, 'del', key);
  }
  if (removed.length) ctx.dirty(removed.length);
  return removed.length;
}

export const zremrangebyrankCommand: CommandSpec = spec('zremrangebyrank', (ctx, argv) => zremrangeGeneric(ctx, argv, 'rank'));
export const zremrangebyscoreCommand: CommandSpec = spec('zremrangebyscore', (ctx, argv) => zremrangeGeneric(ctx, argv, 'score'));
export const zremrangebylexCommand: CommandSpec = spec('zremrangebylex', (ctx, argv) => zremrangeGeneric(ctx, argv, 'lex'));
