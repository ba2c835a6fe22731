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
  spec('brpoplpush', 4, MOVE_FLAGS, ['@write', '@list', '@slow', '@blocking'], move((a) => ['RPOPLPUSH', a[1] as string, a[2] as string]), TWO_KEYS),
];
