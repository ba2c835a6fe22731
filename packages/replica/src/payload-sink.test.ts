// The snapshot destinations of repl-diskless-load, fed a real RDB (written by @replikit/keyspace-rdb).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyspace, type Keyspace } from '@replikit/keyspace';
import { openPayloadSink, type PayloadSinkOptions } from './payload-sink';
import { smallRdb } from './testing/scripted-master';

describe('payload sinks', () => {
  let dir = '';
  let ks: Keyspace;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replikit-sink-'));
    ks = createKeyspace({ role: 'replica' });
  });
  afterEach(() => {
    ks.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const opts = (mode: PayloadSinkOptions['mode']): PayloadSinkOptions => ({ mode, dir, dbfilename: 'dump.rdb' });
  const rdb = smallRdb({ a: '1', b: '2' }, { replId: 'c'.repeat(40), offset: 77, streamDb: 3 });
  const feed = (sink: { write(c: Buffer): void }) => {
    for (let i = 0; i < rdb.length; i += 7) sink.write(rdb.subarray(i, i + 7));
  };

  it('swapdb: the old data serves until the snapshot is complete, then is replaced at once; a failed transfer keeps it', () => {
    ks.load(0, 'old', 'x');
    const failed = openPayloadSink(ks, opts('swapdb'));
    failed.write(rdb.subarray(0, 20));
    failed.abort();
    expect(ks.dump(0, 'old')).toBeDefined();
    const sink = openPayloadSink(ks, opts('swapdb'));
    expect(sink.kind).toBe('memory');
    feed(sink);
    expect(sink.keys).toBe(2);
    expect(ks.dump(0, 'old')).toBeDefined();
    expect(ks.dump(0, 'a')).toBeUndefined();
    const result = sink.end();
    expect(result.replication).toEqual({ replId: 'c'.repeat(40), offset: 77, streamDb: 3 });
    expect(ks.dump(0, 'old')).toBeUndefined();
    expect(ks.dump(0, 'a')?.value).toEqual({ type: 'string', value: '1' });
  });

  it('disabled: a temp file in dir, loaded at the end and kept as dbfilename', () => {
    ks.load(1, 'old', 'x');
    const sink = openPayloadSink(ks, opts('disabled'));
    expect(sink.kind).toBe('disk');
    feed(sink);
    expect(readdirSync(dir).filter((f) => /^temp-\d+\.\d+\.rdb$/.test(f))).toHaveLength(1);
    expect(ks.dump(1, 'old')).toBeDefined();
    expect(sink.end().keysLoaded).toBe(2);
    expect(ks.dump(1, 'old')).toBeUndefined();
    expect(ks.dump(0, 'b')?.value).toEqual({ type: 'string', value: '2' });
    expect(readdirSync(dir)).toEqual(['dump.rdb']);
  });

  it('disabled into an empty keyspace: loaded as it arrives and written to the file; a failed transfer leaves it empty', () => {
    const sink = openPayloadSink(ks, opts('disabled'));
    expect(sink.kind).toBe('disk');
    feed(sink);
    expect(sink.keys).toBe(2);
    expect(ks.dump(0, 'a')?.value).toEqual({ type: 'string', value: '1' }); // before end()
    expect(readdirSync(dir).filter((f) => /^temp-\d+\.\d+\.rdb$/.test(f))).toHaveLength(1);
    expect(sink.end().replication).toEqual({ replId: 'c'.repeat(40), offset: 77, streamDb: 3 });
    expect(readdirSync(dir)).toEqual(['dump.rdb']);
    expect(readFileSync(join(dir, 'dump.rdb')).equals(rdb)).toBe(true);
    ks.flushAll();
    const aborted = openPayloadSink(ks, opts('disabled'));
    aborted.write(rdb.subarray(0, rdb.length - 12));
    expect(ks.size(0)).toBeGreaterThan(0); // a half-loaded snapshot
    aborted.abort();
    expect(ks.size(0)).toBe(0);
    expect(readdirSync(dir)).toEqual(['dump.rdb']);
  });

  it('disabled: a corrupt snapshot is a typed error, the temp file is removed', () => {
    const sink = openPayloadSink(ks, opts('disabled'));
    const bad = Buffer.from(rdb);
    bad[bad.length - 1] ^= 0xff; // checksum
    sink.write(bad);
    expect(() => sink.end()).toThrow(expect.objectContaining({ code: 'ERR_REPLICA_LOAD' }));
    expect(ks.size(0)).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(false);
  });

  it('on-empty-db: from the socket into an empty keyspace, through a file otherwise', () => {
    const direct = openPayloadSink(ks, opts('on-empty-db'));
    expect(direct.kind).toBe('memory');
    feed(direct);
    expect(ks.dump(0, 'a')).toBeDefined(); // loaded as it streamed
    direct.end();
    const viaDisk = openPayloadSink(ks, opts('on-empty-db'));
    expect(viaDisk.kind).toBe('disk');
    viaDisk.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});
