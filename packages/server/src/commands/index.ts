import type { ServerCommandSpec } from '../dispatch/command-spec';
import { aclCommand } from './acl-command';
import { blockingCommands } from './blocking-pops';
import { streamBlockingCommands } from './stream-blocking';
import { clientCommand } from './client-command';
import { commandCommand } from './command-command';
import { connectionCommands } from './connection-commands';
import { coreInfoCommand } from './core-info-command';
import { pubsubCommands } from './pubsub-commands';
import { roleCommand } from './role-command';
import { latencyCommand } from './latency-command';
import { monitorCommand } from './monitor-command';
import { slowlogCommand } from './slowlog-command';
import { functionCommands } from '../scripting/function-commands';
import { scriptingCommands } from '../scripting/script-commands';
import { transactionCommands } from './transaction-commands';
import { clusterStubCommands } from './cluster-stubs';
import { lolwutCommand } from './lolwut-command';
import { moduleCommand } from './module-command';

/**
 * The commands the server itself implements. They override keyspace entries of the same name
 * (SELECT, MULTI, EXEC, WATCH ... need connection state). The operator surface (config*.ts,
 * info*.ts, persistence*.ts, dump*.ts, debug*.ts, shutdown*.ts) and the replication commands
 * (PSYNC, SYNC, REPLCONF, REPLICAOF, SLAVEOF) are added with `server.registerCommand(spec)`.
 */
export function serverCommands(): ServerCommandSpec[] {
  return [
    ...connectionCommands,
    clientCommand,
    aclCommand,
    commandCommand,
    ...pubsubCommands,
    ...transactionCommands,
    ...blockingCommands,
    ...streamBlockingCommands,
    roleCommand,
    monitorCommand,
    slowlogCommand,
    latencyCommand,
    ...scriptingCommands,
    ...functionCommands,
    ...clusterStubCommands(),
    moduleCommand(),
    lolwutCommand,
    // replaced by the operator surface's full INFO in createServerFromConfig
    coreInfoCommand,
  ];
}
