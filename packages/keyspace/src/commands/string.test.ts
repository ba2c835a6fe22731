import { kit } from '../test-kit';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = '-ERR value is not an integer or out of range';

describe('string commands', () => {
  let k: ReturnType<typeof kit>;
  beforeEach(() => {
    k = kit();
    k.ks.load(0, 'list', { type: 'stream', value: {} });
  });
  afterEach(() => k.close());

  it('GET/SET basics and WRONGTYPE', () => {
    expect(k.r('GET', 'a')).toBeNull();
    expect(k.r('SET', 'a', '\x00\xff')).toBe('+OK');
    expect(k.r('GET', 'a')).toBe('\x00\xff');
    expect(k.r('GET', 'list')).toBe(WRONGTYPE);
    expect(k.r('SET', 'list', 'x')).toBe('+OK'); // SET overwrites any type
  });

  it('SET options: NX XX GET KEEPTTL EX PX EXAT PXAT and their errors', () => {
    expect(k.r('SET', 'a', '1', 'NX')).toBe('+OK');
    expect(k.r('SET', 'a', '2', 'NX')).toBeNull();
    expect(k.r('SET', 'b', '2', 'XX')).toBeNull();
    expect(k.r('SET', 'a', '3', 'XX', 'GET')).toBe('1');
    expect(k.r('SET', 'a', '4', 'NX', 'GET')).toBe('3');
    expect(k.r('SET', 'a', '5', 'EX', '100')).toBe('+OK');
    expect(k.r('TTL', 'a')).toBe(100);
    expect(k.r('SET', 'a', '6', 'KEEPTTL')).toBe('+OK');
    expect(k.r('TTL', 'a')).toBe(100);
    expect(k.r('SET', 'a', '7')).toBe('+OK');
    expect(k.r('TTL', 'a')).toBe(-1);
    expect(k.r('SET', 'a', '8', 'PX', '1500')).toBe('+OK');
    expect(k.r('PTTL', 'a')).toBe(1500);
    expect(k.r('SET', 'a', '9', 'EXAT', String(k.clock.now / 1000 + 10))).toBe('+OK');
    expect(k.r('TTL', 'a')).toBe(10);
    expect(k.r('SET', 'a', '9', 'PXAT', String(k.clock.now + 10))).toBe('+OK');
    expect(k.r('PTTL', 'a')).toBe(10);
    for (const bad of [['NX', 'XX'], ['EX', '1', 'PX', '1'], ['KEEPTTL', 'EX', '1'], ['EX'], ['FOO'], ['EX', '1', 'EXAT', '1']]) {
      expect(k.r('SET', 'a', 'v', ...bad)).toBe('-ERR syntax error');
    }
    expect(k.r('SET', 'a', 'v', 'EX', '0')).toBe("-ERR invalid expire time in 'set' command");
    expect(k.r('SET', 'a', 'v', 'EX', '-1')).toBe("-ERR invalid expire time in 'set' command");
    expect(k.r('SET', 'a', 'v', 'EX', 'x')).toBe(NOT_INT);
    expect(k.r('SET', 'a', 'v', 'EX', '9223372036854775')).toBe("-ERR invalid expire time in 'set' command");
    expect(k.r('SET', 'a', 'v', 'PX', '9223372036854775807')).toBe("-ERR invalid expire time in 'set' command");
  });

  it('SET GET on a wrong type fails without writing', () => {
    k.ks.load(0, 's', { type: 'stream', value: {} });
    expect(k.r('SET', 's', 'v', 'GET')).toBe(WRONGTYPE);
    expect(k.r('TYPE', 's')).toBe('+stream');
  });

  it('SETNX SETEX PSETEX GETSET GETDEL', () => {
    expect(k.r('SETNX', 'a', '1')).toBe(1);
    expect(k.r('SETNX', 'a', '2')).toBe(0);
    expect(k.r('SETEX', 'a', '10', 'v')).toBe('+OK');
    expect(k.r('TTL', 'a')).toBe(10);
    expect(k.r('SETEX', 'a', '0', 'v')).toBe("-ERR invalid expire time in 'setex' command");
    expect(k.r('PSETEX', 'a', '-5', 'v')).toBe("-ERR invalid expire time in 'psetex' command");
    expect(k.r('PSETEX', 'a', '2500', 'w')).toBe('+OK');
    expect(k.r('GETSET', 'a', 'z')).toBe('w');
    expect(k.r('TTL', 'a')).toBe(-1);
    expect(k.r('GETSET', 'new', 'z')).toBeNull();
    expect(k.r('GETSET', 'list', 'z')).toBe(WRONGTYPE);
    expect(k.r('GETDEL', 'a')).toBe('z');
    expect(k.r('GETDEL', 'a')).toBeNull();
    expect(k.r('GETDEL', 'list')).toBe(WRONGTYPE);
  });

  it('GETEX', () => {
    k.r('SET', 'a', 'v');
    expect(k.r('GETEX', 'a')).toBe('v');
    expect(k.r('GETEX', 'a', 'EX', '100')).toBe('v');
    expect(k.r('TTL', 'a')).toBe(100);
    expect(k.r('GETEX', 'a', 'PERSIST')).toBe('v');
    expect(k.r('TTL', 'a')).toBe(-1);
    expect(k.r('GETEX', 'a', 'PXAT', '1')).toBe('v');
    expect(k.r('EXISTS', 'a')).toBe(0);
    expect(k.r('GETEX', 'missing', 'EX', '1')).toBeNull();
    expect(k.r('GETEX', 'list')).toBe(WRONGTYPE);
    k.r('SET', 'a', 'v');
    expect(k.r('GETEX', 'a', 'EX', '0')).toBe("-ERR invalid expire time in 'getex' command");
    expect(k.r('GETEX', 'a', 'PERSIST', 'EX', '1')).toBe('-ERR syntax error');
    expect(k.r('GETEX', 'a', 'KEEPTTL')).toBe('-ERR syntax error');
    expect(k.r('GETEX', 'a', 'NX')).toBe('-ERR syntax error');
  });

  it('MGET MSET MSETNX', () => {
    expect(k.r('MSET', 'a', '1', 'b', '2')).toBe('+OK');
    expect(k.r('MGET', 'a', 'b', 'c', 'list')).toEqual(['1', '2', null, null]);
    expect(k.r('MSET', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'mset' command");
    expect(k.r('MSETNX', 'c', '3', 'a', '9')).toBe(0);
    expect(k.r('GET', 'c')).toBeNull();
    expect(k.r('MSETNX', 'c', '3', 'd', '4')).toBe(1);
    expect(k.r('MSETNX', 'c')).toBe("-ERR wrong number of arguments for 'msetnx' command");
  });

  it('INCR family with overflow and type errors', () => {
    expect(k.r('INCR', 'n')).toBe(1);
    expect(k.r('INCRBY', 'n', '10')).toBe(11);
    expect(k.r('DECR', 'n')).toBe(10);
    expect(k.r('DECRBY', 'n', '20')).toBe(-10);
    expect(k.r('INCRBY', 'n', 'x')).toBe(NOT_INT);
    expect(k.r('DECRBY', 'n', '-9223372036854775808')).toBe('-ERR decrement would overflow');
    k.r('SET', 'n', '9223372036854775806');
    expect(k.r('INCR', 'n')).toBe(9223372036854775807n);
    expect(k.r('INCR', 'n')).toBe('-ERR increment or decrement would overflow');
    k.r('SET', 'n', '-9223372036854775808');
    expect(k.r('DECR', 'n')).toBe('-ERR increment or decrement would overflow');
    k.r('SET', 'n', ' 1');
    expect(k.r('INCR', 'n')).toBe(NOT_INT);
    expect(k.r('INCR', 'list')).toBe(WRONGTYPE);
    k.r('SET', 't', '5', 'EX', '100');
    expect(k.r('INCR', 't')).toBe(6);
    expect(k.r('TTL', 't')).toBe(100); // INCR keeps the TTL
  });

  it('INCRBYFLOAT with long double semantics', () => {
    k.r('SET', 'f', '10.5');
    expect(k.r('INCRBYFLOAT', 'f', '0.1')).toBe('10.6');
    expect(k.r('INCRBYFLOAT', 'g', '5.0e3')).toBe('5000');
    expect(k.r('OBJECT', 'ENCODING', 'g')).toBe('embstr');
    expect(k.r('INCRBYFLOAT', 'f', 'x')).toBe('-ERR value is not a valid float');
    expect(k.r('INCRBYFLOAT', 'f', 'inf')).toBe('-ERR increment would produce NaN or Infinity');
    k.r('SET', 'h', 'abc');
    expect(k.r('INCRBYFLOAT', 'h', '1')).toBe('-ERR value is not a valid float');
    expect(k.r('INCRBYFLOAT', 'list', '1')).toBe(WRONGTYPE);
  });

  it('APPEND STRLEN GETRANGE SETRANGE and string encodings', () => {
    expect(k.r('APPEND', 'a', '12')).toBe(2);
    expect(k.r('OBJECT', 'ENCODING', 'a')).toBe('int');
    expect(k.r('APPEND', 'a', '3')).toBe(3);
    expect(k.r('OBJECT', 'ENCODING', 'a')).toBe('raw');
    expect(k.r('STRLEN', 'a')).toBe(3);
    expect(k.r('STRLEN', 'nope')).toBe(0);
    expect(k.r('STRLEN', 'list')).toBe(WRONGTYPE);
    k.r('SET', 's', 'Hello World');
    expect(k.r('OBJECT', 'ENCODING', 's')).toBe('embstr');
    expect(k.r('GETRANGE', 's', '0', '4')).toBe('Hello');
    expect(k.r('GETRANGE', 's', '-5', '-1')).toBe('World');
    expect(k.r('GETRANGE', 's', '-1', '-5')).toBe('');
    expect(k.r('GETRANGE', 's', '5', '1000')).toBe(' World');
    expect(k.r('GETRANGE', 'nope', '0', '1')).toBe('');
    expect(k.r('GETRANGE', 's', 'a', '1')).toBe(NOT_INT);
    expect(k.r('SETRANGE', 's', '6', 'Redis')).toBe(11);
    expect(k.r('GET', 's')).toBe('Hello Redis');
    expect(k.r('SETRANGE', 'z', '3', 'x')).toBe(4);
    expect(k.r('GET', 'z')).toBe('\x00\x00\x00x');
    expect(k.r('SETRANGE', 'e', '3', '')).toBe(0);
    expect(k.r('EXISTS', 'e')).toBe(0);
    expect(k.r('SETRANGE', 's', '-1', 'x')).toBe('-ERR offset is out of range');
    expect(k.r('SETRANGE', 's', '536870912', 'x')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(k.r('SETRANGE', 'list', '0', 'x')).toBe(WRONGTYPE);
    k.r('SET', 'long', 'x'.repeat(45));
    expect(k.r('OBJECT', 'ENCODING', 'long')).toBe('raw');
    expect(k.r('OBJECT', 'ENCODING', 'nope')).toBeNull();
    expect(k.r('OBJECT', 'ENCODING', 'list')).toBe('stream');
  });
});
