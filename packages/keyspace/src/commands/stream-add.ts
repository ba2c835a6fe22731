/**
 * XADD, XTRIM, XDEL, XLEN, XSETID (Redis 7.0 t_stream.c). XADD propagates the id it generated
 * (`*` / `ms-*`), and XADD/XTRIM with `~` propagate an exact trim to what was actually kept
 * (`MAXLEN = <length>` or `MINID = <first id>`), so replicas end with the same entries.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { int64Arg, OK_REPLY, readTyped, writeTyped } from '../command-helpers';
import { NOTIFY_STREAM } from '../notify';
import { errReply, SYNTAX_ERR, wrongArity } from '../reply-errors';
import { formatId, type IdKey, idKey, idPart, incrId, MAX_ID, MIN_ID, parseId } from '../types/stream-id';
import { StreamValue } from '../types/stream-value';
import { NO_SUCH_KEY_ERR, strictId } from './stream-common';
import { streamSpec } from './stream-meta';

const MAXLEN_AND_MINID = errReply('syntax error, MAXLEN and MINID options at the same time are not compatible');
const MAXLEN_NEGATIVE = errReply('The MAXLEN argument must be >= 0.');
const LIMIT_NEGATIVE = errReply('The LIMIT argument must be >= 0.');
const LIMIT_WITHOUT_STRATEGY = errReply('syntax error, LIMIT cannot be used without specifying a trimming strategy');
const XTRIM_NEEDS_STRATEGY = errReply('syntax error, XTRIM must be called with a trimming strategy');
const LIMIT_WITHOUT_APPROX = errReply('syntax error, LIMIT cannot be used without the special ~ option');
const ID_ZERO = errReply('The ID specified in XADD must be greater than 0-0');
const EXHAUSTED = errReply('The stream has exhausted the last possible ID, unable to add more items');
const ID_TOO_SMALL = errReply('The ID specified in XADD is equal or smaller than the target stream top item');
const TOO_LARGE = errReply('Elements are too large to be stored');
const XSETID_SMALLER_THAN_MAXDEL = errReply('The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
const XSETID_SMALLER_THAN_TOP = errReply('The ID specified in XSETID is smaller than the target stream top item');
const XSETID_ADDED_TOO_SMALL = errReply('The entries_added specified in XSETID is smaller than the target stream length');
const ENTRIES_ADDED_NEGATIVE = errReply('entries_added must be positive');

interface TrimArgs {
  strategy: 'none' | 'maxlen' | 'minid';
  approx: boolean;
  maxlen: number;
  minid: IdKey;
  limit: number;
  /** index of the threshold argument (the `~`/`=` is right before it when given) */
  argIdx: number;
  /** whether the `~`/`=` marker was given (its index is argIdx - 1) */
  marker: boolean;
  noMkstream: boolean;
  id: IdKey | undefined;
  seqGiven: boolean;
}

/** strcasecmp(s, lower) === 0 for a lowercase ASCII-letter `lower`, without building a lowercase copy. */
function asciiEq(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false;
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/** streamParseAddOrTrimArgsOrReply: the index of the ID (XADD) or past the options; or an error. */
function parseAddOrTrim(ctx: CommandContext, argv: readonly BinaryString[], xadd: boolean, a: TrimArgs): number | ErrorReply {
  let i = 2;
  let limitGiven = false;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    if (xadd && opt === '*') break;
    const isMaxlen = asciiEq(opt, 'maxlen');
    if ((isMaxlen || asciiEq(opt, 'minid')) && more) {
      if (a.strategy !== 'none') return MAXLEN_AND_MINID;
      a.approx = false;
      a.marker = false;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') {
        a.approx = true;
        a.marker = true;
        i++;
      } else if (more >= 2 && next === '=') {
        a.marker = true;
        i++;
      }
      if (isMaxlen) {
        const v = int64Arg(argv[i + 1]);
        if (v instanceof ErrorReply) return v;
        if (v < 0) return MAXLEN_NEGATIVE;
        a.maxlen = Number(v);
        a.strategy = 'maxlen';
      } else {
        const id = strictId(argv[i + 1]);
        if (id instanceof ErrorReply) return id;
        a.minid = id;
        a.strategy = 'minid';
      }
      i++;
      a.argIdx = i;
    } else if (asciiEq(opt, 'limit') && more) {
      const v = int64Arg(argv[i + 1]);
      if (v instanceof ErrorReply) return v;
      if (v < 0) return LIMIT_NEGATIVE;
      a.limit = Number(v);
      limitGiven = true;
      i++;
    } else if (xadd && asciiEq(opt, 'nomkstream')) {
      a.noMkstream = true;
    } else if (xadd) {
      const p = parseId(opt, 0, true, true);
      if (p === null) return errReply('Invalid stream ID specified as stream command argument');
      a.id = p.key;
      a.seqGiven = p.seqGiven;
      break;
    } else return SYNTAX_ERR;
  }
  if (a.limit && a.strategy === 'none') return LIMIT_WITHOUT_STRATEGY;
  if (!xadd && a.strategy === 'none') return XTRIM_NEEDS_STRATEGY;
  if (ctx.fromMaster) a.limit = 0;
  else if (limitGiven) {
    if (!a.approx) return LIMIT_WITHOUT_APPROX;
  } else a.limit = a.approx ? 100 * ctx.streamNodeLimits.maxEntries : 0; // 100 nodes' worth (stream-node-max-entries)
  return i;
}

