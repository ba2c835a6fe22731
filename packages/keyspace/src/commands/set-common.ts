/**
 * Shared pieces of the set commands: typed lookups.
 */
import type { ErrorReply } from '@replikit/resp';
import { NOT_INTEGER, OUT_OF_RANGE_VALUE, rangeError } from '../reply-errors';
import { parseInt64 } from '../util/int64';
import type { BinaryString, CommandContext } from '../command-api';
import { readTyped, writeTyped } from '../command-helpers';
import type { SetValue } from '../types/set-value';

/** The set at `key` for reading: value, undefined, or WRONGTYPE. */
export function readSet(ctx: CommandContext, key: BinaryString): SetValue | undefined | ErrorReply {
  return readTyped<SetValue>(ctx.db, key, 'set');
}

/** The set at `key` through lookupWrite (in-place mutation allowed). */
export function writeSet(ctx: CommandContext, key: BinaryString): SetValue | undefined | ErrorReply {
  return writeTyped<SetValue>(ctx.db, key, 'set');
}

const LONG_MAX = 9223372036854775807n;
const HALF_LONG_MAX = LONG_MAX / 2n;

/**
 * The count of SRANDMEMBER / ZRANDMEMBER (getRangeLongFromObjectOrReply with -LONG_MAX..LONG_MAX;
 * with `half`, WITHSCORES' extra `value is out of range` check beyond +/-LONG_MAX/2). Compared
 * as bigints so the limits are exact; the result is a JS number (huge counts are refused later).
 */
export function randomCountArg(s: BinaryString, half = false): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return NOT_INTEGER;
  const b = BigInt(v);
  if (b < -LONG_MAX) return rangeError(-LONG_MAX, LONG_MAX);
  if (half && (b < -HALF_LONG_MAX || b > HALF_LONG_MAX)) return OUT_OF_RANGE_VALUE;
  return Number(v);
}
