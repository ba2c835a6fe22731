/**
 * @replikit/rdb writer benchmark: write throughput (MB/s of RDB output, keys/s) for 1M keys of
 * 100-byte strings and for a mixed-type keyspace, in the `plain` and `compact` encodings, with and
 * without LZF, CRC64 and duplicate-key checks; the file sizes; and redis-server 7.0's own load time
 * for each file (its log line "DB loaded from disk: X seconds"), all in the same run.
 *
 *   pnpm exec tsx bench/src/rdb-write.ts            (REPLIKIT_BENCH_QUICK=1 for a 10x smaller run)
 *
 * Prints a markdown section and writes it to bench/results/rdb-write.md. MB/s = 10^6 bytes/s of
 * RDB output; each figure is the best of 5 runs (sink: chunks are counted, not stored).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CRC64_IMPLEMENTATION, Crc64, type RdbValue, type RdbWriteEntry, type RdbWriterOptions, writeRdbChunks, writeRdbFile } from '@replikit/rdb';
import { findRedisServer, startRedisServer } from '@replikit/test-utils';
import { Crc64Js } from '@replikit/rdb/internal';

const QUICK = process.env.REPLIKIT_BENCH_QUICK === '1';
const N_STRINGS = QUICK ? 100_000 : 1_000_000;
const N_MIXED = QUICK ? 30_000 : 300_000;
const RUNS = 5;

/** Deterministic PRNG (mulberry32) so every run writes the same keyspace. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = Buffer.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');

/** 100-byte random alphanumeric values in one slab; keys `key:000000123`. */
function stringsDataset(n: number): RdbWriteEntry[] {
  const r = rng(1);
  const slab = Buffer.allocUnsafe(n * 100);
  for (let i = 0; i < slab.length; i++) slab[i] = ALNUM[(r() * 62) | 0];
  const out: RdbWriteEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = { key: Buffer.from(`key:${String(i).padStart(9, '0')}`), value: { type: 'string', value: slab.subarray(i * 100, i * 100 + 100) } };
  }
  return out;
}

function word(r: () => number, min: number, max: number): Buffer {
  const n = min + Math.floor(r() * (max - min + 1));
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = ALNUM[(r() * 62) | 0];
  return b;
}

/** A keyspace shaped like a typical app cache: mostly strings and small collections, a few big ones. */
function mixedDataset(n: number): RdbWriteEntry[] {
  const r = rng(2);
  const out: RdbWriteEntry[] = [];
  for (let i = 0; i < n; i++) {
    const p = r();
    const key = Buffer.from(`obj:${i}`);
    let value: RdbValue;
    if (p < 0.4) value = { type: 'string', value: r() < 0.2 ? Buffer.from(String(Math.floor(r() * 1e6))) : word(r, 10, 200) };
    else if (p < 0.55) value = { type: 'hash', value: Array.from({ length: 10 }, (_, j) => [Buffer.from(`field${j}`), word(r, 5, 20)] as [Buffer, Buffer]) };
    else if (p < 0.65) value = { type: 'zset', value: Array.from({ length: 16 }, (_, j) => [Buffer.from(`member:${j}`), Math.floor(r() * 1000) / 4] as [Buffer, number]) };
    else if (p < 0.75) value = { type: 'set', value: Array.from({ length: 20 }, (_, j) => Buffer.from(String(j * 1000 + Math.floor(r() * 1000)))) };
    else if (p < 0.85) value = { type: 'set', value: Array.from({ length: 20 }, (_, j) => Buffer.concat([Buffer.from(`${j}:`), word(r, 4, 12)])) };
    else if (p < 0.97) value = { type: 'list', value: Array.from({ length: 30 }, () => word(r, 5, 40)) };
    else if (p < 0.98) value = { type: 'hash', value: Array.from({ length: 300 }, (_, j) => [Buffer.from(`f:${j}`), word(r, 10, 100)] as [Buffer, Buffer]) };
    else if (p < 0.99) value = { type: 'zset', value: Array.from({ length: 300 }, (_, j) => [Buffer.from(`m:${j}`), r() * 1e6] as [Buffer, number]) };
    else if (p < 0.995) value = { type: 'list', value: Array.from({ length: 1000 }, () => word(r, 5, 40)) };
    else {
      const entries = Array.from({ length: 50 }, (_, j) => ({ id: { ms: 1700000000000n + BigInt(j), seq: 0n }, fields: [[Buffer.from('temp'), Buffer.from(String(j))], [Buffer.from('loc'), word(r, 5, 10)]] as Array<[Buffer, Buffer]> }));
      value = { type: 'stream', value: { entries, length: 50n, lastId: entries[49].id, firstId: entries[0].id, maxDeletedId: { ms: 0n, seq: 0n }, entriesAdded: 50n, groups: [] } };
    }
    out.push({ key, value, expireAtMs: r() < 0.1 ? 4102444800000 + i : -1 });
  }
  return out;
}

