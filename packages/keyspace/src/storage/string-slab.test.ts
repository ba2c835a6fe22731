import { MemoryDbStore } from './memory-adapter';
import { SLAB_BYTES, SLAB_MAX_VALUE, SLAB_POOL_MAX, StringSlab } from './string-slab';

/** A binary string of `len` bytes, all 256 byte values cycling from `seed`. */
const bytes = (len: number, seed: number) => {
  const b = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) b[i] = (seed + i * 7) & 0xff;
  return b.toString('latin1');
};

describe('StringSlab', () => {
  it('round-trips binary strings of every length it keeps, with 1- and 2-byte headers', () => {
    const slab = new StringSlab();
    const refs: Array<[number, string]> = [];
    for (let len = 1; len <= SLAB_MAX_VALUE; len++) {
      const s = bytes(len, len);
      const ref = slab.put(s);
      expect(ref).toBeGreaterThanOrEqual(0);
      refs.push([ref, s]);
    }
    for (const [ref, s] of refs) expect(slab.get(ref)).toBe(s);
  });

  it('leaves empty, long and non-binary strings to the heap', () => {
    const slab = new StringSlab();
    expect(slab.put('')).toBe(-1);
    expect(slab.put('x'.repeat(SLAB_MAX_VALUE + 1))).toBe(-1);
    expect(slab.put('caf\u00e9 \u20ac')).toBe(-1);
    expect(slab.put(`${'a'.repeat(40)}\u0100`)).toBe(-1);
    expect(slab.live).toBe(0);
  });

  it('replaces in place when the record size is unchanged, else appends and counts garbage', () => {
    const slab = new StringSlab();
    const ref = slab.put('0123456789');
    expect(slab.replace(ref, 'abcdefghij')).toBe(ref);
    expect(slab.replace(ref, 'abcdefghijk')).toBe(ref); // 1 + 11 bytes rounds to 12 like 1 + 10
    expect(slab.get(ref)).toBe('abcdefghijk');
    const moved = slab.replace(ref, 'a much longer value than before');
    expect(moved).not.toBe(ref);
    expect(slab.get(moved)).toBe('a much longer value than before');
    expect(slab.garbage).toBe(12);
    expect(slab.replace(moved, 'x\u0101')).toBe(-1);
  });
});

describe('MemoryDbStore with slab values', () => {
  it('keeps values through churn that forces compactions, collections and heap strings included', () => {
    const store = new MemoryDbStore();
    const model = new Map<string, string>();
    const value = (k: number, round: number) => (k % 97 === 0 ? `\u20ac${round}` : bytes(20 + ((k + round) % 200), k + round));
    const KEYS = 5000;
    // each round rewrites every key with a value of another size: the garbage passes the live bytes
    for (let round = 0; round < 60; round++) {
      for (let k = 0; k < KEYS; k++) {
        const v = value(k, round);
        store.set(`k${k}`, v);
        model.set(`k${k}`, v);
      }
      for (let k = round % 3; k < KEYS; k += 3) {
        store.delete(`k${k}`);
        model.delete(`k${k}`);
      }
    }
    expect(store.offHeapBytes()).toBeLessThanOrEqual(4 * SLAB_BYTES);
    expect(store.size()).toBe(model.size);
    for (const [k, v] of model) expect(store.get(k)).toBe(v);
  });

  it('a pinned iterator sees current values across a compaction and tombstones for deletes', () => {
    const store = new MemoryDbStore();
    const N = 3000;
    for (let k = 0; k < N; k++) store.set(`k${k}`, bytes(300, k));
    const it = store.pinnedEntries();
    const first = it.next(10);
    expect(first.map((e) => e.key)).toEqual(Array.from({ length: 10 }, (_, k) => `k${k}`));
    // enough rewrites of other sizes to compact several times while the iterator is open
    for (let round = 0; round < 40; round++) for (let k = 10; k < N; k++) store.set(`k${k}`, bytes(301 + (round % 5) * 100, k + round));
    store.delete('k20');
    const seen = new Map<string, string | undefined>();
    for (let b = it.next(500); b.length; b = it.next(500)) for (const e of b) seen.set(e.key, e.value as string | undefined);
    it.close();
    // 40 rounds of ~1.5 MB each went through compactions: the slabs hold about the live data
    expect(store.offHeapBytes()).toBeLessThanOrEqual(3 * SLAB_BYTES);
    expect(seen.size).toBe(N - 10);
    expect(seen.get('k20')).toBeUndefined();
    expect(seen.has('k20')).toBe(true);
    for (let k = 10; k < N; k++) if (k !== 20) expect(seen.get(`k${k}`)).toBe(store.get(`k${k}`));
    expect(store.get(`k${N - 1}`)).toBe(bytes(301 + (39 % 5) * 100, N - 1 + 39));
    expect(store.size()).toBe(N - 1);
  });

  it('reuses the slabs of a released set (up to SLAB_POOL_MAX), never while they are in use', () => {
    const fill = (slab: StringSlab, count: number) => {
      const out: Buffer[] = [];
      for (let i = 0; out.length < count; i++) {
        const ref = slab.put(bytes(1000, i));
        if (!out.includes(slab.bufferOf(ref))) out.push(slab.bufferOf(ref));
      }
      return out;
    };
    // empties the pool of slabs the other tests' compactions released
    fill(new StringSlab(), SLAB_POOL_MAX);
    const old = new StringSlab();
    const oldBuffers = fill(old, SLAB_POOL_MAX + 2);
    // two live sets never share a slab
    const other = new StringSlab();
    for (const b of fill(other, 2)) expect(oldBuffers).not.toContain(b);
    old.release();
    expect(old.allocated).toBe(0);
    const next = new StringSlab();
    const reused = fill(next, SLAB_POOL_MAX + 1);
    expect(reused.filter((b) => oldBuffers.includes(b))).toHaveLength(SLAB_POOL_MAX);
    // a reused slab holds what the new set wrote
    const ref = next.put(bytes(900, 77));
    expect(next.get(ref)).toBe(bytes(900, 77));
    next.release();
    other.release();
  });

  it('a FLUSHALL-style reset and a compaction keep every value readable with reused slabs', () => {
    const store = new MemoryDbStore();
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 20000; k++) store.set(`k${k}`, bytes(200 + (k % 50), k + round));
      for (let k = 0; k < 20000; k++) expect(store.get(`k${k}`)).toBe(bytes(200 + (k % 50), k + round));
      store.clear();
      expect(store.size()).toBe(0);
    }
  });
});
