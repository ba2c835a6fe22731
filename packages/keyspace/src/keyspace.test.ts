import { createKeyspace } from './keyspace';
import { kit } from './test-kit';

describe('executor propagation rules', () => {
  let k: ReturnType<typeof kit>;
  beforeEach(() => {
    k = kit();
  });
  afterEach(() => k.close());

  it('verbatim writes keep casing; reads and no-op writes propagate nothing', () => {
    expect(k.p('set', 'a', '1')).toEqual([['set', 'a', '1']]);
    expect(k.p('GET', 'a')).toEqual([]);
    expect(k.p('DEL', 'nope')).toEqual([]);
    expect(k.p('SETNX', 'a', '2')).toEqual([]);
    expect(k.p('EXPIRE', 'nope', '10')).toEqual([]);
  });

  it('rewrites relative expiries to absolute PXAT/PEXPIREAT', () => {
    const t = k.clock.now;
    expect(k.p('SET', 'a', 'v', 'EX', '10', 'NX')).toEqual([['SET', 'a', 'v', 'PXAT', String(t + 10000)]]);
    expect(k.p('SETEX', 'b', '1', 'v')).toEqual([['SET', 'b', 'v', 'PXAT', String(t + 1000)]]);
    expect(k.p('EXPIRE', 'a', '5', 'XX')).toEqual([['PEXPIREAT', 'a', String(t + 5000), 'XX']]);
    expect(k.p('pexpireat', 'a', String(t + 7))).toEqual([['pexpireat', 'a', String(t + 7)]]);
    expect(k.p('EXPIRE', 'a', '-1')).toEqual([['DEL', 'a']]);
    expect(k.p('GETEX', 'b', 'PX', '50')).toEqual([['PEXPIREAT', 'b', String(t + 50)]]);
    expect(k.p('GETEX', 'b', 'PERSIST')).toEqual([['PERSIST', 'b']]);
    expect(k.p('GETEX', 'b', 'PERSIST')).toEqual([]);
  });

  it('GETDEL/GETSET/INCRBYFLOAT/SET GET rewrites and lazyfree options', () => {
    k.r('SET', 'a', '1');
    expect(k.p('GETSET', 'a', '2')).toEqual([['SET', 'a', '2']]);
    expect(k.p('INCRBYFLOAT', 'a', '0.5')).toEqual([['SET', 'a', '2.5', 'KEEPTTL']]);
    expect(k.p('SET', 'a', '3', 'GET', 'get')).toEqual([['SET', 'a', '3']]);
    expect(k.p('GETDEL', 'a')).toEqual([['DEL', 'a']]);
    const lazy = kit({ lazyfreeLazyUserDel: true, lazyfreeLazyExpire: true });
    lazy.r('SET', 'a', '1');
    expect(lazy.p('GETDEL', 'a')).toEqual([['UNLINK', 'a']]);
    lazy.r('SET', 'a', '1', 'PX', '10');
    lazy.clock.now += 20;
    expect(lazy.p('GET', 'a')).toEqual([['UNLINK', 'a']]);
    lazy.close();
  });

  it('lazy expiry: bare DEL on reads, MULTI/EXEC around a write', () => {
    k.r('SET', 'a', 'v', 'PX', '10');
    k.r('SET', 'b', 'v', 'PX', '10');
    k.clock.now += 11;
    expect(k.p('GET', 'a')).toEqual([['DEL', 'a']]);
    expect(k.p('SET', 'b', 'w')).toEqual([['MULTI'], ['DEL', 'b'], ['SET', 'b', 'w'], ['EXEC']]);
  });

  it('transactions: one write bare, several wrapped, SELECT inside tracked', () => {
    const one = k.ks.executeTransaction([['GET', 'x'], ['SET', 'x', '1']], k.session);
    expect(one.propagate.map((c) => c.argv)).toEqual([['SET', 'x', '1']]);
    const two = k.ks.executeTransaction([['SET', 'x', '2'], ['SELECT', '3'], ['INCR', 'n']], k.session);
    expect(two.propagate).toEqual([
      { db: 0, argv: ['MULTI'] },
      { db: 0, argv: ['SET', 'x', '2'] },
      { db: 3, argv: ['INCR', 'n'] },
      { db: 3, argv: ['EXEC'] },
    ]);
    expect(two.db).toBe(3);
    expect(two.replies.map((r) => (typeof r === 'object' && r && 'value' in r ? r.value : r))).toEqual(['OK', 'OK', 1]);
    expect(k.ks.executeTransaction([['GET', 'x']], k.session).propagate).toEqual([]);
  });

  it('SPOP-style alsoPropagate + preventPropagation through the context API', () => {
    // FLUSHALL propagates even when nothing was there (forceCommandPropagation)
    expect(k.p('FLUSHALL')).toEqual([['FLUSHALL']]);
  });
});