const trimArgs: TrimArgs = { strategy: 'none', approx: false, maxlen: 0, minid: MIN_ID, limit: 0, argIdx: 0, marker: false, noMkstream: false, id: undefined, seqGiven: true };
/** XADD/XTRIM calls running (more than one when a keyspace-event listener runs a command itself) */
let trimArgsDepth = 0;

/**
 * The parsed options, reset: the outermost XADD/XTRIM reuses one object, so the hot XADD path
 * allocates none; a nested call gets its own.
 */
function newTrimArgs(): TrimArgs {
  const a: TrimArgs = trimArgsDepth === 1 ? trimArgs : { ...trimArgs };
  a.strategy = 'none';
  a.approx = false;
  a.maxlen = 0;
  a.minid = MIN_ID;
  a.limit = 0;
  a.argIdx = 0;
  a.marker = false;
  a.noMkstream = false;
  a.id = undefined;
  a.seqGiven = true;
  return a;
}

/** streamRewriteApproxSpecifier + streamRewriteTrimArgument on a copy of argv. */
function exactTrimArgv(argv: string[], s: StreamValue, a: TrimArgs): void {
  argv[a.argIdx - 1] = '=';
  argv[a.argIdx] = a.strategy === 'maxlen' ? String(s.length) : formatId(s.firstEdgeId());
}


/**
 * The last id `autoId` made, as numbers and text: consecutive XADD `*` calls on a stream start from
 * it instead of decoding the stream's last id again, and reply with its text without formatting.
 */
const auto = { key: MIN_ID, ms: 0, seq: 0, text: '0-0' };

/** streamNextID: the `*` id after `last` at time `now` (ms); `auto` holds it when it fits safe integers. */
function autoId(last: IdKey, now: number): IdKey {
  let ms: number | bigint;
  let seq: number | bigint;
  if (last === auto.key) {
    ms = auto.ms;
    seq = auto.seq;
  } else {
    ms = idPart(last, 0);
    seq = idPart(last, 8);
  }
  if (typeof ms === 'number' && now > ms) {
    ms = now;
    seq = 0;
  } else if (typeof ms === 'number' && typeof seq === 'number' && seq < Number.MAX_SAFE_INTEGER) seq++;
  else return incrId(last) as IdKey;
  auto.key = idKey(ms, seq);
  auto.ms = ms;
  auto.seq = seq;
  auto.text = `${ms}-${seq}`;
  return auto.key;
}

function xadd(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  trimArgsDepth++;
  try {
    return xaddWith(ctx, argv, newTrimArgs());
  } finally {
    trimArgsDepth--;
  }
}

function xaddWith(ctx: CommandContext, argv: readonly BinaryString[], a: TrimArgs): RespValue {
  const idpos = parseAddOrTrim(ctx, argv, true, a);
  if (idpos instanceof ErrorReply) return idpos;
  const fieldPos = idpos + 1;
  const nf = argv.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) return wrongArity('xadd');
  if (a.id !== undefined && a.seqGiven && a.id === MIN_ID) return ID_ZERO;
  const key = argv[1];
  let s = writeTyped<StreamValue>(ctx.db, key, 'stream');
  if (s instanceof ErrorReply) return s;
  if (s === undefined) {
    if (a.noMkstream) return null;
    s = new StreamValue();
    ctx.db.setValue(key, s);
  }
  if (s.lastId === MAX_ID) return EXHAUSTED;
  let id: IdKey;
  if (a.id !== undefined) {
    if (a.seqGiven) id = a.id;
    else if (idPart(s.lastId, 0) === idPart(a.id, 0)) {
      const next = incrId(s.lastId);
      if (next === null || s.lastId.slice(8) === MAX_ID.slice(8)) return ID_TOO_SMALL;
      id = next;
    } else id = a.id;
  } else id = autoId(s.lastId, ctx.now);
  if (id <= s.lastId) return ID_TOO_SMALL;
  if (!s.append(id, argv, ctx.streamNodeLimits, fieldPos)) return TOO_LARGE;
  const idStr = id === auto.key ? auto.text : formatId(id);
  ctx.dirty();
  ctx.notify(NOTIFY_STREAM, 'xadd', key);
  let out: string[] | undefined;
  if (a.strategy !== 'none') {
    if (s.trim(a.strategy, a.maxlen, a.minid, a.approx, a.limit)) ctx.notify(NOTIFY_STREAM, 'xtrim', key);
    if (a.approx) {
      out = argv.slice();
      exactTrimArgv(out, s, a);
    }
  }
  if (a.id === undefined || !a.seqGiven) {
    out ??= argv.slice();
    out[idpos] = idStr;
  }
  if (out !== undefined) ctx.rewrite(out);
  return idStr;
}

