import type { StoredValue } from '../command-api';
import { MemoryDbStore } from './memory-adapter';
import { SLAB_BYTES, SLAB_MAX_VALUE } from './string-slab';

const drain = (it: Iterator<string>, max = Number.POSITIVE_INFINITY): string[] => {
  const out: string[] = [];
  while (out.length < max) {
    const r = it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
};

describe('MemoryDbStore key table (keys off the JS heap)', () => {
  it('keeps odd keys and values: empty, long, non-latin1, collections', () => {
    const s = new MemoryDbStore();
    const long = 'k'.repeat(SLAB_MAX_VALUE + 5);
    const set: StoredValue = new Set(['a', 'b']) as unknown as StoredValue;
    const pairs: [string, StoredValue][] = [
      ['', 'empty key'],
      [long, 'long key'],
      ['\u20ac', 'wide key'],
      ['v-long', 'x'.repeat(5000)],
      ['v-set', set],
      ['v-empty', ''],
    ];
    for (const [k, v] of pairs) s.set(k, v);
    for (const [k, v] of pairs) expect(s.get(k)).toBe(v);
    expect(s.size()).toBe(pairs.length);
    expect(new Set(drain(s.keys()))).toEqual(new Set(pairs.map(([k]) => k)));
    // a collection keeps its identity (commands mutate what get() returns)
    expect(s.get('v-set')).toBe(set);
    expect(s.delete('')).toBe(true);
    expect(s.get('')).toBeUndefined();
    expect(s.delete('')).toBe(false);
  });

  it('a live key iterator visits each surviving key once while deletes squeeze the table', () => {
    const s = new MemoryDbStore();
    const N = 20000;
    for (let k = 0; k < N; k++) s.set(`key:${k}`, `v${k}`);
    const it = s.keys();
    const seen = new Map<string, number>();
    const take = (n: number) => {
      for (const k of drain(it, n)) seen.set(k, (seen.get(k) ?? 0) + 1);
    };
    take(3000);
    // delete 3 of every 4 keys, ahead of and behind the iterator: squeezes run meanwhile
    for (let k = 0; k < N; k++) if (k % 4 !== 0) s.delete(`key:${k}`);
    take(1000);
    for (let k = 0; k < N; k += 8) s.delete(`key:${k}`);
    take(Number.POSITIVE_INFINITY);
    for (let k = 4; k < N; k += 8) expect(seen.get(`key:${k}`)).toBe(1);
    for (const c of seen.values()) expect(c).toBe(1);
    expect(s.size()).toBe(N / 8);
    for (let k = 4; k < N; k += 8) expect(s.get(`key:${k}`)).toBe(`v${k}`);
    // the columns (16 B an entry) shrank with the keys: one slab plus a few thousand entries
    expect(s.offHeapBytes()).toBeLessThan(SLAB_BYTES + N * 16);
  });

  it('agrees with a Map through random churn (sets, deletes, pins, clears)', () => {
    const s = new MemoryDbStore();
    const model = new Map<string, StoredValue>();
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let sizeMismatches = 0;
    for (let step = 0; step < 20000; step++) {
      const key = rnd(10) === 0 ? `${'q'.repeat(1100)}${rnd(50)}` : `k${rnd(3000)}`;
      const op = rnd(100);
      if (op < 55) {
        const v: StoredValue = rnd(20) === 0 ? (new Map([['f', String(step)]]) as unknown as StoredValue) : `val-${step}-${'z'.repeat(rnd(40))}`;
        s.set(key, v);
        model.set(key, v);
      } else if (op < 95) expect(s.delete(key)).toBe(model.delete(key));
      else if (op < 96) {
        const p = s.pinnedEntries();
        for (let k = 0; k < 50; k++) {
          const victim = `k${rnd(3000)}`;
          expect(s.delete(victim)).toBe(model.delete(victim));
        }
        let yielded = 0;
        for (let b = p.next(100); b.length; b = p.next(100)) yielded += b.length;
        expect(yielded).toBeGreaterThanOrEqual(model.size);
        p.close();
      } else if (rnd(20) === 0) {
        s.clear();
        model.clear();
      }
      if (s.size() !== model.size) sizeMismatches++;
    }
    expect(sizeMismatches).toBe(0);
    for (const [k, v] of model) expect(s.get(k)).toBe(v);
    expect(new Set(drain(s.keys()))).toEqual(new Set(model.keys()));
    if (model.size > 0) expect(model.has(s.randomKey() as string)).toBe(true);
  });
});
