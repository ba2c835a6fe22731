/**
 * Differential generator: set commands, with bad arguments, wrong types and both encodings
 * (intset while every member is a canonical integer and there are at most 512 of them).
 *
 * SPOP picks random members, which would make the two datasets diverge: it is only generated
 * where the outcome is determined (a count >= the size, 0, or invalid arguments), and on the
 * keys of POP_KEYS, which only ever hold their one fixed member.
 */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const MEMBERS = ['a', 'b', 'c', '1', '2', '3', '-1', '10', '-0', '01', '', '\x00\xff', '9223372036854775807', '9223372036854775808'];
const LONG = 'y'.repeat(65);
/** keys that only ever get one fixed member, so that a single SPOP is deterministic */
const POP_KEYS: Array<[string, string]> = [
  ['sp', 'z'],
  ['sp2', '7'],
];
/** never a large negative count that passes Redis's range check: redis-server would try to build that reply */
const RAND_COUNTS = ['0', '1', '2', '3', '10', '-1', '-3', '-10', 'x', '-9223372036854775808', '9223372036854775807'];

export const setGenerator: CommandGenerator = {
  family: 'set',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const member = f.oneof({ arbitrary: f.constantFrom(...MEMBERS), weight: 12 }, { arbitrary: f.constant(LONG), weight: 1 }, { arbitrary: c.value, weight: 1 });
    const members = f.array(member, { minLength: 1, maxLength: 4 });
    const keys = f.array(c.key, { minLength: 1, maxLength: 3 });
    const bigSadd = f.tuple(c.key, f.integer({ min: 510, max: 515 })).map(([k, n]) => ['SADD', k, ...Array.from({ length: n }, (_, i) => String(i))]);
    const scanOpts = f.constantFrom<string[]>(['COUNT', '1000'], ['MATCH', '1*', 'COUNT', '1000'], ['MATCH', '[ab]', 'COUNT', '1000'], ['COUNT', '0'], ['COUNT', 'x'], ['MATCH'], ['TYPE', 'set']);
    const popKey = f.constantFrom(...POP_KEYS);
    return [
      { weight: 8, arbitrary: step(f.tuple(c.key, members).map(([k, m]) => ['SADD', k, ...m])) },
      { weight: 1, arbitrary: step(bigSadd) },
      { weight: 3, arbitrary: step(f.tuple(c.key, members).map(([k, m]) => ['SREM', k, ...m])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['SCARD', k])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, member).map(([k, m]) => ['SISMEMBER', k, m])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, members).map(([k, m]) => ['SMISMEMBER', k, ...m])) },
      { weight: 3, arbitrary: step(c.key.map((k) => ['SMEMBERS', k]), 'sorted') },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.constantFrom('1000', '0', '-1', 'x', '1 ')).map(([k, n]) => ['SPOP', k, n]), 'sorted') },
      { weight: 1, arbitrary: step(popKey.map(([k, m]) => ['SADD', k, m])) },
      { weight: 1, arbitrary: step(f.tuple(popKey, f.constantFrom<string[]>([], [], ['1'], ['2'])).map(([[k], n]) => ['SPOP', k, ...n])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, f.constantFrom('1', '2')).map(([k, n]) => ['SPOP', k, n, 'x'])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['SRANDMEMBER', k]), 'random') },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.constantFrom(...RAND_COUNTS)).map(([k, n]) => ['SRANDMEMBER', k, n]), 'random') },
      { weight: 3, arbitrary: step(f.tuple(c.key, c.key, member).map(([a, b, m]) => ['SMOVE', a, b, m])) },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom('SINTER', 'SUNION', 'SDIFF', 'sinter'), keys).map(([cmd, ks]) => [cmd, ...ks]), 'sorted') },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), c.key, keys).map(([cmd, d, ks]) => [cmd, d, ...ks])) },
      {
        weight: 2,
        arbitrary: step(
          f
            .tuple(keys, f.constantFrom(0, 0, 0, 1, -1), f.constantFrom<string[]>([], [], ['LIMIT', '1'], ['LIMIT', '0'], ['LIMIT', '2'], ['LIMIT', '-1'], ['LIMIT', 'x'], ['LIMIT'], ['FOO', '1']))
            .map(([ks, skew, o]) => ['SINTERCARD', String(ks.length + skew), ...ks, ...o]),
        ),
      },
      { weight: 1, arbitrary: step(f.constantFrom(['SINTERCARD', '0', 'k1'], ['SINTERCARD', 'x', 'k1'], ['SINTERCARD', '5', 'k1'])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.constantFrom('0', '0', '0', 'x', '18446744073709551616'), scanOpts).map(([k, cur, o]) => ['SSCAN', k, cur, ...o]), 'scan') },
      { weight: 2, arbitrary: step(c.key.map((k) => ['OBJECT', 'ENCODING', k])) },
      { weight: 1, arbitrary: step(f.constantFrom(['SADD', 'k1'], ['SREM', 'k1'], ['SMOVE', 'k1', 'k2'], ['SINTERSTORE', 'k1'], ['SSCAN', 'k1'], ['SPOP'], ['smembers'])) },
    ];
  },
};
