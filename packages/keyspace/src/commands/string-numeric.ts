/** INCR DECR INCRBY DECRBY INCRBYFLOAT APPEND STRLEN GETRANGE SETRANGE (t_string.c). */
import type { RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { writeString } from '../command-helpers';
import {
  DECR_OVERFLOW,
  NAN_OR_INFINITY,
  NOT_FLOAT,
  NOT_INTEGER,
  OFFSET_OUT_OF_RANGE,
  OVERFLOW,
  STRING_TOO_LONG,
  WRONGTYPE,
} from '../reply-errors';
import { type Int64, INT64_MIN, addInt64, isIntEncodable, parseInt64 } from '../util/int64';
import { addLongDouble, formatLongDouble, parseLongDouble } from '../util/long-double';
import { NOTIFY_STRING } from '../notify';
import { MutableString } from '../types/mutable-string';
import { spec } from './meta';
import { bytesForRead, bytesForWrite, storeBytes } from './string-bytes';

/** V8's maximum string length (2^29 - 24): a hard limit below proto-max-bulk-len's default. */
const MAX_JS_STRING = 536870888;

function incrDecr(ctx: CommandContext, key: BinaryString, incr: Int64): RespValue {
  const db = ctx.db;
  const o = writeString(db, key);
  if (o === WRONGTYPE) return WRONGTYPE;
  let value: Int64 = 0;
  if (o !== undefined) {
    const v = parseInt64(o as BinaryString);
    if (v === null) return NOT_INTEGER;
    value = v;
  }
  const r = addInt64(value, incr);
  if (r === null) return OVERFLOW;
  db.setValue(key, String(r), true);
  ctx.dirty();
  ctx.notify(NOTIFY_STRING, 'incrby', key);
  return r;
}

function incrby(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const incr = parseInt64(argv[2]);
  if (incr === null) return NOT_INTEGER;
  return incrDecr(ctx, argv[1], incr);
}

function decrby(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const incr = parseInt64(argv[2]);
  if (incr === null) return NOT_INTEGER;
  if (incr === INT64_MIN) return DECR_OVERFLOW;
  return incrDecr(ctx, argv[1], typeof incr === 'bigint' ? -incr : -incr);
}

function incrbyfloat(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const db = ctx.db;
  const key = argv[1];
  const o = writeString(db, key);
  if (o === WRONGTYPE) return WRONGTYPE;
  const value = o === undefined ? parseLongDouble('0') : parseLongDouble(o as BinaryString);
  if (value === null) return NOT_FLOAT;
  const incr = parseLongDouble(argv[2]);
  if (incr === null) return NOT_FLOAT;
  const sum = addLongDouble(value, incr);
  if (sum === null) return NAN_OR_INFINITY;
  const out = formatLongDouble(sum);
  db.setValue(key, out, true);
  // createStringObjectFromLongDouble: embstr/raw by length, never int
  if (isIntEncodable(out)) db.setStringEncoding(key, 'embstr');
  ctx.dirty();
  ctx.notify(NOTIFY_STRING, 'incrbyfloat', key);
  ctx.rewrite(['SET', key, out, 'KEEPTTL']);
  return out;
}

function checkLength(ctx: CommandContext, size: number, append: number): boolean {
  const total = size + append;
  if (total > MAX_JS_STRING) return false;
  return ctx.fromMaster || total <= ctx.protoMaxBulkLen;
}

function append(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const db = ctx.db;
  const key = argv[1];
  const o = writeString(db, key);
  if (o === WRONGTYPE) return WRONGTYPE;
  let total: number;
  if (o === undefined) {
    db.setValue(key, argv[2]);
    total = argv[2].length;
  } else {
    const old = o as BinaryString;
    if (!checkLength(ctx, old.length, argv[2].length)) return STRING_TOO_LONG;
    const nv = old + argv[2];
    db.setValue(key, nv, true);
    db.setStringEncoding(key, 'raw');
    total = nv.length;
  }
  ctx.dirty();
  ctx.notify(NOTIFY_STRING, 'append', key);
  return total;
}

function strlen(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const o = bytesForRead(ctx.db, argv[1]);
  if (o === undefined) return 0;
  if (o === WRONGTYPE) return WRONGTYPE;
  return (o as BinaryString | MutableString).length;
}

function toNum(v: Int64): number {
  return typeof v === 'bigint' ? Number(v) : v;
}

function getrange(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const s0 = parseInt64(argv[2]);
  if (s0 === null) return NOT_INTEGER;
  const e0 = parseInt64(argv[3]);
  if (e0 === null) return NOT_INTEGER;
  const o = bytesForRead(ctx.db, argv[1]);
  if (o === undefined) return '';
  if (o === WRONGTYPE) return WRONGTYPE;
  const str = o as BinaryString | MutableString;
  const len = str.length;
  let start = toNum(s0);
  let end = toNum(e0);
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return '';
  // a string edited in place: the range decoded from its bytes, not the whole value
  return typeof str === 'string' ? str.slice(start, end + 1) : str.bytes.toString('latin1', start, end + 1);
}

function setrange(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const off = parseInt64(argv[2]);
  if (off === null) return NOT_INTEGER;
  if (off < 0) return OFFSET_OUT_OF_RANGE;
  const offset = toNum(off);
  const value = argv[3];
  const db = ctx.db;
  const key = argv[1];
  // the bytes are written in place (a MutableString, string-bytes.ts), zero-padded first
  const o = bytesForWrite(db, key);
  if (o === WRONGTYPE) return WRONGTYPE;
  let m: MutableString;
  if (o === undefined) {
    if (value.length === 0) return 0;
    if (!checkLength(ctx, offset, value.length)) return STRING_TOO_LONG;
    m = MutableString.from('');
  } else {
    m = o as MutableString;
    if (value.length === 0) return m.length;
    if (!checkLength(ctx, offset, value.length)) return STRING_TOO_LONG;
  }
  m.write(offset, value);
  storeBytes(db, key, m);
  ctx.dirty();
  ctx.notify(NOTIFY_STRING, 'setrange', key);
  return m.length;
}

export const stringNumericCommands: CommandSpec[] = [
  spec('incr', (ctx, argv) => incrDecr(ctx, argv[1], 1)),
  spec('decr', (ctx, argv) => incrDecr(ctx, argv[1], -1)),
  spec('incrby', incrby),
  spec('decrby', decrby),
  spec('incrbyfloat', incrbyfloat),
  spec('append', append),
  spec('strlen', strlen),
  spec('getrange', getrange),
  spec('setrange', setrange),
];
