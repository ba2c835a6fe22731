import fc from 'fast-check';
import { fromPlain, toPlain } from './plain';
import { isCanonicalInt64, SetValue } from './set-value';

describe('isCanonicalInt64 (string2ll)', () => {
  it.each([
    ['0', true],
    ['-1', true],
    ['123', true],
    ['9223372036854775807', true],
    ['-9223372036854775808', true],
    ['9223372036854775808', false],
    ['-9223372036854775809', false],
    ['-0', false],
    ['+1', false],
    ['01', false],
    ['', false],
    [' 1', false],
    ['1.0', false],
    ['a', false],
  ])('%j -> %s', (s, ok) => {
    expect(isCanonicalInt64(s)).toBe(ok);
  });
});

describe('SetValue', () => {
  it('behaves like a Set under random add/remove/pop', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('add', 'rem', 'pop'), fc.constantFrom('1', '2', '3', 'a', 'b', '\xff', '')), { maxLength: 60 }), (ops) => {
        const s = new SetValue();
        const m = new Set<string>();
        for (const [o, v] of ops) {
          if (o === 'add') {
            expect(s.add(v)).toBe(!m.has(v));
            m.add(v);
          }
          else if (o === 'rem') expect(s.remove(v)).toBe(m.delete(v));
          else if (m.size) {
            const p = s.pop();
            expect(m.delete(p)).toBe(true);
          }
          expect(s.size).toBe(m.size);
          expect(new Set(s.toArray())).toEqual(m);
          for (const x of m) expect(s.has(x)).toBe(true);
        }
        const c = s.clone();
        c.add('zzz');
        expect(s.has('zzz')).toBe(false);
        expect(new Set(c.toPlain())).toEqual(new Set([...m, 'zzz']));
      }),
    );
  });

  it('intset while canonical integers and <= 512, then hashtable for good', () => {
    const s = SetValue.forFirstMember('1');
    expect(s.encoding()).toBe('intset');
    for (let i = 0; i < 512; i++) s.add(String(i));
    expect(s.encoding()).toBe('intset');
    s.add('512');
    expect(s.encoding()).toBe('hashtable');
    s.remove('512');
    expect(s.encoding()).toBe('hashtable');
    const t = SetValue.forFirstMember('1');
    t.add('-0');
    expect(t.encoding()).toBe('hashtable');
    expect(SetValue.forFirstMember('x').encoding()).toBe('hashtable');
  });

  it('lists an intset in numeric order', () => {
    const s = SetValue.fromPlain(['10', '-5', '2', '9223372036854775807', '-9223372036854775808']);
    expect(s.toArray()).toEqual(['-9223372036854775808', '-5', '2', '10', '9223372036854775807']);
    expect(s.clone().encoding()).toBe('intset');
  });

  it('random() is roughly uniform', () => {
    const s = SetValue.fromPlain(['a', 'b', 'c', 'd']);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const r = s.random();
      counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    for (const v of ['a', 'b', 'c', 'd']) expect(counts.get(v) ?? 0).toBeGreaterThan(600);
  });
});

describe('set codec (plain values)', () => {
  it('round-trips through the registry', () => {
    const v = fromPlain({ type: 'set', value: ['b', 'a', '1'] }) as SetValue;
    expect(v).toBeInstanceOf(SetValue);
    expect(v.encoding()).toBe('hashtable');
    const p = toPlain(v);
    expect(p.type).toBe('set');
    expect([...(p.value as string[])].sort()).toEqual(['1', 'a', 'b']);
    expect((fromPlain({ type: 'set', value: ['2', '1'] }) as SetValue).encoding()).toBe('intset');
  });
});
