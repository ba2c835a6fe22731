/**
 * BITFIELD and BITFIELD_RO (Redis 7.0 bitops.c bitfieldGeneric): GET/SET/INCRBY of signed and
 * unsigned integers of 1..64 bits (u64 excluded) at any bit offset, with OVERFLOW WRAP|SAT|FAIL.
 * The integer arithmetic is done on 64-bit BigInts that wrap exactly as the C code's
 * uint64_t/int64_t do, so the overflow checks (quirks included) answer like redis-server.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { isError } from '../command-helpers';
import { NOT_INTEGER, SYNTAX_ERR, WRONGTYPE } from '../reply-errors';
import { MutableString } from '../types/mutable-string';
import { parseInt64Big } from '../util/int64';
import { bitOffsetArg } from './bitmap-common';
import { bytesForRead, bytesForWrite, storeBytes } from './string-bytes';
import { NOTIFY_STRING } from '../notify';
import { familySpec } from './meta-families';

const TYPE_ERR = new ErrorReply('ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.');
const OVERFLOW_TYPE_ERR = new ErrorReply('ERR Invalid OVERFLOW type specified');
const RO_ERR = new ErrorReply('ERR BITFIELD_RO only supports the GET subcommand');

type Overflow = 'wrap' | 'sat' | 'fail';

interface BitfieldOp {
  readonly opcode: 'get' | 'set' | 'incrby';
  readonly offset: number;
  readonly value: bigint;
  readonly overflow: Overflow;
  readonly bits: number;
  readonly signed: boolean;
}

const u64 = (v: bigint) => BigInt.asUintN(64, v);
const i64 = (v: bigint) => BigInt.asIntN(64, v);

/** getBitfieldTypeFromArgument: i1..i64 or u1..u63. */
function typeArg(s: BinaryString): { signed: boolean; bits: number } | ErrorReply {
  const c = s[0];
  if (c !== 'i' && c !== 'u') return TYPE_ERR;
  // the C code reads the width as a NUL-terminated string
  const nul = s.indexOf('\0');
  const n = parseInt64Big(s.slice(1, nul < 0 ? undefined : nul));
  const signed = c === 'i';
  if (n === null || n < 1n || n > (signed ? 64n : 63n)) return TYPE_ERR;
  return { signed, bits: Number(n) };
}

function getUnsigned(byteAt: (i: number) => number, offset: number, bits: number): bigint {
  let v = 0n;
  for (let j = 0; j < bits; j++, offset++) {
    const bit = (byteAt(Math.floor(offset / 8)) >> (7 - (offset % 8))) & 1;
    v = (v << 1n) | BigInt(bit);
  }
  return v;
}

function getSigned(byteAt: (i: number) => number, offset: number, bits: number): bigint {
  const u = getUnsigned(byteAt, offset, bits);
  return BigInt.asIntN(bits, u);
}

function setBits(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const uv = u64(value);
  for (let j = 0; j < bits; j++, offset++) {
    const bit = Number((uv >> BigInt(bits - 1 - j)) & 1n);
    const byte = Math.floor(offset / 8);
    const shift = 7 - (offset % 8);
    buf[byte] = (buf[byte] & ~(1 << shift)) | (bit << shift);
  }
}

/** checkUnsignedBitfieldOverflow: [overflowed, limit] with C's unsigned/signed 64-bit wrapping. */
function checkUnsigned(value: bigint, incr: bigint, bits: number, ow: Overflow): [boolean, bigint] {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = i64(max - value);
  const minincr = i64(-value);
  const wrap = (): bigint => u64(value + incr) & max;
  if (value > max || (incr > 0n && incr > maxincr)) return [true, ow === 'wrap' ? wrap() : max];
  if (incr < 0n && incr < minincr) return [true, ow === 'wrap' ? wrap() : 0n];
  return [false, 0n];
}

/** checkSignedBitfieldOverflow, including its 64-bit wrap of maxincr/minincr. */
function checkSigned(value: bigint, incr: bigint, bits: number, ow: Overflow): [boolean, bigint] {
  const max = bits === 64 ? (1n << 63n) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = i64(u64(max) - u64(value));
  const minincr = i64(min - value);
  const wrap = (): bigint => {
    let c = u64(value + incr);
    if (bits < 64) {
      const mask = u64(-1n << BigInt(bits));
      c = c & (1n << BigInt(bits - 1)) ? c | mask : c & ~mask;
    }
    return i64(c);
  };
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) return [true, ow === 'wrap' ? wrap() : max];
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) return [true, ow === 'wrap' ? wrap() : min];
  return [false, 0n];
}

