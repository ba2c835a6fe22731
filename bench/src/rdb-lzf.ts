/**
 * @replikit/rdb LZF compression benchmark: `lzfCompress` throughput (MB/s of input) and ratio on
 * compressible (JSON-like documents, ~270 B and 4 KiB) and incompressible (random, 100 B and 4 KiB)
 * values, next to the previous implementation (as of commit 2eaf30f, kept below with its constants
 * renamed, as
 * `lzfCompressBefore`) in the same run; plus `lzfDecompress`.
 *
 *   pnpm exec tsx bench/src/rdb-lzf.ts
 *
 * Writes bench/results/rdb-lzf.md. MB/s = 10^6 input bytes per second, best CPU time of 7 runs of
 * ~64 MB each.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lzfCompress, lzfDecompress } from '@replikit/rdb';

// ---- the previous lzfCompress (before the rewrite), for the side-by-side comparison ----
const B_HSIZE = 1 << 14;
const B_MAX_LIT = 32;
const B_MAX_OFF = 1 << 13;
const B_MAX_REF = (1 << 8) + (1 << 3);
let bTable: Int32Array | null = null;
function lzfCompressBefore(input: Uint8Array, maxOut = input.length - 4): Buffer | null {
  const n = input.length;
  if (n <= 4 || maxOut <= 0) return null;
  const out = Buffer.allocUnsafe(maxOut + B_MAX_LIT + 2);
  if (!bTable) bTable = new Int32Array(B_HSIZE);
  const htab = bTable;
  htab.fill(-1);
  let ip = 0;
  let op = 1;
  let lit = 0;
  const limit = maxOut;
  while (ip < n - 2) {
    const v = (input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2];
    const h = (((v >>> 8) ^ (v * 0x9e37)) >>> 0) & (B_HSIZE - 1);
    const ref = htab[h];
    htab[h] = ip;
    const off = ip - ref - 1;
    if (ref >= 0 && off < B_MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 2;
      const maxLen = Math.min(B_MAX_REF, n - ip) - len;
      do len++;
      while (len < maxLen + 2 && input[ref + len] === input[ip + len]);
      len -= 2;
      if (lit > 0) out[op - lit - 1] = lit - 1;
      else op--;
      if (op + 3 > limit) return null;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      op++;
      lit = 0;
      const end = ip + len + 2;
      ip++;
      while (ip < end && ip < n - 2) {
        const w = (input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2];
        htab[(((w >>> 8) ^ (w * 0x9e37)) >>> 0) & (B_HSIZE - 1)] = ip;
        ip++;
      }
      ip = end;
      continue;
    }
    if (op >= limit) return null;
    out[op++] = input[ip++];
    lit++;
    if (lit === B_MAX_LIT) {
      out[op - lit - 1] = B_MAX_LIT - 1;
      lit = 0;
      op++;
    }
  }
  while (ip < n) {
    if (op >= limit) return null;
    out[op++] = input[ip++];
    lit++;
    if (lit === B_MAX_LIT) {
      out[op - lit - 1] = B_MAX_LIT - 1;
      lit = 0;
      op++;
    }
  }
  if (lit > 0) out[op - lit - 1] = lit - 1;
  else op--;
  if (op > limit) return null;
  return Buffer.from(out.subarray(0, op));
}
// ---- end of the previous implementation ----

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

/** JSON documents like the write bench's (user records with a repeated shape). */
function jsonDocs(count: number, seed: number, pad = 0): Buffer[] {
  const r = rng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const doc = {
      id: i,
      name: `user-${Math.floor(r() * 100000)}`,
      email: `user${i}@example.com`,
      roles: ['reader', r() < 0.3 ? 'writer' : 'guest'],
      settings: { theme: r() < 0.5 ? 'dark' : 'light', language: 'en-US', notifications: { email: true, sms: false, push: r() < 0.5 } },
      createdAt: '2026-11-24T14:00:00.000Z',
      tags: ['alpha', 'beta', 'gamma'].slice(0, 1 + Math.floor(r() * 3)),
      history: Array.from({ length: pad }, (_, j) => ({ at: 1700000000000 + j * 1000 + Math.floor(r() * 1000), event: r() < 0.5 ? 'login' : 'view', page: `/item/${Math.floor(r() * 500)}` })),
    };
    out.push(Buffer.from(JSON.stringify(doc)));
  }
  return out;
}

