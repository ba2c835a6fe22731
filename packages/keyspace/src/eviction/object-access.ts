/**
 * OBJECT FREQ and OBJECT IDLETIME: the key's LFU counter (decayed to now) or its LRU idle
 * seconds, read without touching the key (objectCommandLookup uses LOOKUP_NOTOUCH). Each one is
 * refused with Redis's text while the other kind of policy is selected. Without an LRU or LFU
 * policy no access times are kept, so IDLETIME reports 0 (redis-server keeps LRU times always).
 */
import type { RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext } from '../command-api';
import type { DbImpl } from '../db';
import { errReply } from '../reply-errors';

const NO_LFU = errReply(
  'An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
const LFU_SELECTED = errReply(
  'An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);

export function objectFreq(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  if (ctx.db.lookupRead(argv[2]) === undefined) return null;
  const clock = ctx.accessClock ?? null;
  if (clock === null || clock.policy !== 'lfu') return NO_LFU;
  return clock.frequency((ctx.db as DbImpl).store, argv[2], ctx.now);
}

export function objectIdletime(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  if (ctx.db.lookupRead(argv[2]) === undefined) return null;
  const clock = ctx.accessClock ?? null;
  if (clock === null) return 0;
  if (clock.policy === 'lfu') return LFU_SELECTED;
  return Math.floor(clock.idleMs((ctx.db as DbImpl).store, argv[2], ctx.now) / 1000);
}
