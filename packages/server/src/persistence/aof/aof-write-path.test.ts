import fs, { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, type Keyspace, type PropagatedCommand } from '@replikit/keyspace';
import { ServerConfig } from '../../config/server-config';
import { Logger } from '../../logger';
import { AofPersistence } from './aof-persistence';
import { IncrWriter } from './incr-writer';

/** RESP of one command, as the incr file holds it. */
const resp = (argv: string[]): string => `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

describe('AOF write path', () => {
  let dir: string;
  let config: ServerConfig;
  let ks: Keyspace;
  let p: AofPersistence;
  let syncs: jest.SpyInstance;
  let exits: number[];
  let logged: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-aof-write-'));
    config = new ServerConfig();
    config.set('dir', [dir]);
    config.set('save', ['']);
    config.set('appendonly', ['yes']);
    config.set('appendfsync', ['always']);
    ks = createKeyspace();
    exits = [];
    logged = [];
    p = new AofPersistence({ keyspace: ks, config, logger: new Logger({ sink: (l) => logged.push(l) }), exit: (code) => exits.push(code) });
    p.openOnStart();
    syncs = jest.spyOn(IncrWriter.prototype, 'syncNow');
  });
  afterEach(async () => {
    syncs.mockRestore();
    await p.close();
    ks.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const incrText = (): string => readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
  const set = (k: string, v: string, db = 0): PropagatedCommand[] => [{ db, argv: ['SET', k, v] }];

  it('appendfsync always: one write and one fdatasync for the turn, before the first reply; the other replies add none', () => {
    // three clients' writes in one event-loop turn
    p.feed(set('a', '1'));
    p.feed(set('b', '2'));
    p.feed(set('c', '3', 1));
    expect(incrText()).toBe('');
    // the first reply of the turn (ConnectionHost.beforeReply)
    p.flush();
    expect(syncs).toHaveBeenCalledTimes(1);
    expect(incrText()).toBe(resp(['SELECT', '0']) + resp(['SET', 'a', '1']) + resp(['SET', 'b', '2']) + resp(['SELECT', '1']) + resp(['SET', 'c', '3']));
    // the other clients' replies of the same turn
    p.flush();
    p.flush();
    expect(syncs).toHaveBeenCalledTimes(1);
    expect(p.writer?.unsynced).toBe(0);
  });

  it('CONFIG SET appendfsync and aof-timestamp-enabled take effect for the next write', () => {
    config.set('appendfsync', ['everysec'], 'runtime');
    p.feed(set('a', '1'));
    p.flush();
    expect(syncs).not.toHaveBeenCalled();
    expect(p.writer?.unsynced).toBeGreaterThan(0);
    config.set('aof-timestamp-enabled', ['yes'], 'runtime');
    config.set('appendfsync', ['always'], 'runtime');
    p.feed(set('b', '2'));
    p.flush();
    expect(syncs).toHaveBeenCalledTimes(1);
    expect(incrText()).toMatch(new RegExp(`^${escapeRe(resp(['SELECT', '0']) + resp(['SET', 'a', '1']))}#TS:\\d+\\r\\n${escapeRe(resp(['SET', 'b', '2']))}$`));
  });

  it('appendfsync always: a failed write or fdatasync ends the process (exit code 1) as in Redis', () => {
    const write = jest.spyOn(fs, 'writeSync').mockImplementationOnce(() => {
      throw new Error('ENOSPC: no space left on device, write');
    });
    p.feed(set('a', '1'));
    p.flush();
    write.mockRestore();
    expect(exits).toEqual([1]);
    expect(logged.some((l) => l.includes("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..."))).toBe(true);
    syncs.mockImplementationOnce(() => {
      throw new Error('EIO: i/o error, fdatasync');
    });
    p.feed(set('b', '2'));
    p.flush();
    expect(exits).toEqual([1, 1]);
    expect(logged.some((l) => l.includes("Can't persist append only file with fsync policy 'always': EIO: i/o error, fdatasync. Exiting..."))).toBe(true);
  });

  it('a short write that then fails is truncated away and retried whole: no command written twice', () => {
    config.set('appendfsync', ['everysec'], 'runtime');
    p.feed(set('a', '1'));
    p.flush();
    const real = fs.writeSync;
    let calls = 0;
    const write = jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buf: Buffer, off: number) => {
      calls++;
      // half of the bytes, then the disk is full
      if (calls === 1) return real(fd, buf, off, Math.floor((buf.length - off) / 2));
      throw new Error('ENOSPC: no space left on device, write');
    }) as typeof fs.writeSync);
    p.feed(set('b', 'x'.repeat(1000)));
    p.flush();
    write.mockRestore();
    expect(exits).toEqual([]);
    expect(p.lastWriteStatus).toBe('err');
    expect(p.diskError()?.message).toContain('MISCONF Errors writing to the AOF file: ENOSPC');
    expect(incrText()).toBe(resp(['SELECT', '0']) + resp(['SET', 'a', '1']));
    p.feed(set('c', '3'));
    p.flush();
    // the cron retries the failed bytes and what followed them
    p.cron();
    expect(p.lastWriteStatus).toBe('ok');
    expect(incrText()).toBe(resp(['SELECT', '0']) + resp(['SET', 'a', '1']) + resp(['SET', 'b', 'x'.repeat(1000)]) + resp(['SET', 'c', '3']));
  });

  it('turns of any size, across the encoder slab (reused after each write), land in the file in order', () => {
    config.set('appendfsync', ['no'], 'runtime');
    let expected = resp(['SELECT', '0']);
    const big = 'x'.repeat(70_000);
    let n = 0;
    // 1 to 9 commands of ~70 KB a turn: turns that fit the 256 KB slab, that fill it and that span two
    for (let turn = 0; turn < 40; turn++) {
      for (let i = 0; i <= turn % 9; i++) {
        const v = `${n++}${big.slice(0, (turn * 7919 + i * 104729) % big.length)}`;
        p.feed(set(`k${turn}`, v));
        expected += resp(['SET', `k${turn}`, v]);
      }
      p.flush();
    }
    const text = incrText();
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
