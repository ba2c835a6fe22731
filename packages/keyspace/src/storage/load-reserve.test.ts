import { MemoryDbStore } from './memory-adapter';
import { SLAB_BYTES } from './string-slab';

/** `n` keys of 10-ish bytes with 100-byte values, some with a TTL; the same writes on any store. */
function fill(s: MemoryDbStore, n: number, from = 0): void {
  const key = Buffer.alloc(32);
  const value = Buffer.alloc(100);
  for (let i = from; i < from + n; i++) {
    const k = key.write(`key:${i}`, 'latin1');
    value.fill(i & 0xff);
    s.setStringBytes(key, 0, k, value, 0, 100, i % 7 === 0 ? 1e13 + i : -1);
  }
}

function snapshot(s: MemoryDbStore): Array<[string, unknown, number | undefined]> {
  const out: Array<[string, unknown, number | undefined]> = [];
  for (let it = s.keys(), r = it.next(); !r.done; r = it.next()) out.push([r.value, s.get(r.value), s.getExpire(r.value)]);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('MemoryDbStore.reserveForLoad (memory made ahead of a bulk load)', () => {
  it('fills the reserved slabs in order and the reserved entry records, with the same result as a plain load', () => {
    const n = 80_000; // ~9 MB of records: 3 slabs
    const plain = new MemoryDbStore();
    plain.reserve(n);
    fill(plain, n);
    const given: ArrayBufferLike[] = [];
    const memory = (bytes: number) => {
      const m = new SharedArrayBuffer(bytes);
      given.push(m);
      return m;
    };
    const s = new MemoryDbStore();
    const r = s.reserveForLoad(n, plain.slabBytes(), memory);
    expect(r.slabs.length).toBe(Math.ceil(plain.slabBytes() / SLAB_BYTES));
    expect(r.entries).toBe(given[0]);
    expect(r.slabs).toEqual(given.slice(1));
    fill(s, n);
    expect(snapshot(s)).toEqual(snapshot(plain));
    expect(s.slabBytes()).toBe(plain.slabBytes());
    // the records went into the reserved memory: every slab written, the entry records too
    for (const m of [r.entries as ArrayBufferLike, ...r.slabs]) expect(new Uint8Array(m).some((b) => b !== 0)).toBe(true);
    expect(s.offHeapBytes()).toBe(plain.offHeapBytes());
  });

  it('allocates past the reserved slabs when the hint was low, and drops unused ones when it was high', () => {
    const low = new MemoryDbStore();
    const few = low.reserveForLoad(0, SLAB_BYTES, (b) => new SharedArrayBuffer(b));
    expect(few.entries).toBeUndefined();
    expect(few.slabs.length).toBe(1);
    fill(low, 60_000);
    expect(low.offHeapBytes()).toBeGreaterThan(2 * SLAB_BYTES);
    expect(low.get('key:59999')).toBe(Buffer.alloc(100, 59999 & 0xff).toString('latin1'));

    const high = new MemoryDbStore();
    const many = high.reserveForLoad(10, 8 * SLAB_BYTES, (b) => new SharedArrayBuffer(b));
    expect(many.slabs.length).toBe(8);
    fill(high, 10);
    high.releaseSpareSlabs();
    // more records after the release go to a new slab of the store's own, not a spare one
    fill(high, 40_000, 10);
    expect(many.slabs.slice(1).every((m) => new Uint8Array(m).every((b) => b === 0))).toBe(true);
    expect(high.get('key:40009')).toBe(Buffer.alloc(100, 40009 & 0xff).toString('latin1'));
  });

  it('bounds a forged hint by what a store can hold, and a wrong-sized buffer is refused', () => {
    const s = new MemoryDbStore();
    let made = 0;
    // one buffer handed out every time: nothing more is allocated for real
    const one = new SharedArrayBuffer(SLAB_BYTES);
    const r = s.reserveForLoad(0, 1e15, () => {
      made++;
      return one;
    });
    expect(made).toBe(r.slabs.length);
    expect(made * SLAB_BYTES).toBeLessThanOrEqual(2 ** 31);
    expect(() => new MemoryDbStore().reserveForLoad(0, 1, () => new SharedArrayBuffer(16))).toThrow(RangeError);
  });
});
