import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { hasBuild, hasRedis, RawClient, startRedisServer } from '@replikit/test-utils';
import { main } from './cli';
import { writeRdbToBuffer } from './writer/rdb-writer';
import { everyEncodingDataset } from './writer/testing/datasets';

class Capture extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr });
  return { code, out: stdout.text, err: stderr.text };
}

const b = (s: string) => Buffer.from(s);
let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'replikit-rdb-cli-'));
  file = join(dir, 'dump.rdb');
  writeFileSync(file, writeRdbToBuffer(everyEncodingDataset(), { encoding: 'compact', functions: ['#!lua name=l\nredis.register_function("f", function() return 1 end)'] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replikit-rdb (in-process main)', () => {
  it('--help and usage errors', async () => {
    const h = await run('--help');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/replikit-rdb json <file>|json <file>/);
    expect((await run()).code).toBe(2);
    expect((await run('frob', file)).err).toMatch(/unknown command frob/);
    expect((await run('json', file, '--nope')).code).toBe(2);
    const missing = await run('check', join(dir, 'nope.rdb'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/ENOENT/);
  });

  it('json prints one binary-safe object per key', async () => {
    const r = await run('json', file, '--encoding');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const data = everyEncodingDataset();
    expect(lines).toHaveLength(data.length);
    const byKey = new Map(lines.map((l) => [JSON.stringify(l.key), l]));
    expect(byKey.get('"str:raw"')).toEqual({ db: 0, key: 'str:raw', type: 'string', expireAtMs: null, encoding: 'string', value: 'hello world' });
    expect(byKey.get('"str:long"').expireAtMs).toBe(4102444800123);
    expect(byKey.get(JSON.stringify({ base64: Buffer.from([0xff, 0xfe, 0]).toString('base64') })).value).toBe('binary key');
    expect(byKey.get('"str:binary"').value).toEqual({ base64: Buffer.from([0, 255, 0xc3, 0x80, 10, 13]).toString('base64') });
    expect(byKey.get('"hash:small"')).toMatchObject({ type: 'hash', encoding: 'hash_listpack', value: [['f1', 'v1'], ['n', '42'], ['neg', '-1']] });
    expect(byKey.get('"set:ints"')).toMatchObject({ type: 'set', encoding: 'set_intset' });
    const z = byKey.get('"zset:small"');
    expect(z.value).toContainEqual(['d', 'inf']);
    expect(z.value).toContainEqual(['e', '-inf']);
    expect(z.value).toContainEqual(['b', 1.5]);
    const st = byKey.get('"stream"');
    expect(st.db).toBe(1);
    expect(st.value.entries[0]).toEqual({ id: '1700000000000-0', fields: [['temp', '0'], ['hum', '0.5']] });
    expect(st.value.groups.map((g: { name: string }) => g.name)).toEqual(['g0', 'g1']);
    expect(st.value.groups[1].consumers[0]).toMatchObject({ name: 'alice', pending: ['1700000000001-0', '1700000000033-0'] });
  });

  it('check validates and summarizes (text and --json)', async () => {
    const r = await run('check', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/version: +10/);
    expect(r.out).toMatch(/checksum: +ok \(0x[0-9a-f]{16}\)/);
    expect(r.out).toMatch(/functions: 1/);
    expect(r.out).toMatch(/db 0: \d+ keys/);
    expect(r.out).toMatch(/db 15: 1 keys, 1 with an expiry/);
    expect(r.out).toMatch(/\nOK\n$/);
    const j = JSON.parse((await run('check', '--json', file)).out);
    expect(j.keys).toBe(everyEncodingDataset().length);
    expect(j.aux.map((a: [string, string]) => a[0])).toEqual(['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'aof-base']);
    expect(j.dbs.find((d: { db: number }) => d.db === 1).types).toEqual({ stream: 3 });
    expect(j.bytes).toBe(readFileSync(file).length);
  });

  it('check fails with the error code on corruption (bit flips, truncation) and never crashes', async () => {
    const good = readFileSync(file);
    const bad = join(dir, 'bad.rdb');
    const positions = [0, 5, 9, 20, 300, Math.floor(good.length / 2), good.length - 12, good.length - 9, good.length - 1];
    for (const p of positions) {
      const copy = Buffer.from(good);
      copy[p] ^= 0x04;
      writeFileSync(bad, copy);
      const r = await run('check', bad);
      expect({ p, code: r.code }).toEqual({ p, code: 1 });
      expect(r.err).toMatch(/^error: ERR_RDB_[A-Z_]+: /);
    }
    for (const n of [0, 5, 9, 100, good.length - 8, good.length - 1]) {
      writeFileSync(bad, good.subarray(0, n));
      const r = await run('check', bad);
      expect({ n, code: r.code }).toEqual({ n, code: 1 });
      expect(r.err).toMatch(/error: ERR_RDB_(TRUNCATED|UNSUPPORTED_VERSION|CORRUPT)/);
    }
    // the flip that only breaks the CRC is the checksum error; --no-checksum accepts it
    const copy = Buffer.from(good);
    copy[good.length - 3] ^= 1;
    writeFileSync(bad, copy);
    expect((await run('check', bad)).err).toMatch(/ERR_RDB_CHECKSUM/);
    expect((await run('check', '--no-checksum', bad)).code).toBe(0);
  });

  it('json of a big file streams (keys as they come, bounded output batches)', async () => {
    const big = join(dir, 'big.rdb');
    const n = 20000;
    writeFileSync(big, writeRdbToBuffer(Array.from({ length: n }, (_, i) => ({ key: b(`k${i}`), value: { type: 'string' as const, value: b(`v${i}`) } }))));
    const stdout = new Capture({ highWaterMark: 1024 });
    const code = await main(['json', big], { stdout, stderr: new Capture() });
    expect(code).toBe(0);
    expect(stdout.chunks.length).toBeGreaterThan(5);
    expect(Math.max(...stdout.chunks.map((c) => c.length))).toBeLessThan(200000);
    expect(stdout.text.trim().split('\n')).toHaveLength(n);
  });
});

const describeRedis = hasRedis() ? describe : describe.skip;
describeRedis('replikit-rdb on a real redis-server 7.0 dump', () => {
  it('check and json agree with the server', async () => {
    const srv = await startRedisServer();
    try {
      const c = await RawClient.connect(srv.port);
      await c.call('HSET', 'h', 'a', '1', 'b', Buffer.from([0xff]));
      await c.call('RPUSH', 'l', 'x', 'y');
      await c.call('SET', 's', 'v', 'PX', 100000000);
      await c.call('SELECT', 3);
      await c.call('SADD', 'set', '1', '2', '3');
      await c.call('SAVE');
      await c.close();
      const path = join(srv.dir, 'dump.rdb');
      const r = await run('check', path);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/redis-ver=7\.0\.\d+/);
      expect(r.out).toMatch(/db 0: 3 keys, 1 with an expiry/);
      expect(r.out).toMatch(/db 3: 1 keys.*\n.*set 1\n.*set_intset 1/);
      const lines = (await run('json', path)).out.trim().split('\n').map((l) => JSON.parse(l));
      const h = lines.find((l) => l.key === 'h');
      expect(h.value).toEqual([['a', '1'], ['b', { base64: '/w==' }]]);
      expect(lines.find((l) => l.key === 's').expireAtMs).toBeGreaterThan(Date.now());
    } finally {
      await srv.stop();
    }
  });
});

describe('the built bin (bin/replikit-rdb.cjs -> dist/cli.js)', () => {
  const bin = join(__dirname, '..', 'bin', 'replikit-rdb.cjs');
  // skips loudly without a build; CI builds first and sets REPLIKIT_REQUIRE_REDIS=1, where a
  // missing build fails instead
  const built = hasBuild(join(__dirname, '..', 'dist', 'cli.js'), '@replikit/rdb');
  (built ? it : it.skip)('runs check and json as a process with the right exit codes', () => {
    const ok = spawnSync(process.execPath, [bin, 'check', file], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/OK/);
    const json = spawnSync(process.execPath, [bin, 'json', file], { encoding: 'utf8' });
    expect(json.status).toBe(0);
    expect(json.stdout.trim().split('\n')).toHaveLength(everyEncodingDataset().length);
    const bad = join(dir, 'trunc.rdb');
    writeFileSync(bad, readFileSync(file).subarray(0, 50));
    const r = spawnSync(process.execPath, [bin, 'check', bad], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: ERR_RDB_TRUNCATED/);
    expect(spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }).status).toBe(0);
  });
});
