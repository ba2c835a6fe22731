/**
 * The list family, gathered for commands/index.ts.
 */
import type { CommandSpec } from '../command-api';
import { lremCommand, lsetCommand, ltrimCommand } from './list-edit';
import { lmoveCommand, lpopCommand, rpopCommand, rpoplpushCommand } from './list-pop';
import { linsertCommand, lpushCommand, lpushxCommand, rpushCommand, rpushxCommand } from './list-push';
import { lindexCommand, llenCommand, lposCommand, lrangeCommand } from './list-read';

export const listCommands: readonly CommandSpec[] = [
  lpushCommand,
  rpushCommand,
  lpushxCommand,
  rpushxCommand,
  linsertCommand,
  lpopCommand,
  rpopCommand,
  lmoveCommand,
  rpoplpushCommand,
  llenCommand,
  lrangeCommand,
  lindexCommand,
  lposCommand,
  lsetCommand,
  lremCommand,
  ltrimCommand,
];

export { moveListElement, popList } from './list-pop';
