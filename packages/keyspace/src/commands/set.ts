/**
 * The set family, gathered for commands/index.ts.
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
