import fc from 'fast-check';
import { createKeyspace, type Keyspace } from '../keyspace';
import { RecordingStorageAdapter } from '../storage/recording-adapter';
import { SerializingStorageAdapter } from '../storage/serializing-adapter';
import { kit, plain } from '../test-kit';
import { MutableString } from '../types/mutable-string';
import { toPlain } from '../types/plain';

/** What the in-memory store holds for `key` (a MutableString once a byte command edited a large string). */
function stored(ks: Keyspace, key: string, db = 0): unknown {
  return ks.database(db).store.get(key);
}

const BIG = 5000;

describe('strings edited in place (MutableString)', () => {
  it('SETBIT on a large bitmap edits the stored bytes in place; every reader sees a string', () => {
    const k = kit();
    try {
      expect(k.r('SETBIT', 'bm', String(BIG * 8), '1')).toBe(0);
      expect(stored(k.ks, 'bm')).toBeInstanceOf(MutableString);
      const first = stored(k.ks, 'bm');
      expect(k.r('SETBIT', 'bm', '7', '1')).toBe(0);
      expect(k.r('SETBIT', 'bm', '7', '1')).toBe(1);
      // the same object: no copy per call
      expect(stored(k.ks, 'bm')).toBe(first);
      const expected = Buffer.alloc(BIG + 1);
      expected[0] = 1;
      expected[BIG] = 0x80;
      expect(k.r('GET', 'bm')).toBe(expected.toString('latin1'));
      expect(k.r('STRLEN', 'bm')).toBe(BIG + 1);
      expect(k.r('GETRANGE', 'bm', '0', '1')).toBe('\x01\x00');
      expect(k.r('GETBIT', 'bm', '7')).toBe(1);
      expect(k.r('BITCOUNT', 'bm')).toBe(2);
      expect(k.r('BITPOS', 'bm', '1', '1')).toBe(BIG * 8);
      expect(k.r('OBJECT', 'ENCODING', 'bm')).toBe('raw');
      expect(k.r('TYPE', 'bm')).toBe('+string');
      expect(k.ks.peek(0, 'bm')?.value).toBe(expected.toString('latin1'));
      expect(k.ks.dump(0, 'bm')?.value).toEqual({ type: 'string', value: expected.toString('latin1') });
      expect(k.r('SCAN', '0', 'TYPE', 'string')).toEqual(['0', ['bm']]);
    } finally {
      k.close();
    }
  });

  it('keeps the TTL, bumps WATCH versions and tells key-modified listeners on each in-place write', () => {
    const k = kit();
    try {
      k.r('SETBIT', 'bm', String(BIG * 8), '1');
      k.r('PEXPIRE', 'bm', '10000');
      const seen: Array<string | null> = [];
      const off = k.ks.onKeyModified((_db, key) => seen.push(key));
      const v0 = k.ks.keyVersion(0, 'bm');
      expect(k.r('SETBIT', 'bm', '3', '1')).toBe(0);
      expect(k.ks.keyVersion(0, 'bm')).not.toBe(v0);
      expect(seen).toEqual(['bm']);
      // an unchanged bit is no write
      const v1 = k.ks.keyVersion(0, 'bm');
      expect(k.r('SETBIT', 'bm', '3', '1')).toBe(1);
      expect(k.ks.keyVersion(0, 'bm')).toBe(v1);
      expect(seen).toEqual(['bm']);
      expect(k.r('PTTL', 'bm')).toBe(10000);
      off();
      k.ks.releaseKeyVersion(0, 'bm');
      k.ks.releaseKeyVersion(0, 'bm');
      k.ks.releaseKeyVersion(0, 'bm');
      // past its TTL the key is gone: a SETBIT starts from nothing
      k.clock.now += 20000;
      expect(k.r('SETBIT', 'bm', '0', '1')).toBe(0);
      expect(k.r('STRLEN', 'bm')).toBe(1);
    } finally {
      k.close();
    }
  });

  it('a snapshot taken before in-place writes yields the value as it was', () => {
    const k = kit();
    try {
      k.r('SETRANGE', 'bm', String(BIG), 'x');
      k.r('SETBIT', 'bm', '0', '1');
      const before = k.r('GET', 'bm');
      const snap = k.ks.snapshot();
      k.r('SETBIT', 'bm', '1', '1');
      k.r('SETRANGE', 'bm', '10', 'abc');
      k.r('PFADD', 'hll', ...Array.from({ length: 3000 }, (_, i) => `e${i}`));
      const entries = snap.nextBatch({ maxKeys: 100 });
      snap.close();
      expect(entries.map((e) => [e.key, e.value])).toEqual([['bm', before]]);
      expect(k.r('GETRANGE', 'bm', '0', '0')).toBe('\xc0');
      expect(k.r('GETRANGE', 'bm', '10', '12')).toBe('abc');
    } finally {
      k.close();
    }
  });

  it('COPY, RENAME, MOVE and SWAPDB carry the content; the copies are independent', () => {
    const k = kit();
    try {
      k.r('SETBIT', 'a', String(BIG * 8), '1');
      expect(k.r('COPY', 'a', 'b')).toBe(1);
      k.r('SETBIT', 'a', '0', '1');
      expect(k.r('GETBIT', 'b', '0')).toBe(0);
      expect(k.r('GETBIT', 'a', '0')).toBe(1);
      k.r('RENAME', 'a', 'c');
      k.r('SETBIT', 'c', '1', '1');
      expect(k.r('BITCOUNT', 'c')).toBe(3);
      expect(k.r('MOVE', 'c', '1')).toBe(1);
      k.r('SWAPDB', '0', '1');
      expect(k.r('BITCOUNT', 'c')).toBe(3);
      k.r('SETBIT', 'c', '2', '1');
      expect(k.r('BITCOUNT', 'c')).toBe(4);
      expect(k.r('EXISTS', 'b')).toBe(0);
    } finally {
      k.close();
    }
  });

  it('an adapter that serializes values gets every write as a string (nothing is edited in place)', () => {
    const rec = new RecordingStorageAdapter(new SerializingStorageAdapter());
    const ks = createKeyspace({ storage: rec });
    const session = { db: 0 };
    try {
      ks.execute(['SETBIT', 'bm', String(BIG * 8), '1'], session);
      rec.log = [];
      ks.execute(['SETBIT', 'bm', '0', '1'], session);
      const sets = rec.log.filter((c) => c.op === 'set');
      expect(sets).toHaveLength(1);
      const value = (sets[0] as { value: unknown }).value;
      expect(typeof value).toBe('string');
      expect((value as string).charCodeAt(0)).toBe(0x80);
      expect((value as string).length).toBe(BIG + 1);
    } finally {
      ks.close();
    }
  });
});

