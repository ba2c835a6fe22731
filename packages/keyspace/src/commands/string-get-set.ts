/** GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX (t_string.c). */
import type { RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { OK_REPLY, readString } from '../command-helpers';
import { NOT_INTEGER, SYNTAX_ERR, WRONGTYPE, invalidExpireTime, wrongArity } from '../reply-errors';
import { parseInt64 } from '../util/int64';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../notify';
import { spec } from './meta';

const F_NX = 1;
const F_XX = 2;
const F_EX = 4;
const F_PX = 8;
const F_KEEPTTL = 16;
const F_GET = 32;
const F_EXAT = 64;
const F_PXAT = 128;
const F_PERSIST = 256;
const ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

const LLONG_MAX_DIV_1000 = 9223372036854775n;

interface Parsed {
  flags: number;
  expire: BinaryString | null;
}

function isWord(a: string, w: string): boolean {
  return a.length === w.length && a.toLowerCase() === w;
}

/** parseExtendedStringArgumentsOrReply (COMMAND_SET when isSet, COMMAND_GET otherwise). */
function parseExtended(argv: readonly BinaryString[], isSet: boolean): Parsed | RespValue {
  let flags = 0;
  let expire: BinaryString | null = null;
  for (let j = isSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j];
    const hasNext = j < argv.length - 1;
    if (isSet && isWord(opt, 'nx') && !(flags & F_XX)) flags |= F_NX;
    else if (isSet && isWord(opt, 'xx') && !(flags & F_NX)) flags |= F_XX;
    else if (isSet && isWord(opt, 'get')) flags |= F_GET;
    else if (isSet && isWord(opt, 'keepttl') && !(flags & (F_PERSIST | ANY_EXPIRE))) flags |= F_KEEPTTL;
    else if (!isSet && isWord(opt, 'persist') && !(flags & (ANY_EXPIRE | F_KEEPTTL))) flags |= F_PERSIST;
    else if (isWord(opt, 'ex') && !(flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EX;
      expire = argv[++j];
    } else if (isWord(opt, 'px') && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) && hasNext) {
      flags |= F_PX;
      expire = argv[++j];
    } else if (isWord(opt, 'exat') && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EXAT;
      expire = argv[++j];
    } else if (isWord(opt, 'pxat') && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) && hasNext) {
      flags |= F_PXAT;
      expire = argv[++j];
    } else return SYNTAX_ERR;
  }
  return { flags, expire };
}

/** getExpireMillisecondsOrReply: the absolute ms, or an error reply. */
export function expireMillis(ctx: CommandContext, s: BinaryString, flags: number, commandName: string): number | RespValue {
  const v = parseInt64(s);
  if (v === null) return NOT_INTEGER;
  const seconds = (flags & (F_EX | F_EXAT)) !== 0;
  if (v <= 0 || typeof v === 'bigint') {
    // beyond 2^53 (a safe number never exceeds LLONG_MAX / 1000)
    if (typeof v === 'bigint' && v > 0n && !(seconds && v > LLONG_MAX_DIV_1000)) return bigExpire(ctx, v, flags, commandName);
    return invalidExpireTime(commandName);
  }
  let ms = seconds ? v * 1000 : v;
  if (flags & (F_EX | F_PX)) ms += ctx.now;
  if (!Number.isSafeInteger(ms)) return bigExpire(ctx, BigInt(v), flags, commandName);
  return ms;
}

function bigExpire(ctx: CommandContext, v: bigint, flags: number, commandName: string): number | RespValue {
  let ms = flags & (F_EX | F_EXAT) ? v * 1000n : v;
  if (flags & (F_EX | F_PX)) ms += BigInt(ctx.now);
  if (ms > 9223372036854775807n) return invalidExpireTime(commandName);
  return Number(ms); // beyond 2^53: kept as the nearest double (year > 285000)
}

function setGeneric(ctx: CommandContext, argv: readonly BinaryString[], flags: number, key: BinaryString, val: BinaryString, expire: BinaryString | null, commandName: string, okReply: RespValue, abortReply: RespValue): RespValue {
  let ms = 0;
  if (expire !== null) {
    const r = expireMillis(ctx, expire, flags, commandName);
    if (typeof r !== 'number') return r;
    ms = r;
  }
  const db = ctx.db;
  let old: RespValue = null;
  if (flags & F_GET) {
    const o = readString(db, key);
    if (o === WRONGTYPE) return WRONGTYPE;
    old = o === undefined ? null : (o as BinaryString);
  }
  const found = db.lookupWrite(key) !== undefined;
  if ((flags & F_NX && found) || (flags & F_XX && !found)) return flags & F_GET ? old : abortReply;
  // with an expire the TTL is overwritten right below: keeping it saves a Map delete
  db.setValue(key, val, (flags & F_KEEPTTL) !== 0 || expire !== null);
  ctx.dirty();
  ctx.notify(NOTIFY_STRING, 'set', key);
  if (expire !== null) {
    db.setExpire(key, ms);
    ctx.notify(NOTIFY_GENERIC, 'expire', key);
    ctx.rewrite(['SET', key, val, 'PXAT', String(ms)]);
  } else if (flags & F_GET) {
    const out: BinaryString[] = [];
    for (let j = 0; j < argv.length; j++) if (!(j >= 3 && isWord(argv[j], 'get'))) out.push(argv[j]);
    ctx.rewrite(out);
  }
  return flags & F_GET ? old : okReply;
}

