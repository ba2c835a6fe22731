import { SetReply } from '@replikit/resp';
import { setCommands } from './set';
import { Kit } from './zset-test-kit';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const SYNTAX = 'ERR syntax error';
const NOT_INT = 'ERR value is not an integer or out of range';
const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';

let k: Kit;
beforeEach(() => {
  k = new Kit();
  k.call('SET', 'str', 'x');
});
afterEach(() => k.close());

function members(key: string): string[] {
  return ((k.call('SMEMBERS', key) as SetReply).items as string[]).slice().sort();
}
function sorted(r: unknown): string[] {
  return ((r instanceof SetReply ? r.items : r) as string[]).slice().sort();
}

describe('set command table', () => {
  it('declares Redis 7.0 arity, flags and keys', () => {
    const t = Object.fromEntries(setCommands.map((c) => [c.name, c]));
    expect(setCommands).toHaveLength(17);
    expect(t.sadd).toMatchObject({ arity: -3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1 });
    expect(t.smove).toMatchObject({ arity: 4, flags: ['write', 'fast'], firstKey: 1, lastKey: 2, keyStep: 1 });
    expect(t.sinterstore).toMatchObject({ arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, keyStep: 1 });
    expect(t.sintercard).toMatchObject({ arity: -3, flags: ['readonly', 'movablekeys'], firstKey: 0 });
    expect(t.spop).toMatchObject({ arity: -2, flags: ['write', 'fast'] });
    expect(t.srandmember).toMatchObject({ arity: -2, flags: ['readonly'] });
  });
  it('answers arity errors with the command name', () => {
    expect(k.err('SADD', 's')).toBe("ERR wrong number of arguments for 'sadd' command");
    expect(k.err('SINTERCARD', '1')).toBe("ERR wrong number of arguments for 'sintercard' command");
    expect(k.err('SMOVE', 'a', 'b')).toBe("ERR wrong number of arguments for 'smove' command");
  });
});

describe('SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS', () => {
  it('adds and removes, deleting the emptied key, propagating only changes', () => {
    expect(k.run('SADD', 's', 'a', 'b', 'a')).toEqual({ reply: 2, prop: [['SADD', 's', 'a', 'b', 'a']] });
    expect(k.run('sadd', 's', 'a')).toEqual({ reply: 0, prop: [] });
    expect(k.call('SCARD', 's')).toBe(2);
    expect(k.call('SISMEMBER', 's', 'a')).toBe(1);
    expect(k.call('SISMEMBER', 's', 'z')).toBe(0);
    expect(k.call('SMISMEMBER', 's', 'a', 'z')).toEqual([1, 0]);
    expect(k.call('SMISMEMBER', 'nokey', 'a')).toEqual([0]);
    expect(members('s')).toEqual(['a', 'b']);
    expect(k.run('SREM', 's', 'z')).toEqual({ reply: 0, prop: [] });
    expect(k.run('SREM', 's', 'a', 'b', 'c')).toEqual({ reply: 2, prop: [['SREM', 's', 'a', 'b', 'c']] });
    expect(k.call('EXISTS', 's')).toBe(0);
    expect(k.call('SREM', 'nokey', 'a')).toBe(0);
    expect(k.call('SCARD', 'nokey')).toBe(0);
    expect(k.call('SISMEMBER', 'nokey', 'a')).toBe(0);
    expect(k.call('SMEMBERS', 'nokey')).toEqual(new SetReply([]));
  });
  it('rejects wrong types', () => {
    for (const argv of [['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'], ['SMISMEMBER', 'str', 'a'], ['SMEMBERS', 'str']]) {
      expect(k.err(...argv)).toBe(WRONGTYPE);
    }
  });
  it('switches encoding like Redis 7.0 and lists an intset in order', () => {
    k.call('SADD', 's', '3', '1', '-2');
    expect(k.call('OBJECT', 'ENCODING', 's')).toBe('intset');
    expect((k.call('SMEMBERS', 's') as SetReply).items).toEqual(['-2', '1', '3']);
    k.call('SADD', 's', 'a');
    expect(k.call('OBJECT', 'ENCODING', 's')).toBe('hashtable');
    k.call('SREM', 's', 'a');
    expect(k.call('OBJECT', 'ENCODING', 's')).toBe('hashtable');
    k.call('SADD', 'n', '01');
    expect(k.call('OBJECT', 'ENCODING', 'n')).toBe('hashtable');
    const ints = Array.from({ length: 512 }, (_, i) => String(i));
    k.call('SADD', 'big', ...ints);
    expect(k.call('OBJECT', 'ENCODING', 'big')).toBe('intset');
    k.call('SADD', 'big', '512');
    expect(k.call('OBJECT', 'ENCODING', 'big')).toBe('hashtable');
  });
});

