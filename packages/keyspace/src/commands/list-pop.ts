/**
 * LPOP RPOP (with count) LMOVE RPOPLPUSH (t_list.c popGenericCommand, lmoveGenericCommand).
 *
 * The blocking variants (BLPOP BRPOP BLMOVE BRPOPLPUSH) live in the server: once a key can serve a
 * blocked client it runs LPOP/RPOP/LMOVE/RPOPLPUSH through the executor (or calls `popList` /
 * `moveListElement` below), which also gives Redis's propagation (`LPOP k`, `LMOVE ...`).
 */
import { ErrorReply, NULL_ARRAY, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { ListValue } from '../types/list-value';
import { SYNTAX_ERR, WRONGTYPE, wrongArity } from '../reply-errors';
import { type ListEnd, asList, parseListEnd, parsePositiveLong, pushAt, readList, writeList } from './list-common';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../notify';
import { spec } from './meta';

/**
 * Pops up to `count` elements from one end of the list at `key` (one when `count` is undefined),
 * deleting the key when it empties and counting the change. Returns the popped elements in pop
 * order, null when the key is missing, or WRONGTYPE. The caller must have checked count > 0.
 */
export function popList(ctx: CommandContext, key: BinaryString, end: ListEnd, count = 1): BinaryString[] | null | ErrorReply {
  const list = writeList(ctx, key);
  if (list === undefined) return null;
  if (list instanceof ErrorReply) return list;
  const n = Math.min(count, list.size);
  const out = new Array<BinaryString>(n);
  for (let i = 0; i < n; i++) out[i] = (end === 'left' ? list.popHead() : list.popTail()) as BinaryString;
  ctx.notify(NOTIFY_LIST, end === 'left' ? 'lpop' : 'rpop', key);
  if (list.size === 0) {
    ctx.db.delete(key);
    ctx.notify(NOTIFY_GENERIC, 'del', key);
  }
  ctx.dirty(n);
  return out;
}

function popGeneric(ctx: CommandContext, argv: readonly BinaryString[], end: ListEnd): RespValue {
  if (argv.length > 3) return wrongArity(end === 'left' ? 'lpop' : 'rpop');
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const c = parsePositiveLong(argv[2]);
    if (c instanceof ErrorReply) return c;
    count = c;
  }
  const key = argv[1];
  const probe = readList(ctx, key);
  if (probe === undefined) return hasCount ? NULL_ARRAY : null;
  if (probe instanceof ErrorReply) return probe;
  if (hasCount && count === 0) return [];
  const popped = popList(ctx, key, end, hasCount ? count : 1) as BinaryString[];
  return hasCount ? popped : popped[0];
}

export const lpopCommand: CommandSpec = spec('lpop', (ctx, argv) => popGeneric(ctx, argv, 'left'));

export const rpopCommand: CommandSpec = spec('rpop', (ctx, argv) => popGeneric(ctx, argv, 'right'));

/**
 * Moves one element from `from` of `src` to `to` of `dst` (LMOVE semantics). Returns the element,
 * null when `src` is missing, or WRONGTYPE (for either key; nothing moves then).
 */
export function moveListElement(
  ctx: CommandContext,
  src: BinaryString,
  dst: BinaryString,
  from: ListEnd,
  to: ListEnd,
): BinaryString | null | ErrorReply {
  const probe = readList(ctx, src);
  if (probe === undefined) return null;
  if (probe instanceof ErrorReply) return probe;
  if (probe.size === 0) return null;
  if (src !== dst && asList(ctx.db.lookupRead(dst)) === WRONGTYPE) return WRONGTYPE;
  const source = writeList(ctx, src) as ListValue;
  const value = (from === 'left' ? source.popHead() : source.popTail()) as BinaryString;
  let target = src === dst ? source : (writeList(ctx, dst) as ListValue | undefined);
  if (target === undefined) {
    target = new ListValue();
    pushAt(target, to, value);
    ctx.db.setValue(dst, target);
  } else {
    pushAt(target, to, value);
  }
  ctx.notify(NOTIFY_LIST, to === 'left' ? 'lpush' : 'rpush', dst);
  ctx.notify(NOTIFY_LIST, from === 'left' ? 'lpop' : 'rpop', src);
  if (source.size === 0) {
    ctx.db.delete(src);
    ctx.notify(NOTIFY_GENERIC, 'del', src);
  }
  ctx.dirty();
  return value;
}

/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
export const lmoveCommand: CommandSpec = spec('lmove', (ctx, argv) => {
  const from = parseListEnd(argv[3]);
  if (from === null) return SYNTAX_ERR;
  const to = parseListEnd(argv[4]);
  if (to === null) return SYNTAX_ERR;
  return moveListElement(ctx, argv[1], argv[2], from, to);
});

/** RPOPLPUSH source destination (LMOVE source destination RIGHT LEFT) */
export const rpoplpushCommand: CommandSpec = spec('rpoplpush', (ctx, argv) => moveListElement(ctx, argv[1], argv[2], 'right', 'left'));
