/**
 * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] (Redis 7.0 t_list.c lmpopGenericCommand,
 * mpopGenericCommand): pops up to `count` elements from the first non-empty list and replies
 * [key, [elements]] (a null array when every list is empty or missing); propagated as
 * `LPOP|RPOP key <number popped>`. The blocking BLMPOP belongs to the server's blocking manager.
 */
import { ErrorReply, NULL_ARRAY, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { longArg } from '../command-helpers';
import { SYNTAX_ERR } from '../reply-errors';
import { parseListEnd, writeList } from './list-common';
import { popList } from './list-pop';
import { spec } from './meta';

const NUMKEYS_POSITIVE = new ErrorReply('ERR numkeys should be greater than 0');
const COUNT_POSITIVE = new ErrorReply('ERR count should be greater than 0');

/** getRangeLongFromObjectOrReply(1, LONG_MAX, msg) */
function positiveCount(s: BinaryString, msg: ErrorReply): number | ErrorReply {
  const v = longArg(s, msg);
  if (v instanceof ErrorReply) return v;
  return v < 1 ? msg : v;
}

function lmpop(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const numkeys = positiveCount(argv[1], NUMKEYS_POSITIVE);
  if (numkeys instanceof ErrorReply) return numkeys;
  const whereIdx = 1 + numkeys + 1;
  if (whereIdx >= argv.length) return SYNTAX_ERR;
  const end = parseListEnd(argv[whereIdx]);
  if (end === null) return SYNTAX_ERR;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === 'count' && j + 1 < argv.length) {
      const c = positiveCount(argv[++j], COUNT_POSITIVE);
      if (c instanceof ErrorReply) return c;
      count = c;
    } else return SYNTAX_ERR;
  }
  if (count === -1) count = 1;
  for (let i = 2; i < whereIdx; i++) {
    const key = argv[i];
    // lookupKeyWrite, then the type check, then skip empty (missing) lists
    const l = writeList(ctx, key);
    if (l instanceof ErrorReply) return l;
    if (l === undefined || l.size === 0) continue;
    const popped = popList(ctx, key, end, count);
    if (popped instanceof ErrorReply || popped === null) return popped;
    ctx.rewrite([end === 'left' ? 'LPOP' : 'RPOP', key, String(popped.length)]);
    return [key, popped];
  }
  return NULL_ARRAY;
}

export const listMpopCommands: CommandSpec[] = [spec('lmpop', lmpop)];
