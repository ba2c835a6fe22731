/**
 * Differential generator: PFADD, PFCOUNT, PFMERGE. The HLL keys (`h1`..`h3`) get few elements
 * (sparse opcodes split and merged), bulk adds that pass hll-sparse-max-bytes (promotion to dense),
 * merges of sparse and dense ones, and hand-made corrupt or foreign values. The final dataset
 * comparison GETs every string, so the HLL bytes (header, cached cardinality, opcodes, registers)
 * must equal redis-server's.
 */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const HLL_KEYS = ['h1', 'h2', 'h3'];
const HDR = (enc: string, card7: string) => `HYLL${enc}\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00${card7}`;
const CRAFTED = [
  HDR('\x01', '\x80') + '\x7f\xff', // a valid empty sparse HLL with a stale cache
  HDR('\x01', '\x80') + '\x7f\xfe', // sparse opcodes covering 16383 registers: corrupt
  HDR('\x01', '\x80') + '\x7f\xff\x80', // one register too many
  HDR('\x00', '\x80') + 'x', // dense with the wrong size
  HDR('\x02', '\x00') + '\x7f\xff', // unknown encoding
  'HYL', // too short
  HDR('\x01', '\x00') + '\x40\x00\x80\x7f\xfd', // XZERO 1, VAL 1, XZERO 16382 with the cache valid at 0
];

export const hllGenerator: CommandGenerator = {
  family: 'hll',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const hk = f.oneof({ arbitrary: f.constantFrom(...HLL_KEYS), weight: 6 }, { arbitrary: c.key, weight: 1 });
    const ele = f.oneof({ arbitrary: f.integer({ min: 0, max: 400 }).map((n) => `e${n}`), weight: 5 }, { arbitrary: c.value, weight: 1 });
    return [
      { weight: 8, arbitrary: step(f.tuple(hk, f.array(ele, { maxLength: 6 })).map(([k, e]) => ['PFADD', k, ...e])) },
      {
        weight: 0.6,
        arbitrary: step(f.tuple(hk, f.integer({ min: 0, max: 100000 }), f.integer({ min: 200, max: 1500 })).map(([k, from, n]) => ['PFADD', k, ...Array.from({ length: n }, (_, i) => `b${from + i}`)])),
      },
      { weight: 5, arbitrary: step(hk.map((k) => ['PFCOUNT', k])) },
      { weight: 3, arbitrary: step(f.array(hk, { minLength: 2, maxLength: 3 }).map((ks) => ['PFCOUNT', ...ks])) },
      { weight: 3, arbitrary: step(f.tuple(hk, f.array(hk, { maxLength: 3 })).map(([d, s]) => ['PFMERGE', d, ...s])) },
      { weight: 1, arbitrary: step(f.tuple(hk, f.constantFrom(...CRAFTED)).map(([k, v]) => ['SET', k, v])) },
      { weight: 1, arbitrary: step(hk.map((k) => ['DEL', k])) },
      { weight: 1, arbitrary: step(hk.map((k) => ['OBJECT', 'ENCODING', k])) },
      { weight: 1, arbitrary: step(f.constantFrom(['PFADD'], ['PFCOUNT'], ['PFMERGE'], ['pfadd', 'h1'])) },
    ];
  },
};
