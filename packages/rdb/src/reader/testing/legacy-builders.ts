/**
 * Test helper: builds RDB bytes by hand, straight from the format description (protocol.md §9),
 * for encodings Redis 7.0 no longer writes (ziplist, zipmap, quicklist v1, LIST(1), ZSET(3) text
 * doubles, STREAM_LISTPACKS 15) and for 7.2/7.4 ones (SET_LISTPACK 20, STREAM_LISTPACKS_3 21,
 * SLOT_INFO). Independent of the reader and of the writer package code on purpose.
 */
import { crc64 } from '../../codec/crc64';
import { encodeLength, encodeString } from '../../codec/length';
import { encodeListpack } from '../../codec/listpack';

export type ZlItem = string | number | bigint | Buffer;

export const len = (n: number | bigint): Buffer => encodeLength(n);
export const str = (v: string | Buffer): Buffer => Buffer.concat(encodeString(Buffer.isBuffer(v) ? v : Buffer.from(v)));
/** a raw (never integer-encoded) RDB string */
export const rawStr = (v: string | Buffer): Buffer => {
  const b = Buffer.isBuffer(v) ? v : Buffer.from(v);
  return Buffer.concat([encodeLength(b.length), b]);
};
export const lzfStr = (v: string): Buffer => Buffer.concat(encodeString(Buffer.from(v), { compress: true }));

function zlEntry(prevlen: number, item: ZlItem): Buffer {
  const pl = prevlen < 254 ? Buffer.from([prevlen]) : Buffer.concat([Buffer.from([0xfe]), u32le(prevlen)]);
  let enc: Buffer;
  if (typeof item === 'number' || typeof item === 'bigint') {
    const v = BigInt(item);
    if (v >= 0n && v <= 12n) enc = Buffer.from([0xf1 + Number(v)]);
    else if (v >= -128n && v <= 127n) enc = Buffer.from([0xfe, Number(v) & 0xff]);
    else if (v >= -32768n && v <= 32767n) {
      enc = Buffer.alloc(3);
      enc[0] = 0xc0;
      enc.writeInt16LE(Number(v), 1);
    } else if (v >= -8388608n && v <= 8388607n) {
      enc = Buffer.alloc(4);
      enc[0] = 0xf0;
      enc.writeIntLE(Number(v), 1, 3);
    } else if (v >= -2147483648n && v <= 2147483647n) {
      enc = Buffer.alloc(5);
      enc[0] = 0xd0;
      enc.writeInt32LE(Number(v), 1);
    } else {
      enc = Buffer.alloc(9);
      enc[0] = 0xe0;
      enc.writeBigInt64LE(v, 1);
    }
  } else {
    const b = Buffer.isBuffer(item) ? item : Buffer.from(item);
    let h: Buffer;
    if (b.length < 64) h = Buffer.from([b.length]);
    else if (b.length < 16384) h = Buffer.from([0x40 | (b.length >> 8), b.length & 0xff]);
    else {
      h = Buffer.alloc(5);
      h[0] = 0x80;
      h.writeUInt32BE(b.length, 1);
    }
    enc = Buffer.concat([h, b]);
  }
  return Buffer.concat([pl, enc]);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** A ziplist of the given items (numbers/bigints as integer entries, strings as string entries). */
export function ziplist(items: ZlItem[]): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  let tail = 10;
  let off = 10;
  for (const it of items) {
    const e = zlEntry(prev, it);
    tail = off;
    off += e.length;
    prev = e.length;
    entries.push(e);
  }
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(10);
  head.writeUInt32LE(10 + body.length + 1, 0);
  head.writeUInt32LE(tail, 4);
  head.writeUInt16LE(Math.min(items.length, 65535), 8);
  return Buffer.concat([head, body, Buffer.from([0xff])]);
}

/** A zipmap; `free` adds that many junk free bytes after each value. */
export function zipmap(pairs: Array<[string, string]>, free = 0): Buffer {
  const parts: Buffer[] = [Buffer.from([Math.min(pairs.length, 254)])];
  const zl = (n: number) => (n < 254 ? Buffer.from([n]) : Buffer.concat([Buffer.from([0xfe]), u32le(n)]));
  for (const [k, v] of pairs) {
    parts.push(zl(k.length), Buffer.from(k), zl(v.length), Buffer.from([free]), Buffer.from(v), Buffer.alloc(free, 0x2a));
  }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

/** An intset of the given width. */
export function intset(values: Array<number | bigint>, width: 2 | 4 | 8): Buffer {
  const sorted = [...values].map(BigInt).sort((a, b) => (a < b ? -1 : 1));
  const b = Buffer.alloc(8 + sorted.length * width);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(sorted.length, 4);
  sorted.forEach((v, i) => {
    if (width === 2) b.writeInt16LE(Number(v), 8 + i * 2);
    else if (width === 4) b.writeInt32LE(Number(v), 8 + i * 4);
    else b.writeBigInt64LE(v, 8 + i * 8);
  });
  return b;
}

/** A text double of ZSET (type 3): 1-byte length + ASCII, or 253/254/255 for NaN/+inf/-inf. */
export function textDouble(v: number | string): Buffer {
  if (v === Infinity) return Buffer.from([254]);
  if (v === -Infinity) return Buffer.from([255]);
  const t = Buffer.from(String(v));
  return Buffer.concat([Buffer.from([t.length]), t]);
}

export interface StreamNodeEntry {
  ms: bigint;
  seq: bigint;
  fields: Array<[string, string]>;
  deleted?: boolean;
}

/** A stream node: 16-byte big-endian master id key + listpack (master entry then entries). */
export function streamNode(entries: StreamNodeEntry[]): Buffer[] {
  const master = entries[0];
  const masterFields = master.fields.map(([f]) => f);
  const live = entries.filter((e) => !e.deleted).length;
  const items: string[] = [String(live), String(entries.length - live), String(masterFields.length), ...masterFields, '0'];
  for (const e of entries) {
    const same = e.fields.length === masterFields.length && e.fields.every(([f], i) => f === masterFields[i]);
    const flags = (e.deleted ? 1 : 0) | (same ? 2 : 0);
    const before = items.length;
    items.push(String(flags), String(e.ms - master.ms), String(e.seq - master.seq));
    if (same) for (const [, v] of e.fields) items.push(v);
    else {
      items.push(String(e.fields.length));
      for (const [f, v] of e.fields) items.push(f, v);
    }
    items.push(String(items.length - before));
  }
  const key = Buffer.alloc(16);
  key.writeBigUInt64BE(master.ms, 0);
  key.writeBigUInt64BE(master.seq, 8);
  return [rawStr(key), rawStr(encodeListpack(items.map((x) => Buffer.from(x))))];
}

/** A raw 16-byte stream id. */
export function rawId(ms: bigint, seq: bigint): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(ms, 0);
  b.writeBigUInt64BE(seq, 8);
  return b;
}

export function i64le(v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(v), 0);
  return b;
}

export function i32le(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v, 0);
  return b;
}

export function listpack(items: string[]): Buffer {
  return encodeListpack(items.map((x) => Buffer.from(x)));
}

/** A whole RDB: header, the given body parts, 0xFF and (version ≥ 5) the CRC64. */
export function rdbFile(version: number, body: Buffer[], checksum = true): Buffer {
  const head = Buffer.from(`REDIS${String(version).padStart(4, '0')}`, 'latin1');
  const data = Buffer.concat([head, ...body, Buffer.from([0xff])]);
  if (version < 5) return data;
  const crc = Buffer.alloc(8);
  if (checksum) crc.writeBigUInt64LE(crc64(data), 0);
  return Buffer.concat([data, crc]);
}
