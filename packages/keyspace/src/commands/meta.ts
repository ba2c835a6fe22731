/**
 * Command metadata of Redis 7.0.15 (generated from src/commands/*.json: arity, flags, legacy
 * first/last/step key range as populateCommandLegacyRangeSpec computes it, group, ACL categories).
 * Every family module takes its name/arity/flags/keys from here so COMMAND INFO and the server's
 * READONLY/NOREPLICAS checks match Redis.
 */
import type { CommandFlag, CommandSpec } from '../command-api';
import { type CommandDocs, DOCS } from './meta-docs';

export interface CommandMeta {
  readonly arity: number;
  readonly flags: readonly string[];
  readonly keys: readonly [number, number, number];
  readonly group: string;
  readonly acl: readonly string[];
}

const M: Record<string, CommandMeta> = {
  'get': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'set': { arity: -3, flags: ['write', 'denyoom'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'setnx': { arity: 3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'setex': { arity: 4, flags: ['write', 'denyoom'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'psetex': { arity: 4, flags: ['write', 'denyoom'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'getset': { arity: 3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'getdel': { arity: 2, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'getex': { arity: -2, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'mget': { arity: -2, flags: ['readonly', 'fast'], keys: [1, -1, 1], group: 'string', acl: ['string'] },
  'mset': { arity: -3, flags: ['write', 'denyoom'], keys: [1, -1, 2], group: 'string', acl: ['string'] },
  'msetnx': { arity: -3, flags: ['write', 'denyoom'], keys: [1, -1, 2], group: 'string', acl: ['string'] },
  'incr': { arity: 2, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'incrby': { arity: 3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'decr': { arity: 2, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'decrby': { arity: 3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'incrbyfloat': { arity: 3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'append': { arity: 3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'strlen': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'getrange': { arity: 4, flags: ['readonly'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'setrange': { arity: 4, flags: ['write', 'denyoom'], keys: [1, 1, 1], group: 'string', acl: ['string'] },
  'del': { arity: -2, flags: ['write'], keys: [1, -1, 1], group: 'generic', acl: ['keyspace'] },
  'unlink': { arity: -2, flags: ['write', 'fast'], keys: [1, -1, 1], group: 'generic', acl: ['keyspace'] },
  'exists': { arity: -2, flags: ['readonly', 'fast'], keys: [1, -1, 1], group: 'generic', acl: ['keyspace'] },
  'type': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'expire': { arity: -3, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'pexpire': { arity: -3, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'expireat': { arity: -3, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'pexpireat': { arity: -3, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'ttl': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'pttl': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'expiretime': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'pexpiretime': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'persist': { arity: 2, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'rename': { arity: 3, flags: ['write'], keys: [1, 2, 1], group: 'generic', acl: ['keyspace'] },
  'renamenx': { arity: 3, flags: ['write', 'fast'], keys: [1, 2, 1], group: 'generic', acl: ['keyspace'] },
  'copy': { arity: -3, flags: ['write', 'denyoom'], keys: [1, 2, 1], group: 'generic', acl: ['keyspace'] },
  'move': { arity: 3, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'generic', acl: ['keyspace'] },
  'swapdb': { arity: 3, flags: ['write', 'fast'], keys: [0, 0, 0], group: 'server', acl: ['keyspace', 'dangerous'] },
  'touch': { arity: -2, flags: ['readonly', 'fast'], keys: [1, -1, 1], group: 'generic', acl: ['keyspace'] },
  'keys': { arity: 2, flags: ['readonly'], keys: [0, 0, 0], group: 'generic', acl: ['keyspace', 'dangerous'] },
  'scan': { arity: -2, flags: ['readonly', 'touches-arbitrary-keys'], keys: [0, 0, 0], group: 'generic', acl: ['keyspace'] },
  'randomkey': { arity: 1, flags: ['readonly', 'touches-arbitrary-keys'], keys: [0, 0, 0], group: 'generic', acl: ['keyspace'] },
  'dbsize': { arity: 1, flags: ['readonly', 'fast'], keys: [0, 0, 0], group: 'server', acl: ['keyspace'] },
  'flushdb': { arity: -1, flags: ['write'], keys: [0, 0, 0], group: 'server', acl: ['keyspace', 'dangerous'] },
  'flushall': { arity: -1, flags: ['write'], keys: [0, 0, 0], group: 'server', acl: ['keyspace', 'dangerous'] },
  'select': { arity: 2, flags: ['loading', 'stale', 'fast'], keys: [0, 0, 0], group: 'connection', acl: ['connection'] },
  'object|encoding': { arity: 3, flags: ['readonly'], keys: [2, 2, 1], group: 'generic', acl: ['keyspace'] },
  'object': { arity: -2, flags: [], keys: [0, 0, 0], group: 'generic', acl: [] },
  'hset': { arity: -4, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hsetnx': { arity: 4, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hget': { arity: 3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hmset': { arity: -4, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hmget': { arity: -3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hdel': { arity: -3, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hlen': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hexists': { arity: 3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hgetall': { arity: 2, flags: ['readonly'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hkeys': { arity: 2, flags: ['readonly'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hvals': { arity: 2, flags: ['readonly'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hincrby': { arity: 4, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hincrbyfloat': { arity: 4, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hstrlen': { arity: 3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hrandfield': { arity: -2, flags: ['readonly'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'hscan': { arity: -3, flags: ['readonly'], keys: [1, 1, 1], group: 'hash', acl: ['hash'] },
  'lpush': { arity: -3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'rpush': { arity: -3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'lpushx': { arity: -3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'rpushx': { arity: -3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'lpop': { arity: -2, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'rpop': { arity: -2, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'llen': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'lrange': { arity: 4, flags: ['readonly'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'lindex': { arity: 3, flags: ['readonly'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'lset': { arity: 4, flags: ['write', 'denyoom'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'linsert': { arity: 5, flags: ['write', 'denyoom'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'lrem': { arity: 4, flags: ['write'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'ltrim': { arity: 4, flags: ['write'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'lpos': { arity: -3, flags: ['readonly'], keys: [1, 1, 1], group: 'list', acl: ['list'] },
  'lmove': { arity: 5, flags: ['write', 'denyoom'], keys: [1, 2, 1], group: 'list', acl: ['list'] },
  'rpoplpush': { arity: 3, flags: ['write', 'denyoom'], keys: [1, 2, 1], group: 'list', acl: ['list'] },
  'blpop': { arity: -3, flags: ['write', 'noscript', 'blocking'], keys: [1, -2, 1], group: 'list', acl: ['list'] },
  'brpop': { arity: -3, flags: ['write', 'noscript', 'blocking'], keys: [1, -2, 1], group: 'list', acl: ['list'] },
  'blmove': { arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: [1, 2, 1], group: 'list', acl: ['list'] },
  'brpoplpush': { arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: [1, 2, 1], group: 'list', acl: ['list'] },
  'lmpop': { arity: -4, flags: ['write', 'movablekeys'], keys: [0, 0, 0], group: 'list', acl: ['list'] },
  'blmpop': { arity: -5, flags: ['write', 'blocking', 'movablekeys'], keys: [0, 0, 0], group: 'list', acl: ['list'] },
  'sadd': { arity: -3, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'set', acl: ['set'] },
  'srem': { arity: -3, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'set', acl: ['set'] },
  'scard': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'set', acl: ['set'] },
  'sismember': { arity: 3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'set', acl: ['set'] },
  'smismember': { arity: -3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'set', acl: ['set'] },
  'smembers': { arity: 2, flags: ['readonly'], keys: [1, 1, 1], group: 'set', acl: ['set'] },
  'spop': { arity: -2, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'set', acl: ['set'] },
  'srandmember': { arity: -2, flags: ['readonly'], keys: [1, 1, 1], group: 'set', acl: ['set'] },
  'smove': { arity: 4, flags: ['write', 'fast'], keys: [1, 2, 1], group: 'set', acl: ['set'] },
  'sinter': { arity: -2, flags: ['readonly'], keys: [1, -1, 1], group: 'set', acl: ['set'] },
  'sunion': { arity: -2, flags: ['readonly'], keys: [1, -1, 1], group: 'set', acl: ['set'] },
  'sdiff': { arity: -2, flags: ['readonly'], keys: [1, -1, 1], group: 'set', acl: ['set'] },
  'sinterstore': { arity: -3, flags: ['write', 'denyoom'], keys: [1, -1, 1], group: 'set', acl: ['set'] },
  'sunionstore': { arity: -3, flags: ['write', 'denyoom'], keys: [1, -1, 1], group: 'set', acl: ['set'] },
  'sdiffstore': { arity: -3, flags: ['write', 'denyoom'], keys: [1, -1, 1], group: 'set', acl: ['set'] },
  'sintercard': { arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], group: 'set', acl: ['set'] },
  'sscan': { arity: -3, flags: ['readonly'], keys: [1, 1, 1], group: 'set', acl: ['set'] },
  'zadd': { arity: -4, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zincrby': { arity: 4, flags: ['write', 'denyoom', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrem': { arity: -3, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zcard': { arity: 2, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zscore': { arity: 3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zmscore': { arity: -3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrank': { arity: 3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrevrank': { arity: 3, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zcount': { arity: 4, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zlexcount': { arity: 4, flags: ['readonly', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrange': { arity: -4, flags: ['readonly'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrangebyscore': { arity: -4, flags: ['readonly'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrevrangebyscore': { arity: -4, flags: ['readonly'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrangebylex': { arity: -4, flags: ['readonly'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrevrangebylex': { arity: -4, flags: ['readonly'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrevrange': { arity: -4, flags: ['readonly'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zpopmin': { arity: -2, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zpopmax': { arity: -2, flags: ['write', 'fast'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zremrangebyscore': { arity: 4, flags: ['write'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zremrangebyrank': { arity: 4, flags: ['write'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zremrangebylex': { arity: 4, flags: ['write'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrangestore': { arity: -5, flags: ['write', 'denyoom'], keys: [1, 2, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zunionstore': { arity: -4, flags: ['write', 'denyoom', 'movablekeys'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zinterstore': { arity: -4, flags: ['write', 'denyoom', 'movablekeys'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zrandmember': { arity: -2, flags: ['readonly'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zscan': { arity: -3, flags: ['readonly'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zunion': { arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], group: 'sorted_set', acl: ['sortedset'] },
  'zinter': { arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], group: 'sorted_set', acl: ['sortedset'] },
  'zdiff': { arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], group: 'sorted_set', acl: ['sortedset'] },
  'zdiffstore': { arity: -4, flags: ['write', 'denyoom', 'movablekeys'], keys: [1, 1, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zintercard': { arity: -3, flags: ['readonly', 'movablekeys'], keys: [0, 0, 0], group: 'sorted_set', acl: ['sortedset'] },
  'bzpopmin': { arity: -3, flags: ['write', 'noscript', 'fast', 'blocking'], keys: [1, -2, 1], group: 'sorted_set', acl: ['sortedset'] },
  'bzpopmax': { arity: -3, flags: ['write', 'noscript', 'fast', 'blocking'], keys: [1, -2, 1], group: 'sorted_set', acl: ['sortedset'] },
  'zmpop': { arity: -4, flags: ['write', 'movablekeys'], keys: [0, 0, 0], group: 'sorted_set', acl: ['sortedset'] },
  'bzmpop': { arity: -5, flags: ['write', 'blocking', 'movablekeys'], keys: [0, 0, 0], group: 'sorted_set', acl: ['sortedset'] },
  'multi': { arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow-busy'], keys: [0, 0, 0], group: 'transactions', acl: ['transaction'] },
  'exec': { arity: 1, flags: ['noscript', 'loading', 'stale', 'skip-slowlog'], keys: [0, 0, 0], group: 'transactions', acl: ['transaction'] },
  'discard': { arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow-busy'], keys: [0, 0, 0], group: 'transactions', acl: ['transaction'] },
  'watch': { arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'allow-busy'], keys: [1, -1, 1], group: 'transactions', acl: ['transaction'] },
  'unwatch': { arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow-busy'], keys: [0, 0, 0], group: 'transactions', acl: ['transaction'] },
  'object|help': { arity: 2, flags: ['loading', 'stale'], keys: [0, 0, 0], group: 'generic', acl: ['keyspace'] },
  'object|refcount': { arity: 3, flags: ['readonly'], keys: [2, 2, 1], group: 'generic', acl: ['keyspace'] },
  'object|freq': { arity: 3, flags: ['readonly'], keys: [2, 2, 1], group: 'generic', acl: ['keyspace'] },
  'object|idletime': { arity: 3, flags: ['readonly'], keys: [2, 2, 1], group: 'generic', acl: ['keyspace'] },
};

/** Metadata for a command (`object|encoding` for subcommands). Throws on an unknown name (a typo in a module). */
export function meta(fullName: string): CommandMeta {
  const m = M[fullName];
  if (!m) throw new Error(`no command metadata for '${fullName}'`);
  return m;
}

/**
 * A CommandSpec from the metadata plus a handler: `spec('get', handler)`.
 * For a subcommand pass the full name (`object|encoding`); the spec's name is the part after `|`.
 */
export function spec(fullName: string, handler: CommandSpec['handler'], extra?: Partial<CommandSpec>): CommandSpec {
  const bar = fullName.indexOf('|');
  return { ...specFromMeta(bar < 0 ? fullName : fullName.slice(bar + 1), meta(fullName), DOCS[fullName], handler), ...extra };
}

/** A CommandSpec named `name` from a metadata row and its docs (none: no key specs, tips or summary). */
export function specFromMeta(name: string, m: CommandMeta, docs: CommandDocs | undefined, handler: CommandSpec['handler']): CommandSpec {
  return {
    name,
    arity: m.arity,
    flags: m.flags as CommandFlag[],
    firstKey: m.keys[0],
    lastKey: m.keys[1],
    keyStep: m.keys[2],
    group: m.group,
    aclCategories: m.acl,
    keySpecs: docs?.keySpecs ?? [],
    tips: docs?.tips ?? [],
    summary: docs?.summary ?? '',
    since: docs?.since ?? '',
    handler,
  };
}

const CATEGORY_ORDER = ['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting'];

/**
 * The ACL categories COMMAND INFO shows (`@keyspace`, `@write`, `@slow`, ...): the explicit ones
 * plus those Redis implies from the flags (setImplicitACLCategories), in acl.c's table order.
 */
export function aclCategoriesOf(s: Pick<CommandSpec, 'flags' | 'aclCategories'>): string[] {
  const cats = new Set((s.aclCategories ?? []).map((c) => c.toLowerCase()));
  const f = new Set<string>(s.flags);
  if (f.has('write')) cats.add('write');
  if (f.has('readonly') && !cats.has('scripting')) cats.add('read');
  if (f.has('admin')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (f.has('pubsub')) cats.add('pubsub');
  if (f.has('fast')) cats.add('fast');
  if (f.has('blocking')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  return CATEGORY_ORDER.filter((c) => cats.has(c)).map((c) => `@${c}`);
}
