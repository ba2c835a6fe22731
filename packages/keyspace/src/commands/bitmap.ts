/**
 * SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (Redis 7.0 bitops.c). Bitmaps are string values; bit 0
 * is the most significant bit of the first byte.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { isError, readString } from '../command-helpers';
import { NOT_INTEGER, SYNTAX_ERR, WRONGTYPE } from '../reply-errors';
import { MutableString } from '../types/mutable-string';
import { parseInt64 } from '../util/int64';
import { bitOffsetArg, bitpos, popcount, popcountByte } from './bitmap-common';
import { bytesForRead, bytesForWrite, storeBytes } from './string-bytes';
import { bitfieldCommands } from './bitfield';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../notify';
import { familySpec } from './meta-families';

const BIT_VALUE_ERR = new ErrorReply('ERR bit is not an integer or out of range');
const BIT_ARG_ERR = new ErrorReply('ERR The bit argument must be 1 or 0.');
const BITOP_NOT_ERR = new ErrorReply('ERR BITOP NOT must be called with a single source key.');

/** getLongLongFromObjectOrReply as a JS number (range arguments are clamped by the callers anyway). */
function llArg(s: BinaryString): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return NOT_INTEGER;
  return typeof v === 'bigint' ? Number(v) : v;
}

/**
 * SETBIT key offset 0|1: the old bit; creates or zero-pads the key. The bit is written in place
 * in the value's bytes (a MutableString, string-bytes.ts): no copy of the bitmap per call.
 */
function setbit(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const offset = bitOffsetArg(ctx, argv[2]);
  if (isError(offset)) return offset;
  const on = parseInt64(argv[3]);
  if (on !== 0 && on !== 1) return BIT_VALUE_ERR;
  const key = argv[1];
  const o = bytesForWrite(ctx.db, key);
  if (o === WRONGTYPE) return WRONGTYPE;
  const m = (o as MutableString | undefined) ?? MutableString.from('');
  const byte = Math.floor(offset / 8);
  let grown = o === undefined;
  if (m.length <= byte) {
    m.ensure(byte + 1);
    grown = true;
  }
  const shift = 7 - (offset % 8);
  const old = m.bytes[byte];
  const was = (old >> shift) & 1;
  if (grown || was !== on) {
    m.bytes[byte] = (old & ~(1 << shift)) | (on << shift);
    m.touched(byte, byte);
    storeBytes(ctx.db, key, m);
    ctx.notify(NOTIFY_STRING, 'setbit', key);
    ctx.dirty();
  } else {
    // Redis unshares the string even when the bit is unchanged: the value becomes raw encoded
    ctx.db.setStringEncoding(key, 'raw');
  }
  return was;
}

/** GETBIT key offset */
function getbit(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const offset = bitOffsetArg(ctx, argv[2]);
  if (isError(offset)) return offset;
  const s = bytesForRead(ctx.db, argv[1]);
  if (s === undefined) return 0;
  if (s === WRONGTYPE) return WRONGTYPE;
  const v = s as BinaryString | MutableString;
  const byte = Math.floor(offset / 8);
  if (byte >= v.length) return 0;
  return ((typeof v === 'string' ? v.charCodeAt(byte) : v.bytes[byte]) >> (7 - (offset % 8))) & 1;
}

/** The byte range and edge masks of a BITCOUNT/BITPOS range in BYTE or BIT units. */
interface BitRange {
  start: number;
  end: number;
  firstMask: number;
  lastMask: number;
}

