/**
 * PFADD, PFCOUNT, PFMERGE (Redis 7.0 hyperloglog.c). HyperLogLogs are string values in Redis's
 * exact byte format (see ../types/hll.ts); PFCOUNT of one key stores the computed cardinality in
 * the header like Redis does, which counts as a change and is propagated.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { OK_REPLY } from '../command-helpers';
import { WRONGTYPE } from '../reply-errors';
import { HLL_DENSE, HLL_HDR_SIZE, HLL_REGISTERS, createHll, denseGet, denseSet, estimate, histogram, hllPatLenOf, invalidateCache, isValidHll, lastPatIndex, mergeInto, sparseSet, sparseToDense } from '../types/hll';
import { MutableString } from '../types/mutable-string';
import { bytesForRead, bytesForWrite, bytesOfValue, storeBytes } from './string-bytes';
import { NOTIFY_STRING } from '../notify';
import { familySpec } from './meta-families';

const NOT_HLL = new ErrorReply('WRONGTYPE Key is not a valid HyperLogLog string value.');
const CORRUPT = new ErrorReply('INVALIDOBJ Corrupted HLL object detected');

const bytesOf = (s: BinaryString): Uint8Array => Buffer.from(s, 'latin1');
const stringOf = (b: Uint8Array): BinaryString => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');

/** isHLLObjectOrReply on a bytesForRead result: the value's bytes (read only), or the error reply. */
function hllOf(v: BinaryString | MutableString | ErrorReply): Uint8Array | ErrorReply {
  if (v === WRONGTYPE) return WRONGTYPE;
  const b = bytesOfValue(v as BinaryString | MutableString);
  return isValidHll(b) ? b : NOT_HLL;
}

/** Stores an HLL in place of the old value: TTL kept, raw encoded (Redis edits an unshared sds). */
function storeHll(ctx: CommandContext, key: BinaryString, h: Uint8Array): void {
  ctx.db.setValue(key, stringOf(h), true);
  ctx.db.setStringEncoding(key, 'raw');
}

/**
 * hllAdd for one element on the value's bytes: 1 changed / 0 unchanged / -1 corrupt. Dense
 * registers are edited in place; a sparse edit builds new bytes, which replace the value's.
 */
function addElement(m: MutableString, ele: BinaryString): 1 | 0 | -1 {
  const count = hllPatLenOf(ele);
  const index = lastPatIndex();
  const h = m.view();
  if (h[4] === HLL_DENSE) {
    if (denseGet(h, HLL_HDR_SIZE, index) >= count) return 0;
    denseSet(h, HLL_HDR_SIZE, index, count);
    const byte = HLL_HDR_SIZE + ((index * 6) >> 3);
    m.touched(byte, byte + 1);
    return 1;
  }
  const r = sparseSet(h, index, count);
  if (r.bytes !== h) m.replace(r.bytes);
  return r.result;
}

/**
 * PFADD key [element ...]: 1 when a register changed (or the key was created). The value is
 * edited in place as a MutableString (string-bytes.ts): a dense register write is a byte write,
 * not a copy of the 12 KB value, and an add that changes nothing stores nothing new.
 */
function pfadd(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const key = argv[1];
  const v = bytesForWrite(ctx.db, key);
  if (v === WRONGTYPE) return WRONGTYPE;
  let updated = 0;
  let m: MutableString;
  if (v === undefined) {
    m = MutableString.of(createHll());
    updated++;
  } else {
    m = v as MutableString;
    if (!isValidHll(m.view())) return NOT_HLL;
  }
  for (let j = 2; j < argv.length; j++) {
    const r = addElement(m, argv[j]);
    if (r === -1) {
      // Redis edits the value in place: what was added before the corrupt opcode stays
      storeBytes(ctx.db, key, m);
      return CORRUPT;
    }
    updated += r;
  }
  if (updated) {
    invalidateCache(m.view());
    m.touched(15, 15);
    storeBytes(ctx.db, key, m);
    ctx.notify(NOTIFY_STRING, 'pfadd', key);
    ctx.dirty(updated);
  } else {
    // Redis unshares the string even when nothing changed: the value becomes raw encoded
    ctx.db.setStringEncoding(key, 'raw');
  }
  return updated ? 1 : 0;
}

/** PFCOUNT key [key ...] */
function pfcount(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const v = bytesForRead(ctx.db, argv[j]);
      if (v === undefined) continue;
      const h = hllOf(v);
      if (h instanceof ErrorReply) return h;
      if (!mergeInto(max, h)) return CORRUPT;
    }
    return estimate(histogram(null, max) as number[]);
  }
  const key = argv[1];
  const v = bytesForRead(ctx.db, key);
  if (v === undefined) return 0;
  const h = hllOf(v);
  if (h instanceof ErrorReply) return h;
  // Redis unshares the string before reading the cache, whatever comes next
  ctx.db.setStringEncoding(key, 'raw');
  if ((h[15] & 0x80) === 0) {
    let card = 0;
    for (let i = 7; i >= 0; i--) card = card * 256 + h[8 + i];
    return card;
  }
  const histo = histogram(h);
  if (histo === null) return CORRUPT;
  const card = estimate(histo);
  // the cardinality is cached in the header: a write (snapshots save the old value first)
  const m = typeof v === 'string' ? MutableString.from(v, true) : (bytesForWrite(ctx.db, key) as MutableString);
  let c = card;
  for (let i = 0; i < 8; i++) {
    m.bytes[8 + i] = c % 256;
    c = Math.floor(c / 256);
  }
  m.touched(8, 15);
  storeBytes(ctx.db, key, m);
  ctx.dirty();
  return card;
}

/** PFMERGE destkey [sourcekey ...]: destkey (a source too) gets the register-wise maximum. */
function pfmerge(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const v = bytesForRead(ctx.db, argv[j]);
    if (v === undefined) continue;
    const h = hllOf(v);
    if (h instanceof ErrorReply) return h;
    if (h[4] === HLL_DENSE) useDense = true;
    if (!mergeInto(max, h)) return CORRUPT;
  }
  const key = argv[1];
  const v = ctx.db.lookupWrite(key);
  let h = v === undefined ? createHll() : bytesOf(v as BinaryString);
  if (useDense) {
    const d = sparseToDense(h);
    if (d === null) {
      if (v === undefined) storeHll(ctx, key, h);
      else ctx.db.setStringEncoding(key, 'raw');
      return CORRUPT;
    }
    h = d;
  }
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] === 0) continue;
    if (h[4] === HLL_DENSE) {
      if (max[j] > denseGet(h, HLL_HDR_SIZE, j)) denseSet(h, HLL_HDR_SIZE, j, max[j]);
    } else {
      h = sparseSet(h, j, max[j]).bytes;
    }
  }
  invalidateCache(h);
  storeHll(ctx, key, h);
  ctx.notify(NOTIFY_STRING, 'pfadd', key);
  ctx.dirty();
  return OK_REPLY;
}

export const hllCommands: CommandSpec[] = [familySpec('pfadd', pfadd), familySpec('pfcount', pfcount), familySpec('pfmerge', pfmerge)];
