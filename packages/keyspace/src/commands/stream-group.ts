/**
 * XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/DELCONSUMER/HELP, XACK and XPENDING (Redis 7.0
 * t_stream.c xgroupCommand, xackCommand, xpendingCommand). All are propagated verbatim when they
 * changed something.
 */
import { ErrorReply, NULL_ARRAY, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { int64Arg, OK_REPLY } from '../command-helpers';
import { NOTIFY_STREAM } from '../notify';
import { errReply, SYNTAX_ERR, WRONGTYPE } from '../reply-errors';
import { decrId, formatId, type IdKey, incrId, MIN_ID } from '../types/stream-id';
import { type StreamGroup, type StreamNack, StreamValue, sortedIds } from '../types/stream-value';
import { helpReply, INVALID_END, INVALID_START, intervalId, looseId, noGroupFor, noGroupKey, strictId, subcommandSyntax } from './stream-common';
import { streamSpec } from './stream-meta';

const ENTRIESREAD_NEGATIVE = errReply('value for ENTRIESREAD must be positive or -1');
const KEY_REQUIRED = errReply(
  'The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
);
const BUSYGROUP = new ErrorReply('BUSYGROUP Consumer Group name already exists');

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

/** Looks the key up for writing: the stream, undefined, or WRONGTYPE. */
function writeStream(ctx: CommandContext, key: string): StreamValue | undefined | ErrorReply {
  const v = ctx.db.lookupWrite(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'stream') return WRONGTYPE;
  return v as StreamValue;
}

function xgroup(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const opt = argv[1].toLowerCase();
  let s: StreamValue | undefined;
  let mkstream = false;
  let entriesRead = -1;
  let cg: StreamGroup | undefined;
  const key = argv[2];
  const grp = argv[3];
  if (argv.length >= 4) {
    const create = opt === 'create';
    const setid = opt === 'setid';
    let i = 5;
    while (i < argv.length) {
      const a = argv[i].toLowerCase();
      if (create && a === 'mkstream') {
        mkstream = true;
        i++;
      } else if ((create || setid) && a === 'entriesread' && i + 1 < argv.length) {
        const v = int64Arg(argv[i + 1]);
        if (v instanceof ErrorReply) return v;
        if (v < 0 && v !== -1) return ENTRIESREAD_NEGATIVE;
        entriesRead = Number(v);
        i += 2;
      } else return subcommandSyntax(argv);
    }
    const found = writeStream(ctx, key);
    if (found instanceof ErrorReply) return found;
    s = found;
  }
  if (argv.length >= 4 && !mkstream) {
    if (s === undefined) return KEY_REQUIRED;
    cg = s.groups.get(grp);
    if (cg === undefined && (opt === 'setid' || opt === 'createconsumer' || opt === 'delconsumer')) return noGroupFor(grp, key);
  }
  if (argv.length === 2 && opt === 'help') return helpReply(argv, XGROUP_HELP);
  if (opt === 'create' && argv.length >= 5 && argv.length <= 8) {
    let id: IdKey;
    if (argv[4] === '$') id = s ? s.lastId : MIN_ID;
    else {
      const p = strictId(argv[4]);
      if (p instanceof ErrorReply) return p;
      id = p;
    }
    if (s === undefined) {
      s = new StreamValue();
      ctx.db.setValue(key, s);
    }
    if (s.groups.has(grp)) return BUSYGROUP;
    s.groups.set(grp, { name: grp, lastId: id, entriesRead, pel: new Map(), consumers: new Map() });
    ctx.dirty();
    ctx.notify(NOTIFY_STREAM, 'xgroup-create', key);
    return OK_REPLY;
  }
  if (opt === 'setid' && (argv.length === 5 || argv.length === 7)) {
    const st = s as StreamValue;
    const group = cg as StreamGroup;
    let id: IdKey;
    if (argv[4] === '$') id = st.lastId;
    else {
      const p = looseId(argv[4], 0);
      if (p instanceof ErrorReply) return p;
      id = p;
    }
    group.lastId = id;
    group.entriesRead = entriesRead;
    ctx.dirty();
    ctx.notify(NOTIFY_STREAM, 'xgroup-setid', key);
    return OK_REPLY;
  }
  if (opt === 'destroy' && argv.length === 4) {
    if (cg === undefined) return 0;
    (s as StreamValue).groups.delete(grp);
    ctx.dirty();
    ctx.notify(NOTIFY_STREAM, 'xgroup-destroy', key);
    return 1;
  }
  if (opt === 'createconsumer' && argv.length === 5) {
    const group = cg as StreamGroup;
    const name = argv[4];
    if (group.consumers.has(name)) return 0;
    group.consumers.set(name, { name, seenTime: ctx.now, pel: new Map() });
    ctx.dirty();
    ctx.notify(NOTIFY_STREAM, 'xgroup-createconsumer', key);
    return 1;
  }
  if (opt === 'delconsumer' && argv.length === 5) {
    const group = cg as StreamGroup;
    const consumer = group.consumers.get(argv[4]);
    if (consumer === undefined) return 0;
    const pending = consumer.pel.size;
    for (const id of consumer.pel.keys()) group.pel.delete(id);
    group.consumers.delete(consumer.name);
    ctx.dirty();
    ctx.notify(NOTIFY_STREAM, 'xgroup-delconsumer', key);
    return pending;
  }
  return subcommandSyntax(argv);
}

function xack(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const v = ctx.db.lookupRead(argv[1]);
  let group: StreamGroup | undefined;
  if (v !== undefined) {
    if (typeof v === 'string' || v.type !== 'stream') return WRONGTYPE;
    group = (v as StreamValue).groups.get(argv[2]);
  }
  if (v === undefined || group === undefined) return 0;
  const ids: IdKey[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = strictId(argv[j]);
    if (id instanceof ErrorReply) return id;
    ids.push(id);
  }
  const s = ctx.db.lookupWrite(argv[1]) as StreamValue;
  group = s.groups.get(argv[2]) as StreamGroup;
  let acked = 0;
  for (const id of ids) {
    const nack = group.pel.get(id);
    if (nack === undefined) continue;
    group.pel.delete(id);
    nack.consumer?.pel.delete(id);
    acked++;
  }
  if (acked) ctx.dirty(acked);
  return acked;
}

function xpending(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const justinfo = argv.length === 3;
  const key = argv[1];
  const groupName = argv[2];
  let start: IdKey = MIN_ID;
  let end: IdKey = MIN_ID;
  let count = 0;
  let minidle = 0;
  let consumerName: string | undefined;
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) return SYNTAX_ERR;
  if (argv.length >= 6) {
    let startidx = 3;
    if (argv[3].toLowerCase() === 'idle') {
      const v = int64Arg(argv[4]);
      if (v instanceof ErrorReply) return v;
      minidle = Number(v);
      if (argv.length < 8) return SYNTAX_ERR;
      startidx += 2;
    }
    const c = int64Arg(argv[startidx + 2]);
    if (c instanceof ErrorReply) return c;
    count = c < 0 ? 0 : Number(c);
    const s0 = intervalId(argv[startidx], 0);
    if (s0 instanceof ErrorReply) return s0;
    start = s0.key;
    if (s0.exclusive) {
      const n = incrId(start);
      if (n === null) return INVALID_START;
      start = n;
    }
    const e0 = intervalId(argv[startidx + 1], 'max');
    if (e0 instanceof ErrorReply) return e0;
    end = e0.key;
    if (e0.exclusive) {
      const n = decrId(end);
      if (n === null) return INVALID_END;
      end = n;
    }
    if (startidx + 3 < argv.length) consumerName = argv[startidx + 3];
  }
  const v = ctx.db.lookupRead(key);
  if (v !== undefined && (typeof v === 'string' || v.type !== 'stream')) return WRONGTYPE;
  const group = v === undefined ? undefined : (v as StreamValue).groups.get(groupName);
  if (group === undefined) return noGroupKey(key, groupName);
  if (justinfo) {
    if (group.pel.size === 0) return [0, null, null, NULL_ARRAY];
    const ids = sortedIds(group.pel);
    const perConsumer: RespValue[] = [];
    for (const name of [...group.consumers.keys()].sort()) {
      const c = group.consumers.get(name);
      if (c === undefined || c.pel.size === 0) continue;
      perConsumer.push([name, String(c.pel.size)]);
    }
    return [group.pel.size, formatId(ids[0]), formatId(ids[ids.length - 1]), perConsumer];
  }
  let pel: Map<IdKey, StreamNack> = group.pel;
  if (consumerName !== undefined) {
    const c = group.consumers.get(consumerName);
    if (c === undefined) return [];
    pel = c.pel;
  }
  const out: RespValue[] = [];
  for (const id of sortedIds(pel)) {
    if (!count) break;
    if (id < start) continue;
    if (id > end) break;
    const nack = pel.get(id) as StreamNack;
    if (minidle && ctx.now - nack.deliveryTime < minidle) continue;
    count--;
    const elapsed = Math.max(0, ctx.now - nack.deliveryTime);
    out.push([formatId(id), nack.consumer?.name ?? '', elapsed, nack.deliveryCount]);
  }
  return out;
}

const sub = (name: string) => streamSpec(`xgroup|${name}`, xgroup);

export const streamGroupCommands: CommandSpec[] = [
  streamSpec('xgroup', () => null, {
    subcommands: {
      create: sub('create'),
      setid: sub('setid'),
      destroy: sub('destroy'),
      createconsumer: sub('createconsumer'),
      delconsumer: sub('delconsumer'),
      help: sub('help'),
    },
  }),
  streamSpec('xack', xack),
  streamSpec('xpending', xpending),
];
