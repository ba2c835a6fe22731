/**
 * The storage adapter conformance suite. Any adapter proves itself with one call inside a test file:
 *
 *   runStorageAdapterConformance('my adapter', (n) => new MyAdapter(n), { describe, it, expect });
 *
 * It checks the DbStore contract (docs/storage-adapters.md), including the pinned-iterator rules
 * point-in-time snapshots rely on, and then runs a keyspace with snapshots on top of the adapter.
 */

import { createKeyspace } from '../keyspace';
import { toPlain } from '../types/plain';
import type { StorageAdapter } from './adapter';

/** The test framework functions the suite needs (jest, vitest and node:test-like APIs fit). */
export interface ConformanceHooks {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>): void;
  // biome-ignore lint/suspicious/noExplicitAny: framework-agnostic expect
  expect(value: unknown): any;
}

/** Extra checks for adapters that can do more. */
export interface ConformanceOptions {
  /**
   * A durable adapter: closes `previous` (if still open) and opens the same storage again with
   * `databases` databases. The suite then checks that committed units and the committed
   * replication position survive the reopen.
   */
  reopen?(previous: StorageAdapter, databases: number): StorageAdapter;
}

export function runStorageAdapterConformance(
  name: string,
  factory: (databases: number) => StorageAdapter,
  t: ConformanceHooks,
  options: ConformanceOptions = {},
): void {
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

    it('in-place mutations reach the store: changed() gets the mutated value, also within MULTI and when the key goes away', () => {
      const adapter = open(2);
      const ks = createKeyspace({ databases: 2, storage: adapter });
      const s = { db: 0 };
      const run = (...argv: string[]) => ks.execute(argv, s).reply;
      run('RPUSH', 'l', 'a', 'b', 'c');
      run('RPUSH', 'l', 'd');
      run('LPOP', 'l');
      run('LSET', 'l', '0', 'B');
      run('HSET', 'h', 'f', '1', 'g', '2');
      run('HDEL', 'h', 'f');
      run('HINCRBY', 'h', 'g', '5');
      run('SADD', 'st', 'x', 'y');
      run('SREM', 'st', 'x');
      run('SADD', 'st', 'z');
      run('ZADD', 'z', '1', 'a');
      run('ZINCRBY', 'z', '2', 'a');
      run('ZADD', 'z', '5', 'b');
      run('RPUSH', 'gone', 'x');
      run('LPOP', 'gone');
      // a later command of the same transaction reads what an earlier one changed in place
      const tx = ks.executeTransaction([['RPUSH', 'l', 'e'], ['LRANGE', 'l', '0', '-1'], ['HINCRBY', 'h', 'g', '1'], ['HGET', 'h', 'g']], s);
      expect(tx.replies[1]).toEqual(['B', 'c', 'd', 'e']);
      expect(tx.replies[3]).toBe('8');
      const store = adapter.db(0);
      const plain = (k: string) => {
        const v = store.get(k);
        return v === undefined ? undefined : toPlain(v);
      };
      expect(plain('l')).toEqual({ type: 'list', value: ['B', 'c', 'd', 'e'] });
      expect(plain('h')).toEqual({ type: 'hash', value: [['g', '8']] });
      expect([...((plain('st')?.value ?? []) as string[])].sort()).toEqual(['y', 'z']);
      expect(plain('z')).toEqual({ type: 'zset', value: [['a', 3], ['b', 5]] });
      expect(store.get('gone')).toBeUndefined();
      expect(store.size()).toBe(4);
      ks.close();
    });

    it('commit points carry the replication position (when the adapter has them)', () => {
      const a = open(2);
      if (a.commit === undefined) {
        expect(a.committedPosition).toBeUndefined();
        return;
      }
      expect(typeof a.committedPosition).toBe('function');
      expect(a.committedPosition?.()).toBeUndefined();
      const p = { replid: 'a'.repeat(40), offset: 100, streamDb: 1 };
      a.db(0).set('k', 'v');
      a.commit(p);
      expect(a.committedPosition?.()).toEqual(p);
      a.db(1).set('k', 'w');
      a.commit();
      expect(a.committedPosition?.()).toEqual(p);
      a.commit(null);
      expect(a.committedPosition?.()).toBeUndefined();
      a.commit({ replid: 'b'.repeat(40), offset: 0 });
      expect(a.committedPosition?.()).toMatchObject({ replid: 'b'.repeat(40), offset: 0 });
      expect(a.db(0).get('k')).toBe('v');
      a.close?.();
    });

    if (options.reopen !== undefined) {
      const reopen = options.reopen;
      it('committed units and their position survive a reopen', () => {
        const a = open(3);
        const ks = createKeyspace({ databases: 3, storage: a, commits: 'manual' });
        const s = { db: 0 };
        const bin = '\x00\xff\r\n';
        ks.execute(['SET', `s${bin}`, `v${bin}`], s);
        ks.execute(['PEXPIREAT', `s${bin}`, '99999999999999'], s);
        ks.execute(['RPUSH', 'l', 'x', 'y'], s);
        ks.execute(['HSET', 'h', 'f', 'v'], s);
        ks.execute(['SADD', 'st', '1', '2', '3'], s);
        ks.execute(['ZADD', 'z', '1.5', 'm', '-inf', 'n'], s);
        ks.execute(['SET', 'long', 'k'.repeat(3000)], s);
        ks.execute(['SET', 'k'.repeat(3000), 'long key'], s);
        ks.execute(['SET', 'gone', '1'], s);
        ks.execute(['DEL', 'gone'], s);
        ks.execute(['SET', 'in2', 'x'], { db: 2 });
        ks.execute(['SWAPDB', '0', '1'], s);
        ks.execute(['RPUSH', 'l', 'z'], { db: 1 });
        const pos = { replid: 'c'.repeat(40), offset: 4242, streamDb: 2 };
        ks.commit(pos);
        ks.close();
        const b = reopen(a, 3);
        expect(b.committedPosition?.()).toEqual(pos);
        const ks2 = createKeyspace({ databases: 3, storage: b });
        const d1 = { db: 1 };
        expect(ks2.execute(['GET', `s${bin}`], d1).reply).toBe(`v${bin}`);
        expect(ks2.execute(['PEXPIRETIME', `s${bin}`], d1).reply).toBe(99999999999999);
        expect(ks2.execute(['LRANGE', 'l', '0', '-1'], d1).reply).toEqual(['x', 'y', 'z']);
        expect(ks2.execute(['HGET', 'h', 'f'], d1).reply).toBe('v');
        expect(ks2.execute(['HLEN', 'h'], d1).reply).toBe(1);
        expect(ks2.execute(['SCARD', 'st'], d1).reply).toBe(3);
        expect(ks2.execute(['ZRANGE', 'z', '0', '-1'], d1).reply).toEqual(['n', 'm']);
        expect(ks2.execute(['ZSCORE', 'z', 'm'], d1).reply).toEqual({ value: 1.5 });
        expect(ks2.execute(['STRLEN', 'long'], d1).reply).toBe(3000);
        expect(ks2.execute(['GET', 'k'.repeat(3000)], d1).reply).toBe('long key');
        expect(ks2.execute(['EXISTS', 'gone'], d1).reply).toBe(0);
        expect(ks2.execute(['DBSIZE'], { db: 0 }).reply).toBe(0);
        expect(ks2.execute(['DBSIZE'], d1).reply).toBe(7);
        expect(ks2.execute(['GET', 'in2'], { db: 2 }).reply).toBe('x');
        expect(ks2.expiresSize(1)).toBe(1);
        ks2.close();
      });
    }

    it('aux records: read back as put, removed by null (when the adapter has them)', () => {
      const a = open(1);
      expect(a.putAux === undefined).toBe(a.getAux === undefined);
      if (a.putAux === undefined || a.getAux === undefined) return a.close?.();
      expect(a.getAux('none')).toBeUndefined();
      const bytes = Uint8Array.from([0, 255, 13, 10, 7]);
      a.putAux('x', bytes);
      bytes[0] = 1; // the adapter keeps what was put, not the caller's buffer
      a.commit?.();
      expect([...(a.getAux('x') ?? [])]).toEqual([0, 255, 13, 10, 7]);
      a.putAux('x', null);
      expect(a.getAux('x')).toBeUndefined();
      a.close?.();
    });

    if (options.reopen !== undefined) {
      const reopen = options.reopen;
      it('aux records belong to the unit: committed ones survive a reopen, later ones follow the keys of their unit', () => {
        const a = open(2);
        if (a.putAux === undefined || a.commit === undefined) return a.close?.();
        a.putAux('keep', Buffer.from('kept'));
        a.putAux('gone', Buffer.from('x'));
        a.db(0).set('k', '1');
        a.commit({ replid: 'd'.repeat(40), offset: 7 });
        a.putAux('gone', null);
        a.commit();
        // a unit left without a commit point: its aux write is kept after a reopen exactly when its key write is
        a.putAux('late', Buffer.from('late'));
        a.db(1).set('late', '1');
        const b = reopen(a, 2);
        expect(b.getAux?.('keep')?.length).toBe(4);
        expect(Buffer.from(b.getAux?.('keep') ?? []).toString()).toBe('kept');
        expect(b.getAux?.('gone')).toBeUndefined();
        expect(b.getAux?.('late') !== undefined).toBe(b.db(1).get('late') !== undefined);
        expect(b.db(0).get('k')).toBe('1');
        b.close?.();
      });
    }

    it('pinned iterators of a pointInTimeReads store yield the entries as they were when opened', () => {
      const a = open(1);
      if (a.capabilities?.pointInTimeReads !== true) return;
      const s = a.db(0);
      for (let i = 0; i < 20; i++) s.set(`k${i}`, `v${i}`);
      s.setExpire('k1', 10);
      const p = s.pinnedEntries();
      s.set('k0', 'changed');
      s.delete('k2');
      s.setExpire('k1', 20);
      s.set('new', 'x');
      const got = new Map<string, unknown>();
      for (let b = p.next(3); b.length; b = p.next(3)) for (const e of b) got.set(e.key, [e.value, e.expireAt]);
      p.close();
      expect(got.size).toBe(20);
      expect(got.get('k0')).toEqual(['v0', -1]);
      expect(got.get('k1')).toEqual(['v1', 10]);
      expect(got.get('k2')).toEqual(['v2', -1]);
      a.close?.();
    });
  });
}

function iter<T>(it: Iterator<T>): T[] {
  const out: T[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
}
