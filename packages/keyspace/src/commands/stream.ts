/** The stream command family (Redis 7.0 t_stream.c), gathered for the command table. */
import type { CommandSpec } from '../command-api';
import { streamAddCommands } from './stream-add';
import { streamClaimCommands } from './stream-claim';
import { streamGroupCommands } from './stream-group';
import { streamInfoCommands } from './stream-info';
import { streamReadCommands } from './stream-read';

export const streamCommands: CommandSpec[] = [...streamAddCommands, ...streamReadCommands, ...streamGroupCommands, ...streamClaimCommands, ...streamInfoCommands];
