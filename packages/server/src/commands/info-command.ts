/** INFO [section ...]: a verbatim string (`txt`) in RESP3, a bulk string in RESP2. */
import { VerbatimReply } from '@replikit/resp';
import type { OperatorContext } from '../config-binding-operator';
import { type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { buildInfo, selectInfoSections } from '../info/info-builder';

export function infoCommand(op: OperatorContext): ServerCommandSpec {
  return spec('info', -1, ['loading', 'stale'], ['@slow', '@dangerous'], (ctx, argv) => {
    const text = buildInfo(op, selectInfoSections(argv.slice(1) as string[]));
    return ctx.client.protocol === 3 ? new VerbatimReply('txt', text) : text;
  });
}
