/**
 * HSCAN key cursor [MATCH pattern] [COUNT count] (t_hash.c hscanCommand + db.c scanGenericCommand).
 *
 * Like Redis, a listpack-encoded hash is returned whole in one call with cursor 0 (COUNT is
 * ignored); a hashtable-encoded one is walked with the keyspace's cursor registry. MATCH filters
 * fields after the walk, so a page may come back short or empty with a non-zero cursor.
 */
import { ErrorReply } from '@replikit/resp';
import type { CommandSpec } from '../command-api';
import { INVALID_CURSOR } from '../reply-errors';
import { parseScanCursor, parseScanOptions } from '../util/scan-cursor';
import { readHash } from './hash-common';
import { spec } from './meta';

export const hscanCommand: CommandSpec = spec('hscan', (ctx, argv) => {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return INVALID_CURSOR;
  const h = readHash(ctx, argv[1]);
  if (h === undefined) return ['0', []];
  if (h instanceof ErrorReply) return h;
  const opts = parseScanOptions(argv, 3, false);
  if (opts instanceof ErrorReply) return opts;
  let next = '0';
  let items: Array<[string, string]>;
  if (h.isListpack) {
    items = Array.from(h.entries());
  } else {
    const page = ctx.scanCursors.step(h, cursor, () => h.entries(), opts.count);
    next = page.cursor;
    items = page.items;
  }
  const out: string[] = [];
  const match = opts.match;
  for (const [f, v] of items) {
    if (match === null || match(f)) out.push(f, v);
  }
  return [next, out];
});
