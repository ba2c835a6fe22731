/**
 * The command table's modules, gathered.
 *
 * HOW TO ADD A COMMAND
 * 1. Write the handler in the family's module (`commands/<family>-*.ts`):
 *      function hlen(ctx: CommandContext, argv: readonly BinaryString[]): RespValue { ... }
 *    - Look keys up with `ctx.db.lookupRead(key)` (reads) or `ctx.db.lookupWrite(key)` (before
 *      mutating a collection in place: this is what snapshots, WATCH and adapters rely on), or the
 *      typed helpers `readTyped` / `writeTyped` from '../command-helpers' (they return WRONGTYPE).
 *    - Store with `db.setValue(key, value, keepTtl?)`; delete with `db.delete(key)`; a command that
 *      empties a collection must delete the key.
 *    - Call `ctx.dirty()` once per change (a write that changes nothing propagates nothing).
 *    - Propagation: by default the command is propagated verbatim when dirty. Use
 *      `ctx.rewrite(argv)` (e.g. HINCRBYFLOAT -> HSET), `ctx.alsoPropagate(argv)` plus
 *      `ctx.preventPropagation()` (e.g. SPOP count -> SREMs); several propagated commands are
 *      wrapped in MULTI/EXEC by the executor.
 *    - Reply with RespValue: string = bulk, number/bigint = integer, null = nil, arrays, and the
 *      ErrorReply constants of '../reply-errors' (exact Redis 7.0 text). Never throw for client input.
 * 2. Declare it with `spec('hlen', hlen)` from './meta' (arity, flags, key positions, ACL categories
 *    come from Redis 7.0's command JSON) and export an array `hashCommands: CommandSpec[]`.
 * 3. Add ONE import line and ONE spread line below, among the other command families. Nothing else here.
 * 4. Value types: implement CollectionValue (command-api.ts) and register a ValueCodec in
 *    types/registry.ts (one import + one entry line) for RDB glue (plain.ts).
 */
import type { CommandSpec } from '../command-api';
import { keysBasicCommands } from './keys-basic';
import { keysExpireCommands } from './keys-expire';
import { keysIterCommands } from './keys-iter';
import { serverDbCommands } from './server-db';
import { stringGetSetCommands } from './string-get-set';
import { stringNumericCommands } from './string-numeric';
import { transactionCommands } from './transactions';
// --- command families: one import line each ---
import { hashCommands } from './hash';
import { listCommands } from './list';
import { setCommands } from './set';
import { zsetCommands } from './zset';
import { bitmapCommands } from './bitmap';
import { stringLcsCommands } from './string-lcs';
import { sortCommands } from './sort';
import { hllCommands } from './hll';
import { hllDebugCommands } from './hll-debug';
import { geoCommands } from './geo';
import { geoSearchCommands } from './geo-search';
import { listMpopCommands } from './list-mpop';
import { streamCommands } from './stream';
// --- end of command families ---

export const allCommands: readonly CommandSpec[] = [
  ...stringGetSetCommands,
  ...stringNumericCommands,
  ...keysBasicCommands,
  ...keysExpireCommands,
  ...keysIterCommands,
  ...serverDbCommands,
  ...transactionCommands,
  // --- command families: one spread line each ---
  ...hashCommands,
  ...listCommands,
  ...setCommands,
  ...zsetCommands,
  ...bitmapCommands,
  ...stringLcsCommands,
  ...sortCommands,
  ...hllCommands,
  ...hllDebugCommands,
  ...geoCommands,
  ...geoSearchCommands,
  ...listMpopCommands,
  ...streamCommands,
  // --- end family spreads ---
];