describe('roles and expiry', () => {
  it('a replica hides expired keys but never deletes them; commands from the master see them', () => {
    const k = kit({ role: 'replica' });
    k.r('SET', 'a', 'v', 'PX', '10');
    k.clock.now += 20;
    expect(k.r('GET', 'a')).toBeNull();
    expect(k.r('EXISTS', 'a')).toBe(0);
    expect(k.r('DBSIZE')).toBe(1);
    expect(k.p('GET', 'a')).toEqual([]);
    expect(k.ks.activeExpireCycle()).toBe(0);
    const fromMaster = { db: 0, fromMaster: true };
    expect(k.ks.execute(['GET', 'a'], fromMaster).reply).toBe('v');
    expect(k.ks.execute(['APPEND', 'a', 'w'], fromMaster).reply).toBe(2);
    expect(k.ks.execute(['DEL', 'a'], fromMaster).reply).toBe(1);
    expect(k.r('DBSIZE')).toBe(0);
    // EXPIRE in the past on a replica sets the TTL instead of deleting (checkAlreadyExpired)
    k.ks.execute(['SET', 'b', 'v'], fromMaster);
    expect(k.ks.execute(['PEXPIREAT', 'b', '1'], fromMaster).reply).toBe(1);
    expect(k.r('DBSIZE')).toBe(1);
    k.ks.role = 'master';
    expect(k.r('GET', 'b')).toBeNull();
    expect(k.r('DBSIZE')).toBe(0);
    k.close();
  });

  it('active expiry deletes within its budget and propagates bare DELs', () => {
    const k = kit({ databases: 4 });
    const seen: string[][] = [];
    k.ks.onPropagate((cmds) => seen.push(...cmds.map((c) => [String(c.db), ...c.argv])));
    for (let i = 0; i < 100; i++) k.r('SET', `k${i}`, 'v', 'PX', '10');
    k.r('SET', 'keep', 'v', 'EX', '100');
    k.session.db = 2;
    k.r('SET', 'other', 'v', 'PX', '10');
    k.clock.now += 20;
    let total = 0;
    for (let i = 0; i < 50 && total < 101; i++) total += k.ks.activeExpireCycle(50);
    expect(total).toBe(101);
    expect(seen).toHaveLength(101);
    expect(seen.every((c) => c[1] === 'DEL')).toBe(true);
    expect(seen).toContainEqual(['2', 'DEL', 'other']);
    expect(k.ks.size(0)).toBe(1);
    k.close();
  });

  it('the active expiry timer starts, is unref-ed and stops on close', async () => {
    const ks = createKeyspace({ activeExpire: { hz: 100 } });
    ks.execute(['SET', 'a', 'v', 'PX', '1'], { db: 0 });
    const dels: string[] = [];
    ks.onPropagate((c) => dels.push(...c.map((x) => x.argv.join(' '))));
    ks.startActiveExpire();
    for (let i = 0; i < 200 && dels.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(dels).toEqual(['DEL a']);
    ks.close();
  });
});

describe('WATCH versions and key-modified listeners', () => {
  it('keyVersion changes on writes, deletes, expiry, flush and swapdb, not on reads', () => {
    const k = kit();
    k.r('SET', 'a', '1');
    const v0 = k.ks.keyVersion(0, 'a');
    k.r('GET', 'a');
    expect(k.ks.keyVersion(0, 'a')).toBe(v0);
    k.r('SET', 'a', '2');
    const v1 = k.ks.keyVersion(0, 'a');
    expect(v1).not.toBe(v0);
    k.r('EXPIRE', 'a', '1');
    const v2 = k.ks.keyVersion(0, 'a');
    expect(v2).not.toBe(v1);
    k.clock.now += 2000; // logically expired: the version changes without any command
    const v3 = k.ks.keyVersion(0, 'a');
    expect(v3).not.toBe(v2);
    k.r('SET', 'a', '3');
    const v4 = k.ks.keyVersion(0, 'a');
    k.r('FLUSHDB');
    const v5 = k.ks.keyVersion(0, 'a');
    expect(v5).not.toBe(v4);
    k.session.db = 1;
    k.r('SET', 'a', 'x');
    k.r('SWAPDB', '0', '1');
    expect(k.ks.keyVersion(0, 'a')).not.toBe(v5);
    const missing = k.ks.keyVersion(0, 'zz');
    k.r('DEL', 'zz');
    expect(k.ks.keyVersion(0, 'zz')).toBe(missing);
    for (let i = 0; i < 8; i++) k.ks.releaseKeyVersion(0, 'a');
    k.close();
  });

  it('listeners hear modified keys after each execution, null for whole-db changes', () => {
    const k = kit();
    const heard: Array<[number, string | null]> = [];
    const off = k.ks.onKeyModified((db, key) => heard.push([db, key]));
    k.r('SET', 'a', '1');
    k.r('GET', 'a');
    k.r('DEL', 'a');
    k.r('FLUSHDB');
    expect(heard).toEqual([
      [0, 'a'],
      [0, 'a'],
      [0, null],
    ]);
    off();
    k.r('SET', 'b', '1');
    expect(heard).toHaveLength(3);
    k.close();
  });
});

describe('RDB glue', () => {
  it('load/dump/peek through plain values, streams kept opaquely through COPY/RENAME/MOVE', () => {
    const k = kit();
    const id = { ms: 1n, seq: 0n };
    const payload = { entries: [{ id, fields: [[Buffer.from('f'), Buffer.from('v')]] }], length: 1n, lastId: id, firstId: id, maxDeletedId: { ms: 0n, seq: 0n }, entriesAdded: 1n, groups: [] };
    k.ks.load(0, 's', { type: 'stream', value: payload }, k.clock.now + 5000);
    k.ks.load(0, 'str', { type: 'string', value: 'x' });
    k.ks.load(0, 'raw', 'y');
    expect(k.r('TYPE', 's')).toBe('+stream');
    expect(k.r('PTTL', 's')).toBe(5000);
    expect(k.r('COPY', 's', 's2')).toBe(1);
    expect(k.r('RENAME', 's2', 's3')).toBe('+OK');
    expect(k.r('MOVE', 's3', '1')).toBe(1);
    expect(k.ks.dump(1, 's3')).toEqual({ value: { type: 'stream', value: payload }, expireAt: k.clock.now + 5000 });
    expect(k.ks.dump(0, 'str')).toEqual({ value: { type: 'string', value: 'x' }, expireAt: -1 });
    expect(k.ks.peek(0, 'raw')).toEqual({ value: 'y', expireAt: -1 });
    expect(k.ks.dump(0, 'nope')).toBeUndefined();
    expect(() => k.ks.size(99)).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_DB_INDEX' }));
    k.close();
    expect(() => k.ks.execute(['GET', 'a'], { db: 0 })).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_CLOSED' }));
  });

  it('load() notifies the key at once (WATCH, listeners) and counts a change only when asked', () => {
    const k = kit();
    const heard: Array<[number, string | null]> = [];
    const off = k.ks.onKeyModified((db, key) => heard.push([db, key]));
    const v0 = k.ks.keyVersion(2, 'w');
    k.ks.load(2, 'w', 'restored', k.clock.now + 1000, { countChange: true });
    // no later execution needed: the listener and the WATCH version already saw it
    expect(heard).toEqual([[2, 'w']]);
    expect(k.ks.keyVersion(2, 'w')).not.toBe(v0);
    expect(k.ks.stats.dirty).toBe(1);
    k.ks.load(2, 'x', 'loaded');
    expect(heard).toEqual([[2, 'w'], [2, 'x']]);
    expect(k.ks.stats.dirty).toBe(1);
    off();
    k.close();
  });

  it('rejects bad options with typed errors', () => {
    expect(() => createKeyspace({ databases: 0 })).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_INVALID_OPTION' }));
  });
});

describe('command table and plain values', () => {
  it('rejects duplicate command names', async () => {
    const { CommandTable } = await import('./command-table');
    const spec = { name: 'x', arity: 1, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, handler: () => null };
    expect(() => new CommandTable([spec, { ...spec, name: 'X' }])).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_DUPLICATE_COMMAND' }));
  });

  it('toPlain/fromPlain round-trip strings and streams; unknown types throw a typed error', async () => {
    const { toPlain, fromPlain } = await import('./types/plain');
    expect(toPlain('abc')).toEqual({ type: 'string', value: 'abc' });
    expect(fromPlain({ type: 'string', value: 'abc' })).toBe('abc');
    const z = { ms: 0n, seq: 0n };
    const empty = { entries: [], length: 0n, lastId: z, firstId: z, maxDeletedId: z, entriesAdded: 0n, groups: [] };
    const s = fromPlain({ type: 'stream', value: empty });
    expect(toPlain(s)).toEqual({ type: 'stream', value: empty });
    expect(() => fromPlain({ type: 'nope', value: [] } as never)).toThrow(expect.objectContaining({ code: 'ERR_KEYSPACE_UNKNOWN_TYPE' }));
  });

  it('every command in the table has Redis metadata and a handler', () => {
    const k = kit();
    for (const e of k.ks.commandTable) {
      expect(typeof e.handler).toBe('function');
      expect(Number.isInteger(e.arity) && e.arity !== 0).toBe(true);
      expect(e.isWrite && e.isReadonly).toBe(false);
    }
    k.close();
  });
});

describe('COMMAND INFO metadata', () => {
  it('ACL categories and key specs match redis-server 7.0.15', async () => {
    const { aclCategoriesOf } = await import('./commands/meta');
    const k = kit();
    const t = k.ks.commandTable;
    expect(aclCategoriesOf(t.lookup('set')!)).toEqual(['@write', '@string', '@slow']);
    expect(aclCategoriesOf(t.lookup('get')!)).toEqual(['@read', '@string', '@fast']);
    expect(aclCategoriesOf(t.lookup('scan')!)).toEqual(['@keyspace', '@read', '@slow']);
    expect(aclCategoriesOf(t.lookup('flushall')!)).toEqual(['@keyspace', '@write', '@slow', '@dangerous']);
    expect(t.lookup('set')!.keySpecs).toEqual([
      { flags: ['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS'], notes: 'RW and ACCESS due to the optional `GET` argument', beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastKey: 0, keyStep: 1, limit: 0 } },
    ]);
    expect(t.lookup('keys')!.tips).toEqual(['request_policy:all_shards', 'nondeterministic_output_order']);
    expect(t.lookup('get')!.since).toBe('1.0.0');
    k.close();
  });
});
