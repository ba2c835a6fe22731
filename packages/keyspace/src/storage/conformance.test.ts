import { createKeyspace } from '../keyspace';
import type { DbStore, PinnedEntry, PinnedIterator, StorageAdapter } from './adapter';
import { runStorageAdapterConformance } from './conformance';
import { MemoryStorageAdapter } from './memory-adapter';
import { RecordingStorageAdapter } from './recording-adapter';
import { SerializingStorageAdapter } from './serializing-adapter';

runStorageAdapterConformance('in-memory', (n) => new MemoryStorageAdapter(n), { describe, it, expect });
runStorageAdapterConformance('recording wrapper', (n) => new RecordingStorageAdapter(new MemoryStorageAdapter(n)), { describe, it, expect });
runStorageAdapterConformance('serialize-on-every-call', (n) => new SerializingStorageAdapter(n), { describe, it, expect });

/**
 * A store with MVCC-like pinned reads: its pinned iterator copies the table when opened (a stand-in
 * for an LMDB read transaction), and it says so with the pointInTimeReads capability.
 */
class CopyOnPinAdapter extends MemoryStorageAdapter {
  readonly capabilities = { pointInTimeReads: true };
  pins = 0;
  override db(index: number): DbStore {
    const inner = super.db(index);
    const adapter = this;
    return Object.assign(Object.create(inner) as DbStore, {
      pinnedEntries(): PinnedIterator {
        adapter.pins++;
        const rows: PinnedEntry[] = [];
        const it = inner.pinnedEntries();
        for (let b = it.next(1000); b.length; b = it.next(1000)) rows.push(...b);
        it.close();
        let i = 0;
        return { next: (max: number) => rows.slice(i, (i += max)), close: () => undefined };
      },
    });
  }
}
runStorageAdapterConformance('point-in-time pinned reads', (n) => new CopyOnPinAdapter(n), { describe, it, expect });

describe('commit points', () => {
  const replid = 'f'.repeat(40);
  it("'auto': one commit point per command, MULTI/EXEC block, load and flush", () => {
    const adapter = new SerializingStorageAdapter(16);
    const ks = createKeyspace({ storage: adapter });
    const s = { db: 0 };
    ks.execute(['SET', 'a', '1'], s);
    expect(adapter.commits).toBe(1);
    ks.executeTransaction([['SET', 'b', '1'], ['INCR', 'b'], ['GET', 'b']], s);
    expect(adapter.commits).toBe(2);
    ks.load(0, 'c', 'x');
    ks.flushAll();
    expect(adapter.commits).toBe(4);
    ks.commit({ replid, offset: 7 });
    expect(ks.committedPosition()).toEqual({ replid, offset: 7 });
    ks.close();
  });

  it("'manual': the owner places the commit points with the position", () => {
    const adapter = new SerializingStorageAdapter(16);
    const ks = createKeyspace({ storage: adapter, commits: 'manual' });
    const s = { db: 0 };
    ks.execute(['SET', 'a', '1'], s);
    ks.executeTransaction([['INCR', 'a']], s);
    expect(adapter.commits).toBe(0);
    ks.commit({ replid, offset: 99, streamDb: 3 });
    expect(adapter.commits).toBe(1);
    expect(ks.committedPosition()).toEqual({ replid, offset: 99, streamDb: 3 });
    ks.commits = 'auto';
    ks.execute(['INCR', 'a'], s);
    expect(adapter.commits).toBe(2);
    expect(() => createKeyspace({ commits: 'sometimes' as 'auto' })).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_INVALID_OPTION' }));
    ks.close();
  });

  it('an adapter without commit points costs nothing and reports no position', () => {
    const ks = createKeyspace();
    ks.execute(['SET', 'a', '1'], { db: 0 });
    ks.commit({ replid, offset: 1 });
    expect(ks.committedPosition()).toBeUndefined();
    ks.close();
  });
});

describe('snapshots over a pointInTimeReads store', () => {
  it('keep no copies: the store holds the old values', () => {
    const adapter = new CopyOnPinAdapter(2);
    const ks = createKeyspace({ databases: 2, storage: adapter as StorageAdapter });
    const s = { db: 0 };
    for (let i = 0; i < 50; i++) ks.execute(['SET', `k${i}`, `v${i}`], s);
    ks.execute(['RPUSH', 'l', 'a'], s);
    const snap = ks.snapshot();
    ks.execute(['SET', 'k1', 'new'], s);
    ks.execute(['DEL', 'k2'], s);
    ks.execute(['RPUSH', 'l', 'b'], s);
    expect(snap.retainedCount).toBe(0);
    const out = new Map<string, unknown>();
    for (let b = snap.nextBatch({ maxKeys: 7 }); b.length; b = snap.nextBatch({ maxKeys: 7 })) for (const e of b) out.set(e.key, e.value);
    expect(out.size).toBe(51);
    expect(out.get('k1')).toBe('v1');
    expect(out.get('k2')).toBe('v2');
    expect(adapter.pins).toBe(1);
    ks.close();
  });
});

describe('RecordingStorageAdapter as a change-data-capture sink', () => {
  it('sees every write, including in-place collection changes, without keyspace changes', () => {
    const adapter = new RecordingStorageAdapter(undefined, 16);
    const ks = createKeyspace({ storage: adapter });
    const s = { db: 0 };
    ks.execute(['SET', 'a', '1'], s);
    ks.execute(['EXPIRE', 'a', '100'], s);
    ks.execute(['PERSIST', 'a'], s);
    ks.execute(['DEL', 'a'], s);
    ks.execute(['SWAPDB', '0', '1'], s);
    ks.execute(['FLUSHDB'], s);
    expect(adapter.log.map((c) => c.op)).toEqual(['set', 'expire', 'persist', 'delete', 'swap', 'clear']);
    adapter.log = [];
    if (ks.commandTable.has('rpush')) {
      ks.execute(['RPUSH', 'l', 'x'], s);
      adapter.log = [];
      ks.execute(['RPUSH', 'l', 'y'], s);
      expect(adapter.log).toEqual([expect.objectContaining({ op: 'changed', db: 0, key: 'l' })]);
    }
    ks.close();
  });
});