/** Compressible values: ~300-byte JSON documents with a repeated shape (what LZF is for). */
function jsonDataset(n: number): RdbWriteEntry[] {
  const r = rng(3);
  const out: RdbWriteEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const doc = {
      id: i,
      name: `user-${Math.floor(r() * 100000)}`,
      email: `user${i}@example.com`,
      roles: ['reader', r() < 0.3 ? 'writer' : 'guest'],
      settings: { theme: r() < 0.5 ? 'dark' : 'light', language: 'en-US', notifications: { email: true, sms: false, push: r() < 0.5 } },
      createdAt: '2026-11-24T14:00:00.000Z',
      tags: ['alpha', 'beta', 'gamma'].slice(0, 1 + Math.floor(r() * 3)),
    };
    out[i] = { key: Buffer.from(`user:${i}`), value: { type: 'string', value: Buffer.from(JSON.stringify(doc)) } };
  }
  return out;
}

interface WriteResult {
  bytes: number;
  /** best wall-clock time */
  seconds: number;
  /** best process CPU time (user + system): steadier than wall time on a shared machine */
  cpuSeconds: number;
}

function measureWrite(entries: RdbWriteEntry[], options: RdbWriterOptions): WriteResult {
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    let n = 0;
    for (const c of writeRdbChunks(entries, { ctime: 1700000000, ...options })) n += c.length;
    const cu = process.cpuUsage(c0);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    bytes = n;
    if (s < best) best = s;
    bestCpu = Math.min(bestCpu, (cu.user + cu.system) / 1e6);
  }
  return { bytes, seconds: best, cpuSeconds: bestCpu };
}