function randomValues(count: number, size: number, seed: number): Buffer[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const b = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i++) b[i] = (r() * 256) | 0;
    return b;
  });
}

type Compress = (b: Uint8Array) => Buffer | null;

/** MB/s of input (best CPU time of 7) and the compressed share of the bytes. */
function measure(values: Buffer[], fn: Compress): { mbs: number; ratio: number; compressed: number } {
  const bytes = values.reduce((s, v) => s + v.length, 0);
  const reps = Math.max(1, Math.round(64e6 / bytes));
  let out = 0;
  let compressed = 0;
  for (const v of values) {
    const c = fn(v);
    out += c ? c.length : v.length;
    if (c) compressed++;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 7; run++) {
    const c0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) for (let i = 0; i < values.length; i++) fn(values[i]);
    const cu = process.cpuUsage(c0);
    best = Math.min(best, (cu.user + cu.system) / 1e6);
  }
  return { mbs: (bytes * reps) / 1e6 / best, ratio: out / bytes, compressed: compressed / values.length };
}

function decompressRate(values: Buffer[]): number {
  const cs = values.map((v) => [lzfCompress(v), v.length] as const).filter((x): x is readonly [Buffer, number] => x[0] !== null);
  const bytes = cs.reduce((s, [, n]) => s + n, 0);
  if (bytes === 0) return 0;
  const reps = Math.max(1, Math.round(64e6 / bytes));
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 7; run++) {
    const c0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) for (const [c, n] of cs) lzfDecompress(c, n);
    const cu = process.cpuUsage(c0);
    best = Math.min(best, (cu.user + cu.system) / 1e6);
  }
  return (bytes * reps) / 1e6 / best;
}

function main(): void {
  const loadStart = os.loadavg();
  const datasets: Array<[string, Buffer[]]> = [
    ['JSON documents (~270 B)', jsonDocs(20_000, 3)],
    ['JSON documents (~4 KiB)', jsonDocs(1_000, 4, 50)],
    ['random bytes (100 B)', randomValues(20_000, 100, 5)],
    ['random bytes (4 KiB)', randomValues(500, 4096, 6)],
  ];
  for (const [name, values] of datasets) {
    for (const v of values) {
      const c = lzfCompress(v);
      if (c && !lzfDecompress(c, v.length).equals(v)) throw new Error(`${name}: round trip failed`);
    }
  }
  const rows: string[] = [];
  for (const [name, values] of datasets) {
    const avg = values.reduce((s, v) => s + v.length, 0) / values.length;
    const before = measure(values, lzfCompressBefore);
    const after = measure(values, lzfCompress);
    const dec = decompressRate(values);
    const row = `| ${name} | ${avg.toFixed(0)} | ${before.mbs.toFixed(0)} | ${after.mbs.toFixed(0)} | ${(after.mbs / before.mbs).toFixed(1)}× | ${(before.ratio * 100).toFixed(1)}% | ${(after.ratio * 100).toFixed(1)}% | ${(after.compressed * 100).toFixed(0)}% | ${dec ? dec.toFixed(0) : '–'} |`;
    console.log(row);
    rows.push(row);
  }
  const cpu = os.cpus();
  const md = [
    '## @replikit/rdb: LZF compression',
    '',
    `- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores; Node ${process.version}`,
    `- Date: ${new Date().toISOString()}; load average at start ${loadStart.map((l) => l.toFixed(1)).join(' ')}, at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (shared machine: compare columns of one row, not absolutes)`,
    '- Command: `pnpm exec tsx bench/src/rdb-lzf.ts`',
    '- MB/s = 10^6 input bytes per second of `lzfCompress` (best process CPU time of 7 runs of ~64 MB); "before" = the previous implementation (a 64 KiB hash table cleared and an output Buffer allocated per call), kept in the bench file, measured in the same run. Size = output bytes / input bytes (a value LZF cannot shrink by 4 bytes counts as stored raw).',
    '',
    '| values | avg bytes | before MB/s | now MB/s | speed-up | before size | now size | compressed | lzfDecompress MB/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
  console.log(`\n${md}`);
  writeFileSync(path.join(__dirname, '..', 'results', 'rdb-lzf.md'), md);
}

main();
