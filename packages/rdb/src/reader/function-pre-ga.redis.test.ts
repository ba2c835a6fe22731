/**
 * The pre-release (7.0-rc) FUNCTION opcode 0xF6: our reader refuses it (errors.test.ts); this checks
 * what the real redis-server 7.0 does with the same files, so docs/rdb.md's claim stays true: it
 * parses the rc layout and hands the code to its library loader, which fails, and the load aborts.
 * The same library as FUNCTION2 (0xF5) loads, for contrast.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, hasRedis } from '@replikit/test-utils';
import { readRdbBuffer } from './read-rdb';
import { len, rdbFile, str } from './testing/legacy-builders';

const describeRedis = hasRedis() ? describe : describe.skip;
const T = (n: number) => Buffer.from([n]);
const LIB = "#!lua name=mylib\nredis.register_function('f', function() return 1 end)";

/** Starts redis-server on `rdb` (unix socket only, no TCP port); a file that loads keeps it running until the timeout. */
function loadOutcome(rdb: Buffer): { quit: boolean; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'replikit-f6-'));
  try {
    writeFileSync(join(dir, 'dump.rdb'), rdb);
    const r = spawnSync(findRedisServer() as string, ['--port', '0', '--unixsocket', join(dir, 'redis.sock'), '--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--loglevel', 'verbose'], {
      encoding: 'utf8',
      timeout: 3000,
    });
    const log = `${r.stdout}${r.stderr}`;
    // on a failed load it logs the error, runs its RDB check and quits by itself (with status 0)
    return { quit: r.error === undefined, log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeRedis('FUNCTION opcodes in redis-server 7.0', () => {
  it('0xF6 (pre-release layout) does not load: neither a Lua body nor a #!lua library', () => {
    for (const code of ['return 1', LIB]) {
      const f = rdbFile(10, [T(0xf6), str('mylib'), str('LUA'), len(0), str(code)]);
      const out = loadOutcome(f);
      expect(out.quit).toBe(true);
      expect(out.log).toMatch(/Failed loading library/);
      expect(out.log).toMatch(/Short read or OOM loading DB/);
      expect(out.log).not.toMatch(/DB loaded from disk/);
      expect(() => readRdbBuffer(f)).toThrow(expect.objectContaining({ code: 'ERR_RDB_UNSUPPORTED_TYPE', typeId: 0xf6 }));
    }
  });

  it('0xF5 (FUNCTION2) with the same library loads, and our reader reads it', () => {
    const f = rdbFile(10, [T(0xf5), str(LIB)]);
    const out = loadOutcome(f);
    expect(out.quit).toBe(false); // still serving when the timeout stopped it
    expect(out.log).toMatch(/DB loaded from disk/);
    expect(readRdbBuffer(f).functions.map(String)).toEqual([LIB]);
  });
});
