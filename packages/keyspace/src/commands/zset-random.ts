/**
 * ZRANDMEMBER key [count [WITHSCORES]] (t_zset.c zrandmemberCommand) and
 * ZSCAN key cursor [MATCH pattern] [COUNT count] (db.c scanGenericCommand).
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { CommandSpec } from '../command-api';
import { INVALID_CURSOR, SYNTAX_ERR, errReply } from '../reply-errors';
import type { SkipNode } from '../types/skiplist';
import { formatDouble } from '../util/double';
import { parseScanCursor, parseScanOptions } from '../util/scan-cursor';
import { spec } from './meta';
import { randomCountArg } from './set-common';
import { PairsBuilder, isResp3, readZset } from './zset-common';

/**
 * Redis streams any count into the client's output buffer; we build replies in memory, so a
 * reply of more elements than this is refused instead of exhausting the heap (documented deviation).
 */
export const ZRANDMEMBER_MAX_REPLY_ELEMENTS = 16 * 1024 * 1024;
const TOO_LARGE = errReply('ZRANDMEMBER count is too large (replikit limit)');

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

export const zrandmemberCommand: CommandSpec = spec('zrandmember', (ctx, argv) => {
  if (argv.length === 2) {
    const z = readZset(ctx, argv[1]);
    if (z === undefined) return null;
    if (z instanceof ErrorReply) return z;
    return z.nodeAt(randomInt(z.size))!.member;
  }
  const first = randomCountArg(argv[2]);
  if (first instanceof ErrorReply) return first;
  if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withscores')) return SYNTAX_ERR;
  const withScores = argv.length === 4;
  const l = withScores ? randomCountArg(argv[2], true) : first;
  if (l instanceof ErrorReply) return l;
  const z = readZset(ctx, argv[1]);
  if (z === undefined) return [];
  if (z instanceof ErrorReply) return z;
  const size = z.size;
  const unique = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return [];
  const b = new PairsBuilder(isResp3(ctx), withScores);
  if (!unique || count === 1) {
    if (count > ZRANDMEMBER_MAX_REPLY_ELEMENTS) return TOO_LARGE;
    if (count === 1) {
      const x = z.nodeAt(randomInt(size))!;
      b.push(x.member, x.score);
      return b.out;
    }
    for (let k = 0; k < count; k++) {
      const x = z.nodeAt(randomInt(size))!;
      b.push(x.member, x.score);
    }
    return b.out;
  }
  if (count >= size) {
    for (let x = z.sl.first(); x !== null; x = x.forward[0]) b.push(x.member, x.score);
    return b.out;
  }
  if (count * 3 < size) {
    // few distinct members of a big set: random ranks, deduplicated
    const picked = new Set<number>();
    while (picked.size < count) picked.add(randomInt(size));
    for (const r of picked) {
      const x = z.nodeAt(r)!;
      b.push(x.member, x.score);
    }
    return b.out;
  }
  // many distinct members: partial Fisher-Yates over the nodes
  const nodes = new Array<SkipNode>(size);
  let i = 0;
  for (let x = z.sl.first(); x !== null; x = x.forward[0]) nodes[i++] = x;
  for (let k = 0; k < count; k++) {
    const r = k + randomInt(size - k);
    const x = nodes[r];
    nodes[r] = nodes[k];
    nodes[k] = x;
    b.push(x.member, x.score);
  }
  return b.out;
});

export const zscanCommand: CommandSpec = spec('zscan', (ctx, argv) => {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return INVALID_CURSOR;
  const z = readZset(ctx, argv[1]);
  if (z === undefined) return ['0', []];
  if (z instanceof ErrorReply) return z;
  const opts = parseScanOptions(argv, 3, false);
  if (opts instanceof ErrorReply) return opts;
  let next = '0';
  let items: Array<[string, number]>;
  if (z.isListpack) {
    items = z.toPlain();
  } else {
    const page = ctx.scanCursors.step(z, cursor, () => z.dict.entries(), opts.count);
    next = page.cursor;
    items = page.items;
  }
  const out: RespValue[] = [];
  const match = opts.match;
  for (const [m, s] of items) {
    if (match === null || match(m)) out.push(m, formatDouble(s));
  }
  return [next, out];
});
