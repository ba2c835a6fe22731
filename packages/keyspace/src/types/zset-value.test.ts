import fc from 'fast-check';
import type { LexRange, ScoreRange } from './skiplist';
import { fromPlain, toPlain } from './plain';
import { SkipList } from './skiplist';
import { ZSetValue } from './zset-value';

type Entry = [string, number];

function cmp(a: Entry, b: Entry): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** The naive model: a sorted array of [member, score]. */
class Model {
  items: Entry[] = [];
  set(m: string, s: number) {
    this.remove(m);
    this.items.push([m, s]);
    this.items.sort(cmp);
  }
  remove(m: string): boolean {
    const i = this.items.findIndex((e) => e[0] === m);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }
}

function checkInvariants(sl: SkipList): void {
  // spans at every level add up to the ranks seen at level 0
  const rankOf = new Map<unknown, number>();
  let r = 0;
  for (let x = sl.first(); x !== null; x = x.forward[0]) rankOf.set(x, ++r);
  expect(r).toBe(sl.length);
  for (let i = 0; i < sl.level; i++) {
    let x = sl.head;
    let rank = 0;
    while (x.forward[i] !== null) {
      rank += x.span[i];
      x = x.forward[i]!;
      expect(rankOf.get(x)).toBe(rank);
    }
  }
  let prev = null;
  for (let x = sl.first(); x !== null; x = x.forward[0]) {
    expect(x.backward).toBe(prev);
    prev = x;
  }
  expect(sl.tail).toBe(prev);
}

const member = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '', '\x00', '\xff', 'ab', 'ba');
const score = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-Infinity, Infinity, 0.5, -0.5));
const op = fc.oneof(
  fc.tuple(fc.constant('set' as const), member, score),
  fc.tuple(fc.constant('rem' as const), member, score),
  fc.tuple(fc.constant('rrank' as const), fc.integer({ min: -1, max: 6 }), fc.integer({ min: -1, max: 6 })),
  fc.tuple(fc.constant('rscore' as const), score, score),
  fc.tuple(fc.constant('rlex' as const), member, member),
);

describe('ZSetValue / SkipList against a sorted-array model', () => {
  it('keeps order, ranks, ranges and spans right', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.boolean(), fc.boolean(), (ops, ex1, ex2) => {
        const z = new ZSetValue();
        const m = new Model();
        for (const o of ops) {
          if (o[0] === 'set') {
            z.set(o[1], o[2]);
            m.set(o[1], o[2]);
          } else if (o[0] === 'rem') {
            expect(z.remove(o[1])).toBe(m.remove(o[1]));
          } else if (o[0] === 'rrank') {
            const n = m.items.length;
            const s = Math.max(0, o[1]);
            const e = Math.min(n - 1, o[2]);
            if (s > e || s >= n) continue;
            const removed = z.removeRangeByRank(s, e);
            expect(removed).toEqual(m.items.slice(s, e + 1).map((x) => x[0]));
            m.items.splice(s, e - s + 1);
          } else if (o[0] === 'rscore') {
            const r: ScoreRange = { min: o[1], max: o[2], minex: ex1, maxex: ex2 };
            const inR = (x: Entry) => (ex1 ? x[1] > r.min : x[1] >= r.min) && (ex2 ? x[1] < r.max : x[1] <= r.max);
            expect(z.countInScoreRange(r)).toBe(m.items.filter(inR).length);
            const first = z.sl.firstInScoreRange(r);
            const last = z.sl.lastInScoreRange(r);
            const exp = m.items.filter(inR);
            expect(first ? first.member : null).toBe(exp.length ? exp[0][0] : null);
            expect(last ? last.member : null).toBe(exp.length ? exp[exp.length - 1][0] : null);
            const removed = z.removeRangeByScore(r);
            expect(removed).toEqual(exp.map((x) => x[0]));
            m.items = m.items.filter((x) => !inR(x));
          } else {
            // lex ops are only defined with equal scores: check on a fresh equal-score list
            const lex = new ZSetValue();
            const names = [...new Set(m.items.map((x) => x[0]))].sort();
            for (const nm of names) lex.set(nm, 0);
            const r: LexRange = { min: { kind: 'value', value: o[1], ex: ex1 }, max: { kind: 'value', value: o[2], ex: ex2 } };
            const inR = (v: string) => (ex1 ? v > o[1] : v >= o[1]) && (ex2 ? v < o[2] : v <= o[2]);
            const exp = names.filter(inR);
            expect(lex.countInLexRange(r)).toBe(exp.length);
            expect(lex.removeRangeByLex(r)).toEqual(exp);
            checkInvariants(lex.sl);
          }
          checkInvariants(z.sl);
          expect(z.toPlain()).toEqual(m.items);
          expect(z.size).toBe(m.items.length);
          m.items.forEach((e, i) => {
            expect(z.rank(e[0])).toBe(i);
            expect(z.rank(e[0], true)).toBe(m.items.length - 1 - i);
            expect(z.nodeAt(i)!.member).toBe(e[0]);
            expect(z.score(e[0])).toBe(e[1]);
          });
        }
        const c = z.clone();
        checkInvariants(c.sl);
        expect(c.toPlain()).toEqual(m.items);
        c.set('zz', 1);
        expect(z.score('zz')).toBe(m.items.find((x) => x[0] === 'zz')?.[1]);
      }),
      { numRuns: 300 },
    );
  });

  it('orders members as bytes', () => {
    const z = new ZSetValue();
    for (const mbr of ['b', '\xff', 'a', '\x00', 'ab', '']) z.set(mbr, 1);
    expect(z.toPlain().map((e) => e[0])).toEqual(['', '\x00', 'a', 'ab', 'b', '\xff']);
  });

  it('fromSorted builds a valid list of any size', () => {
    for (const n of [0, 1, 2, 17, 1000]) {
      const entries: Array<[string, number]> = [];
      for (let i = 0; i < n; i++) entries.push([`m${i}`, i]);
      const sl = SkipList.fromSorted(entries);
      checkInvariants(sl);
      if (n) expect(sl.getByRank(n)!.member).toBe(`m${n - 1}`);
      sl.insert(-1, 'x');
      checkInvariants(sl);
    }
  });

  describe('encoding (Redis 7.0 thresholds)', () => {
    it('listpack up to 128 entries, then skiplist for good', () => {
      const z = new ZSetValue(1);
      for (let i = 0; i < 128; i++) z.insert(`m${i}`, i);
      expect(z.encoding()).toBe('listpack');
      z.insert('m128', 1);
      expect(z.encoding()).toBe('skiplist');
      z.remove('m128');
      z.remove('m1');
      expect(z.encoding()).toBe('skiplist');
    });
    it('a member longer than 64 bytes converts', () => {
      const z = new ZSetValue(1);
      z.insert('x'.repeat(64), 1);
      expect(z.encoding()).toBe('listpack');
      z.insert('x'.repeat(65), 1);
      expect(z.encoding()).toBe('skiplist');
    });
    it('creation from the first member, -0 in a listpack', () => {
      expect(new ZSetValue(65).encoding()).toBe('skiplist');
      expect(new ZSetValue(64).encoding()).toBe('listpack');
      const z = new ZSetValue(65);
      z.insert('a', -0);
      expect(Object.is(z.score('a'), -0)).toBe(true);
      z.convertToListpackIfSmall();
      expect(z.encoding()).toBe('listpack');
      expect(Object.is(z.score('a'), 0)).toBe(true);
      const l = new ZSetValue(1);
      l.insert('b', -0);
      expect(Object.is(l.score('b'), 0)).toBe(true);
    });
    it('fromPlain / toPlain round trip', () => {
      const z = ZSetValue.fromPlain([
        ['b', 2],
        ['a', 1],
        ['c', -Infinity],
      ]);
      expect(z.toPlain()).toEqual([
        ['c', -Infinity],
        ['a', 1],
        ['b', 2],
      ]);
      expect(z.encoding()).toBe('listpack');
      const big = ZSetValue.fromPlain(Array.from({ length: 200 }, (_, i) => [`k${i}`, i] as [string, number]));
      expect(big.encoding()).toBe('skiplist');
      expect(big.clone().encoding()).toBe('skiplist');
    });
  });
});

