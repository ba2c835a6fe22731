import { ErrorReply, OK } from '@replikit/resp';
import type { ClientConnection } from '../connection/client-connection';
import { NO_REPLY, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { introspectionOf } from '../introspection/introspection';

const DENY_BLOCKING = new ErrorReply("ERR MONITOR isn't allowed for DENY BLOCKING client");

/**
 * MONITOR (monitorCommand): refused inside MULTI/EXEC and scripts (deny-blocking clients); a
 * replica or a client already monitoring gets no reply at all. The client then receives every
 * command as a status line and may only run commands that do not touch the keyspace.
 */
export const monitorCommand: ServerCommandSpec = spec('monitor', 1, ['admin', 'noscript', 'loading', 'stale'], ['@admin', '@slow', '@dangerous'], (ctx) => {
  const c = ctx.client as ClientConnection;
  if (ctx.inExec || typeof c.onCloseOnce !== 'function') return DENY_BLOCKING;
  const intro = introspectionOf(ctx.runtime);
  if (c.kind === 'replica' || intro.monitors.has(c)) return NO_REPLY;
  intro.monitor(c);
  c.onCloseOnce(() => intro.unmonitor(c));
  return OK;
});
