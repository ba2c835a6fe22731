import { NULL_ARRAY, OK } from '@replikit/resp';
import type { ListValue } from '../types/list-value';
import { TestKit, err } from './hash-list-test-kit';
import { listCommands, moveListElement, popList } from './list';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = 'ERR value is not an integer or out of range';
const SYNTAX = 'ERR syntax error';

function kit(): TestKit {
  const k = new TestKit(listCommands);
  k.db.setValue('str', 'x');
  return k;
}

function contents(k: TestKit, key: string): string[] | undefined {
  const v = k.db.data.get(key);
  return v === undefined ? undefined : (v as ListValue).toArray();
}

describe('list commands', () => {
  it('declares Redis 7.0 arity, flags and keys', () => {
    const table = Object.fromEntries(listCommands.map((c) => [c.name, c]));
    expect(table.lpush).toMatchObject({ arity: -3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1 });
    expect(table.lpop).toMatchObject({ arity: -2, flags: ['write', 'fast'] });
    expect(table.lrange).toMatchObject({ arity: 4, flags: ['readonly'] });
    expect(table.llen).toMatchObject({ arity: 2, flags: ['readonly', 'fast'] });
    expect(table.lmove).toMatchObject({ arity: 5, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 2, keyStep: 1 });
    expect(table.rpoplpush).toMatchObject({ arity: 3, firstKey: 1, lastKey: 2 });
    expect(table.lrem).toMatchObject({ arity: 4, flags: ['write'] });
    expect(table.lpos).toMatchObject({ arity: -3, flags: ['readonly'] });
    expect(listCommands).toHaveLength(16);
  });

  it('LPUSH/RPUSH create, append and count dirty per element', () => {
    const k = kit();
    expect(k.run('LPUSH', 'l', 'a', 'b')).toEqual({ reply: 2, dirty: 2, rewritten: null });
    expect(k.run('rpush', 'l', 'c')).toMatchObject({ reply: 3, dirty: 1 });
    expect(contents(k, 'l')).toEqual(['b', 'a', 'c']);
    expect((k.db.data.get('l') as ListValue).encoding()).toBe('quicklist');
    expect(err(k.call('LPUSH', 'str', 'a'))).toBe(WRONGTYPE);
    expect(err(k.call('RPUSH', 'l'))).toBe("ERR wrong number of arguments for 'rpush' command");
  });

  it('LPUSHX/RPUSHX only push to existing lists', () => {
    const k = kit();
    expect(k.run('LPUSHX', 'l', 'a')).toMatchObject({ reply: 0, dirty: 0 });
    expect(k.db.data.has('l')).toBe(false);
    k.call('RPUSH', 'l', 'x');
    expect(k.call('LPUSHX', 'l', 'a', 'b')).toBe(3);
    expect(k.call('RPUSHX', 'l', 'z')).toBe(4);
    expect(contents(k, 'l')).toEqual(['b', 'a', 'x', 'z']);
    expect(err(k.call('RPUSHX', 'str', 'a'))).toBe(WRONGTYPE);
  });

  it('LINSERT before/after, missing pivot, missing key, syntax', () => {
    const k = kit();
    k.call('RPUSH', 'l', 'a', 'b', 'c');
    expect(k.run('LINSERT', 'l', 'BEFORE', 'b', 'x')).toMatchObject({ reply: 4, dirty: 1 });
    expect(k.call('linsert', 'l', 'after', 'c', 'y')).toBe(5);
    expect(contents(k, 'l')).toEqual(['a', 'x', 'b', 'c', 'y']);
    k.db.writeLookups.length = 0;
    expect(k.run('LINSERT', 'l', 'AFTER', 'zz', 'y')).toMatchObject({ reply: -1, dirty: 0 });
    expect(k.db.writeLookups).toEqual([]); // nothing changed: no write lookup (WATCH, snapshots)
    expect(k.call('LINSERT', 'nokey', 'AFTER', 'a', 'b')).toBe(0);
    expect(err(k.call('LINSERT', 'l', 'middle', 'a', 'b'))).toBe(SYNTAX);
    expect(err(k.call('LINSERT', 'nokey', 'middle', 'a', 'b'))).toBe(SYNTAX);
    expect(err(k.call('LINSERT', 'str', 'before', 'a', 'b'))).toBe(WRONGTYPE);
  });

  it('LPOP/RPOP without and with count, null shapes, deletes empty lists', () => {
    const k = kit();
    k.call('RPUSH', 'l', 'a', 'b', 'c', 'd');
    expect(k.run('LPOP', 'l')).toMatchObject({ reply: 'a', dirty: 1 });
    expect(k.run('RPOP', 'l', '2')).toMatchObject({ reply: ['d', 'c'], dirty: 2 });
    expect(k.run('LPOP', 'l', '0')).toMatchObject({ reply: [], dirty: 0 });
    expect(k.run('LPOP', 'l', '10')).toMatchObject({ reply: ['b'], dirty: 1 });
    expect(k.db.data.has('l')).toBe(false);
    expect(k.call('LPOP', 'l')).toBeNull();
    expect(k.call('RPOP', 'l', '3')).toBe(NULL_ARRAY);
    expect(k.call('LPOP', 'l', '0')).toBe(NULL_ARRAY);
    expect(err(k.call('LPOP', 'l', '-1'))).toBe('ERR value is out of range, must be positive');
    expect(err(k.call('LPOP', 'str', 'abc'))).toBe('ERR value is out of range, must be positive');
    expect(err(k.call('LPOP', 'str', '0'))).toBe(WRONGTYPE);
    expect(err(k.call('RPOP', 'str'))).toBe(WRONGTYPE);
    expect(err(k.call('LPOP', 'l', '1', '2'))).toBe("ERR wrong number of arguments for 'lpop' command");
    expect(err(k.call('RPOP', 'l', '1', '2'))).toBe("ERR wrong number of arguments for 'rpop' command");
  });

  it('LLEN and LINDEX', () => {
    const k = kit();
    k.call('RPUSH', 'l', 'a', 'b', 'c');
    expect(k.call('LLEN', 'l')).toBe(3);
    expect(k.call('LLEN', 'nokey')).toBe(0);
    expect(err(k.call('LLEN', 'str'))).toBe(WRONGTYPE);
    expect(k.call('LINDEX', 'l', '0')).toBe('a');
    expect(k.call('LINDEX', 'l', '-1')).toBe('c');
    expect(k.call('LINDEX', 'l', '-4')).toBeNull();
    expect(k.call('LINDEX', 'l', '3')).toBeNull();
    expect(k.call('LINDEX', 'l', '-9223372036854775808')).toBeNull();
    expect(k.call('LINDEX', 'nokey', 'abc')).toBeNull(); // the key is looked up first
    expect(err(k.call('LINDEX', 'l', 'abc'))).toBe(NOT_INT);
    expect(err(k.call('LINDEX', 'str', 'abc'))).toBe(WRONGTYPE);
  });

  it('LRANGE with negative and out-of-range indexes', () => {
    const k = kit();
    k.call('RPUSH', 'l', 'a', 'b', 'c', 'd');
    expect(k.call('LRANGE', 'l', '0', '-1')).toEqual(['a', 'b', 'c', 'd']);
    expect(k.call('LRANGE', 'l', '-2', '100')).toEqual(['c', 'd']);
    expect(k.call('LRANGE', 'l', '-100', '1')).toEqual(['a', 'b']);
    expect(k.call('LRANGE', 'l', '2', '1')).toEqual([]);
    expect(k.call('LRANGE', 'l', '4', '10')).toEqual([]);
    expect(k.call('LRANGE', 'l', '0', '-9223372036854775808')).toEqual([]);
    expect(k.call('LRANGE', 'l', '1', '9223372036854775807')).toEqual(['b', 'c', 'd']);
    expect(k.call('LRANGE', 'nokey', '0', '-1')).toEqual([]);
    expect(err(k.call('LRANGE', 'str', '0', 'x'))).toBe(NOT_INT); // parsed before the lookup
    expect(err(k.call('LRANGE', 'str', '0', '1'))).toBe(WRONGTYPE);
    expect(err(k.call('LRANGE', 'l', '01', '1'))).toBe(NOT_INT);
  });

  it('LSET', () => {
    const k = kit();
    k.call('RPUSH', 'l', 'a', 'b');
    expect(k.run('LSET', 'l', '-1', 'B')).toMatchObject({ reply: OK, dirty: 1 });
    expect(contents(k, 'l')).toEqual(['a', 'B']);
    expect(err(k.call('LSET', 'l', '2', 'x'))).toBe('ERR index out of range');
    expect(err(k.call('LSET', 'l', '-3', 'x'))).toBe('ERR index out of range');
    expect(err(k.call('LSET', 'nokey', 'abc', 'x'))).toBe('ERR no such key');
    expect(err(k.call('LSET', 'l', 'abc', 'x'))).toBe(NOT_INT);
    expect(err(k.call('LSET', 'str', 'abc', 'x'))).toBe(WRONGTYPE);
  });

  it('LREM from head, from tail, all; deletes an emptied list', () => {
    const k = kit();
    k.call('RPUSH', 'l', 'a', 'x', 'a', 'y', 'a');
    expect(k.run('LREM', 'l', '-2', 'a')).toMatchObject({ reply: 2, dirty: 2 });
    expect(contents(k, 'l')).toEqual(['a', 'x', 'y']);
    expect(k.call('LREM', 'l', '1', 'a')).toBe(1);
    expect(k.run('LREM', 'l', '0', 'zz')).toMatchObject({ reply: 0, dirty: 0 });
    expect(k.call('LREM', 'l', '0', 'x')).toBe(1);
    expect(k.call('LREM', 'l', '-9223372036854775808', 'y')).toBe(1);
    expect(k.db.data.has('l')).toBe(false);
    expect(k.call('LREM', 'l', '0', 'x')).toBe(0);
    expect(err(k.call('LREM', 'str', 'x', 'a'))).toBe(NOT_INT);
    expect(err(k.call('LREM', 'str', '0', 'a'))).toBe(WRONGTYPE);
  });

  it('LTRIM keeps a range, deletes when empty, propagates only when it removed something', () => {
    const k = kit();
    k.call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    expect(k.run('LTRIM', 'l', '1', '-2')).toMatchObject({ reply: OK, dirty: 2 });
    expect(contents(k, 'l')).toEqual(['b', 'c', 'd']);
    expect(k.run('LTRIM', 'l', '0', '-1')).toMatchObject({ reply: OK, dirty: 0 });
    expect(k.run('LTRIM', 'l', '5', '10')).toMatchObject({ reply: OK, dirty: 3 });
    expect(k.db.data.has('l')).toBe(false);
    expect(k.call('LTRIM', 'l', '0', '1')).toBe(OK);
    expect(err(k.call('LTRIM', 'str', 'a', '1'))).toBe(NOT_INT);
    expect(err(k.call('LTRIM', 'str', '0', '1'))).toBe(WRONGTYPE);
  });

  it('LPOS with RANK, COUNT, MAXLEN and their errors', () => {
    const k = kit();
    k.call('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a');
    expect(k.call('LPOS', 'l', 'a')).toBe(0);
    expect(k.call('LPOS', 'l', 'a', 'RANK', '2')).toBe(2);
    expect(k.call('LPOS', 'l', 'a', 'RANK', '-1')).toBe(4);
    expect(k.call('LPOS', 'l', 'a', 'RANK', '4')).toBeNull();
    expect(k.call('LPOS', 'l', 'a', 'COUNT', '0')).toEqual([0, 2, 4]);
    expect(k.call('LPOS', 'l', 'a', 'COUNT', '2', 'RANK', '-1')).toEqual([4, 2]);
    expect(k.call('LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '3')).toEqual([0, 2]);
    expect(k.call('LPOS', 'l', 'a', 'RANK', '3', 'MAXLEN', '3')).toBeNull();
    expect(k.call('LPOS', 'l', 'z', 'COUNT', '1')).toEqual([]);
    expect(k.call('LPOS', 'l', 'z')).toBeNull();
    // RANK LONG_MIN: C negates it into itself, every match qualifies and COUNT never stops
    expect(k.call('LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '1')).toEqual([4, 2, 0]);
    expect(k.call('LPOS', 'l', 'a', 'RANK', '-9223372036854775807', 'COUNT', '1')).toEqual([]);
    expect(k.call('LPOS', 'l', 'a', 'RANK', '-9223372036854775808')).toBe(4);
    expect(k.call('LPOS', 'nokey', 'a')).toBeNull();
    expect(k.call('LPOS', 'nokey', 'a', 'COUNT', '1')).toEqual([]);
    expect(err(k.call('LPOS', 'l', 'a', 'RANK', '0'))).toBe(
      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    );
    expect(err(k.call('LPOS', 'l', 'a', 'RANK', 'x'))).toBe(NOT_INT);
    expect(err(k.call('LPOS', 'l', 'a', 'COUNT', 'abc'))).toBe("ERR COUNT can't be negative");
    expect(err(k.call('LPOS', 'l', 'a', 'COUNT', '-1'))).toBe("ERR COUNT can't be negative");
    expect(err(k.call('LPOS', 'l', 'a', 'MAXLEN', '-1'))).toBe("ERR MAXLEN can't be negative");
    expect(err(k.call('LPOS', 'l', 'a', 'RANK'))).toBe(SYNTAX);
    expect(err(k.call('LPOS', 'l', 'a', 'FOO', '1'))).toBe(SYNTAX);
    expect(err(k.call('LPOS', 'str', 'a', 'FOO', '1'))).toBe(SYNTAX);
    expect(err(k.call('LPOS', 'str', 'a'))).toBe(WRONGTYPE);
  });

  it('LMOVE between lists, onto itself, into a new key; errors', () => {
    const k = kit();
    k.call('RPUSH', 'src', 'a', 'b', 'c');
    expect(k.run('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT')).toMatchObject({ reply: 'a', dirty: 1 });
    expect(k.call('lmove', 'src', 'dst', 'right', 'left')).toBe('c');
    expect(contents(k, 'dst')).toEqual(['c', 'a']);
    expect(k.call('LMOVE', 'dst', 'dst', 'LEFT', 'RIGHT')).toBe('c'); // rotate
    expect(contents(k, 'dst')).toEqual(['a', 'c']);
    expect(k.call('LMOVE', 'src', 'src', 'RIGHT', 'LEFT')).toBe('b'); // single element onto itself
    expect(contents(k, 'src')).toEqual(['b']);
    expect(k.call('RPOPLPUSH', 'src', 'dst')).toBe('b');
    expect(k.db.data.has('src')).toBe(false);
    expect(contents(k, 'dst')).toEqual(['b', 'a', 'c']);
    expect(k.run('LMOVE', 'src', 'dst', 'LEFT', 'LEFT')).toMatchObject({ reply: null, dirty: 0 });
    expect(k.call('LMOVE', 'nokey', 'str', 'LEFT', 'LEFT')).toBeNull(); // missing source wins
    expect(err(k.call('LMOVE', 'dst', 'str', 'LEFT', 'LEFT'))).toBe(WRONGTYPE);
    expect(contents(k, 'dst')).toEqual(['b', 'a', 'c']); // nothing popped
    expect(err(k.call('LMOVE', 'str', 'dst', 'LEFT', 'LEFT'))).toBe(WRONGTYPE);
    expect(err(k.call('LMOVE', 'dst', 'dst', 'UP', 'LEFT'))).toBe(SYNTAX);
    expect(err(k.call('LMOVE', 'dst', 'dst', 'LEFT', 'DOWN'))).toBe(SYNTAX);
    expect(err(k.call('RPOPLPUSH', 'str', 'dst'))).toBe(WRONGTYPE);
  });

  it('exports popList/moveListElement for the blocking commands', () => {
    const k = kit();
    k.call('RPUSH', 'l', 'a', 'b');
    const ctx = { db: k.db, dirty: () => {}, notify: () => {} } as never;
    expect(popList(ctx, 'l', 'right')).toEqual(['b']);
    expect(moveListElement(ctx, 'l', 'm', 'left', 'left')).toBe('a');
    expect(k.db.data.has('l')).toBe(false);
    expect(popList(ctx, 'l', 'left', 2)).toBeNull();
  });

  it('keeps binary elements intact', () => {
    const k = kit();
    const bin = '\x00\xff\r\n\x80';
    k.call('RPUSH', 'l', bin, '-0', '007');
    expect(k.call('LRANGE', 'l', '0', '-1')).toEqual([bin, '-0', '007']);
    expect(k.call('LPOS', 'l', bin)).toBe(0);
  });
});
