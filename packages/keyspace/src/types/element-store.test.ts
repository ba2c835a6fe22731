import fc from 'fast-check';
import { ElementStore, STORE_MAX_ELEMENT, STORE_MIN_ELEMENTS } from './element-store';
import { HashValue } from './hash-value';
import { applyListOp, listOps } from './list-model-kit';
import { ListValue } from './list-value';

const bytes = (n: number, salt: number): string => String.fromCharCode(...Array.from({ length: n }, (_, i) => (i * 31 + salt) & 0xff));

describe('ElementStore', () => {
  it('stores binary strings of every header size and reads them back', () => {
    const s = new ElementStore();
    const values = [bytes(1, 1), bytes(127, 2), bytes(128, 3), bytes(1000, 4), bytes(STORE_MAX_ELEMENT, 5), '\x00\xff'];
    const refs = values.map((v) => s.put(v));
    expect(refs.every((r) => r >= 0)).toBe(true);
    expect(refs.map((r) => s.get(r))).toEqual(values);
    expect(values.every((v, i) => s.equals(refs[i] as number, v))).toBe(true);
    expect(s.equals(refs[1] as number, bytes(127, 3))).toBe(false);
    expect(s.equals(refs[1] as number, bytes(126, 2))).toBe(false);
  });

  it('leaves empty, too long and non-binary strings to the caller', () => {
    const s = new ElementStore();
    expect(s.put('')).toBe(-1);
    expect(s.put(bytes(STORE_MAX_ELEMENT + 1, 0))).toBe(-1);
    expect(s.put('a\u0100b')).toBe(-1);
    expect(s.put(`${bytes(40, 0)}\u20ac`)).toBe(-1);
    expect(s.live).toBe(0);
  });

  it('keeps refs valid while the first chunk grows and further chunks are added', () => {
    const s = new ElementStore();
    const refs: number[] = [];
    for (let i = 0; i < 2000; i++) refs.push(s.put(bytes(100 + (i % 50), i)));
    for (let i = 0; i < 2000; i++) expect(s.get(refs[i] as number)).toBe(bytes(100 + (i % 50), i));
    expect(s.allocated).toBeGreaterThan(65536);
  });

  it('replaces in place when the length matches, else moves the record', () => {
    const s = new ElementStore();
    const r = s.put('abc');
    expect(s.replace(r, 'xyz')).toBe(r);
    expect(s.get(r)).toBe('xyz');
    const moved = s.replace(r, 'longer');
    expect(moved).not.toBe(r);
    expect(s.get(moved)).toBe('longer');
    expect(s.garbage).toBe(4);
    const r2 = s.put('def');
    expect(s.replace(r2, 'd\u0100f')).toBe(-1);
    expect(s.live).toBe(7);
  });

  it('clones independently and copies records between stores', () => {
    const s = new ElementStore();
    const r = s.put('hello');
    const c = s.clone();
    s.replace(r, 'HELLO');
    expect(c.get(r)).toBe('hello');
    const t = new ElementStore();
    const copied = t.copyFrom(s, r);
    expect(t.get(copied)).toBe('HELLO');
  });
});

// Elements the store keeps and ones it leaves as strings (empty, over STORE_MAX_ELEMENT, non-binary)
const element = fc.constantFrom('a', 'b', '', bytes(300, 1), bytes(300, 2), bytes(150, 3), bytes(STORE_MAX_ELEMENT + 5, 4), 'x\u0100');

describe('ListValue with its elements in a store', () => {
  it('behaves like an array under random operations past STORE_MIN_ELEMENTS (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: STORE_MIN_ELEMENTS, maxLength: 150 }), fc.array(listOps(element, 200, 20), { maxLength: 300 }), (start, ops) => {
        let l = ListValue.fromPlain(start);
        const m = [...start];
        for (const o of ops) {
          const r = applyListOp(l, m, o);
          expect(r.got).toBe(r.want);
          l = r.list;
          expect(l.size).toBe(m.length);
        }
        expect(l.toArray()).toEqual(m);
        expect([...l]).toEqual(m);
        for (let i = 0; i < m.length; i++) expect(l.get(i)).toBe(m[i]);
        for (const v of new Set(m)) expect(l.indexOf(v)).toBe(m.indexOf(v));
      }),
      { numRuns: 80 },
    );
  });

  it('compacts its store after many pops and pushes without losing elements', () => {
    const l = new ListValue();
    for (let i = 0; i < 5000; i++) {
      l.pushTail(bytes(200, i));
      if (i % 2 === 1) l.popHead();
    }
    expect(l.size).toBe(2500);
    for (let i = 0; i < 2500; i++) expect(l.get(i)).toBe(bytes(200, 2500 + i));
  });
});

describe('HashValue with its values in a store', () => {
  it('behaves like a Map under random operations past STORE_MIN_ELEMENTS (fast-check)', () => {
    const field = fc.integer({ min: 0, max: 120 }).map((n) => `f${n}`);
    const op = fc.oneof(
      fc.record({ k: fc.constant('set' as const), f: field, v: element }),
      fc.record({ k: fc.constant('delete' as const), f: field }),
      fc.record({ k: fc.constant('clone' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 600 }), (ops) => {
        let h = new HashValue();
        const m = new Map<string, string>();
        for (const o of ops) {
          if (o.k === 'set') {
            expect(h.set(o.f, o.v)).toBe(!m.has(o.f));
            m.set(o.f, o.v);
          } else if (o.k === 'delete') {
            expect(h.delete(o.f)).toBe(m.delete(o.f));
          } else {
            const c = h.clone();
            h.set('after-clone', 'x');
            h = c;
          }
          expect(h.size).toBe(m.size);
        }
        expect(h.toPlain()).toEqual([...m]);
        expect([...h.values()]).toEqual([...m.values()]);
        expect([...h.fields()]).toEqual([...m.keys()]);
        expect([...h]).toEqual([...m]);
        for (const [f, v] of m) expect(h.get(f)).toBe(v);
        expect(h.get('missing')).toBeUndefined();
        if (m.size > 0) expect(h.entryAt(m.size - 1)).toEqual([...m].at(-1));
      }),
      { numRuns: 80 },
    );
  });

  it('an iterator taken before the store started (an HSCAN cursor) still yields strings', () => {
    const h = new HashValue();
    for (let i = 0; i < 10; i++) h.set(`f${i}`, bytes(100, i));
    const entries = h.entries();
    const values = h.values();
    expect(entries.next().value).toEqual(['f0', bytes(100, 0)]);
    expect(values.next().value).toBe(bytes(100, 0));
    for (let i = 10; i < STORE_MIN_ELEMENTS * 2; i++) h.set(`f${i}`, bytes(100, i));
    const restEntries = [...{ [Symbol.iterator]: () => entries }];
    const restValues = [...{ [Symbol.iterator]: () => values }];
    expect(restEntries).toEqual(Array.from({ length: STORE_MIN_ELEMENTS * 2 - 1 }, (_, i) => [`f${i + 1}`, bytes(100, i + 1)]));
    expect(restValues).toEqual(Array.from({ length: STORE_MIN_ELEMENTS * 2 - 1 }, (_, i) => bytes(100, i + 1)));
  });

  it('keeps its values through repeated same-length and different-length replacements', () => {
    const h = new HashValue();
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 500; i++) h.set(`field:${i}`, bytes(100 + (round % 3) * 50, round * 1000 + i));
    }
    for (let i = 0; i < 500; i++) expect(h.get(`field:${i}`)).toBe(bytes(100 + (19 % 3) * 50, 19000 + i));
    expect(h.encoding()).toBe('hashtable');
  });
});
