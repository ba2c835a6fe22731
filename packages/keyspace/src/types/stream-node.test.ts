import { idKey, MAX_ID, MIN_ID } from './stream-id';
import { appendEntry, cloneNode, createNode, entryFields, entryId, isDeleted, markDeleted, searchId } from './stream-node';
import { StreamValue } from './stream-value';

const allBytes = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

describe('stream node records', () => {
  it('round-trip values of every byte and of lengths around the varint steps', () => {
    const n = createNode(idKey(1, 0), ['f'], 0);
    const values = ['', 'x', allBytes, 'a'.repeat(16), 'b'.repeat(17), 'c'.repeat(127), 'd'.repeat(128), 'e'.repeat(16383), 'f'.repeat(16384), 'g'.repeat(70000)];
    for (const [i, v] of values.entries()) appendEntry(n, idKey(1, i), ['f', v], 0, true);
    values.forEach((v, i) => {
      expect(entryId(n, i)).toBe(idKey(1, i));
      expect(entryFields(n, i)).toEqual(['f', v]);
    });
  });

  it('keeps other field names, an offset into argv, and strings that are not bytes', () => {
    const n = createNode(idKey(1, 0), ['f'], 0);
    appendEntry(n, idKey(1, 0), ['XADD', 'k', '*', 'f', 'v'], 3, true);
    appendEntry(n, idKey(1, 1), ['a', '1', 'b', allBytes], 0, false);
    appendEntry(n, idKey(1, 2), ['f', 'snow \u2603', 'g', 'x'], 0, false);
    appendEntry(n, idKey(1, 3), ['f', '\u0100'.repeat(40)], 0, true);
    expect(entryFields(n, 0)).toEqual(['f', 'v']);
    expect(entryFields(n, 1)).toEqual(['a', '1', 'b', allBytes]);
    expect(entryFields(n, 2)).toEqual(['f', 'snow \u2603', 'g', 'x']);
    expect(entryFields(n, 3)).toEqual(['f', '\u0100'.repeat(40)]);
  });

  it('searches ids across the 64-bit halves, marks tombstones, clones independently', () => {
    const ids = [idKey(1, 0), idKey(1, 2 ** 40), idKey(2 ** 52, 0), idKey(18446744073709551615n, 7n)];
    const n = createNode(ids[0], ['f'], 0);
    for (const id of ids) appendEntry(n, id, ['f', 'v'], 0, true);
    expect(searchId(n, MIN_ID, false)).toBe(0);
    expect(searchId(n, ids[1], false)).toBe(1);
    expect(searchId(n, ids[1], true)).toBe(2);
    expect(searchId(n, idKey(2, 0), false)).toBe(2);
    expect(searchId(n, MAX_ID, false)).toBe(4);
    const c = cloneNode(n);
    markDeleted(n, 1);
    appendEntry(c, MAX_ID, ['f', 'w'], 0, true);
    expect(isDeleted(n, 1)).toBe(true);
    expect(isDeleted(c, 1)).toBe(false);
    expect(n.offs.length).toBe(4);
    expect(entryFields(c, 4)).toEqual(['f', 'w']);
  });

  it('a stream keeps entries, deletions and trims in its nodes', () => {
    const s = new StreamValue();
    for (let i = 1; i <= 250; i++) s.append(idKey(i, 0), i % 2 ? ['f', `v${i}`] : ['g', `${i}`, 'h', 'x']);
    expect(s.nodes.length).toBe(3);
    expect(s.get(idKey(7, 0))?.fields).toEqual(['f', 'v7']);
    expect(s.get(idKey(8, 0))?.fields).toEqual(['g', '8', 'h', 'x']);
    expect(s.delete(idKey(7, 0))).toBe(true);
    expect(s.get(idKey(7, 0))).toBeUndefined();
    expect(s.range(idKey(6, 0), idKey(9, 0), false).map((e) => e.fields[1])).toEqual(['6', '8', 'v9']);
    expect(s.range(idKey(6, 0), idKey(9, 0), true, 2).map((e) => e.fields[1])).toEqual(['v9', '8']);
    const copy = s.clone();
    expect(s.trim('maxlen', 100, MIN_ID, true, 0)).toBe(99);
    expect(s.firstEdgeId()).toBe(idKey(101, 0));
    expect(s.length).toBe(150);
    expect(copy.length).toBe(249);
    expect(copy.get(idKey(1, 0))?.fields).toEqual(['f', 'v1']);
    expect(s.trim('minid', 0, idKey(120, 0), false, 0)).toBe(19);
    expect(s.firstLiveId()).toBe(idKey(120, 0));
    expect(s.lastValidId()).toBe(idKey(250, 0));
  });
});
