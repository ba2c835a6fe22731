/**
 * Small helpers every command family uses: typed lookups with WRONGTYPE, integer/float argument
 * parsing with Redis's error replies, and shared constant replies.
 */
import { ErrorReply, SimpleString } from '@replikit/resp';
import type { BinaryString, CollectionValue, CommandSpec, Db, StoredValue, ValueType } from './command-api';
import { MUST_BE_POSITIVE, NOT_FLOAT, NOT_INTEGER, OUT_OF_RANGE_VALUE, WRONGTYPE, rangeError } from './reply-errors';
import { type Int64, parseInt64 } from './util/int64';
import { parseDouble } from './util/double';

export const OK_REPLY = new SimpleString('OK');
export const EMPTY_ARRAY: readonly never[] = Object.freeze([]);

/** The Redis type name of a stored value (TYPE, SCAN TYPE). */
export function typeOf(v: StoredValue): ValueType {
  return typeof v === 'string' ? 'string' : v.type;
}

/**
 * Looks a key up for reading and checks its type: the value, undefined when missing, or the
 * WRONGTYPE error reply.
 */
export function readTyped<T extends CollectionValue = CollectionValue>(db: Db, key: BinaryString, type: Exclude<ValueType, 'string'>): T | undefined | ErrorReply {
  const v = db.lookupRead(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== type) return WRONGTYPE;
  return v as T;
}

/** Like readTyped but through lookupWrite (the caller may mutate the value in place). */
export function writeTyped<T extends CollectionValue = CollectionValue>(db: Db, key: BinaryString, type: Exclude<ValueType, 'string'>): T | undefined | ErrorReply {
  const v = db.lookupWrite(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== type) return WRONGTYPE;
  return v as T;
}

/** A string value for reading: the string, undefined, or WRONGTYPE. */
export function readString(db: Db, key: BinaryString): BinaryString | undefined | ErrorReply {
  const v = db.lookupRead(key);
  if (v === undefined || typeof v === 'string') return v;
  return WRONGTYPE;
}

/** A string value for writing: the string, undefined, or WRONGTYPE. */
export function writeString(db: Db, key: BinaryString): BinaryString | undefined | ErrorReply {
  const v = db.lookupWrite(key);
  if (v === undefined || typeof v === 'string') return v;
  return WRONGTYPE;
}

/** getLongLongFromObjectOrReply: an int64 or `ERR value is not an integer or out of range` (or `msg`). */
export function int64Arg(s: BinaryString, msg?: ErrorReply): Int64 | ErrorReply {
  const v = parseInt64(s);
  return v === null ? (msg ?? NOT_INTEGER) : v;
}

/**
 * getLongLongFromObjectOrReply as a JS number: values beyond 2^53 are clamped to +/-2^63 as
 * floats (only for arguments whose use is range-checked anyway, like list indexes and counts).
 */
export function longArg(s: BinaryString, msg?: ErrorReply): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return msg ?? NOT_INTEGER;
  return typeof v === 'bigint' ? Number(v) : v;
}

/** getPositiveLongFromObjectOrReply: >= 0 or `ERR value is out of range, must be positive` (or `msg`). */
export function positiveLongArg(s: BinaryString, msg?: ErrorReply): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return msg ?? MUST_BE_POSITIVE;
  if (v < 0) return msg ?? MUST_BE_POSITIVE;
  return typeof v === 'bigint' ? Number(v) : v;
}

/** getRangeLongFromObjectOrReply. */
export function rangeLongArg(s: BinaryString, min: number, max: number, msg?: ErrorReply): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return msg ?? NOT_INTEGER;
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (n < min || n > max) return msg ?? rangeError(min, max);
  return n;
}

/** getDoubleFromObjectOrReply: a double or `ERR value is not a valid float` (or `msg`). */
export function doubleArg(s: BinaryString, msg?: ErrorReply): number | ErrorReply {
  const v = parseDouble(s);
  return v === null ? (msg ?? NOT_FLOAT) : v;
}

/** True when `v` is an error reply (narrowing helper). */
export function isError(v: unknown): v is ErrorReply {
  return v instanceof ErrorReply;
}

/** `ERR value is out of range` (getLongFromObjectOrReply beyond long; never on 64-bit). */
export const LONG_OUT_OF_RANGE = OUT_OF_RANGE_VALUE;

/** Shorthand to declare a command spec. */
export function command(
  name: string,
  arity: number,
  flags: CommandSpec['flags'],
  keys: readonly [first: number, last: number, step: number],
  handler: CommandSpec['handler'],
  extra?: Partial<Pick<CommandSpec, 'group' | 'aclCategories' | 'subcommands'>>,
): CommandSpec {
  return { name, arity, flags, firstKey: keys[0], lastKey: keys[1], keyStep: keys[2], handler, ...extra };
}

/**
 * The inclusive range start..end of `len` elements after Redis's negative-index rules
 * (LRANGE/LTRIM, ZRANGE by rank, ZREMRANGEBYRANK), or null when it is empty.
 */
export function normalizeRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}
