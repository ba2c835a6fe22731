/** SELECT SWAPDB FLUSHDB FLUSHALL (db.c). SELECT validates and switches the session's db. */
import type { RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { OK_REPLY, rangeLongArg } from '../command-helpers';
import { DB_OUT_OF_RANGE, INVALID_FIRST_DB, INVALID_SECOND_DB, SYNTAX_ERR } from '../reply-errors';
import { spec } from './meta';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

function select(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const id = rangeLongArg(argv[1], INT_MIN, INT_MAX);
  if (typeof id !== 'number') return id;
  if (id < 0 || id >= ctx.databases) return DB_OUT_OF_RANGE;
  ctx.select(id);
  return OK_REPLY;
}

function swapdb(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const a = rangeLongArg(argv[1], INT_MIN, INT_MAX, INVALID_FIRST_DB);
  if (typeof a !== 'number') return a;
  const b = rangeLongArg(argv[2], INT_MIN, INT_MAX, INVALID_SECOND_DB);
  if (typeof b !== 'number') return b;
  if (a < 0 || a >= ctx.databases || b < 0 || b >= ctx.databases) return DB_OUT_OF_RANGE;
  ctx.swapDb(a, b);
  ctx.dirty();
  return OK_REPLY;
}

function flushFlags(argv: readonly BinaryString[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length === 2) {
    const a = argv[1].toLowerCase();
    return a === 'sync' || a === 'async';
  }
  return false;
}

function flushdb(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  if (!flushFlags(argv)) return SYNTAX_ERR;
  // server.dirty += keys removed; forceCommandPropagation: propagated even when the db was empty
  ctx.dirty(ctx.flushDb(ctx.db.index));
  ctx.forcePropagation();
  return OK_REPLY;
}

function flushall(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  if (!flushFlags(argv)) return SYNTAX_ERR;
  ctx.dirty(ctx.flushAll());
  ctx.forcePropagation();
  return OK_REPLY;
}

export const serverDbCommands: CommandSpec[] = [
  spec('select', select),
  spec('swapdb', swapdb),
  spec('flushdb', flushdb),
  spec('flushall', flushall),
];
