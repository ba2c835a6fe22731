import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { RdbEntry } from '../model';
import { RdbReader } from './rdb-reader';
import { readRdbBuffer, readRdbFile, readRdbStream } from './read-rdb';
import { normalizeEntries } from './testing/normalize';

const dir = join(__dirname, '..', '..', 'fixtures');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.rdb'))
  .map((f) => f.slice(0, -4));

interface Meta {
  version: number;
  keys: unknown[];
  functions?: string[];
  typeIds?: number[];
  idle?: boolean;
  lfu?: boolean;
  checksumVerified?: boolean;
  slotInfo?: number[][];
}

const load = (name: string) => ({
  rdb: readFileSync(join(dir, `${name}.rdb`)),
  meta: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Meta,
});

const opts = { skipModules: true };

/** Feeds `rdb` cut at the given positions; returns the entries. */
function readChunked(rdb: Buffer, cuts: number[]): { entries: RdbEntry[]; functions: Buffer[]; slots: number[][] } {
  const entries: RdbEntry[] = [];
  const functions: Buffer[] = [];
  const slots: number[][] = [];
  const r = new RdbReader(
    { entry: (e) => entries.push(e), function: (f) => functions.push(f), slotInfo: (a, b, c) => slots.push([a, b, c]) },
    opts,
  );
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    r.write(rdb.subarray(prev, c));
    prev = c;
  }
  r.write(rdb.subarray(prev));
  r.end();
  expect(r.done).toBe(true);
  return { entries, functions, slots };
}

test('fixtures are present', () => {
  expect(names.length).toBeGreaterThanOrEqual(9);
});

describe.each(names)('fixture %s', (name) => {
  const { rdb, meta } = load(name);

  test('whole buffer', () => {
    const file = readRdbBuffer(rdb, opts);
    expect(file.version).toBe(meta.version);
    expect(normalizeEntries(file.entries)).toEqual(meta.keys);
    if (meta.functions) expect(file.functions.map((f) => f.toString('utf8'))).toEqual(meta.functions);
    if (meta.typeIds) expect([...new Set(file.typeIds)].sort((a, b) => a - b)).toEqual(meta.typeIds);
    if (meta.idle !== undefined) expect(file.entries.some((e) => e.idleSeconds !== undefined)).toBe(meta.idle);
    if (meta.lfu !== undefined) expect(file.entries.some((e) => e.lfuFreq !== undefined)).toBe(meta.lfu);
    if (meta.checksumVerified !== undefined) expect(file.info.checksumVerified).toBe(meta.checksumVerified);
    expect(file.info.bytes).toBe(rdb.length);
    expect(file.info.keys).toBe(meta.keys.length);
  });

  test('byte by byte', () => {
    const cuts = Array.from({ length: rdb.length - 1 }, (_, i) => i + 1);
    const got = readChunked(rdb, cuts);
    expect(normalizeEntries(got.entries)).toEqual(meta.keys);
    if (meta.slotInfo) expect(got.slots).toEqual(meta.slotInfo);
  });

  test('randomly re-chunked', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: rdb.length - 1 }), { maxLength: 40 }), (cuts) => {
        expect(normalizeEntries(readChunked(rdb, cuts).entries)).toEqual(meta.keys);
      }),
      { numRuns: rdb.length > 10000 ? 12 : 40 },
    );
  });

  test('copyStrings gives buffers independent of the input', () => {
    const copy = Buffer.from(rdb);
    const file = readRdbBuffer(copy, { ...opts, copyStrings: true });
    copy.fill(0);
    expect(normalizeEntries(file.entries)).toEqual(meta.keys);
  });
});

test('readRdbFile and readRdbStream agree with readRdbBuffer', async () => {
  const name = 'redis-7.0-dataset';
  const { rdb, meta } = load(name);
  const file = await readRdbFile(join(dir, `${name}.rdb`));
  expect(normalizeEntries(file.entries)).toEqual(meta.keys);
  async function* chunks() {
    for (let i = 0; i < rdb.length; i += 777) yield rdb.subarray(i, i + 777);
  }
  const entries: RdbEntry[] = [];
  const kinds = new Set<string>();
  for await (const ev of readRdbStream(chunks())) {
    kinds.add(ev.kind);
    if (ev.kind === 'entry') entries.push(ev.entry);
  }
  expect(normalizeEntries(entries)).toEqual(meta.keys);
  expect([...kinds].sort()).toEqual(['aux', 'end', 'entry', 'function', 'header', 'resize-db', 'select-db']);
});

test('module data without skipModules is ERR_RDB_UNSUPPORTED_TYPE', () => {
  const { rdb } = load('v10-modules-functions');
  expect(() => readRdbBuffer(rdb)).toThrow(expect.objectContaining({ code: 'ERR_RDB_UNSUPPORTED_TYPE' }));
});

test('LRU idle and LFU counters are attached to the next key only', () => {
  const { rdb } = load('legacy-v9-stream');
  const file = readRdbBuffer(rdb);
  const byKey = new Map(file.entries.map((e) => [e.key.toString(), e]));
  expect(byKey.get('s:idle')?.idleSeconds).toBe(100);
  expect(byKey.get('s:freq')?.lfuFreq).toBe(7);
  expect(byKey.get('s:freq')?.idleSeconds).toBeUndefined();
  expect(byKey.get('z:2')?.idleSeconds).toBeUndefined();
});
