import { diffViews, type DumpableKeyspace, expectSameDataset, viewOfKeyspace } from './dataset-view';

type Entry = { type: string; value: unknown; expireAt: number };

function fakeKeyspace(dbs: Array<Record<string, Entry>>): DumpableKeyspace {
  return {
    databases: dbs.length,
    database: (i) => ({ keys: () => Object.keys(dbs[i])[Symbol.iterator]() }),
    dump: (db, key) => {
      const e = dbs[db][key];
      return e === undefined ? undefined : { value: { type: e.type, value: e.value }, expireAt: e.expireAt };
    },
  };
}

describe('dataset views', () => {
  const base = (): Array<Record<string, Entry>> => [
    { s: { type: 'string', value: 'v', expireAt: -1 }, h: { type: 'hash', value: [['b', '2'], ['a', '1']], expireAt: 5 } },
    { st: { type: 'set', value: ['y', 'x'], expireAt: -1 } },
  ];

  it('sets and hashes compare regardless of element order', () => {
    const other = base();
    other[0].h = { type: 'hash', value: [['a', '1'], ['b', '2']], expireAt: 5 };
    other[1].st = { type: 'set', value: ['x', 'y'], expireAt: -1 };
    expect(diffViews(viewOfKeyspace(fakeKeyspace(base())), viewOfKeyspace(fakeKeyspace(other)))).toEqual([]);
  });

  it('reports a changed value, a changed expire time, a missing and an unexpected key', () => {
    const other = base();
    other[0].s = { type: 'string', value: 'w', expireAt: -1 };
    other[0].h = { type: 'hash', value: [['a', '1'], ['b', '2']], expireAt: 6 };
    delete (other[1] as Record<string, Entry>).st;
    other[1].extra = { type: 'list', value: ['1'], expireAt: -1 };
    const diff = diffViews(viewOfKeyspace(fakeKeyspace(base())), viewOfKeyspace(fakeKeyspace(other)));
    expect(diff).toEqual([
      '0:s: expected string "v" expireAt=-1, got string "w" expireAt=-1',
      '0:h: expected hash [["a","1"],["b","2"]] expireAt=5, got hash [["a","1"],["b","2"]] expireAt=6',
      '1:st: expected set ["x","y"] expireAt=-1, got missing',
      '1:extra: unexpected list ["1"] expireAt=-1',
    ]);
    expect(() => expectSameDataset(viewOfKeyspace(fakeKeyspace(base())), viewOfKeyspace(fakeKeyspace(other)))).toThrow(/differs from its master/);
  });
});
