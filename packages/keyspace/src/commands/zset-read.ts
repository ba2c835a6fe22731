/**
 * Point commands of the sorted set family: ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT
 * ZLEXCOUNT (t_zset.c).
 */
import { DoubleReply, ErrorReply, type RespValue } from '@replikit/resp';
import type { CommandContext, CommandSpec } from '../command-api';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../notify';
import { spec } from './meta';
import { MIN_MAX_NOT_FLOAT, MIN_MAX_NOT_LEX, parseLexRange, parseScoreRange, readZset, writeZset } from './zset-common';

export const zremCommand: CommandSpec = spec('zrem', (ctx, argv) => {
  const key = argv[1];
  const z = writeZset(ctx, key);
  if (z === undefined) return 0;
  if (z instanceof ErrorReply) return z;
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(argv[j])) {
      deleted++;
      if (z.size === 0) {
        ctx.db.delete(key);
        break;
      }
    }
  }
  if (deleted) {
    ctx.dirty(deleted);
    ctx.notify(NOTIFY_ZSET, 'zrem', key);
    if (z.size === 0) ctx.notify(NOTIFY_GENERIC, 'del', key);
  }
  return deleted;
});

export const zcardCommand: CommandSpec = spec('zcard', (ctx, argv) => {
  const z = readZset(ctx, argv[1]);
  if (z === undefined) return 0;
  if (z instanceof ErrorReply) return z;
  return z.size;
});

export const zscoreCommand: CommandSpec = spec('zscore', (ctx, argv) => {
  const z = readZset(ctx, argv[1]);
  if (z === undefined) return null;
  if (z instanceof ErrorReply) return z;
  const s = z.score(argv[2]);
  return s === undefined ? null : new DoubleReply(s);
});

export const zmscoreCommand: CommandSpec = spec('zmscore', (ctx, argv) => {
  const z = readZset(ctx, argv[1]);
  if (z instanceof ErrorReply) return z;
  const out: RespValue[] = new Array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(argv[j]);
    out[j - 2] = s === undefined ? null : new DoubleReply(s);
  }
  return out;
});

function rank(ctx: CommandContext, argv: readonly string[], reverse: boolean): RespValue {
  const z = readZset(ctx, argv[1]);
  if (z === undefined) return null;
  if (z instanceof ErrorReply) return z;
  return z.rank(argv[2], reverse) ?? null;
}

export const zrankCommand: CommandSpec = spec('zrank', (ctx, argv) => rank(ctx, argv, false));
export const zrevrankCommand: CommandSpec = spec('zrevrank', (ctx, argv) => rank(ctx, argv, true));

export const zcountCommand: CommandSpec = spec('zcount', (ctx, argv) => {
  const range = parseScoreRange(argv[2], argv[3]);
  if (range === null) return MIN_MAX_NOT_FLOAT;
  const z = readZset(ctx, argv[1]);
  if (z === undefined) return 0;
  if (z instanceof ErrorReply) return z;
  return z.countInScoreRange(range);
});

export const zlexcountCommand: CommandSpec = spec('zlexcount', (ctx, argv) => {
  const range = parseLexRange(argv[2], argv[3]);
  if (range === null) return MIN_MAX_NOT_LEX;
  const z = readZset(ctx, argv[1]);
  if (z === undefined) return 0;
  if (z instanceof ErrorReply) return z;
  return z.countInLexRange(range);
});
