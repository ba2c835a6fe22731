import { PassThrough, Readable, Writable } from 'node:stream';
import { createKeyspace } from '@replikit/keyspace';
import { writeRdbToBuffer } from '@replikit/rdb';
import { RdbKeyspaceLoader, loadRdbStream } from './loader';
import { snapshotToRdbChunksSync, writeSnapshotRdb } from './snapshot-rdb';
import { canonical, expectedOf, keyspaceOf, rdbOf, spreadDataset } from './testing/fixtures';
import { rdbValueToStored, storedToRdbValue } from './values';

const REPL = { streamDb: 3, replId: 'a'.repeat(20) + '0123456789abcdef0123', offset: 123456789 };

function load(rdb: Buffer, o?: ConstructorParameters<typeof RdbKeyspaceLoader>[1]) {
  const ks = createKeyspace();
  const loader = new RdbKeyspaceLoader(ks, o);
  loader.write(rdb);
  return { ks, result: loader.end(), loader };
}

describe('stored <-> RDB values', () => {
  it('every type and encoding converts both ways to the same content and encoding', () => {
    for (const e of spreadDataset()) {
      const stored = rdbValueToStored(e.value as never);
      const back = rdbValueToStored(storedToRdbValue(stored));
      expect(typeof back === 'string' ? back : [back.type, back.encoding(), back.size]).toEqual(
        typeof stored === 'string' ? stored : [stored.type, stored.encoding(), stored.size],
      );
      expect(storedToRdbValue(back)).toEqual(storedToRdbValue(stored));
    }
  });

  it('module values are refused with a typed error', () => {
    expect(() => rdbValueToStored({ type: 'module', moduleId: 1n, raw: Buffer.alloc(0) })).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_RDB_VALUE_TYPE' }));
  });
});

