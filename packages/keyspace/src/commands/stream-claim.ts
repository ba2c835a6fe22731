/**
 * XCLAIM and XAUTOCLAIM (Redis 7.0 t_stream.c xclaimCommand, xautoclaimCommand). Neither is
 * propagated as received: every claimed (or dropped, because its entry was deleted) PEL entry is
 * propagated as `XCLAIM key group consumer 0 id TIME <ms> RETRYCOUNT <n> FORCE JUSTID LASTID <id>`,
 * and an XCLAIM LASTID that moved the group alone as `XGROUP SETID ... ENTRIESREAD`.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { int64Arg, rangeLongArg } from '../command-helpers';
import { NOTIFY_STREAM } from '../notify';
import { errReply, SYNTAX_ERR, WRONGTYPE } from '../reply-errors';
import { formatId, type IdKey, incrId, MIN_ID, parseId } from '../types/stream-id';
import { type StreamConsumer, type StreamGroup, type StreamNack, type StreamValue, sortedIds } from '../types/stream-value';
import { cstr, entryReply, INVALID_START, intervalId, noGroupKey, propagateGroupId, propagateXclaim, strictId } from './stream-common';
import { streamSpec } from './stream-meta';

const MINIDLE_XCLAIM = errReply('Invalid min-idle-time argument for XCLAIM');
const MINIDLE_XAUTOCLAIM = errReply('Invalid min-idle-time argument for XAUTOCLAIM');
const IDLE_XCLAIM = errReply('Invalid IDLE option argument for XCLAIM');
const TIME_XCLAIM = errReply('Invalid TIME option argument for XCLAIM');
const RETRY_XCLAIM = errReply('Invalid RETRYCOUNT option argument for XCLAIM');
const COUNT_POSITIVE = errReply('COUNT must be > 0');
/** LONG_MAX / max(sizeof(streamID), attempts factor 10) */
const AUTOCLAIM_MAX_COUNT = Number(9223372036854775807n / 16n);

/** lookupKeyRead + the group: the stream and group, or the NOGROUP / WRONGTYPE reply. */
function streamAndGroup(ctx: CommandContext, key: string, groupName: string): { s: StreamValue; group: StreamGroup } | ErrorReply {
  const v = ctx.db.lookupRead(key);
  if (v !== undefined && (typeof v === 'string' || v.type !== 'stream')) return WRONGTYPE;
  const group = v === undefined ? undefined : (v as StreamValue).groups.get(groupName);
  if (group === undefined) return noGroupKey(key, groupName);
  // the group is changed in place: take the value through lookupWrite (copy-on-write for snapshots)
  const s = ctx.db.lookupWrite(key) as StreamValue;
  return { s, group: s.groups.get(groupName) as StreamGroup };
}

function claimant(ctx: CommandContext, key: string, group: StreamGroup, name: string): StreamConsumer {
  let c = group.consumers.get(name);
  if (c !== undefined) {
    c.seenTime = ctx.now;
    return c;
  }
  c = { name, seenTime: ctx.now, pel: new Map() };
  group.consumers.set(name, c);
  ctx.dirty();
  ctx.notify(NOTIFY_STREAM, 'xgroup-createconsumer', key);
  return c;
}

/** Moves `nack` (PEL entry `id`) to `consumer`. */
function reassign(nack: StreamNack, id: IdKey, consumer: StreamConsumer): void {
  if (nack.consumer === consumer) return;
  nack.consumer?.pel.delete(id);
  consumer.pel.set(id, nack);
  nack.consumer = consumer;
}

function dropNack(group: StreamGroup, id: IdKey, nack: StreamNack): void {
  group.pel.delete(id);
  nack.consumer?.pel.delete(id);
}