async function redisLoadSeconds(file: string): Promise<string> {
  if (!findRedisServer()) return 'n/a';
  const srv = await startRedisServer({ dir: path.dirname(file), config: { dbfilename: path.basename(file) }, startTimeoutMs: 600000 });
  try {
    await srv.waitForLog(/DB loaded from disk: [\d.]+ seconds/, 600000);
    return /DB loaded from disk: ([\d.]+) seconds/.exec(srv.log())?.[1] ?? '?';
  } finally {
    await srv.stop();
  }
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  const loadStart = os.loadavg();
  const rows: string[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'replikit-bench-rdbw-'));
  try {
    // built one at a time (only one keyspace on the heap while it is measured)
    const datasets: Array<[string, () => RdbWriteEntry[]]> = [
      [`${fmt(N_STRINGS)} strings of 100 B`, () => stringsDataset(N_STRINGS)],
      [`${fmt(N_MIXED)} mixed keys`, () => mixedDataset(N_MIXED)],
      [`${fmt(N_MIXED)} JSON strings (compressible)`, () => jsonDataset(N_MIXED)],
    ];
    // [label, options, load in redis-server]; replikit-server's BGSAVE passes encoding 'compact',
    // compress: true (rdbcompression yes, the default) and checkDuplicateKeys: false (keys unique by construction)
    const configs: Array<[string, RdbWriterOptions, boolean]> = [
      ['default (plain, duplicate-key check)', { encoding: 'plain' }, true],
      ['checkDuplicateKeys: false (replikit-server snapshot)', { encoding: 'plain', checkDuplicateKeys: false }, false],
      ['compress: true (LZF)', { encoding: 'plain', compress: true }, true],
      ['replikit-server BGSAVE (compact, compress: true, checkDuplicateKeys: false)', { encoding: 'compact', compress: true, checkDuplicateKeys: false }, true],
      ['compact', { encoding: 'compact' }, true],
      ['compact + LZF', { encoding: 'compact', compress: true }, true],
      ['plain, no CRC64', { encoding: 'plain', checksum: false }, false],
    ];
    for (const [dname, build] of datasets) {
      const entries = build();
      for (const [cname, options, load] of configs) {
        const onlyStrings = !dname.includes('mixed');
        if (onlyStrings && cname.startsWith('compact')) continue; // same bytes as plain for strings
        if (dname.includes('JSON') && (cname.includes('no CRC64') || cname.startsWith('checkDuplicateKeys'))) continue;
        const w = measureWrite(entries, options);
        let loadS = '';
        if (load) {
          const file = path.join(tmp, 'bench.rdb');
          await writeRdbFile(file, entries, { ...options, ctime: 1700000000 });
          loadS = await redisLoadSeconds(file);
          rmSync(file);
        }
        const row = `| ${dname} | ${cname} | ${fmt(w.bytes / 1e6, 1)} | ${fmt(w.bytes / 1e6 / w.seconds)} | ${fmt(w.bytes / 1e6 / w.cpuSeconds)} | ${fmt(entries.length / w.seconds / 1e6, 2)} M | ${fmt(w.seconds * 1000)} | ${loadS} |`;
        console.log(row);
        rows.push(row);
      }
    }
    // to a real file (fs stream, backpressure), strings dataset
    const strings = datasets[0][1]();
    const file = path.join(tmp, 'file.rdb');
    const t0 = process.hrtime.bigint();
    await writeRdbFile(file, strings, { ctime: 1700000000 });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const size = statSync(file).size;
    rmSync(file);
    rows.push(`| ${datasets[0][0]} | plain, writeRdbFile to disk (one run) | ${fmt(size / 1e6, 1)} | ${fmt(size / 1e6 / s)} | | ${fmt(strings.length / s / 1e6, 2)} M | ${fmt(s * 1000)} | |`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // CRC64 alone: the codec's JS slicing-by-8 and the writer's WebAssembly one, 64 MiB, best CPU time of 5
  const buf = Buffer.allocUnsafe(64 << 20);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 131) & 0xff;
  const crcRate = (update: (b: Buffer) => void) => {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run++) {
      const c0 = process.cpuUsage();
      update(buf);
      const cu = process.cpuUsage(c0);
      best = Math.min(best, (cu.user + cu.system) / 1e6);
    }
    return buf.length / 1e6 / best;
  };
  const crcJs = crcRate((b) => new Crc64Js().update(b));
  const crcWasm = crcRate((b) => {
    const f = new Crc64();
    for (let p = 0; p < b.length; p += 65536) f.update(b, p, p + 65536);
  });

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const md = [
    '## @replikit/rdb: write throughput',
    '',
    `- Machine: ${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}`,
    `- Node ${process.version}; redis-server for the load column: ${findRedisServer() ?? 'not installed'}`,
    `- Date: ${new Date().toISOString()}; load average (1/5/15 min) at the start ${loadStart.map((l) => l.toFixed(1)).join(' ')}, at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (shared 2-core machine, other engineers' jobs running: compare rows, not absolutes)`,
    '- Command: `pnpm exec tsx bench/src/rdb-write.ts`',
    '- Write = `writeRdbChunks` over an in-memory keyspace, chunks counted (no I/O), best of 5; MB/s = 10^6 bytes of RDB output per second, by wall time and by process CPU time.',
    '- Redis load = redis-server 7.0 started on the file, its log line "DB loaded from disk: X seconds" (same run).',
    '',
    '| dataset | writer options | file MB | write MB/s (wall) | write MB/s (CPU time) | keys/s (wall) | write ms (wall) | redis load s |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `CRC64 alone (64 MiB in 64 KiB updates like the writer, best CPU time of 5): \`Crc64\` (${CRC64_IMPLEMENTATION} kernel, used by the writer) ${fmt(crcWasm)} MB/s; its JS fallback \`Crc64Js\` ${fmt(crcJs)} MB/s.`,
    '',
  ].join('\n');
  console.log(`\n${md}`);
  writeFileSync(path.join(__dirname, '..', 'results', 'rdb-write.md'), md);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
