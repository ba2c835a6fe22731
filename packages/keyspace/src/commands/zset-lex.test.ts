import { Kit } from './zset-test-kit';

/**
 * Lex ranges over members with different scores are undefined in Redis, but deterministic for a
 * listpack (a linear scan): these answers were taken from redis-server 7.0.15.
 */
describe('lex ranges on a listpack with mixed scores (as redis-server 7.0.15 answers)', () => {
  let k: Kit;
  beforeEach(() => {
    k = new Kit();
    k.call('ZADD', 'm', '1', 'd', '2', 'a', '3', 'c', '4', 'b', '5', 'e');
  });
  afterEach(() => k.close());

  it('ZRANGEBYLEX / ZREVRANGEBYLEX / ZLEXCOUNT / ZREMRANGEBYLEX', () => {
    expect(k.call('ZRANGEBYLEX', 'm', '[b', '[d')).toEqual(['d', 'a', 'c', 'b']);
    expect(k.call('ZRANGEBYLEX', 'm', '-', '[b')).toEqual([]);
    expect(k.call('ZRANGEBYLEX', 'm', '[c', '+')).toEqual(['d', 'a', 'c', 'b', 'e']);
    expect(k.call('ZREVRANGEBYLEX', 'm', '[d', '[b')).toEqual(['b', 'c']);
    expect(k.call('ZREVRANGEBYLEX', 'm', '+', '[c')).toEqual(['e']);
    expect(k.call('ZLEXCOUNT', 'm', '[b', '[d')).toBe(4);
    expect(k.call('ZLEXCOUNT', 'm', '[a', '[c')).toBe(0);
    expect(k.call('ZLEXCOUNT', 'm', '-', '+')).toBe(5);
    expect(k.call('ZRANGEBYLEX', 'm', '(a', '(e', 'LIMIT', '1', '2')).toEqual(['a', 'c']);
    expect(k.call('ZREMRANGEBYLEX', 'm', '[a', '[c')).toBe(0);
    expect(k.call('ZRANGE', 'm', '0', '-1')).toEqual(['d', 'a', 'c', 'b', 'e']);
  });
});
