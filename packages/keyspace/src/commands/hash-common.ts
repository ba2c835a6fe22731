/**
 * Shared pieces of the hash commands: typed lookups with Redis's WRONGTYPE check.
 */
import type { ErrorReply } from '@replikit/resp';
import type { BinaryString, CommandContext, StoredValue } from '../command-api';
import { WRONGTYPE } from '../reply-errors';
import { HashValue } from '../types/hash-value';

/** The value as a hash, undefined when missing, WRONGTYPE for another type. */
export function asHash(v: StoredValue | undefined): HashValue | undefined | ErrorReply {
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'hash') return WRONGTYPE;
  return v as HashValue;
}

export function readHash(ctx: CommandContext, key: BinaryString): HashValue | undefined | ErrorReply {
  return asHash(ctx.db.lookupRead(key));
}

/** Lookup for an in-place change (copy-on-write for snapshots, WATCH, adapters). */
export function writeHash(ctx: CommandContext, key: BinaryString): HashValue | undefined | ErrorReply {
  return asHash(ctx.db.lookupWrite(key));
}

/** hashTypeLookupWriteOrCreate: the hash to modify, created (and stored) when missing. */
export function writeOrCreateHash(ctx: CommandContext, key: BinaryString): HashValue | ErrorReply {
  const h = writeHash(ctx, key);
  if (h !== undefined) return h;
  const created = new HashValue();
  ctx.db.setValue(key, created);
  return created;
}
