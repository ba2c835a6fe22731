/** Differential generator: generic key commands, expiry, iteration, databases. */
import type fc from 'fast-check';
import type { CommandGenerator, GenContext, GenStep } from './generator-types';

const FAR_S = '4102444800';
const FAR_MS = '4102444800123';

export const keysGenerator: CommandGenerator = {
  family: 'keys',
  steps(c: GenContext, f: typeof fc) {
    const step = (a: fc.Arbitrary<string[]>, compare?: GenStep['compare']) => a.map((argv): GenStep => ({ argv, compare }));
    const expFlags = f.subarray(['NX', 'XX', 'GT', 'LT', 'nx', 'ZZ'], { maxLength: 2 });
    const pattern = f.constantFrom('*', 'k*', 'k?', '*1', 'k[12]', 'k[^1]*', '\\*', '[a-z]*', '\xff*');
    return [
      { weight: 4, arbitrary: step(f.array(c.key, { minLength: 1, maxLength: 3 }).map((ks) => ['DEL', ...ks])) },
      { weight: 1, arbitrary: step(f.array(c.key, { minLength: 1, maxLength: 3 }).map((ks) => ['UNLINK', ...ks])) },
      { weight: 3, arbitrary: step(f.array(c.key, { minLength: 1, maxLength: 3 }).map((ks) => ['EXISTS', ...ks])) },
      { weight: 3, arbitrary: step(c.key.map((k) => ['TYPE', k])) },
      { weight: 1, arbitrary: step(f.array(c.key, { minLength: 1, maxLength: 3 }).map((ks) => ['TOUCH', ...ks])) },
      { weight: 4, arbitrary: step(f.tuple(f.constantFrom('EXPIRE', 'expire'), c.key, f.constantFrom('100', '1000', '-1', '0', 'x', '9223372036854775807', '9223372036854775'), expFlags).map(([cmd, k, t, fl]) => [cmd, k, t, ...fl])) },
      { weight: 2, arbitrary: step(f.tuple(f.constantFrom('PEXPIRE', 'pexpire'), c.key, f.constantFrom('100000', '1000000', '-1', '0', 'x', '9223372036854775807'), expFlags).map(([cmd, k, t, fl]) => [cmd, k, t, ...fl])) },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom('EXPIREAT', 'PEXPIREAT', 'pexpireat'), c.key, f.constantFrom(FAR_S, FAR_MS, '1', '0', '-5'), expFlags).map(([cmd, k, t, fl]) => [cmd, k, t, ...fl])) },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom('TTL', 'EXPIRETIME'), c.key).map(([cmd, k]) => [cmd, k]), 'ttl-s') },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom('PTTL', 'PEXPIRETIME'), c.key).map(([cmd, k]) => [cmd, k]), 'ttl-ms') },
      { weight: 2, arbitrary: step(c.key.map((k) => ['PERSIST', k])) },
      { weight: 3, arbitrary: step(f.tuple(f.constantFrom('RENAME', 'RENAMENX'), c.key, c.key).map(([cmd, a, b]) => [cmd, a, b])) },
      { weight: 3, arbitrary: step(f.tuple(c.key, c.key, f.subarray(['REPLACE', 'DB', '1', 'DB', '0'], { maxLength: 3 })).map(([a, b, o]) => ['COPY', a, b, ...o])) },
      { weight: 2, arbitrary: step(f.tuple(c.key, f.constantFrom('0', '1', '16', 'x')).map(([k, d]) => ['MOVE', k, d])) },
      { weight: 1, arbitrary: step(f.constantFrom(['SWAPDB', '0', '1'], ['SWAPDB', '0', '99'], ['SWAPDB', 'x', '1'], ['SWAPDB', '1', 'y'])) },
      { weight: 2, arbitrary: step(pattern.map((p) => ['KEYS', p]), 'sorted') },
      { weight: 2, arbitrary: step(f.tuple(pattern, f.constantFrom<string[]>([], ['TYPE', 'string'], ['TYPE', 'none'], ['type', 'list'])).map(([p, t]) => ['SCAN', '0', 'COUNT', '1000', 'MATCH', p, ...t]), 'scan') },
      { weight: 1, arbitrary: step(f.constantFrom(['SCAN', 'x'], ['SCAN', '0', 'COUNT', '0'], ['SCAN', '0', 'COUNT', 'x'], ['SCAN', '0', 'FOO'], ['SCAN', '0', 'MATCH'])) },
      // RANDOMKEY lazily deletes the expired keys it happens to sample: reclaim them all first (a
      // full SCAN) inside the same MULTI so both sides stay comparable
      { weight: 1, arbitrary: f.constant<GenStep>({ argv: [], multi: [{ argv: ['SCAN', '0', 'COUNT', '1000'], compare: 'scan' }, { argv: ['RANDOMKEY'], compare: 'random' }] }) },
      { weight: 2, arbitrary: step(f.constant(['DBSIZE'])) },
      { weight: 1, arbitrary: step(f.constantFrom(['SELECT', '0'], ['SELECT', '1'], ['SELECT', '0'], ['SELECT', '16'], ['SELECT', 'x'], ['SELECT', '99999999999'])) },
      { weight: 0.3, arbitrary: step(f.constantFrom(['FLUSHDB'], ['FLUSHDB', 'ASYNC'], ['FLUSHDB', 'x'])) },
      { weight: 1, arbitrary: step(f.constantFrom(['NOSUCHCMD', 'a', 'b'], ['DEL'], ['EXPIRE', 'k1'], ['OBJECT', 'NOPE', 'k1'], ['OBJECT', 'ENCODING'], ['OBJECT', 'HELP'], ['object', 'help', 'x'])) },
      { weight: 1, arbitrary: step(f.tuple(f.constantFrom('REFCOUNT', 'FREQ', 'refcount'), c.key).map(([sub, k]) => ['OBJECT', sub, k])) },
    ];
  },
};
