/**
 * The pre-7.0 single-file AOF upgrade (aof.c loadAppendOnlyFiles / aofUpgradePrepare): a Redis 6
 * style `appendonly.aof` straight in `dir` (command form, and an RDB preamble with a command tail,
 * both generated here byte by byte) is started with `appendonly yes` by the real redis-server 7.0
 * and by replikit-server, each on its own copy. Both must end with the same files (the old file
 * moved into appendonlydir, unchanged, as base 1; the incr file opened on start), the same
 * manifest text, the same log line and the same dataset. Also the half-done upgrade (manifest
 * written, file not yet moved) and a directory without a manifest, which Redis upgrades too; and
 * a dir whose manifest already has an incr file, which it leaves alone.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRdbToBuffer } from '@replikit/rdb';
import { hasRedis, hasRedisCli, redisRequired, startRedisServer } from '@replikit/test-utils';
import { startReplikit } from '../replication/helpers';
import { datasetOf, tempDir } from './aof-helpers';

const ready = hasRedis() && hasRedisCli();
if (!ready && redisRequired()) throw new Error('redis-server/redis-cli required (REPLIKIT_REQUIRE_REDIS=1)');
if (!ready) console.warn('SKIPPED: aof upgrade tests need redis-server and redis-cli 7.0');
const describeRedis = ready ? describe : describe.skip;

const FAR_MS = 4102444800000; // 2100-01-01

/** One command in RESP, as every Redis version appends it to the AOF. */
function resp(...argv: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A Redis 6 AOF in command form: SELECT before the first command of each db, MULTI/EXEC as written. */
function commandFormAof(): Buffer {
  return Buffer.concat([
    resp('SELECT', '0'),
    resp('SET', 'str', 'hello'),
    resp('SET', 'bin', Buffer.from([0, 1, 2, 255, 13, 10])),
    resp('RPUSH', 'list', 'a', 'b', 'c'),
    resp('HSET', 'hash', 'f1', 'v1', 'f2', 'v2'),
    resp('SADD', 'set', 'x', 'y', '7'),
    resp('ZADD', 'zset', '1.5', 'a', '-2', 'b'),
    resp('SET', 'ttl', 'v'),
    resp('PEXPIREAT', 'ttl', String(FAR_MS)),
    resp('MULTI'),
    resp('INCR', 'counter'),
    resp('INCRBY', 'counter', '41'),
    resp('EXEC'),
    resp('DEL', 'str'),
    resp('SET', 'str', 'again'),
    resp('SELECT', '3'),
    resp('SET', 'in-db-3', 'three'),
    resp('LPUSH', 'list3', 'z'),
  ]);
}

/** A Redis 6 AOF after a rewrite with aof-use-rdb-preamble yes: an RDB (version 9, plain encodings) then commands. */
function preambleAof(): Buffer {
  const rdb = writeRdbToBuffer(
    [
      { db: 0, key: Buffer.from('pre:str'), value: { type: 'string', value: Buffer.from('from the preamble') } },
      { db: 0, key: Buffer.from('pre:list'), value: { type: 'list', value: [Buffer.from('1'), Buffer.from('2')] } },
      { db: 0, key: Buffer.from('pre:ttl'), value: { type: 'string', value: Buffer.from('t') }, expireAtMs: FAR_MS },
      { db: 2, key: Buffer.from('pre:hash'), value: { type: 'hash', value: [[Buffer.from('k'), Buffer.from('v')]] } },
      { db: 2, key: Buffer.from('pre:zset'), value: { type: 'zset', value: [[Buffer.from('m'), 3.25]] } },
    ],
    // no CRC (8 zero bytes, which Redis accepts unchecked), so the header can say version 9
    { redisVer: '6.2.14', checksum: false, extraAux: [['aof-preamble', '1']] },
  );
  rdb.write('REDIS0009', 0, 'latin1');
  return Buffer.concat([rdb, resp('SELECT', '0'), resp('SET', 'tail:str', 'after the preamble'), resp('RPUSH', 'pre:list', '3'), resp('SELECT', '2'), resp('HSET', 'pre:hash', 'k2', 'v2')]);
}

interface Layout {
  top: string[];
  aofDir: string[];
  manifest: string;
  moved: Buffer | undefined;
}

function layoutOf(dir: string): Layout {
  const aofDir = join(dir, 'appendonlydir');
  const manifestPath = join(aofDir, 'appendonly.aof.manifest');
  return {
    top: readdirSync(dir).sort(),
    aofDir: existsSync(aofDir) ? readdirSync(aofDir).sort() : [],
    manifest: existsSync(manifestPath) ? readFileSync(manifestPath, 'latin1') : '',
    moved: existsSync(join(aofDir, 'appendonly.aof')) ? readFileSync(join(aofDir, 'appendonly.aof')) : undefined,
  };
}

const MIGRATED = 'Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).';

/** Starts redis-server and replikit-server with `appendonly yes` on copies of `prepare`'s dir. */
async function runBoth(prepare: (dir: string) => void): Promise<{ redis: { layout: Layout; data: Record<string, unknown>; log: string }; ours: { layout: Layout; data: Record<string, unknown>; log: string; dir: string }; redisDir: string }> {
  const redisDir = tempDir('upg-redis');
  const oursDir = tempDir('upg-ours');
  prepare(redisDir);
  prepare(oursDir);
  const r = await startRedisServer({ dir: redisDir, config: { appendonly: 'yes' } });
  let redis: { layout: Layout; data: Record<string, unknown>; log: string };
  try {
    redis = { data: await datasetOf(r.port), log: r.log(), layout: layoutOf(redisDir) };
  } finally {
    await r.stop();
  }
  const s = await startReplikit(['--appendonly', 'yes'], { dir: oursDir });
  let ours: { layout: Layout; data: Record<string, unknown>; log: string; dir: string };
  try {
    ours = { data: await datasetOf(s.port), log: s.logs.join('\n'), layout: layoutOf(oursDir), dir: oursDir };
  } finally {
    await s.stop(true);
  }
  return { redis, ours, redisDir };
}

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

describeRedis.each([
  ['command form', commandFormAof],
  ['RDB preamble + command tail', preambleAof],
])('a pre-7.0 single-file AOF (%s)', (_label, build) => {
  it('is upgraded like redis-server 7.0 does: same files, manifest, log line and dataset', async () => {
    const old = build();
    const { redis, ours, redisDir } = await runBoth((dir) => writeFileSync(join(dir, 'appendonly.aof'), old));
    cleanup.push(redisDir, ours.dir);
    expect(redis.log).toContain(MIGRATED);
    expect(ours.log).toContain(MIGRATED);
    expect(redis.layout.aofDir).toEqual(['appendonly.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    expect(ours.layout).toEqual(redis.layout);
    expect(ours.layout.manifest).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    // the old file is moved as it was, not rewritten
    expect(ours.layout.moved?.equals(old)).toBe(true);
    expect(Object.keys(redis.data).length).toBeGreaterThan(4);
    expect(ours.data).toEqual(redis.data);

    // the upgraded directory loads again without a second migration, in ours and in redis-server
    const again = await startReplikit(['--appendonly', 'yes'], { dir: ours.dir });
    try {
      expect(again.logs.join('\n')).not.toContain('migrated');
      expect(await datasetOf(again.port)).toEqual(redis.data);
    } finally {
      await again.stop(true);
    }
    const r = await startRedisServer({ dir: ours.dir, config: { appendonly: 'yes' } });
    try {
      expect(await datasetOf(r.port)).toEqual(redis.data);
    } finally {
      await r.stop();
    }
  });
});

describeRedis('the other upgrade cases of loadAppendOnlyFiles', () => {
  it('a half-done upgrade (manifest written, file not moved) and a dir without a manifest are upgraded', async () => {
    const old = commandFormAof();
    for (const prepare of [
      (dir: string) => {
        writeFileSync(join(dir, 'appendonly.aof'), old);
        mkdirSync(join(dir, 'appendonlydir'));
        writeFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof seq 1 type b\n');
      },
      (dir: string) => {
        writeFileSync(join(dir, 'appendonly.aof'), old);
        mkdirSync(join(dir, 'appendonlydir'));
      },
    ]) {
      const { redis, ours, redisDir } = await runBoth(prepare);
      cleanup.push(redisDir, ours.dir);
      expect(redis.log).toContain(MIGRATED);
      expect(ours.log).toContain(MIGRATED);
      expect(ours.layout).toEqual(redis.layout);
      expect(ours.data).toEqual(redis.data);
      expect(ours.data['3:in-db-3']).toMatchObject({ type: 'string' });
    }
  });

  it('an old file next to a complete multi-part AOF is left where it is', async () => {
    const incr = Buffer.concat([resp('SELECT', '0'), resp('SET', 'from-incr', '1')]);
    const { redis, ours, redisDir } = await runBoth((dir) => {
      writeFileSync(join(dir, 'appendonly.aof'), commandFormAof());
      mkdirSync(join(dir, 'appendonlydir'));
      writeFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), incr);
      writeFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\n');
    });
    cleanup.push(redisDir, ours.dir);
    expect(redis.log).not.toContain('migrated');
    expect(ours.log).not.toContain('migrated');
    expect(ours.layout).toEqual(redis.layout);
    expect(ours.layout.top).toContain('appendonly.aof');
    expect(Object.keys(ours.data)).toEqual(['0:from-incr']);
    expect(ours.data).toEqual(redis.data);
  });
});
