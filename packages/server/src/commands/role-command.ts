import { type ServerCommandSpec, spec } from '../dispatch/command-spec';

/**
 * ROLE (protocol.md §8.2), both forms, from the installed ReplicationState.
 */
export const roleCommand: ServerCommandSpec = spec('role', 1, ['noscript', 'loading', 'stale', 'fast'], ['@admin', '@fast', '@dangerous'], (ctx) => {
  const r = ctx.runtime.replication;
  if (r.role === 'replica' && r.master !== undefined) {
    const m = r.master;
    return ['slave', m.host, m.port, m.linkState, m.offset];
  }
  return ['master', r.replicationOffset, r.onlineReplicas().map((x) => [x.ip, String(x.port), String(x.ackOffset)])];
});
