/**
 * The sorted set family, gathered for commands/index.ts.
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
