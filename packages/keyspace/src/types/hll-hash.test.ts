import fc from 'fast-check';
import { hllPatLen, murmurHash64A } from './hll';

/** MurmurHash64A on BigInts, written from the C reference, to check the uint32-pair version. */
function referenceMurmur(key: string, seed: number): bigint {
  const M = 0xc6a4a7935bd1e995n;
  const MASK = 0xffffffffffffffffn;
  const len = key.length;
  let h = (BigInt(seed) ^ ((BigInt(len) * M) & MASK)) & MASK;
  const nblocks = len - (len & 7);
  for (let i = 0; i < nblocks; i += 8) {
    let k = 0n;
    for (let b = 7; b >= 0; b--) k = (k << 8n) | BigInt(key.charCodeAt(i + b));
    k = (k * M) & MASK;
    k ^= k >> 47n;
    k = (k * M) & MASK;
    h ^= k;
    h = (h * M) & MASK;
  }
  const rem = len & 7;
  if (rem > 0) {
    for (let b = rem - 1; b >= 0; b--) h ^= BigInt(key.charCodeAt(nblocks + b)) << BigInt(8 * b);
    h = (h * M) & MASK;
  }
  h ^= h >> 47n;
  h = (h * M) & MASK;
  h ^= h >> 47n;
  return h;
}

const binary = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }).map((a) => String.fromCharCode(...a));

describe('MurmurHash64A on uint32 pairs', () => {
  it('equals the BigInt reference for any bytes and seed', () => {
    fc.assert(
      fc.property(binary, fc.integer({ min: 0, max: 0xffffffff }), (s, seed) => {
        expect(murmurHash64A(s, seed)).toBe(referenceMurmur(s, seed));
      }),
      { numRuns: 2000 },
    );
  });

  it('hllPatLen: index is the low 14 bits, count the 1-based position of the first set bit above them', () => {
    fc.assert(
      fc.property(binary, (s) => {
        const h = referenceMurmur(s, 0xadc83b19);
        let rest = (h >> 14n) | (1n << 50n);
        let count = 1;
        while ((rest & 1n) === 0n) {
          count++;
          rest >>= 1n;
        }
        expect(hllPatLen(s)).toEqual([Number(h & 16383n), count]);
      }),
      { numRuns: 2000 },
    );
  });
});
