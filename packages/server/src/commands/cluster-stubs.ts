/**
 * The cluster commands of a redis-server started with `cluster-enabled no` (replikit has no
 * cluster mode): ASKING, READONLY, READWRITE and every CLUSTER subcommand, CLUSTER HELP
 * included, answer the same error. Arity and unknown subcommands are checked by the dispatcher
 * from Redis 7.0's metadata before these handlers run, as in Redis.
 */
import { ErrorReply } from '@replikit/resp';
import { containerSpec, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { redisCommandNames } from '../introspection/command-meta';

export const CLUSTER_DISABLED = new ErrorReply('ERR This instance has cluster support disabled');

const disabled = (): ErrorReply => CLUSTER_DISABLED;

/** ASKING, READONLY, READWRITE and the CLUSTER container with Redis 7.0's subcommands. */
export function clusterStubCommands(): ServerCommandSpec[] {
  const subs = redisCommandNames()
    .filter((n) => n.startsWith('cluster|'))
    .map((n) => spec(n, -2, ['stale'], ['@slow'], disabled));
  return [
    spec('asking', 1, ['fast'], ['@fast', '@connection'], disabled),
    spec('readonly', 1, ['fast', 'loading', 'stale'], ['@fast', '@connection'], disabled),
    spec('readwrite', 1, ['fast', 'loading', 'stale'], ['@fast', '@connection'], disabled),
    containerSpec('cluster', subs),
  ];
}
