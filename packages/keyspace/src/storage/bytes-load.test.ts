import fc from 'fast-check';
import { createKeyspace } from '../keyspace';
import { hashKey, hashKeyBytes, KeyTable } from './key-table';
import { MemoryDbStore } from './memory-adapter';
import { RecordingStorageAdapter } from './recording-adapter';
import { SLAB_MAX_VALUE, StringSlab } from './string-slab';

const bin = (b: Uint8Array) => Buffer.from(b).toString('latin1');

test('hashKeyBytes over a key\'s latin1 bytes equals hashKey over the binary string', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(20), (bytes, pad) => {
      const buf = Buffer.concat([Buffer.alloc(pad, 0x41), bytes, Buffer.alloc(3, 0x42)]);
      expect(hashKeyBytes(buf, pad, pad + bytes.length)).toBe(hashKey(bin(bytes)));
    }),
    { numRuns: 500 },
  );
  expect(hashKeyBytes(Buffer.from('key:1'), 0, 5)).not.toBe(hashKeyBytes(Buffer.from('key:2'), 0, 5));
});

test('putBytes makes the record put makes; equalsBytes compares bytes', () => {
  const a = new StringSlab();
  const b = new StringSlab();
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: SLAB_MAX_VALUE }), (bytes) => {
      const buf = Buffer.concat([Buffer.from([9, 9]), bytes]);
      const ra = a.put(bin(bytes));
      const rb = b.putBytes(buf, 2, buf.length);
      expect(rb).toBe(ra);
      expect(b.get(rb)).toBe(bin(bytes));
      expect(b.equalsBytes(rb, buf, 2, buf.length)).toBe(true);
      expect(b.equals(rb, bin(bytes))).toBe(true);
      if (bytes.length > 1) expect(b.equalsBytes(rb, buf, 2, buf.length - 1)).toBe(false);
    }),
    { numRuns: 300 },
  );
  expect(a.live).toBe(b.live);
  expect(b.putBytes(Buffer.alloc(4), 1, 1)).toBe(-1); // empty
  expect(b.putBytes(Buffer.alloc(SLAB_MAX_VALUE + 1), 0, SLAB_MAX_VALUE + 1)).toBe(-1); // too long
});

/** Every key of a store with its value and TTL, in entry order. */
function dump(s: MemoryDbStore): Array<[string, unknown, number | undefined]> {
  const out: Array<[string, unknown, number | undefined]> = [];
  const it = s.keys();
  for (let r = it.next(); !r.done; r = it.next()) out.push([r.value, s.get(r.value), s.getExpire(r.value)]);
  return out;
}

test('setStringBytes stores what set() + setExpire / deleteExpire store, replacing keys like set()', () => {
  const op = fc.record({
    key: fc.oneof(fc.uint8Array({ maxLength: 4 }), fc.uint8Array({ minLength: 1020, maxLength: 1030 })),
    value: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: SLAB_MAX_VALUE - 2, maxLength: SLAB_MAX_VALUE + 2 })),
    expireAt: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 2 ** 42 })),
  });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), fc.nat(100), (ops, reserve) => {
      const viaBytes = new MemoryDbStore();
      const viaStrings = new MemoryDbStore();
      viaBytes.reserve(reserve);
      viaStrings.reserve(reserve);
      for (const { key, value, expireAt } of ops) {
        const kb = Buffer.concat([Buffer.from('pre'), key, Buffer.from('post')]);
        const vb = Buffer.concat([Buffer.from('<'), value]);
        viaBytes.setStringBytes(kb, 3, 3 + key.length, vb, 1, vb.length, expireAt);
        viaStrings.set(bin(key), bin(value));
        if (expireAt >= 0) viaStrings.setExpire(bin(key), expireAt);
        else viaStrings.deleteExpire(bin(key));
      }
      expect(dump(viaBytes)).toEqual(dump(viaStrings));
      expect(viaBytes.size()).toBe(viaStrings.size());
      expect(viaBytes.expiresSize()).toBe(viaStrings.expiresSize());
      // a replaced value reuses its record (same size) or makes the same new one as set()
      expect(viaBytes.offHeapBytes()).toBe(viaStrings.offHeapBytes());
    }),
    { numRuns: 200 },
  );
});

test('reserve() sizes the table once: a load of that many keys allocates nothing more', () => {
  const t = new KeyTable();
  t.reserve(100_000);
  const before = t.allocated - t.slab.allocated;
  const k = Buffer.alloc(16);
  for (let i = 0; i < 100_000; i++) {
    const n = k.write(`key:${i}`, 'latin1');
    t.insertBytes(k, 0, n, hashKeyBytes(k, 0, n), k, 0, n);
  }
  expect(t.allocated - t.slab.allocated).toBe(before);
  for (let i = 0; i < 100_000; i += 997) {
    const key = `key:${i}`;
    const at = t.find(key, hashKey(key));
    expect(at).toBe(i);
    expect(t.valueAt(at)).toBe(key);
  }
  // a hint from the network is bounded
  const u = new KeyTable();
  u.reserve(2 ** 40);
  expect(u.allocated).toBeLessThanOrEqual(((1 << 22) * 16 + (1 << 21) * 4) * 1.01);
});

test('Keyspace.directLoadStore answers only while nothing else must see a load', () => {
  const ks = createKeyspace();
  expect(ks.directLoadStore(0)).toBe(ks.database(0).store);
  ks.load(0, 'k', 'v');
  // a snapshot observes the databases that have keys
  const snap = ks.snapshot();
  expect(ks.directLoadStore(0)).toBeUndefined();
  snap.close();
  expect(ks.directLoadStore(0)).toBe(ks.database(0).store);
  // listeners and WATCHes are told by directLoadDone, as after a flush
  const heard: Array<[number, string | null]> = [];
  const off = ks.onKeyModified((db, key) => heard.push([db, key]));
  expect(ks.directLoadStore(3)).toBe(ks.database(3).store);
  ks.directLoadDone(3);
  expect(heard).toEqual([[3, null]]);
  off();
  // a store that hears of every change (DbStore.changed) needs each key through load()
  const recording = createKeyspace({ storage: new RecordingStorageAdapter() });
  expect(recording.directLoadStore(0)).toBeUndefined();
  recording.close();
  ks.close();
});
