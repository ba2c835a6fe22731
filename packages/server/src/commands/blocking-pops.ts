import { ErrorReply, NULL_ARRAY, type RespValue } from '@replikit/resp';
import { parseBlockingTimeout } from '../blocking/parse-timeout';
import type { ClientConnection } from '../connection/client-connection';
import { type CommandContext, NO_REPLY, type ServerCommandSpec, spec, type ServerCommandFlag } from '../dispatch/command-spec';
import { SYNTAX } from '../dispatch/reply-texts';
import { eqi } from './arg-parsing';

/**
 * Blocking pops on top of the keyspace's non-blocking ones. Served at once, or later when a key
 * becomes ready, by running (and so propagating) the non-blocking command: BLPOP -> LPOP key,
 * BRPOP -> RPOP key, BLMOVE -> LMOVE, BRPOPLPUSH -> RPOPLPUSH, BZPOPMIN/MAX -> ZPOPMIN/MAX key.
 * Inside MULTI/EXEC they never block: they answer like a timeout.
 */
type Attempt = (ctx: CommandContext, key: string) => RespValue | undefined;

function block(ctx: CommandContext, keys: readonly string[], timeoutMs: number, attempt: Attempt): RespValue | typeof NO_REPLY {
  const client = ctx.client as ClientConnection;
  ctx.runtime.blocking.block(
    {
      client,
      db: client.db,
      keys,
      timeoutReply: NULL_ARRAY,
      tryServe: (key) => {
        const r = attempt(ctx, key);
        return r instanceof ErrorReply ? undefined : r;
      },
    },
    timeoutMs,
  );
  return NO_REPLY;
}

/** BLPOP/BRPOP/BZPOPMIN/BZPOPMAX key [key ...] timeout */
function multiKeyPop(pop: string, withKey: (key: string, r: RespValue) => RespValue) {
  const attempt: Attempt = (ctx, key) => {
    const r = ctx.keyspace([pop, key]);
    if (r instanceof ErrorReply) return r;
    if (r === null || (Array.isArray(r) && r.length === 0)) return undefined;
    return withKey(key, r);
  };
  return (ctx: CommandContext, argv: readonly string[]): RespValue | typeof NO_REPLY => {
    const timeout = parseBlockingTimeout(argv[argv.length - 1] as string);
    if (timeout instanceof ErrorReply) return timeout;
    const keys = argv.slice(1, -1);
    for (const key of keys) {
      const r = attempt(ctx, key);
      if (r !== undefined) return r;
    }
    if (ctx.inExec || ctx.client.multi !== undefined) return NULL_ARRAY;
    return block(ctx, keys, timeout, attempt);
  };
}

/** BLMOVE src dst LEFT|RIGHT LEFT|RIGHT timeout, BRPOPLPUSH src dst timeout */
function move(toArgv: (argv: readonly string[]) => string[]) {
  return (ctx: CommandContext, argv: readonly string[]): RespValue | typeof NO_REPLY => {
    if (argv.length === 6) {
      for (const w of [argv[3], argv[4]]) if (!eqi(w, 'left') && !eqi(w, 'right')) return SYNTAX;
    }
    const timeout = parseBlockingTimeout(argv[argv.length - 1] as string);
    if (timeout instanceof ErrorReply) return timeout;
    const nonBlocking = toArgv(argv);
    const r0 = ctx.keyspace([...nonBlocking]);
    const r = r0 === null ? undefined : r0;
    if (r !== undefined) return r;
    // blmoveGenericCommand answers a non-blocking context with the null bulk, a timeout with the null array
    if (ctx.inExec || ctx.client.multi !== undefined) return null;
    // Served later, Redis propagates the directions as its shared LEFT/RIGHT objects (upper case).
    const later = nonBlocking.map((a, i) => (i >= 3 ? a.toUpperCase() : a));
    const attempt: Attempt = (c) => {
      const res = c.keyspace([...later]);
      return res === null ? undefined : res;
    };
    return block(ctx, [argv[1] as string], timeout, attempt);
  };
}

/**
 * BLMPOP/BZMPOP timeout numkeys key [key ...] LEFT|RIGHT / MIN|MAX [COUNT count]: the arguments are
 * checked in Redis's order (numkeys, direction, COUNT, then the timeout) before any key is read;
 * served at once or later by LMPOP/ZMPOP, which reply [key, elements] and propagate LPOP/RPOP or
 * ZPOPMIN/ZPOPMAX key <number popped> as Redis does.
 */