function xclaim(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const key = argv[1];
  const groupName = argv[2];
  const found = streamAndGroup(ctx, key, groupName);
  if (found instanceof ErrorReply) return found;
  const { s, group } = found;
  const mi = int64Arg(argv[4], MINIDLE_XCLAIM);
  if (mi instanceof ErrorReply) return mi;
  const minidle = mi < 0 ? 0 : Number(mi);
  const ids: IdKey[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const p = parseId(argv[j], 0, true);
    if (p === null) break;
    ids.push(p.key);
  }
  const now = ctx.now;
  let lastId: IdKey = MIN_ID;
  let force = false;
  let justid = false;
  let retrycount = -1;
  let deliverytime = -1;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'force') force = true;
    else if (opt === 'justid') justid = true;
    else if (opt === 'idle' && more) {
      const v = int64Arg(argv[++j], IDLE_XCLAIM);
      if (v instanceof ErrorReply) return v;
      deliverytime = now - Number(v);
    } else if (opt === 'time' && more) {
      const v = int64Arg(argv[++j], TIME_XCLAIM);
      if (v instanceof ErrorReply) return v;
      deliverytime = Number(v);
    } else if (opt === 'retrycount' && more) {
      const v = int64Arg(argv[++j], RETRY_XCLAIM);
      if (v instanceof ErrorReply) return v;
      retrycount = Number(v);
    } else if (opt === 'lastid' && more) {
      const v = strictId(argv[++j]);
      if (v instanceof ErrorReply) return v;
      lastId = v;
    } else return errReply(`Unrecognized XCLAIM option '${cstr(argv[j])}'`);
  }
  ctx.preventPropagation();
  let propagateLastId = false;
  if (lastId > group.lastId) {
    group.lastId = lastId;
    propagateLastId = true;
  }
  if (deliverytime !== -1) {
    if (deliverytime < 0 || deliverytime > now) deliverytime = now;
  } else deliverytime = now;
  let consumer: StreamConsumer | undefined;
  const out: RespValue[] = [];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    const idArg = argv[5 + k];
    let nack = group.pel.get(id);
    const entry = s.get(id);
    if (entry === undefined) {
      if (nack !== undefined) {
        propagateXclaim(ctx, key, group, groupName, idArg, nack);
        propagateLastId = false;
        ctx.dirty();
        dropNack(group, id, nack);
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = { consumer: null, deliveryTime: now, deliveryCount: 1 };
      group.pel.set(id, nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer && minidle && now - nack.deliveryTime < minidle) continue;
    consumer ??= claimant(ctx, key, group, argv[3]);
    nack.deliveryTime = deliverytime;
    if (retrycount >= 0) nack.deliveryCount = retrycount;
    else if (!justid) nack.deliveryCount++;
    reassign(nack, id, consumer);
    out.push(justid ? formatId(id) : entryReply(entry));
    propagateXclaim(ctx, key, group, groupName, idArg, nack);
    propagateLastId = false;
    ctx.dirty();
  }
  if (propagateLastId) {
    propagateGroupId(ctx, key, group, groupName);
    ctx.dirty();
  }
  return out;
}

function xautoclaim(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const key = argv[1];
  const groupName = argv[2];
  const mi = int64Arg(argv[4], MINIDLE_XAUTOCLAIM);
  if (mi instanceof ErrorReply) return mi;
  const minidle = mi < 0 ? 0 : Number(mi);
  const s0 = intervalId(argv[5], 0);
  if (s0 instanceof ErrorReply) return s0;
  let start = s0.key;
  if (s0.exclusive) {
    const n = incrId(start);
    if (n === null) return INVALID_START;
    start = n;
  }
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'count' && more) {
      const c = rangeLongArg(argv[j + 1], 1, AUTOCLAIM_MAX_COUNT, COUNT_POSITIVE);
      if (c instanceof ErrorReply) return c;
      count = c;
      j++;
    } else if (opt === 'justid') justid = true;
    else return SYNTAX_ERR;
  }
  const found = streamAndGroup(ctx, key, groupName);
  if (found instanceof ErrorReply) return found;
  const { s, group } = found;
  ctx.preventPropagation();
  let attempts = count * 10;
  const now = ctx.now;
  let consumer: StreamConsumer | undefined;
  const claimed: RespValue[] = [];
  const deleted: string[] = [];
  const ids = sortedIds(group.pel);
  let i = 0;
  while (i < ids.length && ids[i] < start) i++;
  for (; attempts-- && count && i < ids.length; i++) {
    const id = ids[i];
    const nack = group.pel.get(id) as StreamNack;
    const entry = s.get(id);
    if (entry === undefined) {
      const idStr = formatId(id);
      propagateXclaim(ctx, key, group, groupName, idStr, nack);
      ctx.dirty();
      dropNack(group, id, nack);
      deleted.push(idStr);
      count--;
      continue;
    }
    if (minidle && now - nack.deliveryTime < minidle) continue;
    consumer ??= claimant(ctx, key, group, argv[3]);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    reassign(nack, id, consumer);
    claimed.push(justid ? formatId(id) : entryReply(entry));
    count--;
    propagateXclaim(ctx, key, group, groupName, formatId(id), nack);
    ctx.dirty();
  }
  // the cursor: the next PEL id after the last one examined (0-0 when the scan reached the end)
  const next = i < ids.length ? formatId(ids[i]) : '0-0';
  return [next, claimed, deleted];
}

export const streamClaimCommands: CommandSpec[] = [streamSpec('xclaim', xclaim), streamSpec('xautoclaim', xautoclaim)];
