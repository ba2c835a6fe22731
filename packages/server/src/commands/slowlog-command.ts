import { ErrorReply, OK, SimpleString } from '@replikit/resp';
import { containerSpec, type ServerCommandFlag, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { introspectionOf } from '../introspection/introspection';
import { parseStrictInt } from './arg-parsing';

const ADMIN: readonly ServerCommandFlag[] = ['admin', 'loading', 'stale'];
const ADMIN_CAT = ['@admin', '@slow', '@dangerous'];
const COUNT_RANGE = new ErrorReply('ERR count should be greater than or equal to -1');

const HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
];

function withTips(s: ServerCommandSpec, tips: string[]): ServerCommandSpec {
  return { ...s, tips };
}

/** SLOWLOG GET [count] / LEN / RESET / HELP (slowlog.c). */
export const slowlogCommand: ServerCommandSpec = containerSpec(
  'slowlog',
  [
    withTips(spec('slowlog|get', -2, ADMIN, ADMIN_CAT, (ctx, argv) => {
      let count = 10;
      if (argv.length > 3) return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try SLOWLOG HELP.`);
      if (argv.length === 3) {
        const n = parseStrictInt(argv[2] as string);
        if (n === null || n < -1) return COUNT_RANGE;
        count = n;
      }
      return introspectionOf(ctx.runtime).slowlog.get(count);
    }), ['request_policy:all_nodes', 'nondeterministic_output']),
    withTips(spec('slowlog|len', 2, ADMIN, ADMIN_CAT, (ctx) => introspectionOf(ctx.runtime).slowlog.length), [
      'request_policy:all_nodes',
      'response_policy:agg_sum',
      'nondeterministic_output',
    ]),
    withTips(spec('slowlog|reset', 2, ADMIN, ADMIN_CAT, (ctx) => {
      introspectionOf(ctx.runtime).slowlog.reset();
      return OK;
    }), ['request_policy:all_nodes', 'response_policy:all_succeeded']),
    spec('slowlog|help', 2, ['loading', 'stale'], ['@slow'], () => HELP.map((h) => new SimpleString(h))),
  ],
  { docs: { summary: 'A container for slow log commands', group: 'server', since: '2.2.12' } },
);
