/**
 * The `replikit-rdb` subcommands. Both stream the file through the reader (one record in memory at
 * a time) and write with backpressure; errors carry the reader's stable code and byte offset.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { rdbTypeName } from '../reader/decode-value';
import type { RdbEndInfo } from '../reader/rdb-reader';
import { readRdbStream } from '../reader/read-rdb';
import { jsonEntryLine, jsonString } from './json-format';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
}

/** Buffers output lines and writes them in ~64 KiB batches, waiting for 'drain' when asked to. */
class LineWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly out: Writable) {}

  async push(s: string): Promise<void> {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 65536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}

export interface ReadOptions {
  skipModules: boolean;
  verifyChecksum: boolean;
}

function events(file: string, o: ReadOptions) {
  return readRdbStream(createReadStream(file, { highWaterMark: 256 * 1024 }), { skipModules: o.skipModules, verifyChecksum: o.verifyChecksum });
}

/** `replikit-rdb json <file>`: one JSON object per key, in file order. */
export async function runJson(file: string, io: CliIo, o: ReadOptions & { withEncoding: boolean }): Promise<void> {
  const w = new LineWriter(io.stdout);
  for await (const ev of events(file, o)) {
    if (ev.kind === 'entry') await w.push(jsonEntryLine(ev.entry, o.withEncoding ? rdbTypeName(ev.typeId) : undefined));
  }
  await w.flush();
}

export interface CheckSummary {
  file: string;
  version: number;
  bytes: number;
  checksum: string;
  checksumVerified: boolean;
  aux: Array<[unknown, unknown]>;
  functions: number;
  keys: number;
  keysWithExpiry: number;
  emptyKeysSkipped: number;
  dbs: Array<{ db: number; keys: number; expires: number; types: Record<string, number>; encodings: Record<string, number> }>;
}

const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

/** `replikit-rdb check <file>`: full structural and checksum validation, then a summary. */
export async function runCheck(file: string, o: ReadOptions): Promise<CheckSummary> {
  const s: CheckSummary = { file, version: 0, bytes: 0, checksum: '', checksumVerified: false, aux: [], functions: 0, keys: 0, keysWithExpiry: 0, emptyKeysSkipped: 0, dbs: [] };
  const dbs = new Map<number, CheckSummary['dbs'][number]>();
  let end: RdbEndInfo | undefined;
  for await (const ev of events(file, o)) {
    switch (ev.kind) {
      case 'header':
        s.version = ev.version;
        break;
      case 'aux':
        s.aux.push([jsonString(ev.key), jsonString(ev.value)]);
        break;
      case 'function':
        s.functions++;
        break;
      case 'entry': {
        const e = ev.entry;
        let d = dbs.get(e.db);
        if (!d) dbs.set(e.db, (d = { db: e.db, keys: 0, expires: 0, types: {}, encodings: {} }));
        d.keys++;
        s.keys++;
        if (e.expireAtMs >= 0) {
          d.expires++;
          s.keysWithExpiry++;
        }
        bump(d.types, e.value.type);
        bump(d.encodings, rdbTypeName(ev.typeId).toLowerCase());
        break;
      }
      case 'end':
        end = ev.info;
        break;
    }
  }
  if (end) {
    s.bytes = end.bytes;
    s.checksum = `0x${end.checksum.toString(16).padStart(16, '0')}`;
    s.checksumVerified = end.checksumVerified;
    s.emptyKeysSkipped = end.emptyKeysSkipped;
  }
  s.dbs = [...dbs.values()].sort((a, b) => a.db - b.db);
  return s;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const counts = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

export function formatCheck(s: CheckSummary): string {
  const lines = [
    `file:      ${s.file}`,
    `version:   ${s.version}`,
    `bytes:     ${s.bytes}`,
    `checksum:  ${s.checksumVerified ? `ok (${s.checksum})` : s.checksum === '0x0000000000000000' ? 'none (zero: saved with rdbchecksum no)' : `not verified (${s.checksum})`}`,
    `aux:       ${s.aux.map(([k, v]) => `${show(k)}=${show(v)}`).join(' ') || '-'}`,
    `functions: ${s.functions}`,
    `keys:      ${s.keys} (${s.keysWithExpiry} with an expiry${s.emptyKeysSkipped ? `, ${s.emptyKeysSkipped} empty skipped` : ''})`,
  ];
  for (const d of s.dbs) {
    lines.push(`db ${d.db}: ${d.keys} keys, ${d.expires} with an expiry`);
    lines.push(`  types:     ${counts(d.types)}`);
    lines.push(`  encodings: ${counts(d.encodings)}`);
  }
  lines.push('OK');
  return `${lines.join('\n')}\n`;
}
