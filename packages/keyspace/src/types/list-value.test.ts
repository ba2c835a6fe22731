import fc from 'fast-check';
import { applyListOp, listOps } from './list-model-kit';
import { ListValue } from './list-value';

describe('ListValue', () => {
  it('pushes and pops at both ends', () => {
    const l = new ListValue();
    l.pushTail('b');
    l.pushHead('a');
    l.pushTail('c');
    expect(l.size).toBe(3);
    expect(l.toArray()).toEqual(['a', 'b', 'c']);
    expect(l.popHead()).toBe('a');
    expect(l.popTail()).toBe('c');
    expect(l.popTail()).toBe('b');
    expect(l.popTail()).toBeUndefined();
    expect(l.popHead()).toBeUndefined();
    expect(l.size).toBe(0);
  });

  it('is a quicklist of type list', () => {
    const l = ListValue.fromPlain(['x']);
    expect(l.type).toBe('list');
    expect(l.encoding()).toBe('quicklist');
  });

  it('indexes, sets and ranges', () => {
    const l = ListValue.fromPlain(['a', 'b', 'c', 'd']);
    expect(l.get(0)).toBe('a');
    expect(l.get(3)).toBe('d');
    expect(l.get(4)).toBeUndefined();
    expect(l.get(-1)).toBeUndefined();
    expect(l.set(2, 'C')).toBe(true);
    expect(l.set(4, 'E')).toBe(false);
    expect(l.range(1, 2)).toEqual(['b', 'C']);
    expect(l.range(2, 1)).toEqual([]);
    expect(l.indexOf('d')).toBe(3);
    expect(l.indexOf('z')).toBe(-1);
  });

  it('clones deeply and round-trips through plain', () => {
    const l = ListValue.fromPlain(['a', 'b']);
    const c = l.clone();
    c.pushTail('c');
    c.set(0, 'A');
    expect(l.toArray()).toEqual(['a', 'b']);
    expect(c.toPlain()).toEqual(['A', 'b', 'c']);
    expect(ListValue.fromPlain(l.toPlain()).toArray()).toEqual(['a', 'b']);
    expect([...new ListValue(['x', 'y'])]).toEqual(['x', 'y']);
  });

  it('removes matches from either end with a limit', () => {
    const mk = () => ListValue.fromPlain(['a', 'x', 'a', 'y', 'a']);
    let l = mk();
    expect(l.removeMatching('a', 2, false)).toBe(2);
    expect(l.toArray()).toEqual(['x', 'y', 'a']);
    l = mk();
    expect(l.removeMatching('a', 2, true)).toBe(2);
    expect(l.toArray()).toEqual(['a', 'x', 'y']);
    l = mk();
    expect(l.removeMatching('a', 0, false)).toBe(3);
    expect(l.toArray()).toEqual(['x', 'y']);
    l = mk();
    expect(l.removeMatching('z', 1, false)).toBe(0);
    expect(l.removeMatching('a', 10, true)).toBe(3);
    expect(l.toArray()).toEqual(['x', 'y']);
  });

  it('trims both ends', () => {
    const l = ListValue.fromPlain(['a', 'b', 'c', 'd', 'e']);
    l.trim(1, 2);
    expect(l.toArray()).toEqual(['b', 'c']);
    l.trim(1, 1);
    expect(l.size).toBe(0);
  });

  // A million head pops take well under a second when each is O(1); if each pop moved the
  // remaining elements it would be ~5e11 element moves, far beyond the test's time limit. The
  // drain yields every 1000 pops so that limit (a hang guard, not a measurement: speed is measured
  // in bench/) can end the test, and it stops once the test is over.
  describe('a million head pops', () => {
    let over = false;
    afterAll(() => {
      over = true;
    });
    it('finish, in order (push/pop stay O(1))', async () => {
      const n = 1_000_000;
      const l = new ListValue();
      for (let i = 0; i < n; i++) l.pushTail(String(i % 1000));
      let popped = 0;
      let outOfOrder = 0;
      for (let v = l.popHead(); v !== undefined && !over; v = l.popHead()) {
        if (v !== String(popped % 1000)) outOfOrder++;
        popped++;
        if (popped % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      expect([popped, outOfOrder, l.size]).toEqual([n, 0, 0]);
    }, 30_000);
  });

  it('behaves like an array under random operations (fast-check)', () => {
    const el = fc.constantFrom('a', 'b', 'c', '\x00', '\xff');
    fc.assert(
      fc.property(fc.array(listOps(el, 40, 5), { maxLength: 200 }), (ops) => {
        let l = new ListValue();
        const m: string[] = [];
        for (const o of ops) {
          const r = applyListOp(l, m, o);
          expect(r.got).toBe(r.want);
          l = r.list;
          expect(l.size).toBe(m.length);
        }
        expect(l.toArray()).toEqual(m);
        for (let i = 0; i < m.length; i++) expect(l.get(i)).toBe(m[i]);
      }),
      { numRuns: 300 },
    );
  });
});
