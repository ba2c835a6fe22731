/**
 * Against a real redis-server 7.0: build a dataset exercising every encoding 7.0 writes, SAVE, and
 * check that our reader reproduces exactly what the server reports for every key; then read the
 * same snapshot as a replica would receive it (SYNC over a socket), chunk by chunk.
 */
import { createReadStream } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { RawClient, type RedisServerHandle, hasRedis, startRedisServer } from '@replikit/test-utils';
import type { RdbEntry } from '../model';
import { RdbReader } from './rdb-reader';
import { decodeValue } from './decode-value';
import { readRdbFile, readRdbStream } from './read-rdb';
import { normalizeEntries, normalizeValue } from './testing/normalize';
import { buildDataset, snapshotServer } from './testing/server-snapshot';

const describeRedis = hasRedis() ? describe : describe.skip;

/** the value types Redis 7.0 writes (rdb.c rdbSaveObjectType) */
const TYPES_70_WRITES = [0, 2, 4, 5, 11, 16, 17, 18, 19];

describeRedis('reader against redis-server 7.0', () => {
  let server: RedisServerHandle;
  let client: RawClient;

  beforeAll(async () => {
    server = await startRedisServer({ config: { rdbcompression: 'yes', 'enable-debug-command': 'yes', 'repl-diskless-sync': 'no' } });
    client = await RawClient.connect(server.port);
    await buildDataset(client, 4);
    expect(String(await client.call('SAVE'))).toBe('OK');
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  test('every key matches LRANGE/SMEMBERS/ZRANGE/HGETALL/XRANGE/XINFO FULL/GET/PEXPIRETIME', async () => {
    const expected = await snapshotServer(client);
    const file = await readRdbFile(join(server.dir, 'dump.rdb'));
    expect(file.version).toBe(10);
    expect(file.info.checksumVerified).toBe(true);
    expect([...new Set(file.typeIds)].sort((a, b) => a - b)).toEqual(TYPES_70_WRITES);
    expect(file.functions.map(String)).toEqual([expect.stringContaining('#!lua name=replikitlib')]);
    const aux = new Map(file.aux.map(([k, v]) => [k.toString(), v.toString()]));
    expect(aux.get('redis-ver')).toMatch(/^7\.0\./);
    const got = normalizeEntries(file.entries);
    expect(got.map((k) => `${k.db}:${k.key}`)).toEqual(expected.map((k) => `${k.db}:${k.key}`));
    for (let i = 0; i < got.length; i++) expect(got[i]).toEqual(expected[i]);
  });

  test('streamed from disk in small chunks gives the same entries', async () => {
    const entries: RdbEntry[] = [];
    for await (const ev of readRdbStream(createReadStream(join(server.dir, 'dump.rdb'), { highWaterMark: 333 }))) {
      if (ev.kind === 'entry') entries.push(ev.entry);
    }
    const whole = await readRdbFile(join(server.dir, 'dump.rdb'));
    expect(normalizeEntries(entries)).toEqual(normalizeEntries(whole.entries));
  });

  test('the snapshot of a SYNC, parsed as it arrives on the socket', async () => {
    const entries: RdbEntry[] = [];
    let ended = false;
    await new Promise<void>((resolve, reject) => {
      const sock = connect({ port: server.port, host: '127.0.0.1' });
      let header = Buffer.alloc(0);
      let reader: RdbReader | null = null;
      let left = 0;
      const finish = (e?: unknown) => {
        sock.destroy();
        if (e) reject(e);
        else resolve();
      };
      sock.on('error', finish);
      sock.on('connect', () => sock.write('SYNC\r\n'));
      sock.on('data', (d: Buffer) => {
        try {
          if (!reader) {
            header = Buffer.concat([header, d]);
            // skip keepalive newlines, then "$<len>\r\n"
            let p = 0;
            while (p < header.length && header[p] === 0x0a) p++;
            const eol = header.indexOf('\r\n', p);
            if (eol < 0) return;
            const line = header.toString('latin1', p, eol);
            if (!line.startsWith('$')) throw new Error(`unexpected SYNC reply ${line}`);
            left = Number(line.slice(1));
            reader = new RdbReader({ entry: (e) => entries.push(e), end: () => (ended = true) }, { totalBytes: left });
            d = header.subarray(eol + 2);
          }
          const take = d.subarray(0, Math.min(d.length, left));
          left -= take.length;
          reader.write(take);
          if (left === 0) {
            reader.end();
            finish();
          }
        } catch (e) {
          finish(e);
        }
      });
    });
    expect(ended).toBe(true);
    const saved = normalizeEntries((await readRdbFile(join(server.dir, 'dump.rdb'))).entries);
    expect(normalizeEntries(entries)).toEqual(saved);
  });

  test('decodeValue reads the DUMP payload of every key', async () => {
    const expected = (await snapshotServer(client)).filter((k) => k.db === 0);
    let checked = 0;
    for (const k of expected) {
      const key = k.key.startsWith('b64:') ? Buffer.from(k.key.slice(4), 'base64') : Buffer.from(k.key);
      const payload = (await client.call('DUMP', key)) as Buffer;
      const version = payload.readUInt16LE(payload.length - 10);
      expect(version).toBe(10);
      const value = decodeValue(payload[0], payload.subarray(1, payload.length - 10), version);
      expect(normalizeValue(value)).toEqual({ type: k.type, value: k.value });
      checked++;
    }
    expect(checked).toBe(expected.length);
  });
});
