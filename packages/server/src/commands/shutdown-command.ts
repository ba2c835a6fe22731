/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] (db.c shutdownCommand). On success the client gets
 * no reply: the connection closes with the server, as with Redis's exit(0). On failure it gets
 * `-ERR Errors trying to SHUTDOWN. Check logs.` and the server keeps running.
 */
import { ErrorReply } from '@replikit/resp';
import type { OperatorContext, ShutdownFlags } from '../config-binding-operator';
import { NO_REPLY, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { SYNTAX } from '../dispatch/reply-texts';

export const SHUTDOWN_FAILED = new ErrorReply('ERR Errors trying to SHUTDOWN. Check logs.');
const NO_SHUTDOWN = new ErrorReply('ERR No shutdown in progress.');

/** Parses SHUTDOWN's arguments; an ErrorReply for an illegal combination. */
export function parseShutdownArgs(args: readonly string[]): (ShutdownFlags & { abort: boolean }) | ErrorReply {
  const f = { save: false, nosave: false, now: false, force: false, abort: false };
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'nosave') f.nosave = true;
    else if (l === 'save') f.save = true;
    else if (l === 'now') f.now = true;
    else if (l === 'force') f.force = true;
    else if (l === 'abort') f.abort = true;
    else return SYNTAX;
  }
  if ((f.abort && (f.save || f.nosave || f.now || f.force)) || (f.save && f.nosave)) return SYNTAX;
  return f;
}

export function shutdownCommand(op: OperatorContext): ServerCommandSpec {
  return spec('shutdown', -1, ['admin', 'noscript', 'loading', 'stale', 'no-multi', 'allow-busy'], ['@admin', '@slow', '@dangerous'], (ctx, argv) => {
    const f = parseShutdownArgs(argv.slice(1) as string[]);
    if (f instanceof ErrorReply) return f;
    // SHUTDOWN never waits for replicas here, so there is no pending shutdown to abort
    if (f.abort) return NO_SHUTDOWN;
    const client = ctx.client;
    void op.shutdown(f).then((ok) => {
      if (ok) return;
      client.reply(SHUTDOWN_FAILED);
      // an answer outside the command loop needs its own flush
      (client as unknown as { scheduleFlush?: () => void }).scheduleFlush?.();
    });
    return NO_REPLY;
  });
}