/** The byte commands and their readers, run on two keyspaces: in-place edits vs strings only. */
const KEYS = ['a', 'b'];
const command: fc.Arbitrary<string[]> = fc.oneof<fc.Arbitrary<string[]>[]>(
  fc.tuple(fc.constantFrom(...KEYS), fc.integer({ min: 0, max: 80000 }), fc.constantFrom('0', '1')).map(([k, o, b]) => ['SETBIT', k, String(o), b]),
  fc.tuple(fc.constantFrom(...KEYS), fc.integer({ min: 0, max: 9000 }), fc.string({ maxLength: 5 })).map(([k, o, s]) => ['SETRANGE', k, String(o), s]),
  fc.tuple(fc.constantFrom(...KEYS), fc.string({ maxLength: 300 })).map(([k, s]) => ['APPEND', k, s]),
  fc.tuple(fc.constantFrom(...KEYS), fc.integer({ min: 0, max: 80000 }), fc.integer({ min: -100, max: 100 })).map(([k, o, n]) => ['BITFIELD', k, 'INCRBY', 'i8', String(o), String(n), 'GET', 'u4', '0']),
  fc.tuple(fc.constantFrom(...KEYS), fc.integer({ min: 0, max: 80000 })).map(([k, o]) => ['GETBIT', k, String(o)]),
  fc.constantFrom(...KEYS).map((k) => ['BITCOUNT', k]),
  fc.constantFrom(...KEYS).map((k) => ['BITPOS', k, '1', '3', '-1']),
  fc.constantFrom(...KEYS).map((k) => ['STRLEN', k]),
  fc.tuple(fc.constantFrom(...KEYS), fc.integer({ min: -20, max: 9000 })).map(([k, s]) => ['GETRANGE', k, String(s), String(s + 40)]),
  fc.constantFrom(...KEYS).map((k) => ['GET', k]),
  fc.constantFrom(...KEYS).map((k) => ['OBJECT', 'ENCODING', k]),
  fc.constant<string[]>(['COPY', 'a', 'b', 'REPLACE']),
  fc.constant<string[]>(['DEL', 'b']),
  fc.tuple(fc.constantFrom('h1', 'h2'), fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 400 })).map(([k, xs]) => ['PFADD', k, ...xs.map(String)]),
  fc.constantFrom('h1', 'h2').map((k) => ['PFCOUNT', k]),
  fc.constant<string[]>(['PFCOUNT', 'h1', 'h2']),
  fc.constant<string[]>(['PFMERGE', 'h2', 'h1']),
  fc.constantFrom('h1', 'h2').map((k) => ['GET', k]),
);

describe('in-place byte edits answer like string copies', () => {
  it('same replies and same data as a keyspace whose adapter serializes every value', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 60 }), (cmds, snapAt) => {
        const inPlace = createKeyspace();
        const copies = createKeyspace({ storage: new SerializingStorageAdapter() });
        const s1 = { db: 0 };
        const s2 = { db: 0 };
        try {
          let snap1: ReturnType<Keyspace['snapshot']> | undefined;
          let snap2: ReturnType<Keyspace['snapshot']> | undefined;
          cmds.forEach((argv, i) => {
            if (i === snapAt) {
              snap1 = inPlace.snapshot();
              snap2 = copies.snapshot();
            }
            const r1 = inPlace.execute(argv, s1);
            const r2 = copies.execute(argv, s2);
            expect([argv, plain(r1.reply)]).toEqual([argv, plain(r2.reply)]);
            expect(r1.propagate).toEqual(r2.propagate);
          });
          for (const key of [...KEYS, 'h1', 'h2']) {
            const d1 = inPlace.dump(0, key);
            expect(d1 === undefined ? undefined : { ...d1, value: d1.value }).toEqual(copies.dump(0, key));
          }
          if (snap1 !== undefined && snap2 !== undefined) {
            const all = (s: NonNullable<typeof snap1>) => {
              const out: Array<[string, unknown]> = [];
              for (let b = s.nextBatch(); b.length > 0; b = s.nextBatch()) for (const e of b) out.push([e.key, toPlain(e.value)]);
              return out.sort((x, y) => (x[0] < y[0] ? -1 : 1));
            };
            expect(all(snap1)).toEqual(all(snap2));
          }
        } finally {
          inPlace.close();
          copies.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 60000);
});
