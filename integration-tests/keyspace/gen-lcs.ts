/** Differential generator: LCS (LEN, IDX, MINMATCHLEN, WITHMATCHLEN) and SUBSTR. */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

// strings with long and repeated common runs, so that IDX has several ranges to report
const TEXTS = ['ohmytext', 'mynewtext', 'abcabcabc', 'xabcyabcz', 'aaaa', 'abab', 'rtrtrt', '', '\x00\xff\x00', 'the quick brown fox', 'quick brown the fox'];
const MINLENS = ['0', '1', '2', '3', '4', '-1', 'x'];

export const lcsGenerator: CommandGenerator = {
  family: 'lcs',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const opt = f.oneof(
      f.constantFrom(['LEN'], ['IDX'], ['WITHMATCHLEN'], ['idx'], ['len']),
      f.tuple(f.constantFrom('MINMATCHLEN', 'minmatchlen'), f.constantFrom(...MINLENS)).map((t) => [...t]),
      f.constantFrom(['MINMATCHLEN'], ['FOO']),
    );
    const opts = f.oneof({ arbitrary: f.array(opt, { maxLength: 3 }), weight: 4 }, { arbitrary: f.constant<string[][]>([['IDX'], ['WITHMATCHLEN'], ['MINMATCHLEN', '2']]), weight: 1 });
    return [
      { weight: 2, arbitrary: step(f.tuple(c.key, f.constantFrom(...TEXTS)).map(([k, v]) => ['SET', k, v])) },
      { weight: 4, arbitrary: step(f.tuple(c.key, c.key, opts).map(([a, b, o]) => ['LCS', a, b, ...o.flat()])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, c.int, c.int).map(([k, a, b]) => ['SUBSTR', k, a, b])) },
      { weight: 1, arbitrary: step(f.constantFrom(['LCS', 'k1'], ['SUBSTR', 'k1', '0'], ['substr', 'k1', '0', '1', '2'])) },
    ];
  },
};
