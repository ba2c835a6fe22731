/**
 * Shared pieces of the list commands: typed lookups with Redis's WRONGTYPE check and the `long`
 * argument parser (getLongFromObjectOrReply).
 */
import type { ErrorReply } from '@replikit/resp';
import type { BinaryString, CommandContext, StoredValue } from '../command-api';
import { MUST_BE_POSITIVE, WRONGTYPE } from '../reply-errors';
import type { ListValue } from '../types/list-value';
import { parseInt64 } from '../util/int64';

/** LIST_HEAD / LIST_TAIL */
export type ListEnd = 'left' | 'right';

/** The value as a list, undefined when missing, WRONGTYPE for another type. */
export function asList(v: StoredValue | undefined): ListValue | undefined | ErrorReply {
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'list') return WRONGTYPE;
  return v as ListValue;
}

export function readList(ctx: CommandContext, key: BinaryString): ListValue | undefined | ErrorReply {
  return asList(ctx.db.lookupRead(key));
}

/** Lookup for an in-place change (copy-on-write for snapshots, WATCH, adapters). */
export function writeList(ctx: CommandContext, key: BinaryString): ListValue | undefined | ErrorReply {
  return asList(ctx.db.lookupWrite(key));
}

/**
 * getLongFromObjectOrReply: a strict int64. Values beyond 2^53 come back as (inexact) numbers:
 * every use compares them with list lengths, which they dwarf either way.
 * Returns null when the argument is not an integer.
 */
export function parseLong(arg: BinaryString): number | null {
  const v = parseInt64(arg);
  if (v === null) return null;
  return typeof v === 'bigint' ? Number(v) : v;
}

/** getPositiveLongFromObjectOrReply with Redis's default or custom message. */
export function parsePositiveLong(arg: BinaryString, err: ErrorReply = MUST_BE_POSITIVE): number | ErrorReply {
  const v = parseLong(arg);
  if (v === null || v < 0) return err;
  return v;
}

/** `LEFT` / `RIGHT`, any case (getListPositionFromObjectOrReply). */
export function parseListEnd(arg: BinaryString): ListEnd | null {
  const a = arg.toLowerCase();
  return a === 'left' ? 'left' : a === 'right' ? 'right' : null;
}


/** A 0-based position from a Redis index (negative counts from the tail), or -1 when outside. */
export function resolveIndex(index: number, len: number): number {
  const i = index < 0 ? len + index : index;
  return i >= 0 && i < len ? i : -1;
}

/** Pushes to a list at one end. */
export function pushAt(list: ListValue, end: ListEnd, value: BinaryString): void {
  if (end === 'left') list.pushHead(value);
  else list.pushTail(value);
}
