/**
 * XRANGE, XREVRANGE, XREAD and XREADGROUP (Redis 7.0 t_stream.c xrangeGenericCommand,
 * xreadCommand, streamReplyWithRange). Here XREAD/XREADGROUP never block: with BLOCK and nothing
 * to serve they answer the null array, and the server's blocking layer (which overrides these
 * entries) decides whether to wait. XREADGROUP propagates nothing itself: each delivered entry is
 * propagated as `XCLAIM ... FORCE JUSTID LASTID`, a NOACK read as `XGROUP SETID ... ENTRIESREAD`,
 * a consumer created by a NOACK read as `XGROUP CREATECONSUMER`.
 */
import { ErrorReply, MapReply, NULL_ARRAY, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { int64Arg, readTyped } from '../command-helpers';
import { NOTIFY_STREAM } from '../notify';
import { errReply, SYNTAX_ERR } from '../reply-errors';
import { decrId, formatId, type IdKey, incrId, MAX_ID, MIN_ID } from '../types/stream-id';
import { type StreamConsumer, type StreamGroup, type StreamNack, type StreamValue, sortedIds } from '../types/stream-value';
import { entryReply, INVALID_END, INVALID_START, intervalId, noGroupKey, propagateGroupId, propagateXclaim, strictId } from './stream-common';
import { streamSpec } from './stream-meta';

const UNBALANCED = errReply("Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
const GROUP_ONLY_XREADGROUP = errReply('The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
const NOACK_ONLY_XREADGROUP = errReply('The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
const MISSING_GROUP = errReply('Missing GROUP option for XREADGROUP');
const DOLLAR_IN_GROUP = errReply(
  'The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
);
const GT_WITHOUT_GROUP = errReply('The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
const TIMEOUT_NOT_INT = errReply('timeout is not an integer or out of range');
const TIMEOUT_NEGATIVE = errReply('timeout is negative');

function xrangeGeneric(ctx: CommandContext, argv: readonly BinaryString[], rev: boolean): RespValue {
  const startArg = rev ? argv[3] : argv[2];
  const endArg = rev ? argv[2] : argv[3];
  const s0 = intervalId(startArg, 0);
  if (s0 instanceof ErrorReply) return s0;
  let start: IdKey = s0.key;
  if (s0.exclusive) {
    const n = incrId(start);
    if (n === null) return INVALID_START;
    start = n;
  }
  const e0 = intervalId(endArg, 'max');
  if (e0 instanceof ErrorReply) return e0;
  let end: IdKey = e0.key;
  if (e0.exclusive) {
    const n = decrId(end);
    if (n === null) return INVALID_END;
    end = n;
  }
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j].toLowerCase() === 'count' && argv.length - j - 1 >= 1) {
      const c = int64Arg(argv[j + 1]);
      if (c instanceof ErrorReply) return c;
      count = c < 0 ? 0 : Number(c);
      j++;
    } else return SYNTAX_ERR;
  }
  const s = readTyped<StreamValue>(ctx.db, argv[1], 'stream');
  if (s === undefined) return [];
  if (s instanceof ErrorReply) return s;
  if (count === 0) return NULL_ARRAY;
  return s.range(start, end, rev, count === -1 ? 0 : count).map(entryReply);
}

/** What XREAD/XREADGROUP parsed (the server's blocking layer reuses it). */
export interface StreamReadArgs {
  /** -1: no BLOCK */
  timeout: number;
  count: number;
  noack: boolean;
  group: string | undefined;
  consumer: string | undefined;
  keys: string[];
  /** the id arguments as given */
  ids: string[];
}

/** Parses XREAD/XREADGROUP options (not the ids); an error reply in Redis's order. */
export function parseStreamRead(argv: readonly BinaryString[], xreadgroup: boolean): StreamReadArgs | ErrorReply {
  const r: StreamReadArgs = { timeout: -1, count: 0, noack: false, group: undefined, consumer: undefined, keys: [], ids: [] };
  let streamsArg = 0;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i].toLowerCase();
    if (o === 'block' && more) {
      i++;
      const t = int64Arg(argv[i], TIMEOUT_NOT_INT);
      if (t instanceof ErrorReply) return t;
      if (t < 0) return TIMEOUT_NEGATIVE;
      r.timeout = Number(t);
    } else if (o === 'count' && more) {
      i++;
      const c = int64Arg(argv[i]);
      if (c instanceof ErrorReply) return c;
      r.count = c < 0 ? 0 : Number(c);
    } else if (o === 'streams' && more) {
      streamsArg = i + 1;
      const n = argv.length - streamsArg;
      if (n % 2 !== 0) return UNBALANCED;
      r.keys = argv.slice(streamsArg, streamsArg + n / 2) as string[];
      r.ids = argv.slice(streamsArg + n / 2) as string[];
      break;
    } else if (o === 'group' && more >= 2) {
      if (!xreadgroup) return GROUP_ONLY_XREADGROUP;
      r.group = argv[i + 1];
      r.consumer = argv[i + 2];
      i += 2;
    } else if (o === 'noack') {
      if (!xreadgroup) return NOACK_ONLY_XREADGROUP;
      r.noack = true;
    } else return SYNTAX_ERR;
  }
  if (streamsArg === 0) return SYNTAX_ERR;
  if (xreadgroup && r.group === undefined) return MISSING_GROUP;
  return r;
}

