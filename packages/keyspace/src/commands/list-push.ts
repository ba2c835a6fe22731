/**
 * LPUSH RPUSH LPUSHX RPUSHX LINSERT (t_list.c pushGenericCommand, linsertCommand).
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { ListValue } from '../types/list-value';
import { SYNTAX_ERR } from '../reply-errors';
import { type ListEnd, pushAt, readList, writeList } from './list-common';
import { NOTIFY_LIST } from '../notify';
import { spec } from './meta';

/** Pushes argv[2..] at `end`; with `onlyExisting` (the X variants) a missing key is left alone. */
function pushGeneric(ctx: CommandContext, argv: readonly BinaryString[], end: ListEnd, onlyExisting: boolean): RespValue {
  const key = argv[1];
  const list = writeList(ctx, key);
  if (list instanceof ErrorReply) return list;
  let target = list;
  if (target === undefined) {
    if (onlyExisting) return 0;
    target = new ListValue();
    for (let j = 2; j < argv.length; j++) pushAt(target, end, argv[j]);
    ctx.db.setValue(key, target);
  } else {
    for (let j = 2; j < argv.length; j++) pushAt(target, end, argv[j]);
  }
  ctx.dirty(argv.length - 2);
  ctx.notify(NOTIFY_LIST, end === 'left' ? 'lpush' : 'rpush', key);
  return target.size;
}

export const lpushCommand: CommandSpec = spec('lpush', (ctx, argv) => pushGeneric(ctx, argv, 'left', false));

export const rpushCommand: CommandSpec = spec('rpush', (ctx, argv) => pushGeneric(ctx, argv, 'right', false));

export const lpushxCommand: CommandSpec = spec('lpushx', (ctx, argv) => pushGeneric(ctx, argv, 'left', true));

export const rpushxCommand: CommandSpec = spec('rpushx', (ctx, argv) => pushGeneric(ctx, argv, 'right', true));

/** LINSERT key BEFORE|AFTER pivot element */
export const linsertCommand: CommandSpec = spec('linsert', (ctx, argv) => {
  const where = argv[2].toLowerCase();
  if (where !== 'after' && where !== 'before') return SYNTAX_ERR;
  const key = argv[1];
  // probe first: a missing pivot changes nothing and must not count as a write (WATCH, snapshots)
  const probe = readList(ctx, key);
  if (probe === undefined) return 0;
  if (probe instanceof ErrorReply) return probe;
  const at = probe.indexOf(argv[3]);
  if (at < 0) return -1;
  const list = writeList(ctx, key) as ListValue;
  list.insertAt(where === 'after' ? at + 1 : at, argv[4]);
  ctx.dirty();
  ctx.notify(NOTIFY_LIST, 'linsert', key);
  return list.size;
});
