import { type Keyspace, toPlain } from '@replikit/keyspace';
import { encodingOf } from '@replikit/keyspace/internal';
import { MapReply, OK, type RespValue, SimpleString, VerbatimReply } from '@replikit/resp';
import { type CommandContext, containerSpec, type ServerCommandFlag, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { NOT_INTEGER, SYNTAX } from '../dispatch/reply-texts';
import { memoryUsage } from '../introspection/memory-usage';
import { parseStrictInt } from './arg-parsing';

const HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

const EMPTY_DOCTOR =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const HEALTHY_DOCTOR = 'Hi Sam, I can\'t find any memory issue in your instance. I can only account for what occurs on this base.\n';

const READ: readonly ServerCommandFlag[] = ['readonly'];
const PLAIN: readonly ServerCommandFlag[] = [];

/** MEMORY USAGE key [SAMPLES count]: the estimate of memory-usage.ts, nil for a missing key. */
function usage(keyspace: Keyspace, ctx: CommandContext, argv: readonly string[]): RespValue {
  let samples = 5;
  for (let j = 3; j < argv.length; j++) {
    if ((argv[j] as string).toLowerCase() === 'samples' && j + 1 < argv.length) {
      const n = parseStrictInt(argv[j + 1] as string);
      if (n === null) return NOT_INTEGER;
      if (n < 0) return SYNTAX;
      samples = n;
      j++;
    } else return SYNTAX;
  }
  const key = argv[2] as string;
  // lookupKeyRead without touching hits/misses: an expired key is gone (and deleted on a master)
  if (ctx.keyspace(['EXISTS', key]) !== 1) return null;
  const db = ctx.client.db;
  const found = keyspace.peek(db, key);
  if (found === undefined) return null;
  const encoding = encodingOf(keyspace.database(db), key, found.value);
  return memoryUsage(key, toPlain(found.value), encoding, samples);
}

/**
 * MEMORY STATS with 7.0's field names. The numbers come from the node process (heap, external,
 * RSS): replikit has no allocator statistics, so the allocator.* fields repeat the heap figures.
 */
function stats(keyspace: Keyspace, ctx: CommandContext): RespValue {
  const m = process.memoryUsage();
  const allocated = m.heapUsed + m.external + m.arrayBuffers;
  const startup = 0;
  const rt = ctx.runtime;
  let keys = 0;
  const entries: Array<[RespValue, RespValue]> = [
    ['peak.allocated', Math.max(allocated, m.heapTotal)],
    ['total.allocated', allocated],
    ['startup.allocated', startup],
    ['replication.backlog', 0],
    ['clients.slaves', 0],
    ['clients.normal', 0],
    ['cluster.links', 0],
    ['aof.buffer', 0],
    ['lua.caches', 0],
    ['functions.caches', 0],
  ];
  let overhead = 0;
  for (let db = 0; db < keyspace.databases; db++) {
    const n = rt.keyspace.dbSize(db);
    if (n === 0) continue;
    keys += n;
    const e = rt.keyspace.expiresSize(db);
    const main = n * 24 + 8 * 2 ** Math.ceil(Math.log2(Math.max(4, n)));
    const exp = e === 0 ? 0 : e * 24 + 8 * 2 ** Math.ceil(Math.log2(Math.max(4, e)));
    overhead += main + exp;
    entries.push([`db.${db}`, new MapReply([['overhead.hashtable.main', main], ['overhead.hashtable.expires', exp], ['overhead.hashtable.slot-to-keys', 0]])]);
  }
  const dataset = Math.max(0, allocated - overhead);
  entries.push(
    ['overhead.total', overhead],
    ['keys.count', keys],
    ['keys.bytes-per-key', keys === 0 ? 0 : Math.floor(allocated / keys)],
    ['dataset.bytes', dataset],
    ['dataset.percentage', allocated === 0 ? 0 : (dataset * 100) / allocated],
    ['peak.percentage', (allocated * 100) / Math.max(allocated, m.heapTotal)],
    ['allocator.allocated', allocated],
    ['allocator.active', m.heapTotal + m.external],
    ['allocator.resident', m.rss],
    ['allocator-fragmentation.ratio', (m.heapTotal + m.external) / Math.max(1, allocated)],
    ['allocator-fragmentation.bytes', m.heapTotal + m.external - allocated],
    ['allocator-rss.ratio', m.rss / Math.max(1, m.heapTotal + m.external)],
    ['allocator-rss.bytes', m.rss - m.heapTotal - m.external],
    ['rss-overhead.ratio', 1],
    ['rss-overhead.bytes', 0],
    ['fragmentation', m.rss / Math.max(1, allocated)],
    ['fragmentation.bytes', m.rss - allocated],
  );
  return new MapReply(entries.map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? String(v) : v]));
}

/** MEMORY DOCTOR: Redis's empty-instance text below 5 MB of data, else the no-issue text. */
function doctor(ctx: CommandContext): RespValue {
  let keys = 0;
  for (let db = 0; db < ctx.runtime.keyspace.databases; db++) keys += ctx.runtime.keyspace.dbSize(db);
  const m = process.memoryUsage();
  const small = keys === 0 || m.heapUsed < 5 * 1024 * 1024 || keys < 1000;
  return new VerbatimReply('txt', small ? EMPTY_DOCTOR : HEALTHY_DOCTOR);
}

/** MEMORY DOCTOR / MALLOC-STATS / PURGE / STATS / USAGE / HELP (object.c memoryCommand). */
export function memoryCommand(keyspace: Keyspace): ServerCommandSpec {
  const usageSpec: ServerCommandSpec = {
    ...spec('memory|usage', -3, READ, ['@read', '@slow'], (ctx, argv) => usage(keyspace, ctx, argv)),
    firstKey: 2,
    lastKey: 2,
    keyStep: 1,
    keySpecs: [{ flags: ['RO'], beginSearch: { type: 'index', index: 2 }, findKeys: { type: 'range', lastKey: 0, keyStep: 1, limit: 0 } }],
  };
  return containerSpec(
    'memory',
    [
      { ...spec('memory|doctor', 2, PLAIN, ['@slow'], doctor), tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'] },
      {
        ...spec('memory|malloc-stats', 2, PLAIN, ['@slow'], () => new VerbatimReply('txt', 'Stats not supported for the current allocator')),
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
      },
      { ...spec('memory|purge', 2, PLAIN, ['@slow'], () => OK), tips: ['request_policy:all_shards', 'response_policy:all_succeeded'] },
      { ...spec('memory|stats', 2, PLAIN, ['@slow'], (ctx) => stats(keyspace, ctx)), tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'] },
      usageSpec,
      spec('memory|help', 2, ['loading', 'stale'], ['@slow'], () => HELP.map((h) => new SimpleString(h))),
    ],
    { docs: { summary: 'A container for memory diagnostics commands', group: 'server', since: '4.0.0' } },
  );
}

