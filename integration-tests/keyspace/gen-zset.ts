/**
 * Differential generator: sorted set commands, with bad arguments, wrong types, both encodings
 * (a 65-byte member or more than 128 members make a skiplist).
 *
 * Lex ranges are only defined on members with equal scores (Redis's answers with mixed scores
 * depend on the skiplist's random levels), so valid lex ranges only go to LEX_KEYS, which only
 * ever receive score 0. The shared key pool gets lex commands with invalid ranges only.
 */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const MEMBERS = ['a', 'b', 'c', 'd', 'e', '', '1', '\x00\xff', 'ab'];
const LEX_KEYS = ['zl1', 'zl2'];
const LONG = 'm'.repeat(65);
const SCORES = ['0', '1', '2', '-1', '1.5', '-2.5', '0.1', '3', '10', 'inf', '-inf', '+inf', '-0', '1e-310', '1e300'];
const BAD_SCORES = ['nan', 'x', '', ' 1', '1e400', '(1'];
const RANGE_SCORES = ['0', '1', '2', '(1', '(2', '-inf', '+inf', 'inf', '(-inf', '1.5', '(0.1', '-1', ' 1', '', '(', '1e400', 'x', 'nan', '(nan', '0x10', '((1'];
const LEX_BOUNDS = ['-', '+', '[a', '(a', '[b', '(c', '[', '(', '[\x00', '[e', '(ab', 'a', '', '++', '-x'];
const VALID_LEX = ['-', '+', '[a', '(a', '[b', '(c', '[', '(', '[\x00', '[e', '(ab', '[\xff'];
const INDEXES = ['0', '1', '2', '-1', '-2', '5', '-5', '100', 'x', '9223372036854775807', '-9223372036854775808'];
/** never a large negative count that passes Redis's checks: redis-server would try to build that reply */
const RAND_COUNTS = ['0', '1', '2', '3', '10', '-1', '-3', '-10', 'x', '-9223372036854775808', '9223372036854775807', '4611686018427387904'];

