/**
 * Test support for ListValue's model-based tests: random operations, each applied to the list and
 * to a plain array (the model), with what each side answered. Not exported from the package.
 */
import fc from 'fast-check';
import type { ListValue } from './list-value';

export type ListOp =
  | { k: 'pushHead' | 'pushTail'; v: string }
  | { k: 'popHead' | 'popTail' | 'clone' }
  | { k: 'insertAt' | 'set'; i: number; v: string }
  | { k: 'removeAt'; i: number }
  | { k: 'remove'; v: string; n: number }
  | { k: 'trim'; a: number; b: number };

/** Operations on elements from `el`, indexes up to `maxIndex`, trims up to `maxTrim` at each end. */
export function listOps(el: fc.Arbitrary<string>, maxIndex: number, maxTrim: number): fc.Arbitrary<ListOp> {
  return fc.oneof(
    fc.record({ k: fc.constantFrom('pushHead' as const, 'pushTail' as const), v: el }),
    fc.record({ k: fc.constantFrom('popHead' as const, 'popTail' as const, 'clone' as const) }),
    fc.record({ k: fc.constantFrom('insertAt' as const, 'set' as const), i: fc.nat(maxIndex), v: el }),
    fc.record({ k: fc.constant('removeAt' as const), i: fc.nat(maxIndex) }),
    fc.record({ k: fc.constant('remove' as const), v: el, n: fc.integer({ min: -3, max: 3 }) }),
    fc.record({ k: fc.constant('trim' as const), a: fc.nat(maxTrim), b: fc.nat(maxTrim) }),
  );
}

/**
 * Applies `o` to `l` and to the model `m`: the list to carry on with (for 'clone', the clone, after
 * the original was changed, so a shared part would show) and the answers of both sides.
 */
export function applyListOp(l: ListValue, m: string[], o: ListOp): { list: ListValue; got: unknown; want: unknown } {
  switch (o.k) {
    case 'pushHead':
      l.pushHead(o.v);
      m.unshift(o.v);
      return { list: l, got: l.size, want: m.length };
    case 'pushTail':
      l.pushTail(o.v);
      m.push(o.v);
      return { list: l, got: l.size, want: m.length };
    case 'popHead':
      return { list: l, got: l.popHead(), want: m.shift() };
    case 'popTail':
      return { list: l, got: l.popTail(), want: m.pop() };
    case 'insertAt': {
      const i = o.i % (m.length + 1);
      l.insertAt(i, o.v);
      m.splice(i, 0, o.v);
      return { list: l, got: l.size, want: m.length };
    }
    case 'removeAt': {
      const i = m.length ? o.i % m.length : 0;
      return { list: l, got: l.removeAt(i), want: m.length ? m.splice(i, 1)[0] : undefined };
    }
    case 'set': {
      // raw index: past the end answers false and changes nothing
      const ok = o.i < m.length;
      if (ok) m[o.i] = o.v;
      return { list: l, got: l.set(o.i, o.v), want: ok };
    }
    case 'remove': {
      const limit = Math.abs(o.n);
      const idx = m.map((_, i) => i);
      if (o.n < 0) idx.reverse();
      const drop = new Set<number>();
      for (const i of idx) if (m[i] === o.v && (limit === 0 || drop.size < limit)) drop.add(i);
      const got = l.removeMatching(o.v, limit, o.n < 0);
      m.splice(0, m.length, ...m.filter((_, i) => !drop.has(i)));
      return { list: l, got, want: drop.size };
    }
    case 'trim':
      l.trim(o.a, o.b);
      m.splice(0, m.length, ...(o.a + o.b >= m.length ? [] : m.slice(o.a, m.length - o.b)));
      return { list: l, got: l.size, want: m.length };
    case 'clone': {
      const c = l.clone();
      // the original, rewritten in place, emptied and grown again, must not show through the clone
      for (let i = 0; i < l.size; i++) l.set(i, flipBits(l.get(i) as string));
      l.trim(l.size, 0);
      l.pushTail('after-clone');
      return { list: c, got: c.size, want: m.length };
    }
  }
}

/** The same length, every char differing (so a store may overwrite the element in place). */
function flipBits(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) out += String.fromCharCode(v.charCodeAt(i) ^ 1);
  return out;
}
