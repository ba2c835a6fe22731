/** Differential generator: list commands, with bad arguments and wrong types. */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const ELEMENTS = ['a', 'b', 'c', '1', '-0', '', '\x00\xff'];
const INDEXES = ['0', '1', '2', '-1', '-2', '5', '-5', '100', 'x', '01', '9223372036854775807', '-9223372036854775808'];
const COUNTS = ['0', '1', '2', '3', '10', '-1', 'x', '9223372036854775807'];
const RANKS = ['1', '2', '-1', '-2', '0', 'x', '9223372036854775807', '-9223372036854775808', '-9223372036854775807'];

export const listGenerator: CommandGenerator = {
  family: 'list',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const el = f.oneof({ arbitrary: f.constantFrom(...ELEMENTS), weight: 4 }, { arbitrary: c.value, weight: 1 });
    const els = f.array(el, { minLength: 1, maxLength: 4 });
    const idx = f.oneof({ arbitrary: f.constantFrom(...INDEXES), weight: 4 }, { arbitrary: c.int, weight: 1 });
    const end = f.constantFrom('LEFT', 'RIGHT', 'left', 'right', 'UP');
    const lposOpt = f.oneof(
      f.tuple(f.constant('RANK'), f.constantFrom(...RANKS)).map((t) => [...t]),
      f.tuple(f.constantFrom('COUNT', 'count'), f.constantFrom(...COUNTS)).map((t) => [...t]),
      f.tuple(f.constant('MAXLEN'), f.constantFrom(...COUNTS)).map((t) => [...t]),
      f.constantFrom(['RANK'], ['FOO', '1']),
    );
    return [
      { weight: 6, arbitrary: step(f.tuple(c.key, els).map(([k, e]) => ['LPUSH', k, ...e])) },
      { weight: 6, arbitrary: step(f.tuple(c.key, els).map(([k, e]) => ['RPUSH', k, ...e])) },
      { weight: 0.3, arbitrary: step(f.tuple(c.key, f.integer({ min: 50, max: 300 })).map(([k, n]) => ['RPUSH', k, ...Array.from({ length: n }, (_, i) => ELEMENTS[i % ELEMENTS.length])])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, els).map(([k, e]) => ['LPUSHX', k, ...e])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, els).map(([k, e]) => ['rpushx', k, ...e])) },
      { weight: 3, arbitrary: step(c.key.map((k) => ['LPOP', k])) },
      { weight: 3, arbitrary: step(c.key.map((k) => ['RPOP', k])) },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom('LPOP', 'RPOP'), c.key, f.constantFrom(...COUNTS)).map(([cmd, k, n]) => [cmd, k, n])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['LLEN', k])) },
      { weight: 4, arbitrary: step(f.tuple(c.key, idx, idx).map(([k, a, b]) => ['LRANGE', k, a, b])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, idx).map(([k, i]) => ['LINDEX', k, i])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, idx, el).map(([k, i, v]) => ['LSET', k, i, v])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.constantFrom('BEFORE', 'after', 'MIDDLE'), el, el).map(([k, w, p, v]) => ['LINSERT', k, w, p, v])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.constantFrom('0', '1', '-1', '2', '-2', 'x', '-9223372036854775808'), el).map(([k, n, v]) => ['LREM', k, n, v])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, idx, idx).map(([k, a, b]) => ['LTRIM', k, a, b])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, el, f.array(lposOpt, { maxLength: 3 })).map(([k, v, o]) => ['LPOS', k, v, ...o.flat()])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, c.key, end, end).map(([a, b, x, y]) => ['LMOVE', a, b, x, y])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, c.key).map(([a, b]) => ['RPOPLPUSH', a, b])) },
      { weight: 1, arbitrary: step(c.key.map((k) => ['OBJECT', 'ENCODING', k])) },
      { weight: 1, arbitrary: step(f.constantFrom(['LPUSH', 'k1'], ['LPOP', 'k1', '1', '2'], ['LRANGE', 'k1', '0'], ['LMOVE', 'k1', 'k2', 'LEFT'], ['lpos', 'k1'], ['LINSERT', 'k1', 'BEFORE', 'a'])) },
    ];
  },
};
