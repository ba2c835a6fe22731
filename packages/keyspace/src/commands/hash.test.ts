import { MapReply, OK } from '@replikit/resp';
import { HASH_MAX_LISTPACK_ENTRIES, type HashValue } from '../types/hash-value';
import { hashCommands } from './hash';
import { TestKit, err } from './hash-list-test-kit';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = 'ERR value is not an integer or out of range';
const SYNTAX = 'ERR syntax error';

function kit(): TestKit {
  const k = new TestKit(hashCommands);
  k.db.setValue('str', 'x');
  return k;
}

function hash(k: TestKit, key: string): HashValue {
  return k.db.data.get(key) as HashValue;
}

describe('hash commands', () => {
  it('declares Redis 7.0 arity, flags and keys', () => {
    const t = Object.fromEntries(hashCommands.map((c) => [c.name, c]));
    expect(t.hset).toMatchObject({ arity: -4, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1 });
    expect(t.hmset).toMatchObject({ arity: -4, flags: ['write', 'denyoom', 'fast'] });
    expect(t.hdel).toMatchObject({ arity: -3, flags: ['write', 'fast'] });
    expect(t.hgetall).toMatchObject({ arity: 2, flags: ['readonly'] });
    expect(t.hget).toMatchObject({ arity: 3, flags: ['readonly', 'fast'] });
    expect(t.hrandfield).toMatchObject({ arity: -2, flags: ['readonly'] });
    expect(t.hscan).toMatchObject({ arity: -3, flags: ['readonly'] });
    expect(t.hincrbyfloat).toMatchObject({ arity: 4, flags: ['write', 'denyoom', 'fast'] });
    expect(hashCommands).toHaveLength(16);
  });

  it('HSET/HMSET count new fields, dirty per pair, arity by pairs', () => {
    const k = kit();
    expect(k.run('HSET', 'h', 'a', '1', 'b', '2')).toEqual({ reply: 2, dirty: 2, rewritten: null });
    expect(k.run('hset', 'h', 'a', '9', 'c', '3', 'c', '4')).toMatchObject({ reply: 1, dirty: 3 });
    expect(k.run('HMSET', 'h', 'a', '1')).toMatchObject({ reply: OK, dirty: 1 });
    expect(hash(k, 'h').toPlain()).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '4'],
    ]);
    expect(err(k.call('HSET', 'h', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'hset' command");
    expect(err(k.call('HMSET', 'h', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'hmset' command");
    expect(err(k.call('HSET', 'h', 'a'))).toBe("ERR wrong number of arguments for 'hset' command");
    expect(err(k.call('HSET', 'str', 'a', '1'))).toBe(WRONGTYPE);
  });

  it('switches encoding like Redis 7.0', () => {
    const k = kit();
    k.call('HSET', 'h', 'f', 'x'.repeat(64));
    expect(hash(k, 'h').encoding()).toBe('listpack');
    k.call('HSET', 'h', 'g', 'x'.repeat(65));
    expect(hash(k, 'h').encoding()).toBe('hashtable');
    for (let i = 0; i < HASH_MAX_LISTPACK_ENTRIES; i++) k.call('HSET', 'big', `f${i}`, 'v');
    expect(hash(k, 'big').encoding()).toBe('listpack');
    k.call('HSET', 'big', 'x', 'v');
    expect(hash(k, 'big').encoding()).toBe('hashtable');
    k.call('HINCRBYFLOAT', 'fl', 'f', '1e100');
    expect(hash(k, 'fl').encoding()).toBe('hashtable'); // 101-char value
  });

  it('HSETNX', () => {
    const k = kit();
    expect(k.run('HSETNX', 'h', 'a', '1')).toMatchObject({ reply: 1, dirty: 1 });
    k.db.writeLookups.length = 0;
    expect(k.run('HSETNX', 'h', 'a', '2')).toMatchObject({ reply: 0, dirty: 0 });
    expect(k.db.writeLookups).toEqual([]);
    expect(hash(k, 'h').get('a')).toBe('1');
    expect(err(k.call('HSETNX', 'str', 'a', '1'))).toBe(WRONGTYPE);
  });

  it('HDEL removes fields, deletes the emptied key, no-op is not a write', () => {
    const k = kit();
    k.call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(k.run('HDEL', 'h', 'a', 'zz', 'a')).toMatchObject({ reply: 1, dirty: 1 });
    k.db.writeLookups.length = 0;
    expect(k.run('HDEL', 'h', 'zz')).toMatchObject({ reply: 0, dirty: 0 });
    expect(k.db.writeLookups).toEqual([]);
    expect(k.call('HDEL', 'h', 'b', 'c', 'd')).toBe(2);
    expect(k.db.data.has('h')).toBe(false);
    expect(k.call('HDEL', 'h', 'a')).toBe(0);
    expect(err(k.call('HDEL', 'str', 'a'))).toBe(WRONGTYPE);
  });

  it('HGET HMGET HLEN HEXISTS HSTRLEN', () => {
    const k = kit();
    k.call('HSET', 'h', 'a', '1', 'b', 'hello', 'bin', '\x00\xff');
    expect(k.call('HGET', 'h', 'a')).toBe('1');
    expect(k.call('HGET', 'h', 'z')).toBeNull();
    expect(k.call('HGET', 'nokey', 'a')).toBeNull();
    expect(k.call('HMGET', 'h', 'a', 'z', 'bin')).toEqual(['1', null, '\x00\xff']);
    expect(k.call('HMGET', 'nokey', 'a', 'b')).toEqual([null, null]);
    expect(k.call('HLEN', 'h')).toBe(3);
    expect(k.call('HLEN', 'nokey')).toBe(0);
    expect(k.call('HEXISTS', 'h', 'a')).toBe(1);
    expect(k.call('HEXISTS', 'h', 'z')).toBe(0);
    expect(k.call('HEXISTS', 'nokey', 'z')).toBe(0);
    expect(k.call('HSTRLEN', 'h', 'b')).toBe(5);
    expect(k.call('HSTRLEN', 'h', 'z')).toBe(0);
    expect(k.call('HSTRLEN', 'nokey', 'z')).toBe(0);
    for (const c of [['HGET', 'str', 'a'], ['HMGET', 'str', 'a'], ['HLEN', 'str'], ['HEXISTS', 'str', 'a'], ['HSTRLEN', 'str', 'a']]) {
      expect(err(k.call(...c))).toBe(WRONGTYPE);
    }
  });

  it('HGETALL (map) HKEYS HVALS in insertion order', () => {
    const k = kit();
    k.call('HSET', 'h', 'b', '1', 'a', '2');
    expect(k.call('HGETALL', 'h')).toEqual(
      new MapReply([
        ['b', '1'],
        ['a', '2'],
      ]),
    );
    expect(k.call('HGETALL', 'nokey')).toEqual(new MapReply([]));
    expect(k.call('HKEYS', 'h')).toEqual(['b', 'a']);
    expect(k.call('HVALS', 'h')).toEqual(['1', '2']);
    expect(k.call('HKEYS', 'nokey')).toEqual([]);
    expect(k.call('HVALS', 'nokey')).toEqual([]);
    for (const c of ['HGETALL', 'HKEYS', 'HVALS']) expect(err(k.call(c, 'str'))).toBe(WRONGTYPE);
  });

  it('HINCRBY: create, add, overflow, bad values', () => {
    const k = kit();
    expect(k.run('HINCRBY', 'h', 'n', '5')).toMatchObject({ reply: 5, dirty: 1 });
    expect(k.call('HINCRBY', 'h', 'n', '-10')).toBe(-5);
    k.call('HSET', 'h', 'big', '9223372036854775806', 'neg', '-9223372036854775807', 'f', '1.5', 'z', '007');
    expect(k.call('HINCRBY', 'h', 'big', '1')).toBe(9223372036854775807n);
    expect(hash(k, 'h').get('big')).toBe('9223372036854775807');
    expect(err(k.call('HINCRBY', 'h', 'big', '1'))).toBe('ERR increment or decrement would overflow');
    expect(k.call('HINCRBY', 'h', 'neg', '-1')).toBe(-9223372036854775808n);
    expect(err(k.call('HINCRBY', 'h', 'neg', '-1'))).toBe('ERR increment or decrement would overflow');
    expect(err(k.call('HINCRBY', 'h', 'f', '1'))).toBe('ERR hash value is not an integer');
    expect(err(k.call('HINCRBY', 'h', 'z', '1'))).toBe('ERR hash value is not an integer');
    expect(err(k.call('HINCRBY', 'h', 'n', '1.0'))).toBe(NOT_INT);
    expect(err(k.call('HINCRBY', 'h', 'n', '9223372036854775808'))).toBe(NOT_INT);
    expect(err(k.call('HINCRBY', 'str', 'n', 'x'))).toBe(NOT_INT); // parsed before the lookup
    expect(err(k.call('HINCRBY', 'str', 'n', '1'))).toBe(WRONGTYPE);
    expect(k.run('HINCRBY', 'h', 'n', '0')).toMatchObject({ reply: -5, dirty: 1 });
  });

  it('HINCRBYFLOAT: long double results, HSET rewrite, NaN/inf errors', () => {
    const k = kit();
    expect(k.run('HINCRBYFLOAT', 'h', 'f', '10.5')).toEqual({ reply: '10.5', dirty: 1, rewritten: ['HSET', 'h', 'f', '10.5'] });
    expect(k.run('hincrbyfloat', 'h', 'f', '0.1')).toMatchObject({ reply: '10.6', rewritten: ['HSET', 'h', 'f', '10.6'] });
    k.call('HSET', 'h', 'a', '0.1', 'i', '3', 'x', 'abc', 'inf', 'inf');
    expect(k.call('HINCRBYFLOAT', 'h', 'a', '0.2')).toBe('0.3');
    expect(k.call('HINCRBYFLOAT', 'h', 'i', '-3')).toBe('0');
    expect(k.call('HINCRBYFLOAT', 'h', 'new', '0x10')).toBe('16');
    expect(k.call('HINCRBYFLOAT', 'h', 'e', '5.0e3')).toBe('5000');
    // values beyond a double's range are fine in a long double (checked against redis-server 7.0)
    k.call('HSET', 'h', 'g', '1e308');
    expect(k.call('HINCRBYFLOAT', 'h', 'g', '1.7976931348623157e308')).toBe(
      '279769313486231570002352240441350078789299929179619934003987695617693370918830364684014944221042050987341155710361544171686148029276505307138777262321877129888036065002204239033812550598509174132739480498569620043582760541189365866551522561741435317031294527744011878159793174665688773926186886103199182225408',
    );
    expect(err(k.call('HINCRBYFLOAT', 'h', 'x', '1'))).toBe('ERR hash value is not a float');
    expect(err(k.call('HINCRBYFLOAT', 'h', 'inf', '1'))).toBe('ERR increment would produce NaN or Infinity');
    expect(err(k.call('HINCRBYFLOAT', 'h', 'f', 'inf'))).toBe('ERR value is NaN or Infinity');
    expect(err(k.call('HINCRBYFLOAT', 'h', 'f', '-infinity'))).toBe('ERR value is NaN or Infinity');
    expect(err(k.call('HINCRBYFLOAT', 'h', 'f', 'nan'))).toBe('ERR value is not a valid float');
    expect(err(k.call('HINCRBYFLOAT', 'h', 'f', ' 1'))).toBe('ERR value is not a valid float');
    expect(err(k.call('HINCRBYFLOAT', 'h', 'f', '1 '))).toBe('ERR value is not a valid float');
    expect(err(k.call('HINCRBYFLOAT', 'h', 'f', ''))).toBe('ERR value is not a valid float');
    k.call('HSET', 'h', 'max', '1e4932');
    expect(err(k.call('HINCRBYFLOAT', 'h', 'max', '1e4932'))).toBe('ERR increment would produce NaN or Infinity');
    expect(err(k.call('HINCRBYFLOAT', 'str', 'f', 'x'))).toBe('ERR value is not a valid float');
    expect(err(k.call('HINCRBYFLOAT', 'str', 'f', '1'))).toBe(WRONGTYPE);
  });

  it('HRANDFIELD shapes, counts and errors', () => {
    const k = kit();
    k.call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(['a', 'b', 'c']).toContain(k.call('HRANDFIELD', 'h'));
    expect(k.call('HRANDFIELD', 'nokey')).toBeNull();
    expect(k.call('HRANDFIELD', 'nokey', '5')).toEqual([]);
    expect(k.call('HRANDFIELD', 'h', '0')).toEqual([]);
    expect(k.call('HRANDFIELD', 'h', '3')).toEqual(['a', 'b', 'c']);
    expect(k.call('HRANDFIELD', 'h', '10', 'WITHVALUES')).toEqual(['a', '1', 'b', '2', 'c', '3']);
    const two = k.call('HRANDFIELD', 'h', '2') as string[];
    expect(two).toHaveLength(2);
    expect(new Set(two).size).toBe(2);
    const many = k.call('HRANDFIELD', 'h', '-20', 'withvalues') as string[];
    expect(many).toHaveLength(40);
    for (let i = 0; i < many.length; i += 2) expect(hash(k, 'h').get(many[i])).toBe(many[i + 1]);
    expect(k.call('HRANDFIELD', 'h', '-1')).toHaveLength(1);
    expect(err(k.call('HRANDFIELD', 'h', 'x'))).toBe(NOT_INT);
    expect(err(k.call('HRANDFIELD', 'str', 'x'))).toBe(NOT_INT);
    expect(err(k.call('HRANDFIELD', 'h', '-9223372036854775808'))).toBe(
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    expect(err(k.call('HRANDFIELD', 'h', '9223372036854775807', 'WITHVALUES'))).toBe('ERR value is out of range');
    expect(err(k.call('HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'))).toBe('ERR value is out of range');
    expect(err(k.call('HRANDFIELD', 'h', '1', 'WITHVALUE'))).toBe(SYNTAX);
    expect(err(k.call('HRANDFIELD', 'str', '1', 'WITHVALUES', 'x'))).toBe(SYNTAX);
    expect(err(k.call('HRANDFIELD', 'str', '1'))).toBe(WRONGTYPE);
    expect(err(k.call('HRANDFIELD', 'str'))).toBe(WRONGTYPE);
  });

  it('HRANDFIELD WITHVALUES answers [field, value] pairs when the context says RESP3', () => {
    const k = kit();
    k.resp = 3;
    k.call('HSET', 'h', 'a', '1', 'b', '2');
    expect(k.call('HRANDFIELD', 'h', '5', 'WITHVALUES')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    const neg = k.call('HRANDFIELD', 'h', '-3', 'WITHVALUES') as string[][];
    expect(neg).toHaveLength(3);
    for (const [f, v] of neg) expect(hash(k, 'h').get(f)).toBe(v);
    expect(k.call('HRANDFIELD', 'h', '1', 'WITHVALUES')).toHaveLength(1);
    expect(k.call('HRANDFIELD', 'h', '2')).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it('HSCAN: listpack in one page, hashtable by cursor, MATCH, errors', () => {
    const k = kit();
    k.call('HSET', 'h', 'a1', '1', 'b1', '2', 'a2', '3');
    expect(k.call('HSCAN', 'h', '0')).toEqual(['0', ['a1', '1', 'b1', '2', 'a2', '3']]);
    expect(k.call('HSCAN', 'h', '0', 'MATCH', 'a*', 'COUNT', '1')).toEqual(['0', ['a1', '1', 'a2', '3']]);
    expect(k.call('HSCAN', 'nokey', '0', 'COUNT', '0')).toEqual(['0', []]); // options parsed after the lookup
    expect(err(k.call('HSCAN', 'h', 'x'))).toBe('ERR invalid cursor');
    expect(err(k.call('HSCAN', 'str', 'x'))).toBe('ERR invalid cursor');
    expect(err(k.call('HSCAN', 'str', '0'))).toBe(WRONGTYPE);
    expect(err(k.call('HSCAN', 'h', '0', 'COUNT', '0'))).toBe(SYNTAX);
    expect(err(k.call('HSCAN', 'h', '0', 'COUNT', 'x'))).toBe(NOT_INT);
    expect(err(k.call('HSCAN', 'h', '0', 'TYPE', 'string'))).toBe(SYNTAX);
    expect(err(k.call('HSCAN', 'h', '0', 'MATCH'))).toBe(SYNTAX);

    for (let i = 0; i < 600; i++) k.call('HSET', 'big', `f${i}`, `v${i}`);
    const seen = new Map<string, string>();
    let cursor = '0';
    let pages = 0;
    do {
      const [next, items] = k.call('HSCAN', 'big', cursor, 'COUNT', '50') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
      cursor = next;
      pages++;
    } while (cursor !== '0' && pages < 100);
    expect(seen.size).toBe(600);
    expect(seen.get('f7')).toBe('v7');
    expect(pages).toBeGreaterThan(1);
  });
});