describe('SPOP', () => {
  beforeEach(() => k.call('SADD', 's', 'a', 'b', 'c', 'd', 'e', 'f'));
  it('single: replies a member, propagates SREM', () => {
    const r = k.run('SPOP', 's');
    expect(['a', 'b', 'c', 'd', 'e', 'f']).toContain(r.reply);
    expect(r.prop).toEqual([['SREM', 's', r.reply]]);
    expect(k.call('SCARD', 's')).toBe(5);
    expect(k.run('SPOP', 'nokey')).toEqual({ reply: null, prop: [] });
  });
  it('single on a one-member set deletes the key and still propagates SREM', () => {
    k.call('SADD', 'one', 'z');
    expect(k.run('SPOP', 'one')).toEqual({ reply: 'z', prop: [['SREM', 'one', 'z']] });
    expect(k.call('EXISTS', 'one')).toBe(0);
  });
  it('count < size: one SREM per member wrapped in MULTI/EXEC (as redis-server 7.0 streams it)', () => {
    const r = k.run('SPOP', 's', '3');
    const popped = sorted(r.reply);
    expect(r.reply).toBeInstanceOf(SetReply);
    expect(popped).toHaveLength(3);
    expect(r.prop[0]).toEqual(['MULTI']);
    expect(r.prop[r.prop.length - 1]).toEqual(['EXEC']);
    expect(
      r.prop
        .slice(1, -1)
        .map((a) => a[2])
        .sort(),
    ).toEqual(popped);
    for (const a of r.prop.slice(1, -1)) expect(a.slice(0, 2)).toEqual(['SREM', 's']);
    expect(members('s').filter((m) => popped.includes(m))).toEqual([]);
  });
  it('count 1 of a larger set: a bare SREM', () => {
    const r = k.run('SPOP', 's', '1');
    expect(r.prop).toEqual([['SREM', 's', (r.reply as SetReply).items[0]]]);
  });
  it('count >= size: the whole set, propagated as DEL', () => {
    const r = k.run('spop', 's', '6');
    expect(sorted(r.reply)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(r.prop).toEqual([['DEL', 's']]);
    expect(k.call('EXISTS', 's')).toBe(0);
  });
  it('count 0, missing key, errors', () => {
    expect(k.run('SPOP', 's', '0')).toEqual({ reply: new SetReply([]), prop: [] });
    expect(k.run('SPOP', 'nokey', '3')).toEqual({ reply: new SetReply([]), prop: [] });
    expect(k.err('SPOP', 's', '-1')).toBe(MUST_BE_POSITIVE);
    expect(k.err('SPOP', 'nokey', 'abc')).toBe(MUST_BE_POSITIVE);
    expect(k.err('SPOP', 's', '1', '2')).toBe(SYNTAX);
    expect(k.err('SPOP', 'str')).toBe(WRONGTYPE);
    expect(k.err('SPOP', 'str', '0')).toBe(WRONGTYPE);
  });
});

describe('SRANDMEMBER', () => {
  beforeEach(() => k.call('SADD', 's', '1', '2', '3'));
  it('counts: positive distinct, negative with repeats, 0, missing key', () => {
    expect(['1', '2', '3']).toContain(k.call('SRANDMEMBER', 's'));
    expect(k.call('SRANDMEMBER', 'nokey')).toBeNull();
    expect(sorted(k.call('SRANDMEMBER', 's', '10'))).toEqual(['1', '2', '3']);
    expect(new Set(k.call('SRANDMEMBER', 's', '2') as string[]).size).toBe(2);
    expect(k.call('SRANDMEMBER', 's', '-7')).toHaveLength(7);
    expect(k.call('SRANDMEMBER', 's', '0')).toEqual([]);
    expect(k.call('SRANDMEMBER', 'nokey', '5')).toEqual([]);
    expect(k.run('SRANDMEMBER', 's', '2').prop).toEqual([]);
  });
  it('errors', () => {
    expect(k.err('SRANDMEMBER', 's', 'abc')).toBe(NOT_INT);
    expect(k.err('SRANDMEMBER', 'nokey', 'abc')).toBe(NOT_INT);
    expect(k.err('SRANDMEMBER', 's', '-9223372036854775808')).toBe('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    expect(k.err('SRANDMEMBER', 's', '1', '2')).toBe(SYNTAX);
    expect(k.err('SRANDMEMBER', 'str')).toBe(WRONGTYPE);
    expect(k.err('SRANDMEMBER', 'str', '0')).toBe(WRONGTYPE);
  });
});

describe('SMOVE', () => {
  beforeEach(() => k.call('SADD', 's', 'a', 'b'));
  it('moves, creates and deletes keys, no-ops on same key', () => {
    expect(k.run('SMOVE', 's', 'd', 'a')).toEqual({ reply: 1, prop: [['SMOVE', 's', 'd', 'a']] });
    expect(members('d')).toEqual(['a']);
    expect(k.run('SMOVE', 's', 's', 'b')).toEqual({ reply: 1, prop: [] });
    expect(k.run('SMOVE', 's', 's', 'z')).toEqual({ reply: 0, prop: [] });
    expect(k.run('SMOVE', 's', 'd', 'z')).toEqual({ reply: 0, prop: [] });
    expect(k.call('SMOVE', 's', 'd', 'b')).toBe(1);
    expect(k.call('EXISTS', 's')).toBe(0);
    expect(k.call('SMOVE', 'nokey', 'str', 'a')).toBe(0);
    k.call('SADD', 'n', '5');
    k.call('SMOVE', 'n', 'ints', '5');
    expect(k.call('OBJECT', 'ENCODING', 'ints')).toBe('intset');
  });
  it('checks both types once the source exists', () => {
    expect(k.err('SMOVE', 's', 'str', 'a')).toBe(WRONGTYPE);
    expect(k.err('SMOVE', 'str', 's', 'a')).toBe(WRONGTYPE);
    expect(members('s')).toEqual(['a', 'b']);
  });
});

describe('SINTER SUNION SDIFF and STORE forms', () => {
  beforeEach(() => {
    k.call('SADD', 'a', '1', '2', '3', 'x');
    k.call('SADD', 'b', '2', '3', '4');
    k.call('SADD', 'c', '3', '5');
  });
  it('computes', () => {
    expect(sorted(k.call('SINTER', 'a', 'b', 'c'))).toEqual(['3']);
    expect(sorted(k.call('SUNION', 'a', 'b', 'nokey'))).toEqual(['1', '2', '3', '4', 'x']);
    expect(sorted(k.call('SDIFF', 'a', 'b', 'nokey'))).toEqual(['1', 'x']);
    expect(k.call('SINTER', 'a', 'nokey')).toEqual(new SetReply([]));
    expect(k.call('SDIFF', 'nokey', 'a')).toEqual(new SetReply([]));
    expect(k.call('SINTER', 'c')).toEqual(new SetReply(['3', '5']));
  });
  it('type-checks every key, even after a missing one', () => {
    expect(k.err('SINTER', 'nokey', 'str')).toBe(WRONGTYPE);
    expect(k.err('SUNION', 'a', 'str')).toBe(WRONGTYPE);
    expect(k.err('SDIFF', 'nokey', 'str')).toBe(WRONGTYPE);
    expect(k.err('SINTERSTORE', 'd', 'a', 'str')).toBe(WRONGTYPE);
  });
  it('stores, replacing any value and its TTL; an empty result deletes the destination', () => {
    k.call('SET', 'd', 'v', 'EX', '100');
    expect(k.run('SINTERSTORE', 'd', 'a', 'b')).toEqual({ reply: 2, prop: [['SINTERSTORE', 'd', 'a', 'b']] });
    expect(members('d')).toEqual(['2', '3']);
    expect(k.call('TTL', 'd')).toBe(-1);
    expect(k.call('OBJECT', 'ENCODING', 'd')).toBe('intset');
    expect(k.call('SUNIONSTORE', 'd', 'a', 'b')).toBe(5);
    expect(k.call('OBJECT', 'ENCODING', 'd')).toBe('hashtable');
    expect(k.call('SDIFFSTORE', 'd', 'a', 'b')).toBe(2);
    expect(k.run('SINTERSTORE', 'd', 'a', 'nokey')).toEqual({ reply: 0, prop: [['SINTERSTORE', 'd', 'a', 'nokey']] });
    expect(k.call('EXISTS', 'd')).toBe(0);
    expect(k.run('SINTERSTORE', 'd', 'a', 'nokey')).toEqual({ reply: 0, prop: [] });
    expect(k.call('SINTERSTORE', 'str', 'a')).toBe(4);
    expect(k.call('TYPE', 'str')).toEqual(expect.objectContaining({ value: 'set' }));
  });
  it('SINTERCARD with LIMIT', () => {
    expect(k.call('SINTERCARD', '2', 'a', 'b')).toBe(2);
    expect(k.call('SINTERCARD', '2', 'a', 'b', 'LIMIT', '1')).toBe(1);
    expect(k.call('SINTERCARD', '1', 'a', 'LIMIT', '0')).toBe(4);
    expect(k.call('SINTERCARD', '2', 'a', 'nokey')).toBe(0);
    expect(k.err('SINTERCARD', '0', 'a')).toBe('ERR numkeys should be greater than 0');
    expect(k.err('SINTERCARD', 'abc', 'a')).toBe('ERR numkeys should be greater than 0');
    expect(k.err('SINTERCARD', '2', 'a')).toBe("ERR Number of keys can't be greater than number of args");
    expect(k.err('SINTERCARD', '1', 'a', 'LIMIT')).toBe(SYNTAX);
    expect(k.err('SINTERCARD', '1', 'a', 'LIMIT', '-1')).toBe("ERR LIMIT can't be negative");
    expect(k.err('SINTERCARD', '1', 'str', 'LIMIT', 'abc')).toBe("ERR LIMIT can't be negative");
    expect(k.err('SINTERCARD', '1', 'a', 'FOO', '1')).toBe(SYNTAX);
    expect(k.err('SINTERCARD', '1', 'nokey', 'str')).toBe(SYNTAX);
    expect(k.err('SINTERCARD', '2', 'nokey', 'str')).toBe(WRONGTYPE);
  });
});

describe('SSCAN', () => {
  it('returns an intset whole, walks a hashtable with cursors', () => {
    k.call('SADD', 'i', '3', '1', '2');
    expect(k.call('SSCAN', 'i', '0')).toEqual(['0', ['1', '2', '3']]);
    expect(k.call('SSCAN', 'i', '0', 'MATCH', '[12]')).toEqual(['0', ['1', '2']]);
    const many = Array.from({ length: 100 }, (_, i) => `m${i}`);
    k.call('SADD', 'h', ...many);
    const seen = new Set<string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, items] = k.call('SSCAN', 'h', cursor, 'COUNT', '10') as [string, string[]];
      for (const m of items) seen.add(m);
      cursor = next;
      rounds++;
      if (rounds === 3) k.call('SREM', 'h', 'm0', 'm99');
    } while (cursor !== '0' && rounds < 100);
    expect(rounds).toBeGreaterThan(5);
    for (let i = 1; i < 99; i++) expect(seen.has(`m${i}`)).toBe(true);
  });
  it('errors and missing keys', () => {
    k.call('SADD', 's', 'a');
    expect(k.call('SSCAN', 'nokey', '0')).toEqual(['0', []]);
    expect(k.call('SSCAN', 'nokey', '0', 'COUNT', '0')).toEqual(['0', []]);
    expect(k.err('SSCAN', 's', 'abc')).toBe('ERR invalid cursor');
    expect(k.err('SSCAN', 's', '18446744073709551616')).toBe('ERR invalid cursor');
    expect(k.err('SSCAN', 's', '0', 'COUNT', '0')).toBe(SYNTAX);
    expect(k.err('SSCAN', 's', '0', 'MATCH')).toBe(SYNTAX);
    expect(k.err('SSCAN', 's', '0', 'TYPE', 'set')).toBe(SYNTAX);
    expect(k.err('SSCAN', 'str', '0')).toBe(WRONGTYPE);
  });
});

describe('SPOP encoding of the remaining set (as redis-server 7.0.15)', () => {
  it('a count close to the size rebuilds the rest (intset again when all integers)', () => {
    k.call('SADD', 'h', '1', '2', '3', '4', '5', '6', '7', '8', '9');
    k.call('SADD', 'h', 'a');
    k.call('SREM', 'h', 'a');
    k.call('SPOP', 'h', '2');
    expect(k.call('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    k.call('SPOP', 'h', '6');
    expect(k.call('SCARD', 'h')).toBe(1);
    expect(k.call('OBJECT', 'ENCODING', 'h')).toBe('intset');
  });
});
