/**
 * Read-only set commands: SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SSCAN (t_set.c,
 * db.c scanGenericCommand).
 */
import { ErrorReply, SetReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandSpec } from '../command-api';
import { INVALID_CURSOR, SYNTAX_ERR, errReply } from '../reply-errors';
import { parseScanCursor, parseScanOptions } from '../util/scan-cursor';
import { spec } from './meta';
import { randomCountArg, readSet } from './set-common';

/**
 * Redis streams any count into the client's output buffer; we build replies in memory, so a
 * reply of more elements than this is refused instead of exhausting the heap (documented deviation).
 */
export const SRANDMEMBER_MAX_REPLY_ELEMENTS = 16 * 1024 * 1024;
const TOO_LARGE = errReply('SRANDMEMBER count is too large (replikit limit)');

export const scardCommand: CommandSpec = spec('scard', (ctx, argv) => {
  const s = readSet(ctx, argv[1]);
  if (s === undefined) return 0;
  if (s instanceof ErrorReply) return s;
  return s.size;
});

export const sismemberCommand: CommandSpec = spec('sismember', (ctx, argv) => {
  const s = readSet(ctx, argv[1]);
  if (s === undefined) return 0;
  if (s instanceof ErrorReply) return s;
  return s.has(argv[2]) ? 1 : 0;
});

export const smismemberCommand: CommandSpec = spec('smismember', (ctx, argv) => {
  const s = readSet(ctx, argv[1]);
  if (s instanceof ErrorReply) return s;
  const out: number[] = new Array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) out[j - 2] = s?.has(argv[j]) ? 1 : 0;
  return out;
});

export const smembersCommand: CommandSpec = spec('smembers', (ctx, argv) => {
  const s = readSet(ctx, argv[1]);
  if (s === undefined) return new SetReply([]);
  if (s instanceof ErrorReply) return s;
  return new SetReply(s.toArray());
});

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

export const srandmemberCommand: CommandSpec = spec('srandmember', (ctx, argv): RespValue => {
  if (argv.length > 3) return SYNTAX_ERR;
  if (argv.length === 2) {
    const s = readSet(ctx, argv[1]);
    if (s === undefined) return null;
    if (s instanceof ErrorReply) return s;
    return s.random();
  }
  const l = randomCountArg(argv[2]);
  if (l instanceof ErrorReply) return l;
  const s = readSet(ctx, argv[1]);
  if (s === undefined) return [];
  if (s instanceof ErrorReply) return s;
  const unique = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return [];
  const size = s.size;
  if (!unique || count === 1) {
    if (count > SRANDMEMBER_MAX_REPLY_ELEMENTS) return TOO_LARGE;
    const out: BinaryString[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = s.random();
    return out;
  }
  if (count >= size) return s.toArray();
  if (count * 3 < size) {
    // few distinct members of a big set: random picks, deduplicated
    const picked = new Set<BinaryString>();
    while (picked.size < count) picked.add(s.random());
    return Array.from(picked);
  }
  // many distinct members: partial Fisher-Yates over a copy of the members
  const all = s.toArray();
  const out: BinaryString[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const r = i + randomInt(size - i);
    const m = all[r];
    all[r] = all[i];
    all[i] = m;
    out[i] = m;
  }
  return out;
});

export const sscanCommand: CommandSpec = spec('sscan', (ctx, argv) => {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return INVALID_CURSOR;
  const s = readSet(ctx, argv[1]);
  if (s === undefined) return ['0', []];
  if (s instanceof ErrorReply) return s;
  const opts = parseScanOptions(argv, 3, false);
  if (opts instanceof ErrorReply) return opts;
  let next = '0';
  let items: BinaryString[];
  if (s.encoding() === 'intset') {
    items = s.toArray();
  } else {
    const page = ctx.scanCursors.step(s, cursor, () => s.values(), opts.count);
    next = page.cursor;
    items = page.items;
  }
  const match = opts.match;
  return [next, match === null ? items : items.filter(match)];
});
