/** KEYS SCAN RANDOMKEY DBSIZE (db.c). */
import type { RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { INVALID_CURSOR } from '../reply-errors';
import { compileGlob } from '../util/glob';
import { parseScanCursor, parseScanOptions } from '../util/scan-cursor';
import { spec } from './meta';

function keys(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const db = ctx.db;
  const match = compileGlob(argv[1]);
  const out: BinaryString[] = [];
  const it = db.keys();
  for (let r = it.next(); !r.done; r = it.next()) {
    const k = r.value;
    if (match(k) && !db.isExpired(k)) out.push(k);
  }
  return out;
}

function scan(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const cursor = parseScanCursor(argv[1]);
  if (cursor === null) return INVALID_CURSOR;
  const opts = parseScanOptions(argv, 2, true);
  if (!('count' in opts)) return opts;
  const db = ctx.db;
  const step = ctx.scanCursors.step(db, cursor, () => db.keys(), opts.count);
  const out: BinaryString[] = [];
  const type = opts.type === null ? null : opts.type.toLowerCase();
  for (const k of step.items) {
    if (opts.match !== null && !opts.match(k)) continue;
    if (type !== null) {
      const v = db.lookupRead(k);
      const t = v === undefined ? 'none' : typeof v === 'string' ? 'string' : v.type;
      if (t !== type) continue;
      // like Redis: the TYPE lookup already deleted an expired key, so the expiry filter that
      // follows no longer sees it and `TYPE none` returns it
      if (v === undefined && !(ctx.role === 'master' && !ctx.fromMaster) && db.isExpired(k)) continue;
    } else if (db.lookupReadNoStats(k) === undefined) continue;
    out.push(k);
  }
  return [step.cursor, out];
}

function randomkey(ctx: CommandContext): RespValue {
  const db = ctx.db;
  let tries = 100;
  const allVolatile = db.size() === db.expiresSize();
  for (;;) {
    const k = db.randomKey();
    if (k === undefined) return null;
    if (db.getExpire(k) !== -1) {
      if (allVolatile && ctx.role === 'replica' && --tries === 0) return k;
      if (db.lookupReadNoStats(k) === undefined) continue;
    }
    return k;
  }
}

export const keysIterCommands: CommandSpec[] = [
  spec('keys', keys),
  spec('scan', scan),
  spec('randomkey', randomkey),
  spec('dbsize', (ctx) => ctx.db.size()),
];
