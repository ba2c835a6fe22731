import { ErrorReply, MapReply, NULL_ARRAY, type RespValue, SimpleString } from '@replikit/resp';
import type { ClientConnection } from '../connection/client-connection';
import { type CommandContext, NO_REPLY, type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { isScriptClient } from '../introspection/introspection';
import { eqi } from './arg-parsing';

/**
 * XREAD and XREADGROUP with BLOCK on top of the keyspace's non-blocking ones (Redis 7.0
 * t_stream.c xreadCommand, blocked.c serveClientsBlockedOnStreamKey). The keyspace runs the
 * command first (all argument checks, and the reply when something can be served at once); when
 * it answers the null array and BLOCK was given outside MULTI/EXEC, the client waits on the keys.
 * A key made ready is served by running the keyspace command again for that key alone
 * (`XREAD COUNT n STREAMS key <id>` with the id resolved at block time, or `XREADGROUP ... key >`),
 * so a served XREADGROUP propagates what Redis propagates (XCLAIM per entry, XGROUP SETID for
 * NOACK, XGROUP CREATECONSUMER).
 */

/** XREAD_BLOCKED_DEFAULT_COUNT: a blocked read without COUNT gets at most this many entries. */
const BLOCKED_DEFAULT_COUNT = 1000;
const GROUP_GONE = new ErrorReply('NOGROUP the consumer group this client was blocked on no longer exists');
const STREAM_GONE = new ErrorReply('UNBLOCKED the stream key no longer exists');

interface ReadOptions {
  timeout: number | undefined;
  count: string | undefined;
  group: string | undefined;
  consumer: string | undefined;
  noack: boolean;
  keys: string[];
  ids: string[];
}

/** The options before STREAMS, in the keyspace's parse order (the keyspace has validated them). */
function readOptions(argv: readonly string[]): ReadOptions {
  const o: ReadOptions = { timeout: undefined, count: undefined, group: undefined, consumer: undefined, noack: false, keys: [], ids: [] };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (eqi(a, 'block')) o.timeout = Number(argv[++i]);
    else if (eqi(a, 'count')) o.count = argv[++i];
    else if (eqi(a, 'group')) {
      o.group = argv[i + 1];
      o.consumer = argv[i + 2];
      i += 2;
    } else if (eqi(a, 'noack')) o.noack = true;
    else if (eqi(a, 'streams')) {
      const n = (argv.length - i - 1) / 2;
      o.keys = argv.slice(i + 1, i + 1 + n) as string[];
      o.ids = argv.slice(i + 1 + n) as string[];
      break;
    }
  }
  return o;
}

/** Whether xreadCommand's option loop reaches a BLOCK with an argument before anything it rejects. */
function blockBeforeStreams(argv: readonly string[]): boolean {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    const more = argv.length - i - 1;
    if (eqi(a, 'block') && more) return true;
    if (eqi(a, 'count') && more) {
      if (!/^-?\d+$/.test(argv[++i] as string)) return false;
    } else if (eqi(a, 'group') && more >= 2) i += 2;
    else if (!eqi(a, 'noack')) return false;
  }
  return false;
}

/** The last generated id of a stream (`$`), 0-0 when the key does not exist. */
function lastGeneratedId(ctx: CommandContext, key: string): string {
  const info = ctx.keyspace(['XINFO', 'STREAM', key]);
  if (info instanceof MapReply) {
    for (const [k, v] of info.entries) if (k === 'last-generated-id' && typeof v === 'string') return v;
  }
  return '0-0';
}

function countOf(o: ReadOptions): string {
  return o.count === undefined || Number(o.count) <= 0 ? String(BLOCKED_DEFAULT_COUNT) : o.count;
}

function xreadHandler(xreadgroup: boolean) {
  return (ctx: CommandContext, argv: readonly string[]): RespValue | typeof NO_REPLY => {
    // a script may not block: Redis refuses BLOCK while parsing the options
    if (isScriptClient(ctx.client) && blockBeforeStreams(argv)) {
      return new ErrorReply(`ERR ${argv[0]} command is not allowed with BLOCK option from scripts`);
    }
    const first = ctx.keyspace([...argv]);
    if (first !== NULL_ARRAY) return first;
    const o = readOptions(argv);
    if (o.timeout === undefined || ctx.inExec || ctx.client.multi !== undefined) return first;
    const client = ctx.client as ClientConnection;
    const count = countOf(o);
    let attempt: (key: string) => RespValue | undefined;
    if (xreadgroup) {
      const tail = o.noack ? ['NOACK'] : [];
      attempt = (key) => {
        const r = ctx.keyspace(['XREADGROUP', 'GROUP', o.group as string, o.consumer as string, 'COUNT', count, ...tail, 'STREAMS', key, '>']);
        if (r instanceof ErrorReply) {
          // the stream was deleted or replaced by another type (unblockDeletedStreamReadgroupClients),
          // or it is a stream that no longer has the group
          const type = ctx.keyspace(['TYPE', key]);
          return type instanceof SimpleString && type.value === 'stream' ? GROUP_GONE : STREAM_GONE;
        }
        return r === NULL_ARRAY ? undefined : r;
      };
    } else {
      const after = new Map<string, string>();
      o.keys.forEach((k, i) => {
        if (!after.has(k)) after.set(k, o.ids[i] === '$' ? lastGeneratedId(ctx, k) : (o.ids[i] as string));
      });
      attempt = (key) => {
        const r = ctx.keyspace(['XREAD', 'COUNT', count, 'STREAMS', key, after.get(key) as string]);
        return r === NULL_ARRAY || r instanceof ErrorReply ? undefined : r;
      };
    }
    ctx.runtime.blocking.block({ client, db: client.db, keys: [...new Set(o.keys)], timeoutReply: NULL_ARRAY, tryServe: attempt }, o.timeout);
    return NO_REPLY;
  };
}

const MOVABLE = { firstKey: 0, lastKey: 0, keyStep: 0 };

/** Redis 7.0's key specification of XREAD/XREADGROUP: the keys follow STREAMS (first half of the rest). */
function streamsKeySpec(startFrom: number): NonNullable<ServerCommandSpec['keySpecs']>[number] {
  return { flags: ['RO', 'ACCESS'], beginSearch: { type: 'keyword', keyword: 'STREAMS', startFrom }, findKeys: { type: 'range', lastKey: -1, keyStep: 1, limit: 2 } };
}

export const streamBlockingCommands: ServerCommandSpec[] = [
  {
    ...spec('xread', -4, ['readonly', 'blocking', 'movablekeys'], ['@read', '@stream', '@slow', '@blocking'], xreadHandler(false), MOVABLE),
    keySpecs: [streamsKeySpec(1)],
    docs: { summary: 'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.', group: 'stream', since: '5.0.0' },
  },
  {
    ...spec('xreadgroup', -7, ['write', 'blocking', 'movablekeys'], ['@write', '@stream', '@slow', '@blocking'], xreadHandler(true), MOVABLE),
    keySpecs: [streamsKeySpec(4)],
    docs: {
      summary: 'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.',
      group: 'stream',
      since: '5.0.0',
    },
  },
];
