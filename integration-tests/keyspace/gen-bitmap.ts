/**
 * Differential generator: bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD,
 * BITFIELD_RO) with edge offsets, BIT/BYTE ranges, every BITFIELD type and overflow mode, and
 * bad arguments. Offsets stay small (no 512 MB strings); the proto-max-bulk-len limit is hit by
 * offsets whose byte is exactly at the limit.
 */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const OFFSETS = ['0', '1', '6', '7', '8', '9', '15', '23', '31', '63', '64', '100', '-1', 'x', '1.5', '01', '4294967296', '9223372036854775807'];
const RANGES = ['0', '1', '2', '-1', '-2', '-3', '5', '7', '8', '-8', '9', '15', '100', '-100', 'x', '9223372036854775807', '-9223372036854775808'];
const TYPES = ['u1', 'u3', 'u8', 'i8', 'i5', 'u16', 'i16', 'i32', 'u63', 'i63', 'i64', 'u64', 'i0', 'i65', 'x8', 'U8', 'i'];
const FIELD_OFFSETS = ['0', '1', '3', '7', '8', '13', '#0', '#1', '#2', '#3', '100', '-1', '#-1', 'x', '#'];
const FIELD_VALUES = ['0', '1', '-1', '2', '5', '100', '127', '128', '-128', '-129', '255', '256', '1000', '-1000', '9223372036854775807', '-9223372036854775808', 'x'];

export const bitmapGenerator: CommandGenerator = {
  family: 'bitmap',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const off = f.constantFrom(...OFFSETS);
    const rng = f.oneof({ arbitrary: f.constantFrom(...RANGES.slice(0, 14)), weight: 8 }, { arbitrary: f.constantFrom(...RANGES), weight: 1 }, { arbitrary: c.int, weight: 1 });
    const unit = f.constantFrom<string[]>([], ['BIT'], ['BIT'], ['BYTE'], ['bit'], ['byte'], ['BITS']);
    const fieldOp = f.oneof(
      f.tuple(f.constantFrom('GET', 'get'), f.constantFrom(...TYPES), f.constantFrom(...FIELD_OFFSETS)).map((t) => [...t]),
      f.tuple(f.constantFrom('SET', 'set'), f.constantFrom(...TYPES), f.constantFrom(...FIELD_OFFSETS), f.constantFrom(...FIELD_VALUES)).map((t) => [...t]),
      f.tuple(f.constantFrom('INCRBY', 'incrby'), f.constantFrom(...TYPES), f.constantFrom(...FIELD_OFFSETS), f.constantFrom(...FIELD_VALUES)).map((t) => [...t]),
      f.constantFrom(['OVERFLOW', 'WRAP'], ['OVERFLOW', 'SAT'], ['overflow', 'fail'], ['OVERFLOW', 'BAD'], ['OVERFLOW']),
      f.constantFrom(['GET', 'u8'], ['FOO', 'u8', '0'], ['SET', 'i8', '0']),
    );
    // mostly well-formed ops so that the arithmetic (not only the parser) is compared
    const goodOp = f.oneof(
      f.tuple(f.constantFrom('GET', 'SET', 'INCRBY'), f.constantFrom('u1', 'u3', 'u8', 'i8', 'i5', 'i16', 'u63', 'i64'), f.constantFrom('0', '3', '#1', '13', '#2'), f.constantFrom(...FIELD_VALUES.slice(0, 16))).map(([o, t, p, v]) => (o === 'GET' ? [o, t, p] : [o, t, p, v])),
      f.constantFrom(['OVERFLOW', 'WRAP'], ['OVERFLOW', 'SAT'], ['OVERFLOW', 'FAIL']),
    );
    const ops = f.oneof({ arbitrary: f.array(goodOp, { minLength: 1, maxLength: 5 }), weight: 3 }, { arbitrary: f.array(fieldOp, { minLength: 0, maxLength: 4 }), weight: 1 });
    const bits = f.oneof({ arbitrary: f.constantFrom('0', '1'), weight: 6 }, { arbitrary: f.constantFrom('2', '-1', 'x', '01'), weight: 1 });
    return [
      { weight: 8, arbitrary: step(f.tuple(c.key, off, f.constantFrom('0', '1', '1', '0', '2', '-1', 'x')).map(([k, o, v]) => ['SETBIT', k, o, v])) },
      { weight: 4, arbitrary: step(f.tuple(c.key, off).map(([k, o]) => ['GETBIT', k, o])) },
      { weight: 3, arbitrary: step(c.key.map((k) => ['BITCOUNT', k])) },
      { weight: 5, arbitrary: step(f.tuple(c.key, rng, rng, unit).map(([k, a, b, u]) => ['BITCOUNT', k, a, b, ...u])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, rng).map(([k, a]) => ['bitcount', k, a])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, bits).map(([k, b]) => ['BITPOS', k, b])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, bits, rng).map(([k, b, a]) => ['BITPOS', k, b, a])) },
      { weight: 5, arbitrary: step(f.tuple(c.key, bits, rng, rng, unit).map(([k, b, a, e, u]) => ['BITPOS', k, b, a, e, ...u])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, rng).map(([k, a]) => ['BITPOS', k, '1', a, a, 'BIT', 'x'])) },
      { weight: 4, arbitrary: step(f.tuple(f.constantFrom('AND', 'OR', 'XOR', 'and', 'xor', 'or', 'NAND'), c.key, f.array(c.key, { minLength: 1, maxLength: 3 })).map(([o, d, s]) => ['BITOP', o, d, ...s])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.array(c.key, { minLength: 1, maxLength: 2 })).map(([d, s]) => ['BITOP', 'NOT', d, ...s])) },
      { weight: 6, arbitrary: step(f.tuple(c.key, ops).map(([k, o]) => ['BITFIELD', k, ...o.flat()])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, ops).map(([k, o]) => ['BITFIELD_RO', k, ...o.flat()])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.array(f.tuple(f.constantFrom('GET', 'get'), f.constantFrom(...TYPES), f.constantFrom(...FIELD_OFFSETS)), { maxLength: 3 })).map(([k, o]) => ['BITFIELD_RO', k, ...o.flat()])) },
      { weight: 1, arbitrary: step(f.constantFrom(['SETBIT', 'k1', '0'], ['GETBIT', 'k1'], ['BITOP', 'AND', 'k1'], ['BITPOS', 'k1'], ['BITFIELD'], ['BITCOUNT'])) },
    ];
  },
};
