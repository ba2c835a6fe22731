import fc from 'fast-check';
import { createKeyspace, type Keyspace } from '../keyspace';
import { type PlainValue, toPlain } from '../types/plain';
import type { SnapshotEntry } from './snapshot';

type Dump = Map<string, { value: PlainValue; expireAt: number }>;

/** Every key of every db as plain values (no expiry logic). */
function dumpAll(ks: Keyspace): Dump {
  const out: Dump = new Map();
  for (let db = 0; db < ks.databases; db++) {
    const it = ks.database(db).keys();
    for (let r = it.next(); !r.done; r = it.next()) {
      const d = ks.dump(db, r.value)!;
      out.set(`${db}:${r.value}`, d);
    }
  }
  return out;
}

function collect(batch: SnapshotEntry[], into: Dump): void {
  for (const e of batch) {
    const id = `${e.db}:${e.key}`;
    if (into.has(id)) throw new Error(`snapshot yielded ${id} twice`);
    into.set(id, { value: toPlain(e.value), expireAt: e.expireAt }); // consume before the next write
  }
}

function canonical(d: Dump): Array<[string, unknown]> {
  return [...d.entries()]
    .map(([k, v]): [string, unknown] => [k, { ...v, value: v.value.type === 'set' || v.value.type === 'hash' ? { type: v.value.type, value: [...(v.value.value as unknown[])].map((x) => JSON.stringify(x)).sort() } : v.value }])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const KEYS = Array.from({ length: 40 }, (_, i) => `k${i}`);

function writeCommand(ks: Keyspace): fc.Arbitrary<string[]> {
  const key = fc.constantFrom(...KEYS);
  const cmds: fc.Arbitrary<string[]>[] = [
    fc.tuple(key, fc.string({ maxLength: 4 })).map(([k, v]) => ['SET', k, v]),
    key.map((k) => ['DEL', k]),
    fc.tuple(key, fc.string({ maxLength: 3 })).map(([k, v]) => ['APPEND', k, v]),
    fc.tuple(key, fc.integer({ min: 1, max: 1000 })).map(([k, t]) => ['EXPIRE', k, String(t)]),
    key.map((k) => ['PERSIST', k]),
    fc.tuple(key, key).map(([a, b]) => ['RENAME', a, b]),
    fc.tuple(key, key).map(([a, b]) => ['COPY', a, b, 'REPLACE']),
    fc.tuple(key, fc.constantFrom('0', '1', '2')).map(([k, d]) => ['MOVE', k, d]),
    fc.constantFrom(['SWAPDB', '0', '1'], ['SWAPDB', '1', '2'], ['SELECT', '0'], ['SELECT', '1'], ['FLUSHDB']),
  ];
  if (ks.commandTable.has('hset')) cmds.push(fc.tuple(key, fc.constantFrom('f', 'g', 'h'), fc.string({ maxLength: 3 })).map(([k, f, v]) => ['HSET', k, f, v]));
  if (ks.commandTable.has('hdel')) cmds.push(fc.tuple(key, fc.constantFrom('f', 'g')).map(([k, f]) => ['HDEL', k, f]));
  if (ks.commandTable.has('rpush')) cmds.push(fc.tuple(key, fc.string({ maxLength: 3 })).map(([k, v]) => ['RPUSH', k, v]));
  if (ks.commandTable.has('lpop')) cmds.push(key.map((k) => ['LPOP', k]));
  if (ks.commandTable.has('sadd')) cmds.push(fc.tuple(key, fc.constantFrom('a', 'b', 'c')).map(([k, m]) => ['SADD', k, m]));
  if (ks.commandTable.has('zadd')) cmds.push(fc.tuple(key, fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b')).map(([k, s, m]) => ['ZADD', k, String(s), m]));
  return fc.oneof(...cmds);
}

describe('point-in-time snapshots', () => {
  it('equal the dataset at their moment under random concurrent writes (property)', () => {
    const probe = createKeyspace({ databases: 3 });
    const cmd = writeCommand(probe);
    probe.close();
    fc.assert(
      fc.property(
        fc.array(cmd, { minLength: 10, maxLength: 120 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.array(cmd, { maxLength: 6 })), { minLength: 1, maxLength: 40 }),
        (setup, interleaved) => {
          const ks = createKeyspace({ databases: 3 });
          const session = { db: 0 };
          for (const c of setup) ks.execute(c, session);
          const expected = dumpAll(ks);
          const snap = ks.snapshot();
          const got: Dump = new Map();
          for (const [n, writes] of interleaved) {
            collect(snap.nextBatch({ maxKeys: n }), got);
            for (const c of writes) ks.execute(c, session);
          }
          for (let b = snap.nextBatch({ maxKeys: 7 }); b.length; b = snap.nextBatch({ maxKeys: 7 })) collect(b, got);
          expect(snap.done).toBe(true);
          expect(canonical(got)).toEqual(canonical(expected));
          // nothing leaks: no observers, no tombstones left behind
          expect(ks.openSnapshots).toBe(0);
          for (let db = 0; db < 3; db++) {
            const it = ks.database(db).keys();
            let n = 0;
            for (let r = it.next(); !r.done; r = it.next()) n++;
            expect(ks.size(db)).toBe(n);
            expect(ks.database(db).observers).toBeNull();
          }
          ks.close();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('nextInto hands the entries of nextBatch, in the same order, string records as bytes (property)', () => {
    const probe = createKeyspace({ databases: 3 });
    const cmd = writeCommand(probe);
    probe.close();
    const asEntry = (db: number, kb: Buffer, ks: number, ke: number, vb: Buffer, vs: number, ve: number, expireAt: number): SnapshotEntry => ({
      db,
      key: kb.toString('latin1', ks, ke),
      value: vb.toString('latin1', vs, ve),
      expireAt,
    });
    fc.assert(
      fc.property(
        fc.array(cmd, { minLength: 10, maxLength: 120 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.array(cmd, { maxLength: 6 })), { minLength: 1, maxLength: 40 }),
        (setup, interleaved) => {
          const ks = createKeyspace({ databases: 3 });
          const session = { db: 0 };
          for (const c of setup) ks.execute(c, session);
          const expected = dumpAll(ks);
          const byBatch = ks.snapshot();
          const byInto = ks.snapshot();
          const a: SnapshotEntry[] = [];
          const b: SnapshotEntry[] = [];
          let bytes = 0;
          const sink = {
            entry: (e: SnapshotEntry) => b.push({ ...e, value: toPlain(e.value) as never }),
            stringBytes: (db: number, kb: Buffer, ks: number, ke: number, vb: Buffer, vs: number, ve: number, exp: number) => {
              bytes++;
              b.push({ ...asEntry(db, kb, ks, ke, vb, vs, ve, exp), value: toPlain(vb.toString('latin1', vs, ve)) as never });
            },
          };
          const take = (n: number) => {
            for (const e of byBatch.nextBatch({ maxKeys: n, maxMs: Number.POSITIVE_INFINITY })) a.push({ ...e, value: toPlain(e.value) as never });
            return byInto.nextInto({ maxKeys: n, maxMs: Number.POSITIVE_INFINITY }, sink);
          };
          for (const [n, writes] of interleaved) {
            take(n);
            for (const c of writes) ks.execute(c, session);
          }
          while (take(7) > 0);
          expect(byInto.done).toBe(true);
          expect(b).toEqual(a);
          const got: Dump = new Map();
          for (const e of b) got.set(`${e.db}:${e.key}`, { value: e.value as unknown as PlainValue, expireAt: e.expireAt });
          expect(canonical(got)).toEqual(canonical(expected));
          expect(bytes).toBeLessThanOrEqual(b.length);
          expect(ks.openSnapshots).toBe(0);
          ks.close();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('nextInto hands slab strings as bytes and keeps values written after the snapshot out', () => {
    const ks = createKeyspace({ databases: 2 });
    const s = { db: 0 };
    for (let i = 0; i < 600; i++) ks.execute(['SET', `k${i}`, `v${i}`], s);
    ks.execute(['PEXPIREAT', 'k5', '4102444800000'], s);
    const snap = ks.snapshot();
    const got = new Map<string, [string, number]>();
    let bytes = 0;
    const sink = {
      entry: (e: SnapshotEntry) => got.set(e.key, [toPlain(e.value).value as string, e.expireAt]),
      stringBytes: (_db: number, kb: Buffer, ks0: number, ke: number, vb: Buffer, vs: number, ve: number, exp: number) => {
        bytes++;
        got.set(kb.toString('latin1', ks0, ke), [vb.toString('latin1', vs, ve), exp]);
      },
    };
    expect(snap.nextInto({ maxKeys: 100 }, sink)).toBe(100);
    for (let i = 0; i < 600; i += 3) ks.execute(['SET', `k${i}`, 'after'], s);
    for (let i = 1; i < 600; i += 3) ks.execute(['DEL', `k${i}`], s);
    ks.execute(['SET', 'new', 'after'], s);
    while (snap.nextInto({ maxKeys: 64 }, sink) > 0);
    expect(got.size).toBe(600);
    for (let i = 0; i < 600; i++) expect(got.get(`k${i}`)).toEqual([`v${i}`, i === 5 ? 4102444800000 : -1]);
    // the first 100 (visited before the writes) and the keys never written came as bytes, the others from their saved copy
    let untouched = 0;
    for (let i = 100; i < 600; i++) if (i % 3 === 2) untouched++;
    expect(bytes).toBe(100 + untouched);
    expect(ks.openSnapshots).toBe(0);
    ks.close();
  });

  it('several snapshots in flight each see their own moment', () => {
    const ks = createKeyspace({ databases: 2 });
    const s = { db: 0 };
    for (let i = 0; i < 50; i++) ks.execute(['SET', `k${i}`, 'a'], s);
    const e1 = dumpAll(ks);
    const snap1 = ks.snapshot();
    const got1: Dump = new Map();
    collect(snap1.nextBatch({ maxKeys: 10 }), got1);
    for (let i = 0; i < 50; i += 2) ks.execute(['SET', `k${i}`, 'b'], s);
    ks.execute(['DEL', 'k1'], s);
    const e2 = dumpAll(ks);
    const snap2 = ks.snapshot();
    expect(ks.openSnapshots).toBe(2);
    const got2: Dump = new Map();
    for (let i = 0; i < 50; i += 3) ks.execute(['SET', `k${i}`, 'c'], s);
    ks.execute(['FLUSHALL'], s);
    for (let b = snap2.nextBatch({ maxKeys: 4 }); b.length; b = snap2.nextBatch({ maxKeys: 4 })) collect(b, got2);
    for (let b = snap1.nextBatch({ maxKeys: 4 }); b.length; b = snap1.nextBatch({ maxKeys: 4 })) collect(b, got1);
    expect(canonical(got1)).toEqual(canonical(e1));
    expect(canonical(got2)).toEqual(canonical(e2));
    expect(ks.openSnapshots).toBe(0);
    ks.close();
  });

  it('retains old values only for keys written during the snapshot; close() releases them', () => {
    const ks = createKeyspace({ databases: 1 });
    const s = { db: 0 };
    for (let i = 0; i < 10000; i++) ks.execute(['SET', `k${i}`, 'v'], s);
    const snap = ks.snapshot();
    expect(snap.retainedCount).toBe(0);
    for (let i = 0; i < 100; i++) ks.execute(['SET', `k${i * 7}`, 'w'], s);
    expect(snap.retainedCount).toBe(100);
    for (let i = 0; i < 100; i++) ks.execute(['DEL', `k${i * 7}`], s);
    expect(snap.retainedCount).toBe(100);
    expect(ks.size(0)).toBe(9900);
    snap.close();
    expect(snap.retainedCount).toBe(0);
    expect(ks.openSnapshots).toBe(0);
    expect(ks.size(0)).toBe(9900);
    expect(ks.database(0).observers).toBeNull();
    expect(snap.nextBatch()).toEqual([]);
    ks.close();
  });

  it('iterates asynchronously in bounded batches while writes continue', async () => {
    const ks = createKeyspace({ databases: 1 });
    const s = { db: 0 };
    for (let i = 0; i < 5000; i++) ks.execute(['SET', `k${i}`, String(i)], s);
    const expected = dumpAll(ks);
    const snap = ks.snapshot();
    const got: Dump = new Map();
    let i = 0;
    for await (const batch of snap.batches({ maxKeys: 250 })) {
      expect(batch.length).toBeLessThanOrEqual(250);
      collect(batch, got);
      ks.execute(['SET', `k${i++}`, 'changed'], s);
      ks.execute(['DEL', `k${4999 - i}`], s);
    }
    expect(canonical(got)).toEqual(canonical(expected));
    ks.close();
  });

  it('nextBatch never returns [] before the snapshot is complete, even when a whole chunk is skipped', () => {
    // keys created after the snapshot began are skipped; with maxMs 0 every batch is cut after
    // its first chunk, so a chunk holding only such keys must not end the batch empty
    const ks = createKeyspace({ databases: 2 });
    ks.execute(['SET', 'first', '1'], { db: 0 });
    ks.execute(['SET', 'other', '2'], { db: 1 });
    const expected = dumpAll(ks);
    const snap = ks.snapshot();
    for (let i = 0; i < 1000; i++) ks.execute(['SET', `new${i}`, 'x'], { db: 0 });
    const got: Dump = new Map();
    let calls = 0;
    while (!snap.done) {
      const batch = snap.nextBatch({ maxKeys: 1000, maxMs: 0 });
      calls++;
      if (!snap.done) expect(batch.length).toBeGreaterThan(0);
      collect(batch, got);
      if (batch.length === 0) break;
    }
    expect(snap.nextBatch()).toEqual([]);
    expect(calls).toBeGreaterThan(0);
    expect(canonical(got)).toEqual(canonical(expected));
    ks.close();
  });

  it('close() of the keyspace closes open snapshots', () => {
    const ks = createKeyspace();
    ks.execute(['SET', 'a', '1'], { db: 0 });
    const snap = ks.snapshot();
    ks.close();
    expect(snap.done).toBe(true);
  });
});
