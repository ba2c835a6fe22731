/**
 * HRANDFIELD key [count [WITHVALUES]] (t_hash.c hrandfieldCommand).
 *
 * - no count: one random field (bulk), null for a missing key;
 * - count > 0: distinct fields, at most the hash size (the whole hash, in order, when count >= size);
 * - count < 0: |count| fields drawn independently (repeats allowed).
 * WITHVALUES answers a flat field, value array in RESP2 and [field, value] pairs in RESP3.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { NOT_INTEGER, OUT_OF_RANGE_VALUE, SYNTAX_ERR, errReply, rangeError } from '../reply-errors';
import type { HashValue } from '../types/hash-value';
import { parseInt64 } from '../util/int64';
import { readHash } from './hash-common';
import { spec } from './meta';

const LONG_MAX = 9223372036854775807n;
/**
 * Redis streams any count into the client's output buffer; we build the reply in memory, so a
 * reply of more elements than this is refused instead of exhausting the heap (a documented
 * deviation, see the issue notes).
 */
export const HRANDFIELD_MAX_REPLY_ELEMENTS = 16 * 1024 * 1024;
const TOO_LARGE = errReply('HRANDFIELD count is too large (replikit limit)');

/** The protocol of the calling client when the executor provides it (RESP3 shapes pairs). */
function isResp3(ctx: CommandContext): boolean {
  return ctx.resp === 3;
}

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

function withCount(ctx: CommandContext, h: HashValue, l: number, withValues: boolean): RespValue {
  const size = h.size;
  const unique = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return [];
  const resp3 = isResp3(ctx);
  const out: RespValue[] = [];
  const emit = (f: BinaryString, v: BinaryString) => {
    if (!withValues) out.push(f);
    else if (resp3) out.push([f, v]);
    else out.push(f, v);
  };
  if (!unique || count === 1) {
    if (count * (withValues && !resp3 ? 2 : 1) > HRANDFIELD_MAX_REPLY_ELEMENTS) return TOO_LARGE;
    if (count === 1) {
      const e = h.entryAt(randomInt(size)) as [BinaryString, BinaryString];
      emit(e[0], e[1]);
      return out;
    }
    const entries = Array.from(h.entries());
    for (let i = 0; i < count; i++) {
      const e = entries[randomInt(size)];
      emit(e[0], e[1]);
    }
    return out;
  }
  if (count >= size) {
    for (const [f, v] of h.entries()) emit(f, v);
    return out;
  }
  // distinct fields: a partial Fisher-Yates shuffle over the entries
  const entries = Array.from(h.entries());
  for (let i = 0; i < count; i++) {
    const j = i + randomInt(size - i);
    const e = entries[j];
    entries[j] = entries[i];
    entries[i] = e;
    emit(e[0], e[1]);
  }
  return out;
}

export const hrandfieldCommand: CommandSpec = spec('hrandfield', (ctx, argv) => {
  if (argv.length >= 3) {
    const v = parseInt64(argv[2]);
    if (v === null) return NOT_INTEGER;
    const big = BigInt(v);
    if (big < -LONG_MAX) return rangeError(-LONG_MAX, LONG_MAX);
    if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withvalues')) return SYNTAX_ERR;
    const withValues = argv.length === 4;
    if (withValues && (big < -LONG_MAX / 2n || big > LONG_MAX / 2n)) return OUT_OF_RANGE_VALUE;
    const h = readHash(ctx, argv[1]);
    if (h === undefined) return [];
    if (h instanceof ErrorReply) return h;
    // counts beyond 2^53 cannot be served anyway; Number keeps their sign and size class
    return withCount(ctx, h, Number(v), withValues);
  }
  const h = readHash(ctx, argv[1]);
  if (h === undefined) return null;
  if (h instanceof ErrorReply) return h;
  return (h.entryAt(randomInt(h.size)) as [BinaryString, BinaryString])[0];
});
