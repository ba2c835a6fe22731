/**
 * PFDEBUG GETREG|DECODE|ENCODING|TODENSE key and PFSELFTEST (Redis 7.0 hyperloglog.c). Our HLL
 * strings are byte-identical with Redis's, so these answer what redis-server answers for the same
 * key. GETREG and TODENSE turn a sparse HLL dense in place and count as a change (propagated),
 * like Redis. PFSELFTEST runs a smaller version of Redis's checks on this package's HLL code.
 */
import { ErrorReply, type RespValue, SimpleString } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { OK_REPLY } from '../command-helpers';
import { WRONGTYPE } from '../reply-errors';
import { createHll, denseGet, denseSet, estimate, HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_P, HLL_REGISTERS, HLL_SPARSE, histogram, hllPatLen, isValidHll, sparseSet, sparseToDense } from '../types/hll';
import { specFromMeta } from './meta';

const NO_KEY = new ErrorReply('ERR The specified key does not exist');
const NOT_HLL = new ErrorReply('WRONGTYPE Key is not a valid HyperLogLog string value.');
const CORRUPT = new ErrorReply('INVALIDOBJ Corrupted HLL object detected');
const NOT_SPARSE = new ErrorReply('ERR HLL encoding is not sparse');
const DENSE = new SimpleString('dense');
const SPARSE = new SimpleString('sparse');

const stringOf = (b: Uint8Array): BinaryString => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');

/** The sparse opcodes as `z:len`, `Z:len`, `v:value,len` separated by spaces. */
function decodeSparse(h: Uint8Array): string {
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < h.length) {
    const b = h[p] as number;
    if ((b & 0xc0) === 0) {
      parts.push(`z:${(b & 0x3f) + 1}`);
      p++;
    } else if ((b & 0xc0) === 0x40) {
      parts.push(`Z:${(((b & 0x3f) << 8) | (h[p + 1] ?? 0)) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((b >> 2) & 0x1f) + 1},${(b & 3) + 1}`);
      p++;
    }
  }
  return parts.join(' ');
}

function pfdebug(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const key = argv[2] as BinaryString;
  const v = ctx.db.lookupWrite(key);
  if (v === undefined) return NO_KEY;
  if (typeof v !== 'string') return WRONGTYPE;
  let h: Uint8Array = Buffer.from(v, 'latin1');
  if (!isValidHll(h)) return NOT_HLL;
  // dbUnshareStringValue: whatever the subcommand, the string is raw from now on
  ctx.db.setStringEncoding(key, 'raw');
  const sub = (argv[1] as string).toLowerCase();
  const toDense = (): boolean | ErrorReply => {
    if (h[4] !== HLL_SPARSE) return false;
    const d = sparseToDense(h);
    if (d === null) return CORRUPT;
    h = d;
    ctx.db.setValue(key, stringOf(h), true);
    ctx.db.setStringEncoding(key, 'raw');
    ctx.dirty();
    return true;
  };
  if (sub === 'getreg') {
    const r = toDense();
    if (r instanceof ErrorReply) return r;
    const out: number[] = new Array(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) out[j] = denseGet(h, HLL_HDR_SIZE, j);
    return out;
  }
  if (sub === 'decode') {
    if (h[4] !== HLL_SPARSE) return NOT_SPARSE;
    return decodeSparse(h);
  }
  if (sub === 'encoding') return h[4] === HLL_DENSE ? DENSE : SPARSE;
  if (sub === 'todense') {
    const r = toDense();
    if (r instanceof ErrorReply) return r;
    return r ? 1 : 0;
  }
  return new ErrorReply(`ERR Unknown PFDEBUG subcommand '${argv[1]}'`);
}

/** A small deterministic generator (xorshift32) so a failing self-test can be reproduced. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/**
 * The checks of pfselftestCommand, reduced: dense register writes and reads round-trip against
 * a plain array for every register; then elements are added to a sparse and a dense HLL at once,
 * both must keep the same registers, and the estimate must stay within 6 standard errors of the
 * true count at each power of ten up to 100 000 (the count 10 within 1, as Redis allows).
 */
export function hllSelfTest(seed = Date.now()): string | undefined {
  const rand = xorshift(seed);
  const regs = new Uint8Array(HLL_DENSE_SIZE);
  const plain = new Uint8Array(HLL_REGISTERS);
  for (let pass = 0; pass < 10; pass++) {
    for (let j = 0; j < HLL_REGISTERS; j++) {
      const r = rand() & 63;
      plain[j] = r;
      denseSet(regs, HLL_HDR_SIZE, j, r);
    }
    for (let j = 0; j < HLL_REGISTERS; j++) if (denseGet(regs, HLL_HDR_SIZE, j) !== plain[j]) return 'TESTFAILED Register error';
  }
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let sparse = createHll();
  const dense = sparseToDense(createHll()) as Uint8Array;
  let checkpoint = 1;
  const prefix = rand();
  for (let j = 1; j <= 100000; j++) {
    const [index, count] = hllPatLen(`${prefix}:${j}`);
    if (denseGet(dense, HLL_HDR_SIZE, index) < count) denseSet(dense, HLL_HDR_SIZE, index, count);
    if (sparse[4] === HLL_SPARSE) {
      const u = sparseSet(sparse, index, count);
      if (u.result < 0) return 'TESTFAILED sparse HLL corrupted';
      sparse = u.bytes;
    } else if (denseGet(sparse, HLL_HDR_SIZE, index) < count) denseSet(sparse, HLL_HDR_SIZE, index, count);
    if (j === checkpoint) {
      const asDense = sparseToDense(sparse);
      if (asDense === null) return 'TESTFAILED sparse HLL corrupted';
      for (let r = 0; r < HLL_REGISTERS; r++) {
        if (denseGet(asDense, HLL_HDR_SIZE, r) !== denseGet(dense, HLL_HDR_SIZE, r)) return 'TESTFAILED dense/sparse disagree';
      }
      const histo = histogram(dense);
      if (histo === null) return 'TESTFAILED dense HLL corrupted';
      const abserr = Math.abs(checkpoint - estimate(histo));
      const maxerr = j === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint);
      if (abserr > maxerr) return `TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`;
      checkpoint *= 10;
    }
  }
  return HLL_P === 14 ? undefined : 'TESTFAILED unexpected precision';
}

function pfselftest(): RespValue {
  const failed = hllSelfTest();
  return failed === undefined ? OK_REPLY : new ErrorReply(failed);
}

const HLL_GROUP = { group: 'hyperloglog', acl: ['hyperloglog', 'admin', 'dangerous'] };

export const hllDebugCommands: CommandSpec[] = [
  specFromMeta('pfdebug', { arity: 3, flags: ['write', 'denyoom', 'admin'], keys: [2, 2, 1], ...HLL_GROUP }, { summary: 'Internal commands for debugging HyperLogLog values', since: '2.8.9', tips: [], keySpecs: [{ flags: ['RW', 'ACCESS'], beginSearch: { type: 'index', index: 2 }, findKeys: { type: 'range', lastKey: 0, keyStep: 1, limit: 0 } }] as never }, pfdebug),
  specFromMeta('pfselftest', { arity: 1, flags: ['admin'], keys: [0, 0, 0], ...HLL_GROUP }, { summary: 'An internal command for testing HyperLogLog values', since: '2.8.9', tips: [], keySpecs: [] }, pfselftest),
];