/**
 * Resolves the id arguments: `$` to the stream's last id (XREAD), `>` to MAX_ID (XREADGROUP),
 * checks types and groups; an error reply in Redis's order.
 */
export function resolveReadIds(ctx: CommandContext, r: StreamReadArgs): IdKey[] | ErrorReply {
  const out: IdKey[] = [];
  for (let i = 0; i < r.keys.length; i++) {
    const key = r.keys[i];
    const s = readTyped<StreamValue>(ctx.db, key, 'stream');
    if (s instanceof ErrorReply) return s;
    if (r.group !== undefined && (s === undefined || !s.groups.has(r.group))) {
      return noGroupKey(key, r.group, ' in XREADGROUP with GROUP option');
    }
    const a = r.ids[i];
    if (a === '$') {
      if (r.group !== undefined) return DOLLAR_IN_GROUP;
      out.push(s === undefined ? MIN_ID : s.lastId);
      continue;
    }
    if (a === '>') {
      if (r.group === undefined) return GT_WITHOUT_GROUP;
      out.push(MAX_ID);
      continue;
    }
    const id = strictId(a);
    if (id instanceof ErrorReply) return id;
    out.push(id);
  }
  return out;
}

/** A group's PEL entry for `id` delivered now to `consumer` (streamReplyWithRange's NACK part). */
function deliver(group: StreamGroup, consumer: StreamConsumer, id: IdKey, now: number): StreamNack {
  const existing = group.pel.get(id);
  if (existing !== undefined) {
    existing.consumer?.pel.delete(id);
    existing.consumer = consumer;
    existing.deliveryTime = now;
    existing.deliveryCount = 1;
    consumer.pel.set(id, existing);
    return existing;
  }
  const nack: StreamNack = { consumer, deliveryTime: now, deliveryCount: 1 };
  group.pel.set(id, nack);
  consumer.pel.set(id, nack);
  return nack;
}

