/**
 * XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP (Redis 7.0
 * t_stream.c xinfoCommand, xinfoReplyWithStreamInfo). Maps are MapReply (RESP3 maps, RESP2 flat
 * arrays); groups and consumers come in byte order, as Redis's radix trees list them.
 */
import { ErrorReply, MapReply, type RespValue } from '@replikit/resp';
import type { BinaryString, CommandContext, CommandSpec } from '../command-api';
import { int64Arg } from '../command-helpers';
import { WRONGTYPE } from '../reply-errors';
import { formatId, MAX_ID, MIN_ID } from '../types/stream-id';
import { type StreamConsumer, type StreamGroup, type StreamNack, type StreamValue, sortedIds } from '../types/stream-value';
import { entryReply, helpReply, NO_SUCH_KEY_ERR, noGroupFor, subcommandSyntax } from './stream-common';
import { streamSpec } from './stream-meta';

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

const byName = <T>(m: Map<string, T>): T[] => [...m.keys()].sort().map((k) => m.get(k) as T);

function streamInfo(s: StreamValue, argv: readonly BinaryString[]): RespValue {
  let full = true;
  let count = 10;
  const optc = argv.length - 3;
  if (optc === 0) full = false;
  else {
    if (optc !== 1 && optc !== 3) return subcommandSyntax(argv);
    if (argv[3].toLowerCase() !== 'full') return subcommandSyntax(argv);
    if (optc === 3) {
      if (argv[4].toLowerCase() !== 'count') return subcommandSyntax(argv);
      const c = int64Arg(argv[5]);
      if (c instanceof ErrorReply) return c;
      count = c < 0 ? 10 : Number(c);
    }
  }
  const m: Array<[RespValue, RespValue]> = [
    ['length', s.length],
    ['radix-tree-keys', s.nodes.length],
    ['radix-tree-nodes', s.raxNodes()],
    ['last-generated-id', formatId(s.lastId)],
    ['max-deleted-entry-id', formatId(s.maxDeletedId)],
    ['entries-added', s.entriesAdded],
    ['recorded-first-entry-id', formatId(s.firstId)],
  ];
  if (!full) {
    m.push(['groups', s.groups.size]);
    const first = s.range(MIN_ID, MAX_ID, false, 1)[0];
    const last = s.range(MIN_ID, MAX_ID, true, 1)[0];
    m.push(['first-entry', first ? entryReply(first) : null]);
    m.push(['last-entry', last ? entryReply(last) : null]);
    return new MapReply(m);
  }
  m.push(['entries', s.range(MIN_ID, MAX_ID, false, count).map(entryReply)]);
  const groups: RespValue[] = [];
  for (const g of byName(s.groups)) {
    const pending: RespValue[] = [];
    for (const id of sortedIds(g.pel)) {
      if (count && pending.length >= count) break;
      const n = g.pel.get(id) as StreamNack;
      pending.push([formatId(id), n.consumer?.name ?? '', n.deliveryTime, n.deliveryCount]);
    }
    const consumers: RespValue[] = [];
    for (const c of byName(g.consumers)) {
      const cp: RespValue[] = [];
      for (const id of sortedIds(c.pel)) {
        if (count && cp.length >= count) break;
        const n = c.pel.get(id) as StreamNack;
        cp.push([formatId(id), n.deliveryTime, n.deliveryCount]);
      }
      consumers.push(
        new MapReply([
          ['name', c.name],
          ['seen-time', c.seenTime],
          ['pel-count', c.pel.size],
          ['pending', cp],
        ]),
      );
    }
    groups.push(
      new MapReply([
        ['name', g.name],
        ['last-delivered-id', formatId(g.lastId)],
        ['entries-read', g.entriesRead === -1 ? null : g.entriesRead],
        ['lag', s.groupLag(g)],
        ['pel-count', g.pel.size],
        ['pending', pending],
        ['consumers', consumers],
      ]),
    );
  }
  m.push(['groups', groups]);
  return new MapReply(m);
}

function groupsInfo(s: StreamValue): RespValue {
  return byName(s.groups).map(
    (g: StreamGroup) =>
      new MapReply([
        ['name', g.name],
        ['consumers', g.consumers.size],
        ['pending', g.pel.size],
        ['last-delivered-id', formatId(g.lastId)],
        ['entries-read', g.entriesRead === -1 ? null : g.entriesRead],
        ['lag', s.groupLag(g)],
      ]),
  );
}

function consumersInfo(ctx: CommandContext, s: StreamValue, key: string, groupName: string): RespValue {
  const g = s.groups.get(groupName);
  if (g === undefined) return noGroupFor(groupName, key);
  return byName(g.consumers).map(
    (c: StreamConsumer) =>
      new MapReply([
        ['name', c.name],
        ['pending', c.pel.size],
        ['idle', Math.max(0, ctx.now - c.seenTime)],
      ]),
  );
}

function xinfo(ctx: CommandContext, argv: readonly BinaryString[]): RespValue {
  const opt = argv[1].toLowerCase();
  if (opt === 'help') {
    if (argv.length !== 2) return subcommandSyntax(argv);
    return helpReply(argv, XINFO_HELP);
  }
  if (argv.length < 3) return subcommandSyntax(argv);
  const key = argv[2];
  const v = ctx.db.lookupRead(key);
  if (v === undefined) return NO_SUCH_KEY_ERR;
  if (typeof v === 'string' || v.type !== 'stream') return WRONGTYPE;
  const s = v as StreamValue;
  if (opt === 'consumers' && argv.length === 4) return consumersInfo(ctx, s, key, argv[3]);
  if (opt === 'groups' && argv.length === 3) return groupsInfo(s);
  if (opt === 'stream') return streamInfo(s, argv);
  return subcommandSyntax(argv);
}

const sub = (name: string) => streamSpec(`xinfo|${name}`, xinfo);

export const streamInfoCommands: CommandSpec[] = [
  streamSpec('xinfo', () => null, {
    subcommands: { stream: sub('stream'), groups: sub('groups'), consumers: sub('consumers'), help: sub('help') },
  }),
];
