import { DoubleReply } from '@replikit/resp';
import type { ZSetValue } from '../types/zset-value';
import { zsetCommands } from './zset';
import { zpop } from './zset-pop';
import { zpopminCommand } from './zset-pop';
import { zrandmemberCommand } from './zset-random';
import { zrangeCommand } from './zset-range';
import { Kit, callWithResp } from './zset-test-kit';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const SYNTAX = 'ERR syntax error';
const NOT_FLOAT = 'ERR value is not a valid float';
const NOT_INT = 'ERR value is not an integer or out of range';
const RANGE_FLOAT = 'ERR min or max is not a float';
const RANGE_LEX = 'ERR min or max not valid string range item';
const d = (v: number) => new DoubleReply(v);

let k: Kit;
beforeEach(() => {
  k = new Kit();
  k.call('SET', 'str', 'x');
});
afterEach(() => k.close());

function encoding(key: string): unknown {
  return k.call('OBJECT', 'ENCODING', key);
}

describe('sorted set command table', () => {
  it('declares Redis 7.0 arity, flags and keys', () => {
    const t = Object.fromEntries(zsetCommands.map((c) => [c.name, c]));
    expect(zsetCommands).toHaveLength(32);
    expect(t.zadd).toMatchObject({ arity: -4, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1 });
    expect(t.zrangestore).toMatchObject({ arity: -5, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 2, keyStep: 1 });
    expect(t.zunionstore).toMatchObject({ arity: -4, flags: ['write', 'denyoom', 'movablekeys'] });
    expect(t.zpopmin).toMatchObject({ arity: -2, flags: ['write', 'fast'] });
    expect(t.zscore).toMatchObject({ arity: 3, flags: ['readonly', 'fast'] });
    expect(t.zrange).toMatchObject({ arity: -4, flags: ['readonly'] });
  });
  it('answers arity errors with the command name', () => {
    expect(k.err('ZADD', 'z', '1')).toBe("ERR wrong number of arguments for 'zadd' command");
    expect(k.err('ZRANK', 'z', 'a', 'WITHSCORE')).toBe("ERR wrong number of arguments for 'zrank' command");
    expect(k.err('ZMSCORE', 'z')).toBe("ERR wrong number of arguments for 'zmscore' command");
  });
});