export const zsetGenerator: CommandGenerator = {
  family: 'zset',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const member = f.oneof({ arbitrary: f.constantFrom(...MEMBERS), weight: 12 }, { arbitrary: f.constant(LONG), weight: 1 }, { arbitrary: c.value, weight: 1 });
    const score = f.oneof({ arbitrary: f.constantFrom(...SCORES), weight: 12 }, { arbitrary: f.constantFrom(...BAD_SCORES), weight: 1 }, { arbitrary: c.float, weight: 1 });
    const pairs = f.array(f.tuple(score, member), { minLength: 1, maxLength: 4 }).map((ps) => ps.flat());
    const flags = f.subarray(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'], { maxLength: 3 });
    const rs = f.constantFrom(...RANGE_SCORES);
    const idx = f.constantFrom(...INDEXES);
    const lex = f.constantFrom(...LEX_BOUNDS);
    const vlex = f.constantFrom(...VALID_LEX);
    const lexKey = f.constantFrom(...LEX_KEYS);
    const limit = f.oneof(
      { arbitrary: f.constant<string[]>([]), weight: 4 },
      { arbitrary: f.tuple(f.constantFrom('0', '1', '2', '-1', 'x'), f.constantFrom('0', '1', '2', '-1', '-2', '10', 'x')).map(([o, n]) => ['LIMIT', o, n]), weight: 2 },
      { arbitrary: f.constant(['LIMIT', '0']), weight: 1 },
    );
    const zrangeOpts = f.subarray(['BYSCORE', 'BYLEX', 'REV', 'WITHSCORES'], { maxLength: 3 });
    const keys = f.array(c.key, { minLength: 1, maxLength: 3 });
    const storeOpts = f.oneof(
      { arbitrary: f.constant<string[]>([]), weight: 3 },
      { arbitrary: f.constantFrom(['AGGREGATE', 'SUM'], ['AGGREGATE', 'min'], ['AGGREGATE', 'MAX'], ['AGGREGATE', 'avg'], ['AGGREGATE'], ['WITHSCORES'], ['FOO']), weight: 2 },
    );
    const weights = (n: number) => f.array(f.constantFrom('1', '2', '0', '-1', '0.5', 'inf', '-inf', 'x', 'nan', ' 1'), { minLength: n, maxLength: n });
    const bigZadd = f.tuple(c.key, f.integer({ min: 129, max: 140 })).map(([k, n]) => {
      const argv = ['ZADD', k];
      for (let i = 0; i < n; i++) argv.push(String(i % 7), `m${i}`);
      return argv;
    });
    return [
      { weight: 8, arbitrary: step(f.tuple(c.key, flags, pairs).map(([k, fl, p]) => ['ZADD', k, ...fl, ...p])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, flags, score, member).map(([k, fl, s, m]) => ['zadd', k, 'INCR', ...fl, s, m])) },
      { weight: 1, arbitrary: step(bigZadd) },
      { weight: 3, arbitrary: step(f.tuple(lexKey, f.array(member, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ['ZADD', k, ...ms.flatMap((m) => ['0', m])])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, score, member).map(([k, s, m]) => ['ZINCRBY', k, s, m])) },
      { weight: 3, arbitrary: step(f.tuple(f.oneof(c.key, lexKey), f.array(member, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ['ZREM', k, ...ms])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['ZCARD', k])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, member).map(([k, m]) => ['ZSCORE', k, m])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.array(member, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ['ZMSCORE', k, ...ms])) },
      { weight: 2, arbitrary: step(f.tuple(f.constantFrom('ZRANK', 'ZREVRANK'), c.key, member).map(([cmd, k, m]) => [cmd, k, m])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, rs, rs).map(([k, a, b]) => ['ZCOUNT', k, a, b])) },
      { weight: 2, arbitrary: step(f.tuple(lexKey, vlex, vlex).map(([k, a, b]) => ['ZLEXCOUNT', k, a, b])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, lex, f.constantFrom('a', '', '++', 'x')).map(([k, a, b]) => ['ZLEXCOUNT', k, a, b])) },
      { weight: 4, arbitrary: step(f.tuple(c.key, idx, idx, zrangeOpts, limit).map(([k, a, b, o, l]) => ['ZRANGE', k, a, b, ...o.filter((x) => x !== 'BYLEX'), ...l])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, rs, rs, zrangeOpts, limit).map(([k, a, b, o, l]) => ['ZRANGE', k, a, b, 'BYSCORE', ...o.filter((x) => x !== 'BYLEX' && x !== 'BYSCORE'), ...l])) },
      { weight: 3, arbitrary: step(f.tuple(lexKey, vlex, vlex, zrangeOpts, limit).map(([k, a, b, o, l]) => ['ZRANGE', k, a, b, ...o.filter((x) => x !== 'BYSCORE'), ...l])) },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom('ZRANGEBYSCORE', 'ZREVRANGEBYSCORE'), c.key, rs, rs, f.subarray(['WITHSCORES', 'REV']), limit).map(([cmd, k, a, b, o, l]) => [cmd, k, a, b, ...o, ...l])) },
      { weight: 2, arbitrary: step(f.tuple(f.constantFrom('ZRANGEBYLEX', 'ZREVRANGEBYLEX'), lexKey, vlex, vlex, f.subarray(['WITHSCORES']), limit).map(([cmd, k, a, b, o, l]) => [cmd, k, a, b, ...o, ...l])) },
      { weight: 1, arbitrary: step(f.tuple(f.constantFrom('ZRANGEBYLEX', 'ZREMRANGEBYLEX'), c.key, lex, f.constantFrom('a', '', '++')).map(([cmd, k, a, b]) => [cmd, k, a, b])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, idx, idx, f.subarray(['WITHSCORES', 'LIMIT'])).map(([k, a, b, o]) => ['ZREVRANGE', k, a, b, ...o])) },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom('ZPOPMIN', 'ZPOPMAX', 'zpopmin'), c.key, f.constantFrom<string[]>([], [], ['1'], ['2'], ['10'], ['0'], ['-1'], ['x'], ['1', '2'])).map(([cmd, k, n]) => [cmd, k, ...n])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, rs, rs).map(([k, a, b]) => ['ZREMRANGEBYSCORE', k, a, b])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, idx, idx).map(([k, a, b]) => ['ZREMRANGEBYRANK', k, a, b])) },
      { weight: 1, arbitrary: step(f.tuple(lexKey, vlex, vlex).map(([k, a, b]) => ['ZREMRANGEBYLEX', k, a, b])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, c.key, idx, idx, f.subarray(['REV', 'WITHSCORES'])).map(([d, k, a, b, o]) => ['ZRANGESTORE', d, k, a, b, ...o])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, c.key, rs, rs, limit).map(([d, k, a, b, l]) => ['ZRANGESTORE', d, k, a, b, 'BYSCORE', ...l])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, lexKey, vlex, vlex).map(([d, k, a, b]) => ['ZRANGESTORE', d, k, a, b, 'BYLEX'])) },
      {
        weight: 4,
        arbitrary: step(
          f
            .tuple(f.constantFrom('ZUNIONSTORE', 'ZINTERSTORE'), c.key, keys, f.boolean(), storeOpts, f.constantFrom(0, 0, 0, 1, -1))
            .chain(([cmd, d, ks, w, o, skew]) =>
              weights(ks.length).map((ws) => [cmd, d, String(ks.length + skew), ...ks, ...(w ? ['WEIGHTS', ...ws] : []), ...o]),
            ),
        ),
      },
      { weight: 1, arbitrary: step(f.tuple(f.constantFrom('ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE'), c.key, f.constantFrom('0', '-1', 'x', '1')).map(([cmd, d, n]) => [cmd, d, n, 'k1'])) },
      {
        weight: 3,
        arbitrary: step(
          f
            .tuple(f.constantFrom('ZUNION', 'ZINTER', 'ZDIFF', 'zunion'), keys, f.boolean(), f.constantFrom<string[]>([], [], ['WITHSCORES'], ['withscores'], ['AGGREGATE', 'MAX', 'WITHSCORES'], ['AGGREGATE', 'x'], ['FOO']), f.constantFrom(0, 0, 0, 1, -1))
            .chain(([cmd, ks, w, o, skew]) => weights(ks.length).map((ws) => [cmd, String(ks.length + skew), ...ks, ...(w ? ['WEIGHTS', ...ws] : []), ...o])),
        ),
      },
      { weight: 2, arbitrary: step(f.tuple(c.key, keys).map(([d, ks]) => ['ZDIFFSTORE', d, String(ks.length), ...ks])) },
      {
        weight: 2,
        arbitrary: step(
          f
            .tuple(keys, f.constantFrom(0, 0, 0, 1, -1), f.constantFrom<string[]>([], [], ['LIMIT', '1'], ['LIMIT', '0'], ['LIMIT', '-1'], ['LIMIT', 'x'], ['LIMIT'], ['WEIGHTS', '1']))
            .map(([ks, skew, o]) => ['ZINTERCARD', String(ks.length + skew), ...ks, ...o]),
        ),
      },
      { weight: 1, arbitrary: step(f.constantFrom(['ZINTERCARD', '0', 'k1'], ['ZINTERCARD', 'x', 'k1'], ['ZUNION', '0', 'k1'], ['ZDIFF', '-1', 'k1'])) },
      {
        weight: 3,
        arbitrary: step(
          f
            .tuple(keys, f.constantFrom('MIN', 'max', 'FOO'), f.constantFrom<string[]>([], [], ['COUNT', '2'], ['COUNT', '10'], ['COUNT', '0'], ['COUNT', 'x'], ['COUNT'], ['COUNT', '1', 'COUNT', '2']), f.constantFrom(0, 0, 0, 1, -1))
            .map(([ks, w, o, skew]) => ['ZMPOP', String(ks.length + skew), ...ks, w, ...o]),
        ),
      },
      { weight: 1, arbitrary: step(f.constantFrom(['ZMPOP', '0', 'k1', 'MIN'], ['ZMPOP', 'x', 'k1', 'MIN'], ['ZMPOP', '5', 'k1', 'MIN'], ['ZMPOP', '1', 'k1'])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['ZRANDMEMBER', k]), 'random') },
      {
        weight: 2,
        arbitrary: step(
          f.tuple(c.key, f.constantFrom(...RAND_COUNTS), f.constantFrom<string[]>([], ['WITHSCORES'], ['withscores'], ['WITHSCORE'], ['WITHSCORES', 'x'])).map(([k, n, o]) => ['ZRANDMEMBER', k, n, ...o]),
          'random',
        ),
      },
      {
        weight: 2,
        arbitrary: step(
          f
            .tuple(
              c.key,
              f.constantFrom('0', '0', '0', 'x', '18446744073709551616'),
              f.constantFrom<string[]>(['COUNT', '1000'], ['MATCH', 'a*', 'COUNT', '1000'], ['COUNT', '0'], ['MATCH'], ['NOVALUES']),
            )
            .map(([k, cur, o]) => ['ZSCAN', k, cur, ...o]),
          'scan',
        ),
      },
      { weight: 2, arbitrary: step(f.oneof(c.key, lexKey).map((k) => ['OBJECT', 'ENCODING', k])) },
      {
        weight: 1,
        arbitrary: step(
          f.constantFrom(['ZADD', 'k1'], ['ZADD', 'k1', '1'], ['ZADD', 'k1', 'NX', 'XX'], ['ZINCRBY', 'k1', '1'], ['ZRANGE', 'k1', '0'], ['ZRANK', 'k1', 'a', 'WITHSCORE'], ['ZPOPMIN'], ['zrem', 'k1']),
        ),
      },
    ];
  },
};