/** Serves one stream of an XREADGROUP `>` read: new entries after the group's last id. */
function serveNew(ctx: CommandContext, key: string, s: StreamValue, group: StreamGroup, consumer: StreamConsumer, r: StreamReadArgs): RespValue[] {
  const start = incrId(group.lastId);
  const out: RespValue[] = [];
  if (start === null) return out;
  let propagateLastId = false;
  for (const e of s.range(start, MAX_ID, false, r.count)) {
    if (e.id > group.lastId) {
      if (group.entriesRead !== -1 && !s.rangeHasTombstones(e.id, MAX_ID)) group.entriesRead++;
      else if (s.entriesAdded) group.entriesRead = s.estimateDistance(e.id);
      group.lastId = e.id;
      if (r.noack) propagateLastId = true;
    }
    const idStr = formatId(e.id);
    out.push([idStr, e.fields as string[]]);
    if (!r.noack) {
      const nack = deliver(group, consumer, e.id, ctx.now);
      propagateXclaim(ctx, key, group, r.group as string, idStr, nack, group.lastId === e.id ? idStr : undefined);
    }
  }
  if (propagateLastId) propagateGroupId(ctx, key, group, r.group as string);
  return out;
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from `start`. */
function serveHistory(ctx: CommandContext, s: StreamValue, consumer: StreamConsumer, start: IdKey, count: number): RespValue[] {
  const out: RespValue[] = [];
  for (const id of sortedIds(consumer.pel)) {
    if (id < start) continue;
    if (count && out.length >= count) break;
    const e = s.get(id);
    if (e === undefined) out.push([formatId(id), NULL_ARRAY]);
    else {
      const nack = consumer.pel.get(id) as StreamNack;
      nack.deliveryTime = ctx.now;
      nack.deliveryCount++;
      out.push(entryReply(e));
    }
  }
  return out;
}

/**
 * The XREAD/XREADGROUP body once the arguments are parsed: the reply, or null when nothing could
 * be served (the caller answers the null array or blocks).
 */
export function streamReadServe(ctx: CommandContext, r: StreamReadArgs, ids: readonly IdKey[]): RespValue | null {
  const results: Array<readonly [string, RespValue]> = [];
  for (let i = 0; i < r.keys.length; i++) {
    const key = r.keys[i];
    let s = readTyped<StreamValue>(ctx.db, key, 'stream');
    if (s === undefined || s instanceof ErrorReply) continue;
    let gt = ids[i];
    let history = false;
    let serve = false;
    if (r.group !== undefined) {
      const group = s.groups.get(r.group) as StreamGroup;
      if (gt !== MAX_ID) {
        serve = true;
        history = true;
      } else if (s.length && s.lastValidId() > group.lastId) {
        serve = true;
        gt = group.lastId;
      }
    } else if (s.length && s.lastValidId() > gt) serve = true;
    if (!serve) continue;
    if (r.group === undefined) {
      const start = incrId(gt);
      results.push([key, start === null ? [] : s.range(start, MAX_ID, false, r.count).map(entryReply)]);
      continue;
    }
    s = ctx.db.lookupWrite(key) as StreamValue;
    const group = s.groups.get(r.group) as StreamGroup;
    const name = r.consumer as string;
    let consumer = group.consumers.get(name);
    if (consumer !== undefined) consumer.seenTime = ctx.now;
    else {
      consumer = { name, seenTime: ctx.now, pel: new Map() };
      group.consumers.set(name, consumer);
      ctx.notify(NOTIFY_STREAM, 'xgroup-createconsumer', key);
      ctx.dirty();
      if (r.noack) ctx.alsoPropagate(['XGROUP', 'CREATECONSUMER', key, r.group, name]);
    }
    if (history) {
      const start = incrId(gt);
      results.push([key, start === null ? [] : serveHistory(ctx, s, consumer, start, r.count)]);
    } else results.push([key, serveNew(ctx, key, s, group, consumer, r)]);
    ctx.dirty();
  }
  if (results.length === 0) return null;
  if (ctx.resp === 3) return new MapReply(results);
  return results as RespValue[];
}

function xreadGeneric(ctx: CommandContext, argv: readonly BinaryString[], xreadgroup: boolean): RespValue {
  // replies are computed here; what a served XREADGROUP changed is propagated as XCLAIM / XGROUP
  ctx.preventPropagation();
  const r = parseStreamRead(argv, xreadgroup);
  if (r instanceof ErrorReply) return r;
  const ids = resolveReadIds(ctx, r);
  if (ids instanceof ErrorReply) return ids;
  return streamReadServe(ctx, r, ids) ?? NULL_ARRAY;
}

export const streamReadCommands: CommandSpec[] = [
  streamSpec('xrange', (ctx, argv) => xrangeGeneric(ctx, argv, false)),
  streamSpec('xrevrange', (ctx, argv) => xrangeGeneric(ctx, argv, true)),
  streamSpec('xread', (ctx, argv) => xreadGeneric(ctx, argv, false)),
  streamSpec('xreadgroup', (ctx, argv) => xreadGeneric(ctx, argv, true)),
];