describe('keyspace -> RDB -> keyspace', () => {
  it('keeps every key, value, encoding and TTL across dbs, and the replication aux fields', async () => {
    const entries = spreadDataset();
    const src = keyspaceOf(entries);
    const before = canonical(src);
    const aux: Array<[string, string]> = [];
    const { ks, result } = load(await rdbOf(src, src.snapshot(), { replication: REPL }), { onAux: (k, v) => aux.push([k, v]) });
    expect(canonical(ks)).toEqual(before);
    expect(canonical(ks).map(({ encoding, ...k }) => k)).toEqual(expectedOf(entries));
    expect(result.keysLoaded).toBe(entries.length);
    expect(result.keysExpired).toBe(0);
    expect(result.replication).toEqual(REPL);
    expect(result.rdbVersion).toBe(10);
    expect(result.checksumDisabled).toBe(false);
    expect(result.usedMem).toBeGreaterThan(0);
    expect(aux.map(([k]) => k)).toEqual(expect.arrayContaining(['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'repl-stream-db', 'repl-id', 'repl-offset', 'aof-base']));
    src.close();
    ks.close();
  });

  it('the synchronous writer produces an RDB with the same content', () => {
    const src = keyspaceOf(spreadDataset());
    const parts = [...snapshotToRdbChunksSync(src, src.snapshot(), { compress: false, checksum: false })];
    const { ks, result } = load(Buffer.concat(parts));
    expect(canonical(ks)).toEqual(canonical(src));
    expect(result.checksumDisabled).toBe(true);
    expect(result.replication).toBeUndefined();
    src.close();
    ks.close();
  });

  it('a master drops keys whose TTL passed, a replica keeps them; empty collections are skipped', async () => {
    const src = createKeyspace();
    src.load(0, 'past', 'v', 1000);
    src.load(2, 'future', 'v', 5000);
    src.load(1, 'none', 'v');
    const rdb = await rdbOf(src);
    const master = load(rdb, { clock: () => 3000 });
    expect(master.result).toMatchObject({ keysLoaded: 2, keysExpired: 1 });
    expect(master.ks.peek(0, 'past')).toBeUndefined();
    expect(master.ks.peek(2, 'future')).toEqual({ value: 'v', expireAt: 5000 });
    const replica = load(rdb, { role: 'replica', clock: () => 3000 });
    expect(replica.result).toMatchObject({ keysLoaded: 3, keysExpired: 0 });
    expect(replica.ks.peek(0, 'past')).toEqual({ value: 'v', expireAt: 1000 });
    for (const k of [src, master.ks, replica.ks]) k.close();
  });

  it('replication aux fields are returned only when all three are valid', () => {
    const one = [{ key: Buffer.from('k'), value: { type: 'string' as const, value: Buffer.from('v') } }];
    const withAux = (aux: Array<[string, string]>) => load(writeRdbToBuffer(one, { extraAux: aux })).result.replication;
    expect(withAux([['repl-id', REPL.replId], ['repl-offset', '7'], ['repl-stream-db', '2']])).toEqual({ replId: REPL.replId, offset: 7, streamDb: 2 });
    expect(withAux([['repl-id', REPL.replId], ['repl-offset', '7']])).toBeUndefined();
    expect(withAux([['repl-id', 'short'], ['repl-offset', '7'], ['repl-stream-db', '2']])).toBeUndefined();
    expect(withAux([['repl-id', REPL.replId], ['repl-stream-db', '0']])).toBeUndefined();
  });

  it('writeSnapshotRdb writes to any Writable and the stream loader reads it back', async () => {
    const src = keyspaceOf(spreadDataset());
    const pass = new PassThrough();
    const dst = createKeyspace();
    const loading = loadRdbStream(pass, dst);
    const written = await writeSnapshotRdb(src, src.snapshot(), pass);
    pass.end();
    const result = await loading;
    expect(written.keys).toBe(result.keysLoaded);
    expect(written.bytes).toBe(result.bytes);
    expect(canonical(dst)).toEqual(canonical(src));
    src.close();
    dst.close();
  });

  it('is paced by the consumer: a Writable that never drains stops the snapshot', async () => {
    const src = createKeyspace();
    for (let i = 0; i < 20000; i++) src.load(0, `key:${i}`, 'x'.repeat(100));
    let keysSeen = 0;
    const stuck = new Writable({ highWaterMark: 1024, write: () => undefined });
    const snap = src.snapshot();
    const run = writeSnapshotRdb(src, snap, stuck, { compress: false, batch: { maxKeys: 100 }, onProgress: (p) => (keysSeen = p.keys) });
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
    };
    await turns(50);
    const stalledAt = keysSeen;
    await turns(50);
    // stalled on the first chunk the Writable refused: nothing more was read from the snapshot
    expect(stalledAt).toBeGreaterThan(0);
    expect(keysSeen).toBe(stalledAt);
    expect(stalledAt).toBeLessThan(20000);
    expect(snap.done).toBe(false);
    expect(stuck.writableLength).toBeLessThanOrEqual(2 * 65536);
    stuck.destroy();
    await expect(run).rejects.toMatchObject({ code: 'ERR_KEYSPACE_RDB_OUTPUT' });
    expect(snap.done).toBe(true);
    src.close();
  });

  it('an aborted write rejects with a typed error and closes the snapshot', async () => {
    const src = createKeyspace();
    for (let i = 0; i < 5000; i++) src.load(0, `key:${i}`, 'v');
    const ac = new AbortController();
    const sink = new Writable({ write: (_c, _e, cb) => setImmediate(cb) });
    const snap = src.snapshot();
    const run = writeSnapshotRdb(src, snap, sink, { batch: { maxKeys: 10 }, signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ code: 'ERR_KEYSPACE_RDB_OUTPUT' });
    expect(snap.done).toBe(true);
    sink.destroy();
    src.close();
  });

  it('loadRdbStream rejects a stream that ends early with the truncation error', async () => {
    const src = keyspaceOf(spreadDataset());
    const rdb = await rdbOf(src);
    const dst = createKeyspace();
    await expect(loadRdbStream(Readable.from([rdb.subarray(0, rdb.length >> 1)]), dst)).rejects.toMatchObject({ code: 'ERR_RDB_TRUNCATED' });
    src.close();
    dst.close();
  });
});
