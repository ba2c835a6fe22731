/**
 * Shared pieces of the set commands: typed lookups.
 */
import type { ErrorReply } from '@replikit/resp';
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