function xtrim(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  trimArgsDepth++;
  try {
    return xtrimWith(ctx, argv, newTrimArgs());
  } finally {
    trimArgsDepth--;
  }
}

function xtrimWith(ctx: CommandContext, argv: readonly BinaryString[], a: TrimArgs): RespValue {
  const r = parseAddOrTrim(ctx, argv, false, a);
  if (r instanceof ErrorReply) return r;
  const s = writeTyped<StreamValue>(ctx.db, argv[1], 'stream');
  if (s === undefined) return 0;
  if (s instanceof ErrorReply) return s;
  const deleted = s.trim(a.strategy as 'maxlen' | 'minid', a.maxlen, a.minid, a.approx, a.limit);
  if (deleted) {
    ctx.notify(NOTIFY_STREAM, 'xtrim', argv[1]);
    if (a.approx) {
      const out = argv.slice();
      exactTrimArgv(out, s, a);
      ctx.rewrite(out);
    }
    ctx.dirty(deleted);
  }
  return deleted;
}

function xdel(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const s = writeTyped<StreamValue>(ctx.db, argv[1], 'stream');
  if (s === undefined) return 0;
  if (s instanceof ErrorReply) return s;
  const ids: IdKey[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = strictId(argv[j]);
    if (id instanceof ErrorReply) return id;
    ids.push(id);
  }
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (s.delete(id)) {
      if (id === s.firstId) firstEntry = true;
      if (id > s.maxDeletedId) s.maxDeletedId = id;
      deleted++;
    }
  }
  if (deleted) {
    if (s.length === 0) s.firstId = MIN_ID;
    else if (firstEntry) s.firstId = s.firstLiveId();
    ctx.notify(NOTIFY_STREAM, 'xdel', argv[1]);
    ctx.dirty(deleted);
  }
  return deleted;
}

function xlen(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const s = readTyped<StreamValue>(ctx.db, argv[1], 'stream');
  if (s === undefined) return 0;
  if (s instanceof ErrorReply) return s;
  return s.length;
}

function xsetid(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const id = strictId(argv[2]);
  if (id instanceof ErrorReply) return id;
  let entriesAdded = -1;
  let maxDel = MIN_ID;
  for (let i = 3; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i].toLowerCase();
    if (opt === 'entriesadded' && more) {
      const v = int64Arg(argv[i + 1]);
      if (v instanceof ErrorReply) return v;
      if (v < 0) return ENTRIES_ADDED_NEGATIVE;
      entriesAdded = Number(v);
      i++;
    } else if (opt === 'maxdeletedid' && more) {
      const m = strictId(argv[i + 1]);
      if (m instanceof ErrorReply) return m;
      if (id < m) return XSETID_SMALLER_THAN_MAXDEL;
      maxDel = m;
      i++;
    } else return SYNTAX_ERR;
  }
  const s = writeTyped<StreamValue>(ctx.db, argv[1], 'stream');
  if (s === undefined) return NO_SUCH_KEY_ERR;
  if (s instanceof ErrorReply) return s;
  if (s.length > 0) {
    if (id < s.lastValidId()) return XSETID_SMALLER_THAN_TOP;
    if (entriesAdded !== -1 && s.length > entriesAdded) return XSETID_ADDED_TOO_SMALL;
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxDel !== MIN_ID) s.maxDeletedId = maxDel;
  ctx.dirty();
  ctx.notify(NOTIFY_STREAM, 'xsetid', argv[1]);
  return OK_REPLY;
}

export const streamAddCommands: CommandSpec[] = [
  streamSpec('xadd', xadd),
  streamSpec('xtrim', xtrim),
  streamSpec('xdel', xdel),
  streamSpec('xlen', xlen),
  streamSpec('xsetid', xsetid),
];
