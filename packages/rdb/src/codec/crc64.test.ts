import { seededBytes, seededRandom, testSeed } from '@replikit/test-utils';
import fc from 'fast-check';
import { CRC64_IMPLEMENTATION, Crc64, crc64 } from './crc64';
import { Crc64Js } from './crc64-js';
import { loadCrc64Wasm } from './crc64-wasm';

const CHECK = 0xe9c6d914c4b8d9can; // CRC64("123456789")

/** bit-by-bit reference CRC-64 Jones (reflected), straight from the definition */
function referenceCrc(data: Uint8Array, seed = 0n): bigint {
  const poly = 0x95ac9329ac4bc9b5n;
  let crc = seed;
  for (const b of data) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

describe('CRC64 kernels: WebAssembly (used by Crc64) and the JS fallback agree', () => {
  test('Node has WebAssembly, so Crc64 runs the WebAssembly kernel', () => {
    expect(loadCrc64Wasm()).not.toBeNull();
    expect(CRC64_IMPLEMENTATION).toBe('wasm');
  });

  test('check value, both kernels', () => {
    expect(new Crc64().update(Buffer.from('123456789')).value).toBe(CHECK);
    expect(new Crc64Js().update(Buffer.from('123456789')).value).toBe(CHECK);
    expect(new Crc64().value).toBe(0n);
    expect(new Crc64Js().value).toBe(0n);
  });

  test('the JS fallback matches the bit-by-bit definition', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (data, seed) => {
        expect(new Crc64Js(seed).update(data).value).toBe(referenceCrc(data, seed));
      }),
      { numRuns: 200 },
    );
  });

  test('random data of every length class (around 8-byte blocks and 64 KiB slices), chained at random cuts, any seed', () => {
    const random = seededRandom(testSeed('crc64 random data'));
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 100, 65535, 65536, 65537, 200003]) {
      const data = seededBytes(random, n);
      const cut = Math.floor(n / 3);
      const seed = n % 2 ? 0xfedcba9876543210n : 0n;
      const fast = new Crc64(seed).update(data.subarray(0, cut)).update(data, cut, n);
      const js = new Crc64Js(seed).update(data.subarray(0, cut)).update(data, cut, n);
      expect(fast.value).toBe(js.value);
      expect(fast.toBufferLE().equals(js.toBufferLE())).toBe(true);
      expect(fast.equalsLE(js.toBufferLE(), 0)).toBe(true);
      expect(js.equalsLE(fast.toBufferLE(), 0)).toBe(true);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 5 }), (data, cuts) => {
        const points = [...new Set(cuts.map((c) => (data.length ? c % data.length : 0)))].sort((a, b) => a - b);
        const fast = new Crc64();
        let from = 0;
        for (const p of [...points, data.length]) {
          fast.update(data, from, p);
          from = p;
        }
        expect(fast.value).toBe(new Crc64Js().update(data).value);
      }),
      { numRuns: 200 },
    );
  });

  test('without WebAssembly, Crc64 falls back to the JS kernel and gives the same results', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly');
    // biome-ignore lint/suspicious/noExplicitAny: removing a global for this isolated import only
    delete (globalThis as any).WebAssembly;
    try {
      jest.isolateModules(() => {
        const isolated = require('./crc64') as typeof import('./crc64');
        expect(isolated.CRC64_IMPLEMENTATION).toBe('js');
        const data = seededBytes(seededRandom(testSeed('crc64 without WebAssembly')), 70000);
        const c = new isolated.Crc64(5n).update(data, 0, 1000).update(data, 1000);
        expect(c.value).toBe(new Crc64(5n).update(data).value);
        expect(c.equalsLE(new Crc64(5n).update(data).toBufferLE(), 0)).toBe(true);
        expect(isolated.crc64(Buffer.from('123456789'))).toBe(CHECK);
      });
    } finally {
      if (saved) Object.defineProperty(globalThis, 'WebAssembly', saved);
    }
  });
});

describe('crc64() and Crc64: function form, chaining, LE footer', () => {
  test('check value', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can);
    expect(crc64(Buffer.alloc(0))).toBe(0n);
  });

  test('matches the bit-by-bit definition and chains over any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (data, cutSeed) => {
        const want = referenceCrc(data);
        expect(crc64(data)).toBe(want);
        const cut = data.length ? cutSeed % data.length : 0;
        expect(crc64(data.subarray(cut), crc64(data.subarray(0, cut)))).toBe(want);
        const running = new Crc64();
        for (let i = 0; i < data.length; i += 7) running.update(data, i, Math.min(i + 7, data.length));
        expect(running.value).toBe(want);
        const le = running.toBufferLE();
        expect(le.readBigUInt64LE(0)).toBe(want);
        expect(running.equalsLE(le, 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
