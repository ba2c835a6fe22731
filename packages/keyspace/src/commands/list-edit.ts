/**
 * LSET LREM LTRIM (t_list.c).
 */
import { ErrorReply, OK } from '@replikit/resp';
import type { CommandSpec } from '../command-api';
import type { ListValue } from '../types/list-value';
import { INDEX_OUT_OF_RANGE, NOT_INTEGER, NO_SUCH_KEY } from '../reply-errors';
import { normalizeRange } from '../command-helpers';
import { parseLong, readList, resolveIndex, writeList } from './list-common';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../notify';
import { spec } from './meta';

/** LSET key index element */
export const lsetCommand: CommandSpec = spec('lset', (ctx, argv) => {
  const probe = readList(ctx, argv[1]);
  if (probe === undefined) return NO_SUCH_KEY;
  if (probe instanceof ErrorReply) return probe;
  const index = parseLong(argv[2]);
  if (index === null) return NOT_INTEGER;
  const i = resolveIndex(index, probe.size);
  if (i < 0) return INDEX_OUT_OF_RANGE;
  (writeList(ctx, argv[1]) as ListValue).set(i, argv[3]);
  ctx.dirty();
  ctx.notify(NOTIFY_LIST, 'lset', argv[1]);
  return OK;
});

/** LREM key count element: count > 0 from the head, < 0 from the tail, 0 all. */
export const lremCommand: CommandSpec = spec('lrem', (ctx, argv) => {
  const count = parseLong(argv[2]);
  if (count === null) return NOT_INTEGER;
  const key = argv[1];
  const probe = readList(ctx, key);
  if (probe === undefined) return 0;
  if (probe instanceof ErrorReply) return probe;
  if (probe.indexOf(argv[3]) < 0) return 0;
  const list = writeList(ctx, key) as ListValue;
  const removed = list.removeMatching(argv[3], Math.abs(count), count < 0);
  ctx.notify(NOTIFY_LIST, 'lrem', key);
  if (list.size === 0) {
    ctx.db.delete(key);
    ctx.notify(NOTIFY_GENERIC, 'del', key);
  }
  ctx.dirty(removed);
  return removed;
});

/** LTRIM key start stop */
export const ltrimCommand: CommandSpec = spec('ltrim', (ctx, argv) => {
  const start = parseLong(argv[2]);
  const end = parseLong(argv[3]);
  if (start === null || end === null) return NOT_INTEGER;
  const key = argv[1];
  // it only propagates when elements were removed (dirty += ltrim + rtrim)
  const list = writeList(ctx, key);
  if (list === undefined) return OK;
  if (list instanceof ErrorReply) return list;
  const len = list.size;
  const r = normalizeRange(start, end, len);
  const left = r === null ? len : r[0];
  const right = r === null ? 0 : len - r[1] - 1;
  if (left + right > 0) {
    list.trim(left, right);
    ctx.notify(NOTIFY_LIST, 'ltrim', key);
    if (list.size === 0) {
      ctx.db.delete(key);
      ctx.notify(NOTIFY_GENERIC, 'del', key);
    }
    ctx.dirty(left + right);
  } else {
    ctx.notify(NOTIFY_LIST, 'ltrim', key);
    // Redis still calls signalModifiedKey (a WATCH on the key aborts EXEC) but propagates nothing:
    // storing the same object again is how a command marks a key modified without a dirty change.
    ctx.db.setValue(key, list, true);
  }
  return OK;
});
