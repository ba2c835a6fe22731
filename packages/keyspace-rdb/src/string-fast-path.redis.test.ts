/**
 * The loader's two paths for string keys give the same dataset: a dump written by a real
 * redis-server 7.0 (every type and encoding, TTLs, binary and empty keys, strings on both sides of
 * the slab limit, several dbs) is loaded straight from its bytes into the in-memory store, through
 * Keyspace.load when the store must hear of every key (a recording adapter), and, as the reference,
 * entry by entry from a plain RdbReader through rdbValueToStored. The direct path tells WATCHes and
 * key-modified listeners once per chunk and database, as a flush does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyspace, type Keyspace, MemoryDbStore, RecordingStorageAdapter } from '@replikit/keyspace';
import { RdbReader } from '@replikit/rdb';
import { RawClient, type RedisServerHandle, hasRedis, startRedisServer } from '@replikit/test-utils';
import { buildDataset, EXPIRE_A } from '../../rdb/src/reader/testing/server-snapshot';
import { RdbKeyspaceLoader } from './loader';
import { canonical } from './testing/fixtures';
import { rdbValueToStored } from './values';

const describeRedis = hasRedis() ? describe : describe.skip;

/** Loads `rdb` in pieces of `piece` bytes. */
function load(ks: Keyspace, rdb: Buffer, piece: number, role: 'master' | 'replica') {
  const loader = new RdbKeyspaceLoader(ks, { role });
  for (let p = 0; p < rdb.length; p += piece) loader.write(rdb.subarray(p, p + piece));
  return loader.end();
}

/** The reference: every entry through the generic value conversion and Keyspace.load. */
function reference(rdb: Buffer): Keyspace {
  const ks = createKeyspace();
  const r = new RdbReader({ entry: (e) => ks.load(e.db, e.key.toString('latin1'), rdbValueToStored(e.value), e.expireAtMs) });
  r.write(rdb);
  r.end();
  return ks;
}

describeRedis('string records loaded from bytes vs through Keyspace.load (redis-server 7.0 dump)', () => {
  let server: RedisServerHandle;
  let rdb: Buffer;

  beforeAll(async () => {
    server = await startRedisServer({ config: { rdbcompression: 'yes', 'enable-debug-command': 'yes' } });
    const c = await RawClient.connect(server.port);
    try {
      await buildDataset(c, 2);
      for (const db of [0, 2, 9]) {
        await c.call('SELECT', db);
        for (let i = 0; i < 1500; i++) {
          const key = i % 10 === 0 ? Buffer.from([0, 0xff, 0x80, i & 0xff, i >> 8, db]) : Buffer.from(`k:${db}:${i}`);
          const value = i % 4 === 0 ? String(i * 7919 - 5000) : i % 4 === 1 ? `v${i}`.padEnd(100, '.') : i % 4 === 2 ? Buffer.from([i & 0xff, 0xe9, 0, 0xfe]) : 'L'.repeat(1000 + (i % 50));
          await c.call('SET', key, value);
          if (i % 3 === 0) await c.call('PEXPIREAT', key, EXPIRE_A + i);
        }
        await c.call('SET', '', `empty key in db ${db}`);
      }
      expect(String(await c.call('SAVE'))).toBe('OK');
    } finally {
      await c.close();
    }
    rdb = readFileSync(join(server.dir, 'dump.rdb'));
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  test.each([
    ['master', 65536],
    ['replica', 777],
  ] as const)('the same keys, values, encodings and TTLs (%s, %i-byte pieces)', (role, piece) => {
    const expected = canonical(reference(rdb));
    expect(expected.length).toBeGreaterThan(4500);

    const spy = jest.spyOn(MemoryDbStore.prototype, 'setStringBytes');
    try {
      const direct = createKeyspace();
      const r = load(direct, rdb, piece, role);
      expect(r.keysLoaded).toBe(expected.length);
      // every plain string record took the bytes path (Redis 7.0 writes no LRU/LFU info under noeviction)
      expect(spy.mock.calls.length).toBe(expected.filter((k) => k.encoding === 'string').length);
      expect(canonical(direct)).toEqual(expected);

      spy.mockClear();
      const recorded = new RecordingStorageAdapter();
      const viaLoad = createKeyspace({ storage: recorded });
      load(viaLoad, rdb, piece, role);
      expect(spy).not.toHaveBeenCalled();
      expect(recorded.log.filter((c) => c.op === 'set')).toHaveLength(expected.length);
      expect(canonical(viaLoad)).toEqual(expected);
    } finally {
      spy.mockRestore();
    }
  });

  test('listeners and WATCHes hear of a direct load once per chunk and database, with a null key', () => {
    const ks = createKeyspace();
    const heard: string[] = [];
    ks.onKeyModified((db, key) => heard.push(`${db}:${key}`));
    const watched = ks.database(2);
    const before = watched.keyVersion('k:2:1', 0);
    const spy = jest.spyOn(MemoryDbStore.prototype, 'setStringBytes');
    try {
      load(ks, rdb, rdb.length, 'replica');
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    // one chunk: each database with string keys heard once with a null key (dbs 0, 1, 2 and 9);
    // the other types still go through Keyspace.load, which names each key
    expect(heard.filter((h) => h.endsWith(':null')).sort()).toEqual(['0:null', '1:null', '2:null', '9:null']);
    const strings = new Set(canonical(ks).filter((k) => k.encoding === 'string').map((k) => `${k.db}:${Buffer.from(k.key, 'hex').toString('latin1')}`));
    expect(heard.filter((h) => strings.has(h))).toEqual([]);
    expect(heard.length).toBe(4 + canonical(ks).length - strings.size);
    // the WATCHed key now exists, loaded: its version moved (EXEC would abort)
    expect(watched.keyVersion('k:2:1', 0)).not.toBe(before);
    expect(canonical(ks)).toEqual(canonical(reference(rdb)));
  });

  test('loading over existing keys replaces them and their TTLs as Keyspace.load does', () => {
    const expected = canonical(reference(rdb));
    const ks = createKeyspace();
    ks.load(0, 'str:small', 'old value', EXPIRE_A);
    ks.load(2, 'k:2:1', 'x'.repeat(5000), EXPIRE_A);
    ks.load(9, 'k:9:3', 'old');
    load(ks, rdb, 4096, 'master');
    expect(canonical(ks)).toEqual(expected);
  });
});
