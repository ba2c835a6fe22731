/** Differential generator: string commands, with bad arguments and expiries. */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const FAR_S = '4102444800'; // 2100-01-01
const FAR_MS = '4102444800123';

export const stringGenerator: CommandGenerator = {
  family: 'string',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const expireOpt = f.oneof(
      f.constant<string[]>([]),
      f.tuple(f.constantFrom('EX', 'ex'), f.constantFrom('100', '5000', '0', '-1', 'x', '99999999999999999999', '9223372036854775')).map((t) => [...t]),
      f.tuple(f.constantFrom('PX', 'px'), f.constantFrom('100000', '5000000', '0', '-1', 'x', '9223372036854775807')).map((t) => [...t]),
      f.tuple(f.constantFrom('EXAT', 'exat'), f.constantFrom(FAR_S, '1', '0')).map((t) => [...t]),
      f.tuple(f.constantFrom('PXAT', 'pxat'), f.constantFrom(FAR_MS, '1', '2')).map((t) => [...t]),
      f.constant(['KEEPTTL']),
      f.constant(['EX']),
    );
    const flagSet = f.oneof({ arbitrary: f.subarray(['NX', 'XX', 'GET', 'get', 'KEEPTTL'], { maxLength: 2 }), weight: 9 }, { arbitrary: f.subarray(['NX', 'XX', 'GET', 'KEEPTTL', 'BAD']), weight: 1 });
    const setFlags = flagSet.chain((flags) => expireOpt.map((e) => [...flags, ...e]));
    return [
      { weight: 10, arbitrary: step(f.tuple(c.key, c.value).map(([k, v]) => ['SET', k, v])) },
      { weight: 8, arbitrary: step(f.tuple(c.key, c.value, setFlags).map(([k, v, fl]) => ['set', k, v, ...fl])) },
      { weight: 8, arbitrary: step(c.key.map((k) => ['GET', k])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, c.value).map(([k, v]) => ['SETNX', k, v])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.constantFrom('100', '0', '-5', 'abc'), c.value).map(([k, t, v]) => ['SETEX', k, t, v])) },
      { weight: 1, arbitrary: step(f.tuple(c.key, f.constantFrom('100000', '0', 'abc'), c.value).map(([k, t, v]) => ['PSETEX', k, t, v])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, c.value).map(([k, v]) => ['GETSET', k, v])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['GETDEL', k])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, f.oneof(f.constant<string[]>([]), f.constant(['PERSIST']), expireOpt)).map(([k, o]) => ['GETEX', k, ...o])) },
      { weight: 3, arbitrary: step(f.array(c.key, { minLength: 1, maxLength: 4 }).map((ks) => ['MGET', ...ks])) },
      { weight: 2, arbitrary: step(f.array(f.tuple(c.key, c.value), { minLength: 1, maxLength: 3 }).chain((pairs) => f.boolean().map((odd) => ['MSET', ...pairs.flat(), ...(odd ? ['x'] : [])]))) },
      { weight: 2, arbitrary: step(f.array(f.tuple(c.key, c.value), { minLength: 1, maxLength: 3 }).map((pairs) => ['MSETNX', ...pairs.flat()])) },
      { weight: 4, arbitrary: step(c.key.map((k) => ['INCR', k])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['decr', k])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, c.int).map(([k, n]) => ['INCRBY', k, n])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, c.int).map(([k, n]) => ['DECRBY', k, n])) },
      { weight: 4, arbitrary: step(f.tuple(c.key, c.float).map(([k, n]) => ['INCRBYFLOAT', k, n])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, c.value).map(([k, v]) => ['APPEND', k, v])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['STRLEN', k])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, c.int, c.int).map(([k, a, b]) => ['GETRANGE', k, a, b])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.constantFrom('0', '1', '3', '10', '-1', 'x', '536870912'), c.value).map(([k, o, v]) => ['SETRANGE', k, o, v])) },
      { weight: 2, arbitrary: step(c.key.map((k) => ['OBJECT', 'ENCODING', k])) },
      { weight: 1, arbitrary: step(f.constantFrom(['GET'], ['SET', 'k1'], ['INCRBY', 'k1'], ['GETRANGE', 'k1', '0'], ['SETEX', 'k1', '10'], ['strlen'])) },
    ];
  },
};
