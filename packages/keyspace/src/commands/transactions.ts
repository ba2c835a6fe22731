/**
 * Table entries for MULTI EXEC DISCARD WATCH UNWATCH with Redis's flags. Connection state is the
 * server's: it queues commands and calls Keyspace.executeTransaction; WATCH uses keyVersion.
 * Executed directly (no server in front), these handlers reply like a connection outside MULTI.
 */
import type { CommandSpec } from '../command-api';
import { OK_REPLY } from '../command-helpers';
import { DISCARD_WITHOUT_MULTI, EXEC_WITHOUT_MULTI } from '../reply-errors';
import { spec } from './meta';

export const transactionCommands: CommandSpec[] = [
  spec('multi', () => OK_REPLY),
  spec('exec', () => EXEC_WITHOUT_MULTI),
  spec('discard', () => DISCARD_WITHOUT_MULTI),
  spec('watch', () => OK_REPLY),
  spec('unwatch', () => OK_REPLY),
];
