/** Differential generator: hash commands, with bad arguments, wrong types and both encodings. */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const FIELDS = ['f1', 'f2', 'f3', 'f4', '', '\x00f\xff', 'n'];
/** a 65-byte value turns a listpack hash into a hashtable for good */
const LONG = 'y'.repeat(65);
/**
 * HRANDFIELD counts. Never a large negative count that passes Redis's range check: redis-server
 * would try to build that reply and die (e.g. -4611686018427387903 WITHVALUES).
 */
const RAND_COUNTS = ['0', '1', '2', '3', '10', '-1', '-3', '-10', 'x', '-9223372036854775808', '9223372036854775807', '4611686018427387904'];

export const hashGenerator: CommandGenerator = {
  family: 'hash',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const field = f.constantFrom(...FIELDS);
    const value = f.oneof({ arbitrary: c.value, weight: 9 }, { arbitrary: f.constant(LONG), weight: 1 });
    const pairs = f.array(f.tuple(field, value), { minLength: 1, maxLength: 3 }).map((ps) => ps.flat());
    const scanOpts = f.oneof(
      f.constant<string[]>(['COUNT', '1000']),
      f.tuple(f.constantFrom('f*', 'f[12]', '*', '?', 'n'), f.constant('COUNT'), f.constant('1000')).map(([p, a, b]) => ['MATCH', p, a, b]),
      f.constantFrom(['COUNT', '0'], ['COUNT', 'x'], ['MATCH'], ['TYPE', 'hash'], ['BAD', '1']),
    );
    return [
      { weight: 8, arbitrary: step(f.tuple(c.key, pairs).map(([k, p]) => ['HSET', k, ...p])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, pairs, field).map(([k, p, x]) => ['hset', k, ...p, x])) },
      // around hash-max-listpack-entries (512 in redis-server 7.0 without a config file): hashtable by size
      { weight: 0.3, arbitrary: step(f.tuple(c.key, f.integer({ min: 505, max: 515 })).map(([k, n]) => ['HSET', k, ...Array.from({ length: n }, (_, i) => [`b${i}`, `${i}`]).flat()])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, pairs).map(([k, p]) => ['HMSET', k, ...p])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, field, value).map(([k, a, v]) => ['HSETNX', k, a, v])) },
      { weight: 5, arbitrary: step(f.tuple(c.key, field).map(([k, a]) => ['HGET', k, a])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.array(field, { minLength: 1, maxLength: 4 })).map(([k, fs]) => ['HMGET', k, ...fs])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, f.array(field, { minLength: 1, maxLength: 3 })).map(([k, fs]) => ['HDEL', k, ...fs])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['HLEN', k])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, field).map(([k, a]) => ['HEXISTS', k, a])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, field).map(([k, a]) => ['HSTRLEN', k, a])) },
      { weight: 3, arbitrary: step(c.key.map((k) => ['HGETALL', k]), 'sorted-pairs') },
      { weight: 1, arbitrary: step(c.key.map((k) => ['HKEYS', k]), 'sorted') },
      { weight: 1, arbitrary: step(c.key.map((k) => ['HVALS', k]), 'sorted') },
      { weight: 4, arbitrary: step(f.tuple(c.key, field, c.int).map(([k, a, n]) => ['HINCRBY', k, a, n])) },
      { weight: 4, arbitrary: step(f.tuple(c.key, field, c.float).map(([k, a, n]) => ['HINCRBYFLOAT', k, a, n])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['HRANDFIELD', k]), 'random') },
      {
        weight: 3,
        arbitrary: step(
          f.tuple(c.key, f.constantFrom(...RAND_COUNTS), f.constantFrom<string[]>([], ['WITHVALUES'], ['withvalues'], ['WITHVALUE'], ['WITHVALUES', 'x'])).map(([k, n, o]) => ['HRANDFIELD', k, n, ...o]),
          'random',
        ),
      },
      { weight: 3, arbitrary: step(f.tuple(c.key, f.constantFrom('0', '0', '0', 'x', '18446744073709551616', ' 0'), scanOpts).map(([k, cur, o]) => ['HSCAN', k, cur, ...o]), 'scan') },
      { weight: 1, arbitrary: step(c.key.map((k) => ['OBJECT', 'ENCODING', k])) },
      { weight: 1, arbitrary: step(f.constantFrom(['HSET', 'k1', 'f'], ['HGET', 'k1'], ['HMSET', 'k1'], ['HDEL', 'k1'], ['HINCRBY', 'k1', 'f'], ['hrandfield'], ['HSCAN', 'k1'])) },
    ];
  },
};
