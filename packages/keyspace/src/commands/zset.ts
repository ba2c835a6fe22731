/**
 * The sorted set family, gathered for commands/index.ts.
 *
 * Known deviations from redis-server 7.0 (see also the issue notes):
 * - RESP3 pair shapes (ZRANGE/ZUNION WITHSCORES, ZPOPMIN with a count, ZRANDMEMBER WITHSCORES)
 *   need `resp: 3` on the CommandContext; without it replies have the RESP2 (flat) shape.
 * - lex ranges over members with different scores on a skiplist-encoded zset: Redis's answer
 *   depends on its random skiplist levels, ours on ours (listpack-encoded zsets match exactly).
 * - ZRANDMEMBER with a huge negative count is refused above 16M reply elements instead of
 *   building a reply that exhausts memory; ZSCAN over a skiplist walks insertion order with the
 *   keyspace cursor registry (cursors differ from Redis's reverse-binary ones).
 * - BZPOPMIN/BZPOPMAX/BZMPOP: the server serves them by executing ZPOPMIN/ZPOPMAX key (Redis
 *   propagates exactly `ZPOPMIN key`) or ZMPOP (rewritten to `ZPOPMIN key <popped>`); `zpop`
 *   is also exported for direct use.
 */
import type { CommandSpec } from '../command-api';
import { zaddCommand, zincrbyCommand } from './zset-add';
import { zmpopCommand, zpopmaxCommand, zpopminCommand, zremrangebylexCommand, zremrangebyrankCommand, zremrangebyscoreCommand } from './zset-pop';
import { zrandmemberCommand, zscanCommand } from './zset-random';
import {
  zrangeCommand,
  zrangebylexCommand,
  zrangebyscoreCommand,
  zrangestoreCommand,
  zrevrangeCommand,
  zrevrangebylexCommand,
  zrevrangebyscoreCommand,
} from './zset-range';
import { zcardCommand, zcountCommand, zlexcountCommand, zmscoreCommand, zrankCommand, zremCommand, zrevrankCommand, zscoreCommand } from './zset-read';
import { zdiffCommand, zdiffstoreCommand, zintercardCommand, zinterCommand, zinterstoreCommand, zunionCommand, zunionstoreCommand } from './zset-store';

export { zpop } from './zset-pop';

export const zsetCommands: readonly CommandSpec[] = [
  zaddCommand,
  zincrbyCommand,
  zremCommand,
  zcardCommand,
  zscoreCommand,
  zmscoreCommand,
  zrankCommand,
  zrevrankCommand,
  zcountCommand,
  zlexcountCommand,
  zrangeCommand,
  zrangestoreCommand,
  zrangebyscoreCommand,
  zrevrangebyscoreCommand,
  zrangebylexCommand,
  zrevrangebylexCommand,
  zrevrangeCommand,
  zpopminCommand,
  zpopmaxCommand,
  zmpopCommand,
  zremrangebyscoreCommand,
  zremrangebyrankCommand,
  zremrangebylexCommand,
  zunionstoreCommand,
  zinterstoreCommand,
  zdiffstoreCommand,
  zunionCommand,
  zinterCommand,
  zdiffCommand,
  zintercardCommand,
  zrandmemberCommand,
  zscanCommand,
];