describe('ZADD / ZINCRBY', () => {
  it('adds, updates, counts CH, and dirties per change', () => {
    expect(k.run('ZADD', 'z', '1', 'a', '2', 'b')).toEqual({ reply: 2, prop: [['ZADD', 'z', '1', 'a', '2', 'b']] });
    expect(k.run('zadd', 'z', '1', 'a')).toEqual({ reply: 0, prop: [] });
    expect(k.run('ZADD', 'z', 'CH', '5', 'a', '3', 'c')).toMatchObject({ reply: 2 });
    expect(k.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['b', d(2), 'c', d(3), 'a', d(5)]);
  });
  it('NX XX GT LT and INCR', () => {
    k.call('ZADD', 'z', '1', 'a');
    expect(k.call('ZADD', 'z', 'NX', '9', 'a', '9', 'c')).toBe(1);
    expect(k.call('ZADD', 'z', 'XX', 'CH', '9', 'a', '9', 'd')).toBe(1);
    expect(k.call('ZSCORE', 'z', 'd')).toBeNull();
    expect(k.call('ZADD', 'z', 'GT', 'CH', '1', 'a')).toBe(0);
    expect(k.call('ZADD', 'z', 'LT', 'CH', '1', 'a')).toBe(1);
    expect(k.call('ZADD', 'z', 'XX', 'INCR', '1', 'a')).toEqual(d(2));
    expect(k.call('ZADD', 'z', 'NX', 'INCR', '1', 'a')).toBeNull();
    expect(k.call('ZADD', 'z', 'GT', 'INCR', '-1', 'a')).toBeNull();
    expect(k.call('ZADD', 'z', 'LT', 'INCR', '-1', 'a')).toEqual(d(1));
    expect(k.run('ZADD', 'nokey', 'XX', '1', 'a')).toEqual({ reply: 0, prop: [] });
    expect(k.call('ZADD', 'nokey', 'XX', 'INCR', '1', 'a')).toBeNull();
    expect(k.call('EXISTS', 'nokey')).toBe(0);
  });
  it('rejects incompatible options, odd pairs and bad scores', () => {
    expect(k.err('ZADD', 'z', 'NX', 'XX', '1', 'a')).toBe('ERR XX and NX options at the same time are not compatible');
    expect(k.err('ZADD', 'z', 'GT', 'LT', '1', 'a')).toBe('ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(k.err('ZADD', 'z', 'NX', 'GT', '1', 'a')).toBe('ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(k.err('ZADD', 'z', 'INCR', '1', 'a', '2', 'b')).toBe('ERR INCR option supports a single increment-element pair');
    expect(k.err('ZADD', 'z', '1', 'a', '2')).toBe(SYNTAX);
    expect(k.err('ZADD', 'z', 'NX', 'XX')).toBe(SYNTAX);
    for (const bad of ['abc', 'nan', '', ' 1', '1e400', '1e-400']) expect(k.err('ZADD', 'z', bad, 'a')).toBe(NOT_FLOAT);
    expect(k.err('ZADD', 'str', '1', 'a')).toBe(WRONGTYPE);
    expect(k.call('ZADD', 'z', 'inf', 'inf', '-INFINITY', 'm', '0x10', 'h')).toBe(3);
    expect(k.call('ZSCORE', 'z', 'h')).toEqual(d(16));
  });
  it('ZINCRBY and NaN results', () => {
    expect(k.call('ZINCRBY', 'z', '1.5', 'a')).toEqual(d(1.5));
    expect(k.call('ZINCRBY', 'z', 'inf', 'a')).toEqual(d(Number.POSITIVE_INFINITY));
    expect(k.run('ZINCRBY', 'z', '-inf', 'a')).toEqual({ reply: expect.objectContaining({ message: 'ERR resulting score is not a number (NaN)' }), prop: [] });
    expect(k.err('ZINCRBY', 'z', 'abc', 'a')).toBe(NOT_FLOAT);
    expect(k.err('ZINCRBY', 'z', 'nx', 'a')).toBe(SYNTAX);
    expect(k.err('ZINCRBY', 'str', '1', 'a')).toBe(WRONGTYPE);
  });
  it('switches encoding like Redis 7.0', () => {
    k.call('ZADD', 'z', '1', 'a');
    expect(encoding('z')).toBe('listpack');
    k.call('ZADD', 'z', '1', 'x'.repeat(65));
    expect(encoding('z')).toBe('skiplist');
    k.call('ZADD', 'z2', '1', 'x'.repeat(65));
    expect(encoding('z2')).toBe('skiplist');
    const args: string[] = [];
    for (let i = 0; i < 129; i++) args.push('1', 'a');
    k.call('ZADD', 'z3', ...args);
    expect(encoding('z3')).toBe('listpack');
    for (let i = 0; i < 129; i++) k.call('ZADD', 'z3', String(i), `m${i}`);
    expect(encoding('z3')).toBe('skiplist');
  });
  it('stores -0 as 0 in a listpack, keeps it in a skiplist', () => {
    k.call('ZADD', 'z', '-0', 'a');
    expect(Object.is((k.call('ZSCORE', 'z', 'a') as DoubleReply).value, 0)).toBe(true);
    k.call('ZADD', 'big', '1', 'x'.repeat(65), '-0', 'a');
    expect(Object.is((k.call('ZSCORE', 'big', 'a') as DoubleReply).value, -0)).toBe(true);
  });
});

describe('point reads and ZREM', () => {
  beforeEach(() => k.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'));
  it('ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK', () => {
    expect(k.call('ZCARD', 'z')).toBe(3);
    expect(k.call('ZCARD', 'nokey')).toBe(0);
    expect(k.call('ZSCORE', 'z', 'b')).toEqual(d(2));
    expect(k.call('ZSCORE', 'nokey', 'b')).toBeNull();
    expect(k.call('ZMSCORE', 'z', 'a', 'x')).toEqual([d(1), null]);
    expect(k.call('ZMSCORE', 'nokey', 'a')).toEqual([null]);
    expect(k.call('ZRANK', 'z', 'c')).toBe(2);
    expect(k.call('ZREVRANK', 'z', 'c')).toBe(0);
    expect(k.call('ZRANK', 'z', 'x')).toBeNull();
    expect(k.call('ZRANK', 'nokey', 'x')).toBeNull();
    for (const c of ['ZCARD', 'ZSCORE', 'ZMSCORE', 'ZRANK', 'ZREVRANK']) expect(k.err(c, 'str', ...(c === 'ZCARD' ? [] : ['a']))).toBe(WRONGTYPE);
  });
  it('ZREM removes, deletes the emptied key, propagates only changes', () => {
    expect(k.run('ZREM', 'z', 'a', 'x')).toEqual({ reply: 1, prop: [['ZREM', 'z', 'a', 'x']] });
    expect(k.run('ZREM', 'z', 'x')).toEqual({ reply: 0, prop: [] });
    expect(k.call('ZREM', 'z', 'b', 'c', 'b')).toBe(2);
    expect(k.call('EXISTS', 'z')).toBe(0);
    expect(k.call('ZREM', 'nokey', 'a')).toBe(0);
    expect(k.err('ZREM', 'str', 'a')).toBe(WRONGTYPE);
  });
  it('ZCOUNT and ZLEXCOUNT', () => {
    expect(k.call('ZCOUNT', 'z', '-inf', '+inf')).toBe(3);
    expect(k.call('ZCOUNT', 'z', '(1', '3')).toBe(2);
    expect(k.call('ZCOUNT', 'z', '(1', '(1')).toBe(0);
    expect(k.call('ZCOUNT', 'z', '', '1')).toBe(1);
    expect(k.call('ZCOUNT', 'z', ' 2', '1e400')).toBe(2);
    expect(k.err('ZCOUNT', 'nokey', 'a', 'b')).toBe(RANGE_FLOAT);
    expect(k.err('ZCOUNT', 'z', '1 ', '2')).toBe(RANGE_FLOAT);
    expect(k.err('ZCOUNT', 'z', '(nan', '2')).toBe(RANGE_FLOAT);
    expect(k.err('ZCOUNT', 'str', '1', '2')).toBe(WRONGTYPE);
    k.call('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd');
    expect(k.call('ZLEXCOUNT', 'l', '-', '+')).toBe(4);
    expect(k.call('ZLEXCOUNT', 'l', '(a', '[c')).toBe(2);
    expect(k.call('ZLEXCOUNT', 'l', '+', '-')).toBe(0);
    expect(k.call('ZLEXCOUNT', 'nokey', '-', '+')).toBe(0);
    for (const [a, b] of [['a', 'b'], ['', '+'], ['-', '++'], ['[a', 'x']]) expect(k.err('ZLEXCOUNT', 'l', a, b)).toBe(RANGE_LEX);
    expect(k.err('ZLEXCOUNT', 'str', '-', '+')).toBe(WRONGTYPE);
  });
});

describe('ZRANGE family', () => {
  beforeEach(() => k.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '0.1', 'd', '-0', 'e'));
  it('by rank, reverse, WITHSCORES', () => {
    expect(k.call('ZRANGE', 'z', '0', '-1')).toEqual(['e', 'd', 'a', 'b', 'c']);
    expect(k.call('ZRANGE', 'z', '-2', '-1', 'WITHSCORES')).toEqual(['b', d(2), 'c', d(3)]);
    expect(k.call('ZRANGE', 'z', '-100', '1')).toEqual(['e', 'd']);
    expect(k.call('ZRANGE', 'z', '5', '10')).toEqual([]);
    expect(k.call('ZRANGE', 'z', '0', '-1', 'REV')).toEqual(['c', 'b', 'a', 'd', 'e']);
    expect(k.call('ZREVRANGE', 'z', '0', '0', 'WITHSCORES')).toEqual(['c', d(3)]);
    expect(k.call('ZRANGE', 'z', '0', '1', 'LIMIT', '5', '-1')).toEqual(['e', 'd']);
    expect(k.call('ZRANGE', 'nokey', '0', '1')).toEqual([]);
  });
  it('by score with LIMIT', () => {
    expect(k.call('ZRANGE', 'z', '(0.1', '+inf', 'BYSCORE')).toEqual(['a', 'b', 'c']);
    expect(k.call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '2')).toEqual(['d', 'a']);
    expect(k.call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '-5')).toEqual(['d', 'a', 'b', 'c']);
    expect(k.call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '5')).toEqual([]);
    expect(k.call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '0')).toEqual([]);
    expect(k.call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '0', '1', 'LIMIT', '1', '1')).toEqual(['d']);
    expect(k.call('ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'WITHSCORES', 'LIMIT', '1', '2')).toEqual(['b', d(2), 'a', d(1)]);
    expect(k.call('ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV')).toEqual(['c', 'b', 'a', 'd', 'e']);
  });
  it('by lex', () => {
    k.call('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd');
    expect(k.call('ZRANGEBYLEX', 'l', '[b', '+')).toEqual(['b', 'c', 'd']);
    expect(k.call('ZREVRANGEBYLEX', 'l', '+', '-', 'LIMIT', '0', '2')).toEqual(['d', 'c']);
    expect(k.call('ZRANGE', 'l', '+', '-', 'BYLEX', 'REV', 'LIMIT', '1', '1')).toEqual(['c']);
    expect(k.call('ZRANGE', 'l', '(a', '(d', 'BYLEX')).toEqual(['b', 'c']);
  });
  it('syntax and range errors, parsed before the key is looked up', () => {
    expect(k.err('ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1')).toBe('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    expect(k.err('ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES')).toBe('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    expect(k.err('ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES')).toBe('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    expect(k.err('ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX')).toBe(SYNTAX);
    expect(k.err('ZRANGE', 'z', '0', '-1', 'REV', 'REV')).toBe(SYNTAX);
    expect(k.err('ZRANGEBYSCORE', 'z', '0', '1', 'REV')).toBe(SYNTAX);
    expect(k.err('ZRANGE', 'z', '0', '1', 'LIMIT', '0')).toBe(SYNTAX);
    expect(k.err('ZRANGE', 'z', '0', '1', 'bar')).toBe(SYNTAX);
    expect(k.err('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', 'abc')).toBe(NOT_INT);
    expect(k.err('ZRANGE', 'z', 'a', 'b')).toBe(NOT_INT);
    expect(k.err('ZRANGE', 'z', '(0', '1')).toBe(NOT_INT);
    expect(k.err('ZRANGEBYSCORE', 'nokey', 'a', '1')).toBe(RANGE_FLOAT);
    expect(k.err('ZRANGEBYLEX', 'nokey', 'a', 'b')).toBe(RANGE_LEX);
    expect(k.err('ZRANGE', 'str', '0', '1')).toBe(WRONGTYPE);
    expect(k.err('ZRANGE', 'str', '0', '1', 'LIMIT')).toBe(SYNTAX);
  });
  it('ZRANGESTORE stores, deletes on empty, rejects WITHSCORES', () => {
    expect(k.run('ZRANGESTORE', 'dst', 'z', '(1', '3', 'BYSCORE', 'LIMIT', '0', '1')).toEqual({ reply: 1, prop: [['ZRANGESTORE', 'dst', 'z', '(1', '3', 'BYSCORE', 'LIMIT', '0', '1']] });
    expect(k.call('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')).toEqual(['b', d(2)]);
    expect(k.run('ZRANGESTORE', 'dst', 'z', '10', '20')).toEqual({ reply: 0, prop: [['ZRANGESTORE', 'dst', 'z', '10', '20']] });
    expect(k.call('EXISTS', 'dst')).toBe(0);
    expect(k.run('ZRANGESTORE', 'dst', 'nokey', '0', '-1')).toEqual({ reply: 0, prop: [] });
    expect(k.err('ZRANGESTORE', 'dst', 'z', '0', '-1', 'WITHSCORES')).toBe(SYNTAX);
    expect(k.err('ZRANGESTORE', 'dst', 'z', '0', '-1', 'LIMIT', '0', '1')).toBe('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    expect(k.err('ZRANGESTORE', 'dst', 'str', '0', '-1')).toBe(WRONGTYPE);
    k.call('ZADD', 'big', '1', 'x'.repeat(65));
    k.call('ZRANGESTORE', 'dst', 'big', '0', '-1');
    expect(encoding('dst')).toBe('skiplist');
    k.call('ZRANGESTORE', 'dst', 'z', '0', '-1');
    expect(encoding('dst')).toBe('listpack');
  });
  it('RESP3 answers [member, score] pairs', () => {
    const z = (k.ks as unknown as { ctx: { dbs: Array<{ peek(k: string): unknown }> } }).ctx.dbs[0].peek('z') as ZSetValue;
    const data = new Map<string, ZSetValue>([['z', z]]);
    expect(callWithResp(zrangeCommand, data, 3, 'ZRANGE', 'z', '0', '1', 'WITHSCORES')).toEqual([
      ['e', d(0)],
      ['d', d(0.1)],
    ]);
    expect(callWithResp(zrangeCommand, data, 2, 'ZRANGE', 'z', '0', '1', 'WITHSCORES')).toEqual(['e', d(0), 'd', d(0.1)]);
    expect(callWithResp(zrandmemberCommand, data, 3, 'ZRANDMEMBER', 'z', '1', 'WITHSCORES')).toEqual([[expect.any(String), expect.any(DoubleReply)]]);
  });
});

describe('ZPOPMIN / ZPOPMAX and zpop()', () => {
  beforeEach(() => k.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'));
  it('pops from either end, deletes the emptied key, propagates verbatim', () => {
    expect(k.run('ZPOPMIN', 'z')).toEqual({ reply: ['a', d(1)], prop: [['ZPOPMIN', 'z']] });
    expect(k.run('zpopmax', 'z', '5')).toEqual({ reply: ['c', d(3), 'b', d(2)], prop: [['zpopmax', 'z', '5']] });
    expect(k.call('EXISTS', 'z')).toBe(0);
    expect(k.run('ZPOPMIN', 'z')).toEqual({ reply: [], prop: [] });
    expect(k.call('ZPOPMIN', 'nokey', '2')).toEqual([]);
  });
  it('errors: count, syntax, wrong type (type before count 0)', () => {
    expect(k.run('ZPOPMIN', 'z', '0')).toEqual({ reply: [], prop: [] });
    expect(k.err('ZPOPMIN', 'z', '-1')).toBe('ERR value is out of range, must be positive');
    expect(k.err('ZPOPMIN', 'z', 'abc')).toBe('ERR value is out of range, must be positive');
    expect(k.err('ZPOPMIN', 'z', '1', '2')).toBe(SYNTAX);
    expect(k.err('ZPOPMIN', 'str', '0')).toBe(WRONGTYPE);
    expect(k.err('ZPOPMAX', 'str')).toBe(WRONGTYPE);
  });
  it('RESP3 nests pairs only when a count is given', () => {
    const data = new Map<string, ZSetValue>();
    k.call('ZADD', 'r', '1', 'a', '2', 'b');
    const z = (k.ks as unknown as { ctx: { dbs: Array<{ peek(k: string): unknown }> } }).ctx.dbs[0].peek('r') as ZSetValue;
    data.set('r', z.clone());
    expect(callWithResp(zpopminCommand, data, 3, 'ZPOPMIN', 'r')).toEqual(['a', d(1)]);
    expect(callWithResp(zpopminCommand, data, 3, 'ZPOPMIN', 'r', '1')).toEqual([['b', d(2)]]);
  });
  it('zpop() serves BZPOPMIN/BZPOPMAX', () => {
    const data = new Map<string, unknown>();
    const calls: number[] = [];
    const ctx = {
      db: { lookupWrite: (key: string) => data.get(key), delete: (key: string) => data.delete(key) },
      dirty: (n = 1) => calls.push(n),
      notify: () => {},
    } as never;
    const z = (k.ks as unknown as { ctx: { dbs: Array<{ peek(k: string): unknown }> } }).ctx.dbs[0].peek('z') as ZSetValue;
    data.set('z', z.clone());
    data.set('s', 'x');
    expect(zpop(ctx, 'z', true, 1)).toEqual([['c', 3]]);
    expect(zpop(ctx, 'z', false, 5)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(data.has('z')).toBe(false);
    expect(calls).toEqual([1, 2]);
    expect(zpop(ctx, 'nokey', false, 1)).toEqual([]);
    expect((zpop(ctx, 's', false, 1) as { message: string }).message).toBe(WRONGTYPE);
  });
});

describe('ZREMRANGEBY*', () => {
  beforeEach(() => k.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'));
  it('removes by rank, score and lex', () => {
    expect(k.run('ZREMRANGEBYRANK', 'z', '0', '0')).toEqual({ reply: 1, prop: [['ZREMRANGEBYRANK', 'z', '0', '0']] });
    expect(k.run('ZREMRANGEBYRANK', 'z', '10', '20')).toEqual({ reply: 0, prop: [] });
    expect(k.call('ZREMRANGEBYSCORE', 'z', '(2', '3')).toBe(1);
    expect(k.call('ZREMRANGEBYSCORE', 'z', '(0', '(0')).toBe(0);
    expect(k.call('ZRANGE', 'z', '0', '-1')).toEqual(['b', 'd']);
    expect(k.call('ZREMRANGEBYRANK', 'z', '-100', '100')).toBe(2);
    expect(k.call('EXISTS', 'z')).toBe(0);
    k.call('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c');
    expect(k.call('ZREMRANGEBYLEX', 'l', '[b', '+')).toBe(2);
    expect(k.call('ZREMRANGEBYLEX', 'l', '-', '+')).toBe(1);
    expect(k.call('EXISTS', 'l')).toBe(0);
  });
  it('parses the range before looking the key up', () => {
    expect(k.err('ZREMRANGEBYRANK', 'nokey', 'a', '1')).toBe(NOT_INT);
    expect(k.err('ZREMRANGEBYSCORE', 'nokey', 'a', '1')).toBe(RANGE_FLOAT);
    expect(k.err('ZREMRANGEBYLEX', 'nokey', 'a', 'b')).toBe(RANGE_LEX);
    expect(k.call('ZREMRANGEBYSCORE', 'nokey', '1', '2')).toBe(0);
    expect(k.err('ZREMRANGEBYRANK', 'str', '0', '1')).toBe(WRONGTYPE);
  });
});

describe('ZUNIONSTORE / ZINTERSTORE', () => {
  beforeEach(() => {
    k.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    k.call('SADD', 's', 'a', 'b', 'x');
  });
  it('aggregates with weights over sorted sets and sets', () => {
    expect(k.run('ZUNIONSTORE', 'out', '2', 'z', 's')).toEqual({ reply: 4, prop: [['ZUNIONSTORE', 'out', '2', 'z', 's']] });
    expect(k.call('ZRANGE', 'out', '0', '-1', 'WITHSCORES')).toEqual(['x', d(1), 'a', d(2), 'b', d(3), 'c', d(3)]);
    expect(k.call('ZINTERSTORE', 'out', '2', 'z', 's', 'AGGREGATE', 'MIN')).toBe(2);
    expect(k.call('ZRANGE', 'out', '0', '-1', 'WITHSCORES')).toEqual(['a', d(1), 'b', d(1)]);
    expect(k.call('ZUNIONSTORE', 'out', '2', 'z', 's', 'WEIGHTS', '2', '3', 'AGGREGATE', 'max')).toBe(4);
    expect(k.call('ZSCORE', 'out', 'c')).toEqual(d(6));
    expect(k.call('ZINTERSTORE', 'out', '2', 'z', 's', 'WEIGHTS', '1', 'inf')).toBe(2);
    expect(k.call('ZSCORE', 'out', 'a')).toEqual(d(Number.POSITIVE_INFINITY));
  });
  it('inf + -inf and inf * 0 become 0', () => {
    k.call('ZADD', 'i1', 'inf', 'a');
    k.call('ZADD', 'i2', '-inf', 'a');
    k.call('ZUNIONSTORE', 'out', '2', 'i1', 'i2');
    expect(k.call('ZSCORE', 'out', 'a')).toEqual(d(0));
    k.call('ZUNIONSTORE', 'out', '1', 'i1', 'WEIGHTS', '0');
    expect(k.call('ZSCORE', 'out', 'a')).toEqual(d(0));
  });
  it('an empty result deletes the destination', () => {
    expect(k.run('ZINTERSTORE', 'z', '2', 'z', 'nokey')).toEqual({ reply: 0, prop: [['ZINTERSTORE', 'z', '2', 'z', 'nokey']] });
    expect(k.call('EXISTS', 'z')).toBe(0);
    expect(k.run('ZUNIONSTORE', 'out', '1', 'nokey')).toEqual({ reply: 0, prop: [] });
  });
  it('errors: numkeys, syntax, weights, types before options', () => {
    expect(k.err('ZUNIONSTORE', 'out', '0', 'z')).toBe("ERR at least 1 input key is needed for 'zunionstore' command");
    expect(k.err('ZINTERSTORE', 'out', '-1', 'z')).toBe("ERR at least 1 input key is needed for 'zinterstore' command");
    expect(k.err('ZUNIONSTORE', 'out', 'abc', 'z')).toBe(NOT_INT);
    expect(k.err('ZUNIONSTORE', 'out', '3', 'z', 's')).toBe(SYNTAX);
    expect(k.err('ZUNIONSTORE', 'out', '2', 'z', 's', 'WEIGHTS', '2')).toBe(SYNTAX);
    expect(k.err('ZUNIONSTORE', 'out', '2', 'z', 's', 'WEIGHTS', '2', 'abc')).toBe('ERR weight value is not a float');
    expect(k.err('ZUNIONSTORE', 'out', '1', 'z', 'WEIGHTS', 'nan')).toBe('ERR weight value is not a float');
    expect(k.err('ZUNIONSTORE', 'out', '2', 'z', 's', 'AGGREGATE', 'foo')).toBe(SYNTAX);
    expect(k.err('ZUNIONSTORE', 'out', '1', 'z', 'AGGREGATE')).toBe(SYNTAX);
    expect(k.err('ZUNIONSTORE', 'out', '1', 'z', 'WITHSCORES')).toBe(SYNTAX);
    expect(k.err('ZUNIONSTORE', 'out', '1', 'str', 'WEIGHTS', 'abc')).toBe(WRONGTYPE);
  });
  it('result encoding follows zsetConvertToListpackIfNeeded, -0 in a listpack is 0', () => {
    k.call('ZADD', 'zero', '0', 'x');
    k.call('ZUNIONSTORE', 'out', '1', 'zero', 'WEIGHTS', '-1');
    expect(encoding('out')).toBe('listpack');
    expect(Object.is((k.call('ZSCORE', 'out', 'x') as DoubleReply).value, 0)).toBe(true);
    k.call('ZADD', 'big', '0', 'x', '1', 'y'.repeat(65));
    k.call('ZUNIONSTORE', 'out', '1', 'big', 'WEIGHTS', '-1');
    expect(encoding('out')).toBe('skiplist');
    expect(Object.is((k.call('ZSCORE', 'out', 'x') as DoubleReply).value, -0)).toBe(true);
  });
});

describe('ZRANDMEMBER and ZSCAN', () => {
  beforeEach(() => k.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'));
  it('ZRANDMEMBER counts and errors', () => {
    expect(['a', 'b', 'c']).toContain(k.call('ZRANDMEMBER', 'z'));
    expect(k.call('ZRANDMEMBER', 'nokey')).toBeNull();
    expect(k.call('ZRANDMEMBER', 'nokey', '2')).toEqual([]);
    expect(k.call('ZRANDMEMBER', 'z', '0')).toEqual([]);
    expect((k.call('ZRANDMEMBER', 'z', '5') as string[]).slice().sort()).toEqual(['a', 'b', 'c']);
    const two = k.call('ZRANDMEMBER', 'z', '2') as string[];
    expect(new Set(two).size).toBe(2);
    expect(k.call('ZRANDMEMBER', 'z', '-5')).toHaveLength(5);
    const ws = k.call('ZRANDMEMBER', 'z', '-3', 'WITHSCORES') as unknown[];
    expect(ws).toHaveLength(6);
    expect(ws[1]).toBeInstanceOf(DoubleReply);
    expect(k.err('ZRANDMEMBER', 'nokey', 'abc')).toBe(NOT_INT);
    expect(k.err('ZRANDMEMBER', 'z', '-9223372036854775808')).toBe('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    expect(k.err('ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES')).toBe('ERR value is out of range');
    expect(k.err('ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES')).toBe('ERR value is out of range');
    expect(k.err('ZRANDMEMBER', 'nokey', '1', 'foo')).toBe(SYNTAX);
    expect(k.err('ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x')).toBe(SYNTAX);
    expect(k.err('ZRANDMEMBER', 'str', '1')).toBe(WRONGTYPE);
  });
  it('ZSCAN returns a listpack whole, walks a skiplist with cursors, formats scores', () => {
    k.call('ZADD', 'z', '0.1', 'd');
    expect(k.call('ZSCAN', 'z', '0')).toEqual(['0', ['d', '0.10000000000000001', 'a', '1', 'b', '2', 'c', '3']]);
    expect(k.call('ZSCAN', 'z', '0', 'MATCH', '[ab]')).toEqual(['0', ['a', '1', 'b', '2']]);
    expect(k.call('ZSCAN', 'nokey', '0', 'COUNT', '0')).toEqual(['0', []]);
    expect(k.err('ZSCAN', 'z', '0', 'COUNT', '0')).toBe(SYNTAX);
    expect(k.err('ZSCAN', 'nokey', 'abc')).toBe('ERR invalid cursor');
    expect(k.err('ZSCAN', 'str', '0')).toBe(WRONGTYPE);
    const args: string[] = [];
    for (let i = 0; i < 200; i++) args.push(String(i), `m${i}`);
    k.call('ZADD', 'big', ...args);
    const seen = new Set<string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, items] = k.call('ZSCAN', 'big', cursor, 'COUNT', '50') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
      cursor = next;
      rounds++;
    } while (cursor !== '0' && rounds < 100);
    expect(seen.size).toBe(200);
    expect(rounds).toBeGreaterThan(1);
  });
});
