/**
 * LLEN LRANGE LINDEX LPOS (t_list.c). Argument errors come before or after the key lookup exactly
 * where Redis checks them (LRANGE parses first, LINDEX looks the key up first).
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { CommandSpec } from '../command-api';
import { INT64_MIN, parseInt64 } from '../util/int64';
import { NOT_INTEGER, SYNTAX_ERR } from '../reply-errors';
import { normalizeRange } from '../command-helpers';
import { parseLong, parsePositiveLong, readList, resolveIndex } from './list-common';
import { spec } from './meta';

const RANK_ZERO_ERR = new ErrorReply(
  'ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list',
);
const COUNT_NEGATIVE_ERR = new ErrorReply("ERR COUNT can't be negative");
const MAXLEN_NEGATIVE_ERR = new ErrorReply("ERR MAXLEN can't be negative");

export const llenCommand: CommandSpec = spec('llen', (ctx, argv) => {
  const list = readList(ctx, argv[1]);
  if (list === undefined) return 0;
  if (list instanceof ErrorReply) return list;
  return list.size;
});

/** LRANGE key start stop */
export const lrangeCommand: CommandSpec = spec('lrange', (ctx, argv) => {
  const start = parseLong(argv[2]);
  const end = parseLong(argv[3]);
  if (start === null || end === null) return NOT_INTEGER;
  const list = readList(ctx, argv[1]);
  if (list === undefined) return [];
  if (list instanceof ErrorReply) return list;
  const r = normalizeRange(start, end, list.size);
  return r === null ? [] : list.range(r[0], r[1]);
});

/** LINDEX key index */
export const lindexCommand: CommandSpec = spec('lindex', (ctx, argv) => {
  const list = readList(ctx, argv[1]);
  if (list === undefined) return null;
  if (list instanceof ErrorReply) return list;
  const index = parseLong(argv[2]);
  if (index === null) return NOT_INTEGER;
  const i = resolveIndex(index, list.size);
  return i < 0 ? null : (list.get(i) as string);
});

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
export const lposCommand: CommandSpec = spec('lpos', (ctx, argv): RespValue => {
  let rank = 1;
  /** RANK -9223372036854775808: C negates it into itself, so every match qualifies and COUNT never stops */
  let rankMin = false;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const moreArgs = argv.length - 1 - j;
    if (opt === 'rank' && moreArgs) {
      const r = parseInt64(argv[++j]);
      if (r === null) return NOT_INTEGER;
      if (r === 0) return RANK_ZERO_ERR;
      rankMin = typeof r === 'bigint' && r === INT64_MIN;
      rank = Number(r);
    } else if (opt === 'count' && moreArgs) {
      const c = parsePositiveLong(argv[++j], COUNT_NEGATIVE_ERR);
      if (c instanceof ErrorReply) return c;
      count = c;
    } else if (opt === 'maxlen' && moreArgs) {
      const m = parsePositiveLong(argv[++j], MAXLEN_NEGATIVE_ERR);
      if (m instanceof ErrorReply) return m;
      maxlen = m;
    } else {
      return SYNTAX_ERR;
    }
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;

  const list = readList(ctx, argv[1]);
  if (list === undefined) return count !== -1 ? [] : null;
  if (list instanceof ErrorReply) return list;

  const element = argv[2];
  const len = list.size;
  const limit = maxlen === 0 ? len : Math.min(maxlen, len);
  const found: number[] = [];
  let matches = 0;
  for (let index = 0; index < limit; index++) {
    const pos = fromTail ? len - index - 1 : index;
    if (list.get(pos) !== element) continue;
    matches++;
    if (rankMin || matches >= rank) {
      if (count === -1) return pos;
      found.push(pos);
      if (!rankMin && count !== 0 && matches - rank + 1 >= count) break;
    }
  }
  return count === -1 ? null : found;
});
