import { HASH_MAX_LISTPACK_ENTRIES, HASH_MAX_LISTPACK_VALUE, HashValue } from './hash-value';

describe('HashValue', () => {
  it('sets, gets, deletes and keeps insertion order (listpack order)', () => {
    const h = new HashValue();
    expect(h.type).toBe('hash');
    expect(h.set('b', '1')).toBe(true);
    expect(h.set('a', '2')).toBe(true);
    expect(h.set('b', '3')).toBe(false);
    expect(h.size).toBe(2);
    expect(h.get('b')).toBe('3');
    expect(h.get('z')).toBeUndefined();
    expect(h.has('a')).toBe(true);
    expect(h.toPlain()).toEqual([
      ['b', '3'],
      ['a', '2'],
    ]);
    expect([...h.fields()]).toEqual(['b', 'a']);
    expect([...h.values()]).toEqual(['3', '2']);
    expect(h.delete('b')).toBe(true);
    expect(h.delete('b')).toBe(false);
    expect(h.size).toBe(1);
    expect(h.entryAt(0)).toEqual(['a', '2']);
    expect(h.entryAt(1)).toBeUndefined();
  });

  it('uses redis-server 7.0 built-in thresholds', () => {
    expect(HASH_MAX_LISTPACK_ENTRIES).toBe(512);
    expect(HASH_MAX_LISTPACK_VALUE).toBe(64);
  });

  it('is listpack up to hash-max-listpack-entries (512) fields, then hashtable forever', () => {
    const h = new HashValue();
    for (let i = 0; i < HASH_MAX_LISTPACK_ENTRIES; i++) h.set(`f${i}`, 'v');
    expect(h.encoding()).toBe('listpack');
    h.set('one-more', 'v');
    expect(h.encoding()).toBe('hashtable');
    h.delete('one-more');
    h.delete('f0');
    expect(h.encoding()).toBe('hashtable');
  });

  it('converts on a field or value longer than 64 bytes', () => {
    const h = new HashValue([['f', 'x'.repeat(HASH_MAX_LISTPACK_VALUE)]]);
    expect(h.encoding()).toBe('listpack');
    h.set('g', 'x'.repeat(HASH_MAX_LISTPACK_VALUE + 1));
    expect(h.encoding()).toBe('hashtable');
    h.delete('g');
    expect(h.encoding()).toBe('hashtable');
    const k = new HashValue();
    k.set('y'.repeat(65), '1');
    expect(k.encoding()).toBe('hashtable');
  });

  it('clones deeply, keeping the encoding', () => {
    const h = HashValue.fromPlain([
      ['a', '1'],
      ['b', 'x'.repeat(100)],
    ]);
    expect(h.encoding()).toBe('hashtable');
    h.delete('b');
    const c = h.clone();
    c.set('a', '9');
    c.set('n', 'm');
    expect(h.toPlain()).toEqual([['a', '1']]);
    expect(c.toPlain()).toEqual([
      ['a', '9'],
      ['n', 'm'],
    ]);
    expect(c.encoding()).toBe('hashtable');
    expect(HashValue.fromPlain(h.toPlain()).encoding()).toBe('listpack');
  });
});
