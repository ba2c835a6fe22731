/** EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST (expire.c). */
import type { RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { GT_AND_LT, NOT_INTEGER, NX_XX_GT_LT, invalidExpireTime, unsupportedOption } from '../reply-errors';
import { parseInt64 } from '../util/int64';
import { NOTIFY_GENERIC } from '../notify';
import { spec } from './meta';

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;
const LLONG_MAX = 9223372036854775807n;

function expireGeneric(ctx: CommandContext, argv: readonly BinaryString[], relative: boolean, seconds: boolean, name: string): RespValue {
  let nx = 0;
  let xx = 0;
  let gt = 0;
  let lt = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'nx') nx = NX;
    else if (opt === 'xx') xx = XX;
    else if (opt === 'gt') gt = GT;
    else if (opt === 'lt') lt = LT;
    else return unsupportedOption(argv[j]);
  }
  if ((nx && xx) || (nx && gt) || (nx && lt)) return NX_XX_GT_LT;
  if (gt && lt) return GT_AND_LT;
  const flag = nx | xx | gt | lt;
  const v = parseInt64(argv[2]);
  if (v === null) return NOT_INTEGER;
  let when: number;
  if (typeof v === 'number' && Math.abs(v) < 2 ** 42) {
    when = (seconds ? v * 1000 : v) + (relative ? ctx.now : 0);
  } else {
    let w = BigInt(v);
    if (seconds) {
      if (w > LLONG_MAX / 1000n || w < -LLONG_MAX / 1000n) return invalidExpireTime(name);
      w *= 1000n;
    }
    const base = relative ? BigInt(ctx.now) : 0n;
    if (w > LLONG_MAX - base) return invalidExpireTime(name);
    when = Number(w + base);
  }
  const db = ctx.db;
  const key = argv[1];
  if (db.lookupWrite(key) === undefined) return 0;
  if (flag) {
    const cur = db.getExpire(key);
    if (flag & NX && cur !== -1) return 0;
    if (flag & XX && cur === -1) return 0;
    if (flag & GT && (when <= cur || cur === -1)) return 0;
    if (flag & LT && cur !== -1 && when >= cur) return 0;
  }
  if (when <= ctx.now && ctx.role === 'master' && !ctx.fromMaster) {
    db.delete(key);
    ctx.dirty();
    ctx.notify(NOTIFY_GENERIC, 'del', key);
    ctx.rewrite([ctx.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', key]);
    return 1;
  }
  db.setExpire(key, when);
  ctx.dirty();
  ctx.notify(NOTIFY_GENERIC, 'expire', key);
  if (name !== 'pexpireat' || relative || seconds) {
    const out = argv.slice();
    if (name !== 'pexpireat') out[0] = 'PEXPIREAT';
    if (relative || seconds) out[2] = String(when);
    ctx.rewrite(out);
  }
  return 1;
}

function ttlGeneric(ctx: CommandContext, argv: readonly BinaryString[], ms: boolean, abs: boolean): RespValue {
  const db = ctx.db;
  if (db.lookupRead(argv[1]) === undefined) return -2;
  const expire = db.getExpire(argv[1]);
  if (expire === -1) return -1;
  let ttl = abs ? expire : expire - ctx.now;
  if (ttl < 0) ttl = 0;
  return ms ? ttl : Math.floor((ttl + 500) / 1000);
}

function persist(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const db = ctx.db;
  if (db.lookupWrite(argv[1]) === undefined) return 0;
  if (!db.removeExpire(argv[1])) return 0;
  ctx.dirty();
  ctx.notify(NOTIFY_GENERIC, 'persist', argv[1]);
  return 1;
}

export const keysExpireCommands: CommandSpec[] = [
  spec('expire', (ctx, argv) => expireGeneric(ctx, argv, true, true, 'expire')),
  spec('pexpire', (ctx, argv) => expireGeneric(ctx, argv, true, false, 'pexpire')),
  spec('expireat', (ctx, argv) => expireGeneric(ctx, argv, false, true, 'expireat')),
  spec('pexpireat', (ctx, argv) => expireGeneric(ctx, argv, false, false, 'pexpireat')),
  spec('ttl', (ctx, argv) => ttlGeneric(ctx, argv, false, false)),
  spec('pttl', (ctx, argv) => ttlGeneric(ctx, argv, true, false)),
  spec('expiretime', (ctx, argv) => ttlGeneric(ctx, argv, false, true)),
  spec('pexpiretime', (ctx, argv) => ttlGeneric(ctx, argv, true, true)),
  spec('persist', persist),
];