function clampRange(start: number, end: number, totlen: number, isbit: boolean): BitRange {
  const total = isbit ? totlen * 8 : totlen;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  let firstMask = 0;
  let lastMask = 0;
  if (isbit && start <= end) {
    firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
    lastMask = (1 << (7 - (end & 7))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  return { start, end, firstMask, lastMask };
}

/** BIT or BYTE (case-insensitive), or the syntax error. */
function unitArg(s: BinaryString): boolean | ErrorReply {
  const u = s.toLowerCase();
  if (u === 'bit') return true;
  if (u === 'byte') return false;
  return SYNTAX_ERR;
}

/** BITCOUNT key [start end [BIT|BYTE]]: a missing key answers 0 before the arguments are checked. */
function bitcount(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const s = bytesForRead(ctx.db, argv[1]);
  if (s === undefined) return 0;
  if (s === WRONGTYPE) return WRONGTYPE;
  const str = typeof s === 'string' ? s : (s as MutableString).view();
  let r: BitRange;
  if (argv.length === 4 || argv.length === 5) {
    const start = llArg(argv[2]);
    if (isError(start)) return start;
    const end = llArg(argv[3]);
    if (isError(end)) return end;
    if (start < 0 && end < 0 && start > end) return 0;
    let isbit = false;
    if (argv.length === 5) {
      const u = unitArg(argv[4]);
      if (isError(u)) return u;
      isbit = u;
    }
    r = clampRange(start, end, str.length, isbit);
  } else if (argv.length === 2) {
    r = { start: 0, end: str.length - 1, firstMask: 0, lastMask: 0 };
  } else {
    return SYNTAX_ERR;
  }
  if (r.start > r.end) return 0;
  let count = popcount(str, r.start, r.end);
  const at = (i: number): number => (typeof str === 'string' ? str.charCodeAt(i) : str[i]);
  if (r.firstMask !== 0) count -= popcountByte(at(r.start) & r.firstMask);
  if (r.lastMask !== 0) count -= popcountByte(at(r.end) & r.lastMask);
  return count;
}

/** BITPOS key bit [start [end [BIT|BYTE]]] */
function bitposCommand(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const b = parseInt64(argv[2]);
  if (b === null) return NOT_INTEGER;
  if (b !== 0 && b !== 1) return BIT_ARG_ERR;
  const bit = b as 0 | 1;
  const s = bytesForRead(ctx.db, argv[1]);
  if (s === undefined) return bit ? -1 : 0;
  if (s === WRONGTYPE) return WRONGTYPE;
  const str = typeof s === 'string' ? s : (s as MutableString).view();
  let endGiven = false;
  let r: BitRange;
  if (argv.length >= 4 && argv.length <= 6) {
    const start = llArg(argv[3]);
    if (isError(start)) return start;
    let isbit = false;
    if (argv.length === 6) {
      const u = unitArg(argv[5]);
      if (isError(u)) return u;
      isbit = u;
    }
    let end: number;
    if (argv.length >= 5) {
      const e = llArg(argv[4]);
      if (isError(e)) return e;
      end = e;
      endGiven = true;
    } else {
      end = str.length - 1;
    }
    r = clampRange(start, end, str.length, isbit);
  } else if (argv.length === 3) {
    r = { start: 0, end: str.length - 1, firstMask: 0, lastMask: 0 };
  } else {
    return SYNTAX_ERR;
  }
  if (r.start > r.end) return -1;
  // the edge bytes of a BIT range are masked so that bits outside the range never match
  const masked = (i: number): number => {
    let c = typeof str === 'string' ? str.charCodeAt(i) : str[i];
    if (i === r.start && r.firstMask) c = bit ? c & ~r.firstMask & 0xff : c | r.firstMask;
    if (i === r.end && r.lastMask) c = bit ? c & ~r.lastMask & 0xff : c | r.lastMask;
    return c;
  };
  const bytes = r.end - r.start + 1;
  const pos = bitpos((i) => masked(r.start + i), bytes, bit);
  // a clear bit found only past an explicit end is not in the range
  if (endGiven && bit === 0 && pos === bytes * 8) return -1;
  return pos === -1 ? -1 : pos + r.start * 8;
}

/** BITOP AND|OR|XOR|NOT destkey key [key ...]: the length of the result (0 deletes destkey). */
function bitop(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const op = argv[1].toLowerCase();
  if (op !== 'and' && op !== 'or' && op !== 'xor' && op !== 'not') return SYNTAX_ERR;
  if (op === 'not' && argv.length !== 4) return BITOP_NOT_ERR;
  const srcs: BinaryString[] = [];
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const s = readString(ctx.db, argv[j]);
    if (s === WRONGTYPE) return WRONGTYPE;
    const str = (s as BinaryString | undefined) ?? '';
    srcs.push(str);
    if (str.length > maxlen) maxlen = str.length;
  }
  const target = argv[2];
  if (maxlen === 0) {
    if (ctx.db.delete(target)) {
      ctx.notify(NOTIFY_GENERIC, 'del', target);
      ctx.dirty();
    }
    return 0;
  }
  const out = Buffer.allocUnsafe(maxlen);
  const byteOf = (s: BinaryString, j: number) => (j < s.length ? s.charCodeAt(j) : 0);
  for (let j = 0; j < maxlen; j++) {
    let v = byteOf(srcs[0], j);
    if (op === 'not') v = ~v & 0xff;
    else if (op === 'and') for (let i = 1; i < srcs.length; i++) v &= byteOf(srcs[i], j);
    else if (op === 'or') for (let i = 1; i < srcs.length; i++) v |= byteOf(srcs[i], j);
    else for (let i = 1; i < srcs.length; i++) v ^= byteOf(srcs[i], j);
    out[j] = v;
  }
  ctx.db.setValue(target, out.toString('latin1'));
  ctx.db.setStringEncoding(target, 'raw');
  ctx.notify(NOTIFY_STRING, 'set', target);
  ctx.dirty();
  return maxlen;
}

export const bitmapCommands: CommandSpec[] = [
  familySpec('setbit', setbit),
  familySpec('getbit', getbit),
  familySpec('bitcount', bitcount),
  familySpec('bitpos', bitposCommand),
  familySpec('bitop', bitop),
  ...bitfieldCommands,
];