function set(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  if (argv.length === 3) {
    // fast path: SET k v
    const db = ctx.db;
    const key = argv[1];
    // the lookup only matters for lazy expiry (the DEL it propagates): skip it when nothing can expire
    if (db.expiresSize() !== 0) db.lookupWrite(key);
    db.setValue(key, argv[2]);
    ctx.dirty();
    ctx.notify(NOTIFY_STRING, 'set', key);
    return OK_REPLY;
  }
  const p = parseExtended(argv, true);
  if (!isParsed(p)) return p;
  return setGeneric(ctx, argv, p.flags, argv[1], argv[2], p.expire, 'set', OK_REPLY, null);
}

function isParsed(p: Parsed | RespValue): p is Parsed {
  return p !== null && typeof p === 'object' && 'flags' in p;
}

function get(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const v = ctx.db.lookupRead(argv[1]);
  if (v === undefined) return null;
  return typeof v === 'string' ? v : WRONGTYPE;
}

function getex(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const p = parseExtended(argv, false);
  if (!isParsed(p)) return p;
  const db = ctx.db;
  const key = argv[1];
  const o = readString(db, key);
  if (o === undefined) return null;
  if (o === WRONGTYPE) return WRONGTYPE;
  let ms = 0;
  if (p.expire !== null) {
    const r = expireMillis(ctx, p.expire, p.flags, 'getex');
    if (typeof r !== 'number') return r;
    ms = r;
  }
  if (p.flags & (F_PXAT | F_EXAT) && ms <= ctx.now && ctx.role === 'master' && !ctx.fromMaster) {
    db.delete(key);
    ctx.rewrite([ctx.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', key]);
    ctx.dirty();
    ctx.notify(NOTIFY_GENERIC, 'del', key);
  } else if (p.expire !== null) {
    db.setExpire(key, ms);
    ctx.rewrite(['PEXPIREAT', key, String(ms)]);
    ctx.dirty();
    ctx.notify(NOTIFY_GENERIC, 'expire', key);
  } else if (p.flags & F_PERSIST) {
    if (db.removeExpire(key)) {
      ctx.rewrite(['PERSIST', key]);
      ctx.dirty();
      ctx.notify(NOTIFY_GENERIC, 'persist', key);
    }
  }
  return o as BinaryString;
}

function getdel(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const db = ctx.db;
  const key = argv[1];
  const o = readString(db, key);
  if (o === undefined) return null;
  if (o === WRONGTYPE) return WRONGTYPE;
  if (db.delete(key)) {
    ctx.rewrite([ctx.lazyfreeLazyUserDel ? 'UNLINK' : 'DEL', key]);
    ctx.dirty();
    ctx.notify(NOTIFY_GENERIC, 'del', key);
  }
  return o as BinaryString;
}

function getset(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const db = ctx.db;
  const key = argv[1];
  const o = readString(db, key);
  if (o === WRONGTYPE) return WRONGTYPE;
  db.setValue(key, argv[2]);
  ctx.dirty();
  ctx.notify(NOTIFY_STRING, 'set', key);
  ctx.rewrite(['SET', key, argv[2]]);
  return o === undefined ? null : (o as BinaryString);
}

function setnx(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  return setGeneric(ctx, argv, F_NX, argv[1], argv[2], null, 'setnx', 1, 0);
}

function setex(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  return setGeneric(ctx, argv, F_EX, argv[1], argv[3], argv[2], 'setex', OK_REPLY, null);
}

function psetex(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  return setGeneric(ctx, argv, F_PX, argv[1], argv[3], argv[2], 'psetex', OK_REPLY, null);
}

function mget(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const out: RespValue[] = new Array(argv.length - 1);
  const db = ctx.db;
  for (let j = 1; j < argv.length; j++) {
    const v = db.lookupRead(argv[j]);
    out[j - 1] = typeof v === 'string' ? v : null;
  }
  return out;
}

function msetGeneric(ctx: CommandContext, argv: readonly BinaryString[], nx: boolean): RespValue {
  if (argv.length % 2 === 0) return wrongArity(nx ? 'msetnx' : 'mset');
  const db = ctx.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) if (db.lookupWrite(argv[j]) !== undefined) return 0;
  }
  for (let j = 1; j < argv.length; j += 2) {
    db.setValue(argv[j], argv[j + 1]);
    ctx.notify(NOTIFY_STRING, 'set', argv[j]);
  }
  ctx.dirty((argv.length - 1) / 2);
  return nx ? 1 : OK_REPLY;
}

export const stringGetSetCommands: CommandSpec[] = [
  spec('get', get),
  spec('set', set),
  spec('setnx', setnx),
  spec('setex', setex),
  spec('psetex', psetex),
  spec('getset', getset),
  spec('getdel', getdel),
  spec('getex', getex),
  spec('mget', mget),
  spec('mset', (ctx, argv) => msetGeneric(ctx, argv, false)),
  spec('msetnx', (ctx, argv) => msetGeneric(ctx, argv, true)),
];
