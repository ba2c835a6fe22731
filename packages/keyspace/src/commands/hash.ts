/**
 * The hash family, gathered for commands/index.ts.
 */
import type { CommandSpec } from '../command-api';
import { hrandfieldCommand } from './hash-random';
import {
  hexistsCommand,
  hgetCommand,
  hgetallCommand,
  hkeysCommand,
  hlenCommand,
  hmgetCommand,
  hstrlenCommand,
  hvalsCommand,
} from './hash-read';
import { hscanCommand } from './hash-scan';
import { hdelCommand, hincrbyCommand, hincrbyfloatCommand, hmsetCommand, hsetCommand, hsetnxCommand } from './hash-write';

export const hashCommands: readonly CommandSpec[] = [
  hsetCommand,
  hmsetCommand,
  hsetnxCommand,
  hdelCommand,
  hincrbyCommand,
  hincrbyfloatCommand,
  hgetCommand,
  hmgetCommand,
  hlenCommand,
  hexistsCommand,
  hstrlenCommand,
  hgetallCommand,
  hkeysCommand,
  hvalsCommand,
  hrandfieldCommand,
  hscanCommand,
];