function mpop(nonBlocking: 'LMPOP' | 'ZMPOP', ends: readonly [string, string]) {
  const numkeysErr = new ErrorReply('ERR numkeys should be greater than 0');
  const countErr = new ErrorReply('ERR count should be greater than 0');
  // getRangeLongFromObjectOrReply(1, LONG_MAX): a canonical integer >= 1
  const positive = (s: string) => /^[1-9]\d{0,18}$/.test(s) && BigInt(s) <= 9223372036854775807n;
  return (ctx: CommandContext, argv: readonly string[]): RespValue | typeof NO_REPLY => {
    if (!positive(argv[2] as string)) return numkeysErr;
    const numkeys = Number(argv[2]);
    const whereIdx = 2 + numkeys + 1;
    if (whereIdx >= argv.length) return SYNTAX;
    const where = argv[whereIdx] as string;
    if (!eqi(where, ends[0]) && !eqi(where, ends[1])) return SYNTAX;
    let count: string | undefined;
    for (let j = whereIdx + 1; j < argv.length; j++) {
      if (count === undefined && eqi(argv[j] as string, 'count') && j + 1 < argv.length) {
        count = argv[++j] as string;
        if (!positive(count)) return countErr;
      } else return SYNTAX;
    }
    const timeout = parseBlockingTimeout(argv[1] as string);
    if (timeout instanceof ErrorReply) return timeout;
    const keys = argv.slice(3, whereIdx) as string[];
    const tail = [where, 'COUNT', count ?? '1'];
    const r = ctx.keyspace([nonBlocking, String(keys.length), ...keys, ...tail]);
    if (r !== NULL_ARRAY) return r;
    if (ctx.inExec || ctx.client.multi !== undefined) return NULL_ARRAY;
    const attempt: Attempt = (c, key) => {
      const res = c.keyspace([nonBlocking, '1', key, ...tail]);
      return res === NULL_ARRAY ? undefined : res;
    };
    return block(ctx, keys, timeout, attempt);
  };
}

const LIST_FLAGS: readonly ServerCommandFlag[] = ['write', 'noscript', 'blocking'];
const MOVE_FLAGS: readonly ServerCommandFlag[] = ['write', 'denyoom', 'noscript', 'blocking'];
const ZSET_FLAGS: readonly ServerCommandFlag[] = ['write', 'noscript', 'blocking', 'fast'];
const MULTI_KEYS = { firstKey: 1, lastKey: -2, keyStep: 1 };
const TWO_KEYS = { firstKey: 1, lastKey: 2, keyStep: 1 };

export const blockingCommands: ServerCommandSpec[] = [
  spec('blpop', -3, LIST_FLAGS, ['@write', '@list', '@slow', '@blocking'], multiKeyPop('LPOP', (k, v) => [k, v]), MULTI_KEYS),
  spec('brpop', -3, LIST_FLAGS, ['@write', '@list', '@slow', '@blocking'], multiKeyPop('RPOP', (k, v) => [k, v]), MULTI_KEYS),
  spec('bzpopmin', -3, ZSET_FLAGS, ['@write', '@sortedset', '@fast', '@blocking'], multiKeyPop('ZPOPMIN', (k, v) => [k, ...(v as RespValue[])]), MULTI_KEYS),
  spec('bzpopmax', -3, ZSET_FLAGS, ['@write', '@sortedset', '@fast', '@blocking'], multiKeyPop('ZPOPMAX', (k, v) => [k, ...(v as RespValue[])]), MULTI_KEYS),
  spec('blmove', 6, MOVE_FLAGS, ['@write', '@list', '@slow', '@blocking'], move((a) => ['LMOVE', a[1] as string, a[2] as string, a[3] as string, a[4] as string]), TWO_KEYS),
  spec('blmpop', -5, ['write', 'blocking', 'movablekeys'], ['@write', '@list', '@slow', '@blocking'], mpop('LMPOP', ['left', 'right']), { firstKey: 0, lastKey: 0, keyStep: 0 }),
  spec('bzmpop', -5, ['write', 'blocking', 'movablekeys'], ['@write', '@sortedset', '@slow', '@blocking'], mpop('ZMPOP', ['min', 'max']), { firstKey: 0, lastKey: 0, keyStep: 0 }),
  spec('brpoplpush', 4, MOVE_FLAGS, ['@write', '@list', '@slow', '@blocking'], move((a) => ['RPOPLPUSH', a[1] as string, a[2] as string]), TWO_KEYS),
];
