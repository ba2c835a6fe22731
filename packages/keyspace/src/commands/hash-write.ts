/**
 * HSET HMSET HSETNX HDEL HINCRBY HINCRBYFLOAT (t_hash.c).
 */
import { ErrorReply, OK, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { NAN_OR_INFINITY, NOT_FLOAT, NOT_INTEGER, OVERFLOW, errReply, wrongArity } from '../reply-errors';
import type { HashValue } from '../types/hash-value';
import { addInt64, parseInt64 } from '../util/int64';
import { addLongDouble, formatLongDouble, parseLongDouble } from '../util/long-double';
import { readHash, writeHash, writeOrCreateHash } from './hash-common';
import { NOTIFY_GENERIC, NOTIFY_HASH } from '../notify';
import { spec } from './meta';

const HASH_NOT_INTEGER = errReply('hash value is not an integer');
const HASH_NOT_FLOAT = errReply('hash value is not a float');
const INCR_NAN_OR_INFINITY = errReply('value is NaN or Infinity');

function hsetGeneric(ctx: CommandContext, argv: readonly BinaryString[], name: 'hset' | 'hmset'): RespValue {
  if (argv.length % 2 === 1) return wrongArity(name);
  const h = writeOrCreateHash(ctx, argv[1]);
  if (h instanceof ErrorReply) return h;
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i], argv[i + 1])) created++;
  ctx.dirty((argv.length - 2) / 2);
  ctx.notify(NOTIFY_HASH, 'hset', argv[1]);
  return name === 'hset' ? created : OK;
}

/** HSET key field value [field value ...]: the number of new fields */
export const hsetCommand: CommandSpec = spec('hset', (ctx, argv) => hsetGeneric(ctx, argv, 'hset'));

/** HMSET key field value [field value ...]: +OK (deprecated form of HSET) */
export const hmsetCommand: CommandSpec = spec('hmset', (ctx, argv) => hsetGeneric(ctx, argv, 'hmset'));

/** HSETNX key field value */
export const hsetnxCommand: CommandSpec = spec('hsetnx', (ctx, argv) => {
  const probe = readHash(ctx, argv[1]);
  if (probe instanceof ErrorReply) return probe;
  if (probe?.has(argv[2])) return 0;
  const h = writeOrCreateHash(ctx, argv[1]) as HashValue;
  h.set(argv[2], argv[3]);
  ctx.dirty();
  ctx.notify(NOTIFY_HASH, 'hset', argv[1]);
  return 1;
});

/** HDEL key field [field ...]: the number of fields removed; an emptied hash is deleted */
export const hdelCommand: CommandSpec = spec('hdel', (ctx, argv) => {
  const key = argv[1];
  const probe = readHash(ctx, key);
  if (probe === undefined) return 0;
  if (probe instanceof ErrorReply) return probe;
  let any = false;
  for (let j = 2; j < argv.length && !any; j++) any = probe.has(argv[j]);
  if (!any) return 0;
  const h = writeHash(ctx, key) as HashValue;
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (h.delete(argv[j])) {
      deleted++;
      if (h.size === 0) {
        ctx.db.delete(key);
        break;
      }
    }
  }
  ctx.notify(NOTIFY_HASH, 'hdel', key);
  if (h.size === 0) ctx.notify(NOTIFY_GENERIC, 'del', key);
  ctx.dirty(deleted);
  return deleted;
});

/** HINCRBY key field increment */
export const hincrbyCommand: CommandSpec = spec('hincrby', (ctx, argv) => {
  const incr = parseInt64(argv[3]);
  if (incr === null) return NOT_INTEGER;
  const probe = readHash(ctx, argv[1]);
  if (probe instanceof ErrorReply) return probe;
  const old = probe?.get(argv[2]);
  let value: number | bigint = 0;
  if (old !== undefined) {
    const v = parseInt64(old);
    if (v === null) return HASH_NOT_INTEGER;
    value = v;
  }
  const sum = addInt64(value, incr);
  if (sum === null) return OVERFLOW;
  (writeOrCreateHash(ctx, argv[1]) as HashValue).set(argv[2], String(sum));
  ctx.dirty();
  ctx.notify(NOTIFY_HASH, 'hincrby', argv[1]);
  return sum;
});

/** HINCRBYFLOAT key field increment: long double arithmetic; propagated as HSET key field <result> */
export const hincrbyfloatCommand: CommandSpec = spec('hincrbyfloat', (ctx, argv) => {
  const incr = parseLongDouble(argv[3]);
  if (incr === null) return NOT_FLOAT;
  if (incr.inf) return INCR_NAN_OR_INFINITY;
  const probe = readHash(ctx, argv[1]);
  if (probe instanceof ErrorReply) return probe;
  const old = probe?.get(argv[2]);
  let sum = incr;
  if (old !== undefined) {
    const v = parseLongDouble(old);
    if (v === null) return HASH_NOT_FLOAT;
    const s = addLongDouble(v, incr);
    if (s === null) return NAN_OR_INFINITY;
    sum = s;
  }
  const text = formatLongDouble(sum);
  (writeOrCreateHash(ctx, argv[1]) as HashValue).set(argv[2], text);
  ctx.dirty();
  ctx.notify(NOTIFY_HASH, 'hincrbyfloat', argv[1]);
  ctx.rewrite(['HSET', argv[1], argv[2], text]);
  return text;
});
