/**
 * The set family, gathered for commands/index.ts.
 *
 * Known deviations from redis-server 7.0: member order of SMEMBERS/SINTER/SUNION/SDIFF/SPOP on a
 * hashtable-encoded set (Redis's dict order; an intset is listed in numeric order like Redis);
 * SSCAN cursors over a hashtable come from the keyspace cursor registry; SRANDMEMBER with a huge
 * negative count is refused above 16M reply elements instead of exhausting memory.
 */
import type { CommandSpec } from '../command-api';
import { sdiffCommand, sdiffstoreCommand, sinterCommand, sintercardCommand, sinterstoreCommand, sunionCommand, sunionstoreCommand } from './set-algebra';
import { scardCommand, sismemberCommand, smembersCommand, smismemberCommand, srandmemberCommand, sscanCommand } from './set-read';
import { saddCommand, smoveCommand, spopCommand, sremCommand } from './set-write';

export const setCommands: readonly CommandSpec[] = [
  saddCommand,
  sremCommand,
  scardCommand,
  sismemberCommand,
  smismemberCommand,
  smembersCommand,
  spopCommand,
  srandmemberCommand,
  smoveCommand,
  sinterCommand,
  sunionCommand,
  sdiffCommand,
  sinterstoreCommand,
  sunionstoreCommand,
  sdiffstoreCommand,
  sintercardCommand,
  sscanCommand,
];
