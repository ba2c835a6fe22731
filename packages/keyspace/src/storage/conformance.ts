/**
 * The storage adapter conformance suite. Any adapter proves itself with one call inside a test file:
 *
 *   runStorageAdapterConformance('my adapter', (n) => new MyAdapter(n), { describe, it, expect });
 *
 * It checks the DbStore contract (docs/storage-adapters.md), including the pinned-iterator rules
 * point-in-time snapshots rely on, and then runs a keyspace with snapshots on top of the adapter.
 */
import type { StorageAdapter } from './adapter';
import { createKeyspace } from '../keyspace';

/** The test framework functions the suite needs (jest, vitest and node:test-like APIs fit). */
export interface ConformanceHooks {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>): void;
  // biome-ignore lint/suspicious/noExplicitAny: framework-agnostic expect
  expect(value: unknown): any;
}

export function runStorageAdapterConformance(name: string, factory: (databases: number) => StorageAdapter, t: ConformanceHooks): void {
  const { describe, expect } = t;
  const it = (title: string, fn: () => void | Promise<void>) =>
    t.it(title, async () => {
      await fn();
    });
  const open = (n = 4) => factory(n);

  describe(`storage adapter conformance: ${name}`, () => {
    it('reports its database count', () => {
      const a = open(3);
      expect(a.databases).toBe(3);
      for (let i = 0; i < 3; i++) expect(a.db(i)).toBeDefined();
      a.close?.();
    });

    it('get/set/delete with binary keys and values', () => {
      const s = open().db(0);
      const key = '\x00\xff k\r\n';
      expect(s.get(key)).toBeUndefined();
      s.set(key, '\x00v\xfe');
      expect(s.get(key)).toBe('\x00v\xfe');
      expect(s.size()).toBe(1);
      s.set(key, 'w');
      expect(s.get(key)).toBe('w');
      expect(s.size()).toBe(1);
      expect(s.delete(key)).toBe(true);
      expect(s.delete(key)).toBe(false);
      expect(s.get(key)).toBeUndefined();
      expect(s.size()).toBe(0);
    });

    it('keeps expires apart: set keeps the TTL, delete drops it', () => {
      const s = open().db(0);
      s.set('a', '1');
      expect(s.getExpire('a')).toBeUndefined();
      s.setExpire('a', 1234);
      expect(s.getExpire('a')).toBe(1234);
      expect(s.expiresSize()).toBe(1);
      s.set('a', '2');
      expect(s.getExpire('a')).toBe(1234);
      expect(s.deleteExpire('a')).toBe(true);
      expect(s.deleteExpire('a')).toBe(false);
      expect(s.expiresSize()).toBe(0);
      s.setExpire('a', 99);
      s.delete('a');
      expect(s.getExpire('a')).toBeUndefined();
      expect(s.expiresSize()).toBe(0);
      expect([...iter(s.expireKeys())]).toEqual([]);
    });

    it('iterates keys and expire keys', () => {
      const s = open().db(1);
      for (let i = 0; i < 100; i++) s.set(`k${i}`, String(i));
      for (let i = 0; i < 10; i++) s.setExpire(`k${i}`, 1000 + i);
      expect(new Set(iter(s.keys())).size).toBe(100);
      expect(new Set(iter(s.expireKeys()))).toEqual(new Set(Array.from({ length: 10 }, (_, i) => `k${i}`)));
    });

    it('live key iteration yields keys present throughout exactly once', () => {
      const s = open().db(0);
      for (let i = 0; i < 200; i++) s.set(`k${i}`, 'x');
      const it = s.keys();
      const seen: string[] = [];
      let n = 0;
      for (let r = it.next(); !r.done; r = it.next()) {
        seen.push(r.value);
        if (n++ % 3 === 0) {
          s.delete(`k${199 - (n % 50)}`); // churn in the tail
          s.set(`new${n}`, 'y');
        }
      }
      const counts = new Map<string, number>();
      for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
      for (let i = 0; i < 150; i++) expect(counts.get(`k${i}`)).toBe(1);
      for (const c of counts.values()) expect(c).toBe(1);
    });

    it('randomKey returns a stored key, undefined when empty', () => {
      const s = open().db(0);
      expect(s.randomKey()).toBeUndefined();
      for (let i = 0; i < 20; i++) s.set(`k${i}`, 'v');
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const k = s.randomKey();
        expect(k !== undefined && s.get(k) !== undefined).toBe(true);
        seen.add(k as string);
      }
      expect(seen.size).toBeGreaterThan(1);
      for (let i = 0; i < 20; i++) s.delete(`k${i}`);
      expect(s.randomKey()).toBeUndefined();
    });

    it('clear empties one database only', () => {
      const a = open();
      a.db(0).set('a', '1');
      a.db(0).setExpire('a', 5);
      a.db(1).set('b', '2');
      a.db(0).clear();
      expect(a.db(0).size()).toBe(0);
      expect(a.db(0).expiresSize()).toBe(0);
      expect(a.db(0).get('a')).toBeUndefined();
      expect(a.db(1).get('b')).toBe('2');
    });

    it('swap exchanges two databases with their expires', () => {
      const a = open();
      a.db(0).set('a', '1');
      a.db(0).setExpire('a', 7);
      a.db(2).set('c', '3');
      a.swap(0, 2);
      expect(a.db(0).get('c')).toBe('3');
      expect(a.db(2).get('a')).toBe('1');
      expect(a.db(2).getExpire('a')).toBe(7);
      expect(a.db(0).get('a')).toBeUndefined();
    });

    it('pinned iterator: every key present at open is yielded once despite deletes, re-creates and inserts', () => {
      const s = open().db(0);
      for (let i = 0; i < 300; i++) s.set(`k${i}`, `v${i}`);
      s.setExpire('k5', 55);
      const p = s.pinnedEntries();
      const got = new Map<string, number>();
      const values = new Map<string, unknown>();
      let round = 0;
      for (;;) {
        const batch = p.next(7);
        if (batch.length === 0) break;
        for (const e of batch) {
          got.set(e.key, (got.get(e.key) ?? 0) + 1);
          values.set(e.key, e.value);
          if (e.key === 'k5') expect(e.expireAt).toBe(55);
        }
        round++;
        s.delete(`k${299 - round}`);
        if (round % 5 === 0) s.set(`k${299 - round + 1}`, 'again');
        s.set(`fresh${round}`, 'n');
      }
      p.close();
      for (let i = 0; i < 300; i++) expect(got.get(`k${i}`)).toBe(1);
      for (const c of got.values()) expect(c).toBe(1);
      expect(values.get('k0')).toBe('v0');
      // after close, deletions are real again and sizes are right
      expect(s.size()).toBe(iter(s.keys()).length);
    });

    it('pinned iterator survives clear() and keeps yielding the old entries', () => {
      const s = open().db(0);
      for (let i = 0; i < 50; i++) s.set(`k${i}`, `v${i}`);
      const p = s.pinnedEntries();
      const first = p.next(10);
      s.clear();
      s.set('after', 'x');
      const rest = [];
      for (let b = p.next(10); b.length; b = p.next(10)) rest.push(...b);
      p.close();
      const keys = [...first, ...rest].filter((e) => e.value !== undefined).map((e) => e.key);
      expect(new Set(keys)).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `k${i}`)));
      expect(s.size()).toBe(1);
      expect(s.get('k1')).toBeUndefined();
    });

    it('hosts a keyspace: commands, TTLs, SWAPDB and a consistent snapshot', () => {
      const ks = createKeyspace({ databases: 4, storage: factory });
      const session = { db: 0 };
      for (let i = 0; i < 100; i++) ks.execute(['SET', `k${i}`, `v${i}`], session);
      ks.execute(['EXPIRE', 'k1', '1000'], session);
      const snap = ks.snapshot();
      ks.execute(['SET', 'k2', 'changed'], session);
      ks.execute(['DEL', 'k3'], session);
      ks.execute(['SET', 'new', 'x'], session);
      ks.execute(['SWAPDB', '0', '1'], session);
      const out = new Map<string, unknown>();
      for (let b = snap.nextBatch({ maxKeys: 13 }); b.length; b = snap.nextBatch({ maxKeys: 13 })) for (const e of b) out.set(`${e.db}:${e.key}`, e.value);
      expect(out.size).toBe(100);
      expect(out.get('0:k2')).toBe('v2');
      expect(out.get('0:k3')).toBe('v3');
      expect(out.has('0:new')).toBe(false);
      expect(ks.execute(['GET', 'k2'], { db: 1 }).reply).toBe('changed');
      expect(ks.execute(['TTL', 'k1'], { db: 1 }).reply).toBe(1000);
      ks.close();
    });
  });
}

function iter<T>(it: Iterator<T>): T[] {
  const out: T[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
}