/** Parses the subcommands; the ops, or the first error in argument order. */
function parseOps(ctx: CommandContext, argv: readonly BinaryString[]): BitfieldOp[] | ErrorReply {
  const ops: BitfieldOp[] = [];
  let overflow: Overflow = 'wrap';
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j].toLowerCase();
    let opcode: BitfieldOp['opcode'];
    if (sub === 'get' && rem >= 2) opcode = 'get';
    else if (sub === 'set' && rem >= 3) opcode = 'set';
    else if (sub === 'incrby' && rem >= 3) opcode = 'incrby';
    else if (sub === 'overflow' && rem >= 1) {
      const t = argv[++j].toLowerCase();
      if (t !== 'wrap' && t !== 'sat' && t !== 'fail') return OVERFLOW_TYPE_ERR;
      overflow = t;
      continue;
    } else return SYNTAX_ERR;
    const type = typeArg(argv[j + 1]);
    if (isError(type)) return type;
    const offset = bitOffsetArg(ctx, argv[j + 2], type.bits);
    if (isError(offset)) return offset;
    let value = 0n;
    if (opcode !== 'get') {
      const v = parseInt64Big(argv[j + 3]);
      if (v === null) return NOT_INTEGER;
      value = v;
    }
    ops.push({ opcode, offset, value, overflow, bits: type.bits, signed: type.signed });
    j += opcode === 'get' ? 2 : 3;
  }
  return ops;
}

function bitfieldGeneric(ctx: CommandContext, argv: readonly BinaryString[], readonlyCommand: boolean): RespValue {
  const ops = parseOps(ctx, argv);
  if (isError(ops)) return ops;
  const key = argv[1];
  const writes = ops.filter((o) => o.opcode !== 'get');
  if (writes.length === 0) {
    const s = bytesForRead(ctx.db, key);
    if (s === WRONGTYPE) return WRONGTYPE;
    const v = (s as BinaryString | MutableString | undefined) ?? '';
    const byteAt = typeof v === 'string' ? (i: number) => (i < v.length ? v.charCodeAt(i) : 0) : (i: number) => (i < v.length ? v.bytes[i] : 0);
    return ops.map((op) => (op.signed ? getSigned(byteAt, op.offset, op.bits) : getUnsigned(byteAt, op.offset, op.bits)));
  }
  if (readonlyCommand) return RO_ERR;
  let highest = 0;
  for (const op of writes) highest = Math.max(highest, op.offset + op.bits - 1);
  // lookupStringForBitCommand: the key is created or zero-padded so that the highest bit exists
  const o = bytesForWrite(ctx.db, key);
  if (o === WRONGTYPE) return WRONGTYPE;
  const m = (o as MutableString | undefined) ?? MutableString.from('');
  const need = Math.floor(highest / 8) + 1;
  const grown = o === undefined || m.length < need;
  m.ensure(need);
  const buf = m.bytes;
  const byteAt = (i: number) => (i < m.length ? buf[i] : 0);
  let changes = 0;
  const replies: RespValue[] = [];
  for (const op of ops) {
    if (op.opcode === 'get') {
      replies.push(op.signed ? getSigned(byteAt, op.offset, op.bits) : getUnsigned(byteAt, op.offset, op.bits));
      continue;
    }
    let oldval: bigint;
    let newval: bigint;
    let retval: bigint;
    let overflowed: boolean;
    let limit: bigint;
    if (op.signed) {
      oldval = getSigned(byteAt, op.offset, op.bits);
      if (op.opcode === 'incrby') {
        [overflowed, limit] = checkSigned(oldval, op.value, op.bits, op.overflow);
        newval = overflowed ? limit : i64(oldval + op.value);
        retval = newval;
      } else {
        [overflowed, limit] = checkSigned(op.value, 0n, op.bits, op.overflow);
        newval = overflowed ? limit : op.value;
        retval = oldval;
      }
    } else {
      oldval = getUnsigned(byteAt, op.offset, op.bits);
      if (op.opcode === 'incrby') {
        [overflowed, limit] = checkUnsigned(oldval, op.value, op.bits, op.overflow);
        newval = overflowed ? limit : u64(oldval + op.value);
        retval = newval;
      } else {
        const v = u64(op.value);
        [overflowed, limit] = checkUnsigned(v, 0n, op.bits, op.overflow);
        newval = overflowed ? limit : v;
        retval = oldval;
      }
    }
    if (overflowed && op.overflow === 'fail') {
      replies.push(null);
      continue;
    }
    replies.push(i64(retval));
    setBits(buf, op.offset, op.bits, newval);
    m.touched(Math.floor(op.offset / 8), Math.floor((op.offset + op.bits - 1) / 8));
    if (grown || oldval !== newval) changes++;
  }
  // Redis creates (or pads) the key before running the ops; it only counts as a change (and is
  // propagated) when an op wrote, but the created key stays either way
  if (changes > 0 || grown) storeBytes(ctx.db, key, m);
  else ctx.db.setStringEncoding(key, 'raw');
  if (changes > 0) {
    ctx.notify(NOTIFY_STRING, 'setbit', key);
    ctx.dirty(changes);
  }
  return replies;
}

export const bitfieldCommands: CommandSpec[] = [
  familySpec('bitfield', (ctx, argv) => bitfieldGeneric(ctx, argv, false)),
  familySpec('bitfield_ro', (ctx, argv) => bitfieldGeneric(ctx, argv, true)),
];
