/** SAVE, BGSAVE [SCHEDULE], LASTSAVE (rdb.c saveCommand / bgsaveCommand, db.c lastsaveCommand). */
import { ErrorReply, OK, SimpleString } from '@replikit/resp';
import type { OperatorContext } from '../config-binding-operator';
import { type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { SYNTAX } from '../dispatch/reply-texts';

const ADMIN = ['@admin', '@slow', '@dangerous'];
export const BGSAVE_IN_PROGRESS = new ErrorReply('ERR Background save already in progress');
const GENERIC_ERR = new ErrorReply('ERR');
const STARTED = new SimpleString('Background saving started');
const SCHEDULED = new SimpleString('Background saving scheduled');

export function persistenceCommands(op: OperatorContext): ServerCommandSpec[] {
  const p = op.persistence;
  return [
    spec('save', 1, ['no-async-loading', 'admin', 'noscript', 'no-multi'], ADMIN, () => {
      if (p.bgsaveInProgress) return BGSAVE_IN_PROGRESS;
      return p.save() ? OK : GENERIC_ERR;
    }),
    spec('bgsave', -1, ['no-async-loading', 'admin', 'noscript'], ADMIN, (ctx, argv) => {
      // SCHEDULE only matters while another child (an AOF rewrite) runs; replikit has none
      if (argv.length > 1 && !(argv.length === 2 && (argv[1] as string).toLowerCase() === 'schedule')) return SYNTAX;
      if (p.bgsaveInProgress) return BGSAVE_IN_PROGRESS;
      if (ctx.inExec) {
        // Redis never forks inside EXEC: the save is scheduled for the next cron tick
        p.bgsaveScheduled = true;
        return SCHEDULED;
      }
      return p.bgsave() === 'started' ? STARTED : BGSAVE_IN_PROGRESS;
    }),
    spec('lastsave', 1, ['loading', 'stale', 'fast'], ['@admin', '@fast', '@dangerous'], () => p.lastSave),
  ];
}
