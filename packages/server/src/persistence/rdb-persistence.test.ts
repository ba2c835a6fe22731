import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { readRdbBuffer } from '@replikit/rdb';
import { ServerConfig } from '../config/server-config';
import { Logger } from '../logger';
import { RdbLoadError } from './rdb-load';
import { RdbPersistence } from './rdb-persistence';

describe('RdbPersistence', () => {
  let dir: string;
  let lines: string[];
  let config: ServerConfig;
  let ks: Keyspace;
  let p: RdbPersistence;
  const run = (argv: string[], db = 0) => ks.execute(argv, { db }).reply;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-persist-'));
    lines = [];
    config = new ServerConfig();
    config.set('dir', [dir]);
    config.set('save', ['']);
    ks = createKeyspace();
    p = new RdbPersistence({ keyspace: ks, config, logger: new Logger({ sink: (l) => lines.push(l) }) });
  });
  afterEach(async () => {
    await p.close();
    ks.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function fresh(): { ks2: Keyspace; p2: RdbPersistence } {
    const ks2 = createKeyspace();
    return { ks2, p2: new RdbPersistence({ keyspace: ks2, config, logger: new Logger({ sink: (l) => lines.push(l) }) }) };
  }

  it('SAVE writes a dump that loads back with every type, TTLs and dbs', async () => {
    run(['SET', 's', 'v']);
    run(['RPUSH', 'l', 'a', 'b']);
    run(['HSET', 'h', 'f', 'v']);
    run(['SADD', 'set', '1', '2']);
    run(['ZADD', 'z', '1.5', 'm']);
    run(['SET', 't', 'x', 'PX', '100000']);
    run(['SET', 'other', 'db'], 5);
    p.addChanges(7);
    expect(p.save()).toBe(true);
    expect(p.dirty).toBe(0);
    expect(lines.some((l) => l.endsWith('* DB saved on disk\n'))).toBe(true);
    const file = readRdbBuffer(readFileSync(join(dir, 'dump.rdb')));
    expect(file.entries.length).toBe(7);
    expect(file.aux.map(([k]) => k.toString())).toEqual(['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'aof-base']);
    const { ks2, p2 } = fresh();
    const r = await p2.loadAtStartup();
    expect(r?.keysLoaded).toBe(7);
    expect(ks2.execute(['LRANGE', 'l', '0', '-1'], { db: 0 }).reply).toEqual(['a', 'b']);
    expect(ks2.execute(['GET', 'other'], { db: 5 }).reply).toBe('db');
    expect(ks2.execute(['PTTL', 't'], { db: 0 }).reply as number).toBeGreaterThan(90000);
    expect(lines.some((l) => /\* DB loaded from disk: \d+\.\d{3} seconds/.test(l))).toBe(true);
    ks2.close();
  });

  it('BGSAVE writes the point-in-time snapshot while writes go on', async () => {
    for (let i = 0; i < 5000; i++) run(['SET', `k${i}`, `v${i}`]);
    expect(p.bgsave()).toBe('started');
    expect(p.bgsave()).toBe('in-progress');
    expect(p.bgsaveInProgress).toBe(true);
    run(['SET', 'k0', 'changed']);
    run(['SET', 'new', '1']);
    run(['DEL', 'k1']);
    await p.waitForBgsave();
    expect(p.lastBgsaveStatus).toBe('ok');
    const { ks2, p2 } = fresh();
    await p2.loadAtStartup();
    expect(ks2.size(0)).toBe(5000);
    expect(ks2.execute(['GET', 'k0'], { db: 0 }).reply).toBe('v0');
    expect(ks2.execute(['GET', 'k1'], { db: 0 }).reply).toBe('v1');
    expect(ks2.execute(['EXISTS', 'new'], { db: 0 }).reply).toBe(0);
    ks2.close();
  });

  it('save points start a BGSAVE from cron', async () => {
    config.set('save', ['1 2']);
    p.lastSave -= 5;
    p.addChanges(1);
    p.cron();
    expect(p.bgsaveInProgress).toBe(false);
    p.addChanges(1);
    p.cron();
    expect(p.bgsaveInProgress).toBe(true);
    expect(lines.some((l) => l.includes('2 changes in 1 seconds. Saving...'))).toBe(true);
    await p.waitForBgsave();
    expect(p.dirty).toBe(0);
  });

  it('drops keys that expired on a master, keeps them on a replica', async () => {
    run(['SET', 'gone', 'x', 'PX', '1']);
    run(['SET', 'kept', 'x']);
    p.save();
    await new Promise((r) => setTimeout(r, 5));
    const { ks2, p2 } = fresh();
    const r = await p2.loadAtStartup();
    expect(r).toMatchObject({ keysLoaded: 1, keysExpired: 1 });
    ks2.close();
    const ks3 = createKeyspace({ role: 'replica' });
    const p3 = new RdbPersistence({ keyspace: ks3, config, logger: new Logger({ sink: () => {} }), replication: { role: 'replica', rdbSaveInfo: () => undefined, rdbLoaded: () => {} } });
    expect((await p3.loadAtStartup())?.keysLoaded).toBe(2);
    ks3.close();
  });

  it('writes and reads the replication aux fields through the hooks', async () => {
    const seen: unknown[] = [];
    const hooks = { role: 'master' as const, rdbSaveInfo: () => ({ streamDb: 0, replId: 'a'.repeat(40), offset: 1000 }), rdbLoaded: (x: unknown) => seen.push(x) };
    const p1 = new RdbPersistence({ keyspace: ks, config, logger: new Logger({ sink: () => {} }), replication: hooks });
    run(['SET', 'x', '1']);
    expect(p1.saveSync()).toBe(true);
    const aux = readRdbBuffer(readFileSync(join(dir, 'dump.rdb'))).aux.map(([k, v]) => [k.toString(), v.toString()]);
    expect(aux).toEqual(expect.arrayContaining([['repl-stream-db', '0'], ['repl-id', 'a'.repeat(40)], ['repl-offset', '1000']]));
    const { ks2 } = fresh();
    const p2 = new RdbPersistence({ keyspace: ks2, config, logger: new Logger({ sink: () => {} }), replication: hooks });
    await p2.loadAtStartup();
    expect(seen).toEqual([{ replId: 'a'.repeat(40), offset: 1000, streamDb: 0 }]);
    ks2.close();
  });

  it('a truncated or corrupt dump is an RdbLoadError with Redis-style log lines; no dump is not an error', async () => {
    expect(await p.loadAtStartup()).toBeUndefined();
    run(['SET', 'x', '1']);
    p.save();
    const good = readFileSync(join(dir, 'dump.rdb'));
    writeFileSync(join(dir, 'dump.rdb'), good.subarray(0, good.length - 5));
    const { ks2, p2 } = fresh();
    const err = await p2.loadAtStartup().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RdbLoadError);
    expect((err as RdbLoadError).logLines[0]).toBe('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    ks2.close();
  });

  it('a failing save is logged like Redis and reported as err', async () => {
    run(['SET', 'x', '1']);
    rmSync(dir, { recursive: true, force: true });
    expect(p.save()).toBe(false);
    expect(lines.some((l) => l.includes('# Failed opening the temp RDB file'))).toBe(true);
    expect(p.bgsave()).toBe('started');
    await p.waitForBgsave();
    expect(p.lastBgsaveStatus).toBe('err');
    expect(lines.some((l) => l.endsWith('# Background saving error\n'))).toBe(true);
  });

  it('DEBUG RELOAD: save, flush, load', () => {
    run(['SET', 'x', '1']);
    const r = p.reload();
    expect(r.keysLoaded).toBe(1);
    expect(run(['GET', 'x'])).toBe('1');
  });
});
