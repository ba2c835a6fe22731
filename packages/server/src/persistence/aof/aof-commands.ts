/** BGREWRITEAOF (aof.c bgrewriteaofCommand). */
import { ErrorReply, SimpleString } from '@replikit/resp';
import { type ServerCommandSpec, spec } from '../../dispatch/command-spec';
import type { AofPersistence } from './aof-persistence';

const IN_PROGRESS = new ErrorReply('ERR Background append only file rewriting already in progress');
const STARTED = new SimpleString('Background append only file rewriting started');
const SCHEDULED = new SimpleString('Background append only file rewriting scheduled');

export function aofCommands(aof: AofPersistence): ServerCommandSpec[] {
  return [
    spec('bgrewriteaof', 1, ['no-async-loading', 'admin', 'noscript'], ['@admin', '@slow', '@dangerous'], (ctx) => {
      if (aof.rewriter.inProgress) return IN_PROGRESS;
      if (ctx.inExec) {
        // never started inside EXEC: the cron starts it
        aof.rewriter.scheduled = true;
        return SCHEDULED;
      }
      const r = aof.rewrite();
      return r === 'started' ? STARTED : r === 'scheduled' ? SCHEDULED : IN_PROGRESS;
    }),
  ];
}