describe('zset codec (plain values)', () => {
  it('round-trips through the registry', () => {
    const v = fromPlain({
      type: 'zset',
      value: [
        ['b', 2],
        ['a', 1],
      ],
    }) as ZSetValue;
    expect(v).toBeInstanceOf(ZSetValue);
    expect(toPlain(v)).toEqual({
      type: 'zset',
      value: [
        ['a', 1],
        ['b', 2],
      ],
    });
    const big = fromPlain({ type: 'zset', value: [['x'.repeat(65), -0]] }) as ZSetValue;
    expect(big.encoding()).toBe('skiplist');
    expect(Object.is(big.score('x'.repeat(65)), -0)).toBe(true);
  });
});

describe('ZSetValue at scale (tall skiplists)', () => {
  it('stays consistent with a sorted model over 20k random operations', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const z = new ZSetValue(100);
    const model = new Map<string, number>();
    // node levels are random (Math.random, as in Redis): the tallest level seen over the run is
    // what shows the operations went through tall lists (about 12k inserts reach level 4 surely;
    // the ~200 members left at the end do so only 97% of the time)
    let tallest = 0;
    for (let i = 0; i < 20000; i++) {
      tallest = Math.max(tallest, z.sl.level);
      const m = `m${rnd(3000)}`;
      const op = rnd(10);
      if (op < 6) {
        const s = rnd(50);
        z.set(m, s);
        model.set(m, s);
      } else if (op < 9) {
        expect(z.remove(m)).toBe(model.delete(m));
      } else {
        const a = rnd(z.size + 1);
        const removed = z.removeRangeByRank(a, Math.min(z.size - 1, a + rnd(5)));
        for (const r of removed) model.delete(r);
      }
    }
    const sorted = [...model].sort((a, b) => (a[1] !== b[1] ? a[1] - b[1] : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    expect(z.toPlain()).toEqual(sorted);
    expect(tallest).toBeGreaterThan(3);
    checkInvariants(z.sl);
    for (let i = 0; i < sorted.length; i += 97) {
      expect(z.rank(sorted[i][0])).toBe(i);
      expect(z.nodeAt(i)!.member).toBe(sorted[i][0]);
    }
    const r = { min: 10, max: 20, minex: true, maxex: false };
    expect(z.countInScoreRange(r)).toBe(sorted.filter((e) => e[1] > 10 && e[1] <= 20).length);
  });
});
