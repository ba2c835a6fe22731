/**
 * Set commands that change data: SADD SREM SMOVE SPOP (t_set.c).
 *
 * SPOP propagation (protocol.md §4.5): `SPOP k` -> `SREM k member`; `SPOP k count` -> one
 * `SREM k member` per popped member (the executor wraps two or more in MULTI/EXEC), or `DEL k`
 * when count >= size.
 */
import { ErrorReply, SetReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { positiveLongArg } from '../command-helpers';
import { SYNTAX_ERR, WRONGTYPE } from '../reply-errors';
import { SetValue } from '../types/set-value';
import { NOTIFY_GENERIC, NOTIFY_SET } from '../notify';
import { spec } from './meta';
import { writeSet } from './set-common';

const EMPTY_SET = new SetReply([]);
/** t_set.c: SPOP pops directly while remaining * 5 > count, else rebuilds the remaining set */
const SPOP_MOVE_STRATEGY_MUL = 5;

export const saddCommand: CommandSpec = spec('sadd', (ctx, argv) => {
  const key = argv[1];
  const db = ctx.db;
  const found = db.lookupWrite(key);
  let s: SetValue;
  if (found === undefined) {
    s = SetValue.forFirstMember(argv[2]);
  } else if (typeof found === 'string' || found.type !== 'set') {
    return WRONGTYPE;
  } else {
    s = found as SetValue;
  }
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (s.add(argv[j])) added++;
  // a new set is stored once filled
  if (found === undefined) db.setValue(key, s);
  if (added) {
    ctx.dirty(added);
    ctx.notify(NOTIFY_SET, 'sadd', key);
  }
  return added;
});

export const sremCommand: CommandSpec = spec('srem', (ctx, argv) => {
  const key = argv[1];
  const s = writeSet(ctx, key);
  if (s === undefined) return 0;
  if (s instanceof ErrorReply) return s;
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (s.remove(argv[j])) {
      deleted++;
      if (s.size === 0) {
        ctx.db.delete(key);
        break;
      }
    }
  }
  if (deleted) {
    ctx.dirty(deleted);
    ctx.notify(NOTIFY_SET, 'srem', key);
    if (s.size === 0) ctx.notify(NOTIFY_GENERIC, 'del', key);
  }
  return deleted;
});

export const smoveCommand: CommandSpec = spec('smove', (ctx, argv) => {
  const [, srcKey, dstKey, member] = argv;
  const db = ctx.db;
  const src = db.lookupWrite(srcKey);
  const dst = db.lookupWrite(dstKey);
  if (src === undefined) return 0;
  if (typeof src === 'string' || src.type !== 'set') return WRONGTYPE;
  if (dst !== undefined && (typeof dst === 'string' || dst.type !== 'set')) return WRONGTYPE;
  const s = src as SetValue;
  if (srcKey === dstKey) return s.has(member) ? 1 : 0;
  if (!s.remove(member)) return 0;
  ctx.notify(NOTIFY_SET, 'srem', srcKey);
  if (s.size === 0) {
    db.delete(srcKey);
    ctx.notify(NOTIFY_GENERIC, 'del', srcKey);
  }
  ctx.dirty();
  if (dst === undefined) {
    const d = SetValue.forFirstMember(member);
    d.add(member);
    db.setValue(dstKey, d);
    ctx.dirty();
    ctx.notify(NOTIFY_SET, 'sadd', dstKey);
  } else if ((dst as SetValue).add(member)) {
    ctx.dirty();
    ctx.notify(NOTIFY_SET, 'sadd', dstKey);
  }
  return 1;
});

function spopWithCount(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const count = positiveLongArg(argv[2]);
  if (count instanceof ErrorReply) return count;
  const key = argv[1];
  const s = writeSet(ctx, key);
  if (s === undefined) return EMPTY_SET;
  if (s instanceof ErrorReply) return s;
  if (count === 0) return EMPTY_SET;
  const size = s.size;
  ctx.dirty(count);
  ctx.notify(NOTIFY_SET, 'spop', key);
  if (count >= size) {
    const all = s.toArray();
    ctx.db.delete(key);
    ctx.notify(NOTIFY_GENERIC, 'del', key);
    ctx.rewrite(['DEL', key]);
    return new SetReply(all);
  }
  const out: BinaryString[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const m = s.pop();
    out[i] = m;
    ctx.alsoPropagate(['SREM', key, m]);
  }
  // spopWithCountCommand's CASE 3 (few remain) builds a new set from the remaining members
  if ((size - count) * SPOP_MOVE_STRATEGY_MUL <= count) s.rebuildEncoding();
  ctx.preventPropagation();
  return new SetReply(out);
}

export const spopCommand: CommandSpec = spec('spop', (ctx, argv) => {
  if (argv.length === 3) return spopWithCount(ctx, argv);
  if (argv.length > 3) return SYNTAX_ERR;
  const key = argv[1];
  const s = writeSet(ctx, key);
  if (s === undefined) return null;
  if (s instanceof ErrorReply) return s;
  const m = s.pop();
  ctx.rewrite(['SREM', key, m]);
  ctx.notify(NOTIFY_SET, 'spop', key);
  if (s.size === 0) {
    ctx.db.delete(key);
    ctx.notify(NOTIFY_GENERIC, 'del', key);
  }
  ctx.dirty();
  return m;
});
