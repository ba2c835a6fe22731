/**
 * ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] and ZINCRBY
 * (t_zset.c zaddGenericCommand + zsetAdd).
 */
import { DoubleReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { NOT_FLOAT, SYNTAX_ERR, WRONGTYPE, errReply } from '../reply-errors';
import { ZSetValue } from '../types/zset-value';
import { parseDouble } from '../util/double';
import { NOTIFY_ZSET } from '../notify';
import { spec } from './meta';
import { RESULT_NAN } from './zset-common';

const NX_XX = errReply('XX and NX options at the same time are not compatible');
const GT_LT_NX = errReply('GT, LT, and/or NX options at the same time are not compatible');
const INCR_PAIR = errReply('INCR option supports a single increment-element pair');

const F_NX = 1;
const F_XX = 2;
const F_GT = 4;
const F_LT = 8;
const F_CH = 16;
const F_INCR = 32;

/** Outcome of one zsetAdd, like ZADD_OUT_*. */
const OUT_NOP = 1;
const OUT_ADDED = 2;
const OUT_UPDATED = 4;
const OUT_NAN = 8;

let lastScore = 0;

/** zsetAdd: adds or updates one member under the flags; the resulting score goes to lastScore. */
function zsetAdd(z: ZSetValue, score: number, member: BinaryString, flags: number): number {
  const cur = z.score(member);
  if (cur !== undefined) {
    if (flags & F_NX) return OUT_NOP;
    if (flags & F_INCR) {
      score += cur;
      if (Number.isNaN(score)) return OUT_NAN;
    }
    if ((flags & F_LT && score >= cur) || (flags & F_GT && score <= cur)) return OUT_NOP;
    lastScore = score;
    if (score !== cur) {
      z.update(member, score);
      return OUT_UPDATED;
    }
    return 0;
  }
  if (flags & F_XX) return OUT_NOP;
  lastScore = score;
  z.insert(member, score);
  return OUT_ADDED;
}

function zaddGeneric(ctx: CommandContext, argv: readonly BinaryString[], flags: number): RespValue {
  const key = argv[1];
  let scoreIdx = 2;
  while (scoreIdx < argv.length) {
    const c = argv[scoreIdx].charCodeAt(0) | 0x20;
    // every flag starts with a letter among n x g l c i; scores never do (except inf/nan)
    if (c !== 110 && c !== 120 && c !== 103 && c !== 108 && c !== 99 && c !== 105) break;
    const opt = argv[scoreIdx].toLowerCase();
    if (opt === 'nx') flags |= F_NX;
    else if (opt === 'xx') flags |= F_XX;
    else if (opt === 'ch') flags |= F_CH;
    else if (opt === 'incr') flags |= F_INCR;
    else if (opt === 'gt') flags |= F_GT;
    else if (opt === 'lt') flags |= F_LT;
    else break;
    scoreIdx++;
  }
  const pairsLen = argv.length - scoreIdx;
  if (pairsLen === 0 || pairsLen % 2 !== 0) return SYNTAX_ERR;
  const elements = pairsLen / 2;
  if (flags & F_NX && flags & F_XX) return NX_XX;
  if ((flags & F_GT && flags & F_NX) || (flags & F_LT && flags & F_NX) || (flags & F_GT && flags & F_LT)) return GT_LT_NX;
  const incr = (flags & F_INCR) !== 0;
  if (incr && elements > 1) return INCR_PAIR;

  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) {
    const v = parseDouble(argv[scoreIdx + j * 2]);
    if (v === null) return NOT_FLOAT;
    scores[j] = v;
  }

  const db = ctx.db;
  const found = db.lookupWrite(key);
  let z: ZSetValue;
  let created = false;
  if (found === undefined) {
    if (flags & F_XX) return incr ? null : 0;
    z = new ZSetValue(argv[scoreIdx + 1].length);
    created = true;
  } else if (typeof found === 'string' || found.type !== 'zset') {
    return WRONGTYPE;
  } else {
    z = found as ZSetValue;
  }

  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  for (let j = 0; j < elements; j++) {
    const out = zsetAdd(z, scores[j], argv[scoreIdx + 1 + j * 2], flags);
    if (out & OUT_NAN) {
      finish(ctx, key, z, added + updated, created);
      return RESULT_NAN;
    }
    if (out & OUT_ADDED) added++;
    if (out & OUT_UPDATED) updated++;
    if (!(out & OUT_NOP)) {
      processed++;
      score = lastScore;
    }
  }
  finish(ctx, key, z, added + updated, created);
  if (added + updated) ctx.notify(NOTIFY_ZSET, incr ? 'zincr' : 'zadd', key);
  if (incr) return processed ? new DoubleReply(score) : null;
  return flags & F_CH ? added + updated : added;
}

/** Stores a new sorted set once filled (never an empty one); deletes an emptied one. */
function finish(ctx: CommandContext, key: BinaryString, z: ZSetValue, changes: number, created: boolean): void {
  if (changes) ctx.dirty(changes);
  if (created) {
    if (z.size > 0) ctx.db.setValue(key, z);
  } else if (z.size === 0) {
    ctx.db.delete(key);
  }
}

export const zaddCommand: CommandSpec = spec('zadd', (ctx, argv) => zaddGeneric(ctx, argv, 0));

/** ZINCRBY key increment member: ZADD INCR (Redis parses ZADD flags here too: `ZINCRBY k nx m` is a syntax error). */
export const zincrbyCommand: CommandSpec = spec('zincrby', (ctx, argv) => zaddGeneric(ctx, argv, F_INCR));
