/**
 * The snapshot RDB's string records written straight from the store's bytes (Snapshot.nextInto +
 * RdbEncoder.writeStringBytes) are byte for byte what the value path writes (nextBatch, a Buffer
 * per key, storedToRdbValue, writeEntry): strings in and out of the slab, integers at every INT
 * width and near misses, binary, empty, long and compressible keys and values, TTLs, collections,
 * several dbs, with and without LZF.
 */
import { createKeyspace, type Keyspace, type Snapshot } from '@replikit/keyspace';
import { RdbEncoder, type RdbWriterOptions } from '@replikit/rdb';
import { RdbKeyspaceLoader } from './loader';
import { snapshotToRdbChunksSync } from './snapshot-rdb';
import { canonical, keyspaceOf } from './testing/fixtures';
import { mixedStrings } from './testing/mixed-strings';
import { storedToRdbValue } from './values';

const FIXED: RdbWriterOptions = { encoding: 'compact', ctime: 1700000000, usedMem: 0, databases: 16, checkDuplicateKeys: false };

/** The value path: every entry as a Buffer key and an RdbValue. */
function byValues(snap: Snapshot, o: RdbWriterOptions): Buffer {
  const enc = new RdbEncoder(o);
  enc.writeHeader();
  for (let b = snap.nextBatch({ maxKeys: 97 }); b.length; b = snap.nextBatch({ maxKeys: 97 })) {
    for (const e of b) enc.writeEntry({ db: e.db, key: Buffer.from(e.key, 'latin1'), value: storedToRdbValue(e.value), expireAtMs: e.expireAt });
  }
  enc.finish();
  return Buffer.concat(enc.out.takeChunks());
}

/** The bytes path. */
function byBytes(snap: Snapshot, o: RdbWriterOptions): { rdb: Buffer; records: number } {
  const enc = new RdbEncoder(o);
  let records = 0;
  enc.writeHeader();
  const sink = {
    entry: (e: { db: number; key: string; value: never; expireAt: number }) =>
      enc.writeEntry({ db: e.db, key: Buffer.from(e.key, 'latin1'), value: storedToRdbValue(e.value), expireAtMs: e.expireAt }),
    stringBytes: (db: number, kb: Buffer, ks: number, ke: number, vb: Buffer, vs: number, ve: number, exp: number) => {
      records++;
      enc.writeStringBytes(db, kb, ks, ke, vb, vs, ve, exp);
    },
  };
  while (snap.nextInto({ maxKeys: 97 }, sink) > 0);
  enc.finish();
  return { rdb: Buffer.concat(enc.out.takeChunks()), records };
}

/** The body of an RDB: from the first SELECTDB to before the checksum (the header has ctime and used-mem). */
function body(rdb: Buffer): Buffer {
  return rdb.subarray(rdb.indexOf(0xfe), rdb.length - 8);
}

describe('snapshot RDB string records from bytes', () => {
  let ks: Keyspace;
  afterEach(() => ks?.close());

  it.each([
    ['with LZF', true, false],
    ['without LZF', false, false],
    ['with the duplicate-key log', true, true],
  ])('are byte-identical to the value path (%s)', (_name, compress, checkDuplicateKeys) => {
    ks = keyspaceOf(mixedStrings());
    const o = { ...FIXED, compress, checkDuplicateKeys };
    const expected = byValues(ks.snapshot(), o);
    const got = byBytes(ks.snapshot(), o);
    expect(got.records).toBeGreaterThan(300);
    expect(got.rdb.equals(expected)).toBe(true);
  });

  it('snapshotToRdbChunksSync writes the same body and the RDB loads back to the same keyspace', () => {
    ks = keyspaceOf(mixedStrings());
    const expected = byValues(ks.snapshot(), { ...FIXED, compress: true, dbSizes: sizes(ks) });
    const rdb = Buffer.concat([...snapshotToRdbChunksSync(ks, ks.snapshot())]);
    expect(body(rdb).equals(body(expected))).toBe(true);
    const back = createKeyspace();
    try {
      loadInto(back, rdb);
      expect(canonical(back)).toEqual(canonical(ks));
    } finally {
      back.close();
    }
  });

  it('a snapshot taken before writes still yields the old values', () => {
    ks = keyspaceOf(mixedStrings());
    const before = canonical(ks);
    const s = { db: 0 };
    const snap = ks.snapshot();
    const gen = snapshotToRdbChunksSync(ks, snap, { batch: { maxKeys: 50 } });
    const parts: Buffer[] = [gen.next().value as Buffer];
    for (const db of [0, 3, 9]) {
      s.db = db;
      ks.execute(['SELECT', String(db)], s);
      for (let i = 0; i < 300; i += 2) ks.execute(['SET', `key:${i}`, `after ${i}`], s);
      for (let i = 1; i < 300; i += 4) ks.execute(['DEL', `key:${i}`], s);
      for (let i = 3; i < 300; i += 4) ks.execute(['EXPIRE', `key:${i}`, '100'], s);
      ks.execute(['SET', 'int:3', 'changed'], s);
      ks.execute(['SET', 'added after', 'x'], s);
    }
    for (let r = gen.next(); !r.done; r = gen.next()) parts.push(r.value);
    const back = createKeyspace();
    try {
      loadInto(back, Buffer.concat(parts));
      expect(canonical(back)).toEqual(before);
    } finally {
      back.close();
    }
  });
});

function sizes(k: Keyspace): Map<number, { keys: number; expires: number }> {
  const m = new Map<number, { keys: number; expires: number }>();
  k.info().forEach((d, i) => {
    if (d.keys > 0) m.set(i, { keys: d.keys, expires: d.expires });
  });
  return m;
}

function loadInto(k: Keyspace, rdb: Buffer): void {
  const loader = new RdbKeyspaceLoader(k);
  loader.write(rdb);
  loader.end();
}
