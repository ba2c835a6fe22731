/** Differential generator: LMPOP (numkeys, LEFT/RIGHT, COUNT, wrong types, bad arguments). */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

export const lmpopGenerator: CommandGenerator = {
  family: 'lmpop',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const end = f.constantFrom('LEFT', 'RIGHT', 'left', 'right', 'UP');
    const count = f.constantFrom<string[]>([], [], ['COUNT', '1'], ['COUNT', '2'], ['count', '10'], ['COUNT', '0'], ['COUNT', '-1'], ['COUNT', 'x'], ['COUNT'], ['COUNT', '1', 'COUNT', '2']);
    return [
      { weight: 4, arbitrary: step(f.tuple(c.key, f.array(f.constantFrom('a', 'b', 'c', '1'), { minLength: 1, maxLength: 4 })).map(([k, e]) => ['RPUSH', k, ...e])) },
      { weight: 4, arbitrary: step(f.tuple(f.array(c.key, { minLength: 1, maxLength: 3 }), end, count).map(([ks, e, n]) => ['LMPOP', String(ks.length), ...ks, e, ...n])) },
      { weight: 1, arbitrary: step(f.tuple(f.constantFrom('0', '-1', 'x', '5', '2'), c.key, end).map(([n, k, e]) => ['LMPOP', n, k, e])) },
    ];
  },
};
