/**
 * Decoding of one value (the bytes after the type byte and the key), for every type of §9.6.
 *
 * Exports:
 *  - `readValue(cur, typeId, options)` → RdbValue, or null for an empty collection (Redis skips
 *    those keys on load); used by the streaming reader, may throw NEED_MORE.
 *  - `decodeValue(typeId, payload, rdbVersion, options?)` → RdbValue: one value from a complete
 *    buffer that must be consumed exactly (RESTORE of a DUMP payload: strip the type byte and the
 *    10-byte footer first). An empty collection is ERR_RDB_CORRUPT here.
 *  - `rdbTypeName(typeId)`, `RDB_TYPE` (the type ids).
 */
import { RdbCorruptError, RdbUnsupportedTypeError } from '../errors';
import { decodeIntset } from '../codec/intset';
import { intToBuffer } from '../codec/int-text';
import { decodeListpack, decodeListpackRaw } from '../codec/listpack';
import { decodeZiplist } from '../codec/ziplist';
import { decodeZipmap } from '../codec/zipmap';
import type { RdbValue } from '../model';
import { Cursor, DEFAULT_LIMITS, type ReaderLimits } from './cursor';
import { readStream } from './stream-value';

export const RDB_TYPE = Object.freeze({
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
  HASH_METADATA_PRE_GA: 22,
  HASH_LISTPACK_EX_PRE_GA: 23,
  HASH_METADATA: 24,
  HASH_LISTPACK_EX: 25,
});

const TYPE_NAMES: Record<number, string> = {};
for (const [k, v] of Object.entries(RDB_TYPE)) TYPE_NAMES[v] = k;

/** The rdb.h name of a value type id (`ZSET_LISTPACK`), or `unknown type N`. */
export function rdbTypeName(typeId: number): string {
  return TYPE_NAMES[typeId] ?? `unknown type ${typeId}`;
}

export interface ValueOptions {
  /** keep MODULE_2 values as raw bytes instead of failing with ERR_RDB_UNSUPPORTED_TYPE @default false */
  skipModules?: boolean;
  /**
   * reject duplicate set members, zset members and hash fields as ERR_RDB_CORRUPT: `true` for the
   * plain encodings (types 2-5), as Redis's loader does; `'all'` also for listpack/ziplist/zipmap
   * encodings (what Redis does only with sanitize-dump-payload yes); `false` never. @default true
   */
  checkDuplicates?: boolean | 'all';
}

function unsupported(typeId: number, at: number, why: string): never {
  throw new RdbUnsupportedTypeError(typeId, `cannot read RDB value type ${typeId} (${rdbTypeName(typeId)}): ${why}`, at);
}

function same2(a: Buffer, b: Buffer): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkUnique(items: Buffer[], step: number, what: string, at: number): void {
  const n = items.length;
  if (n <= step) return;
  if (n <= 8 * step) {
    for (let i = step; i < n; i += step) for (let j = 0; j < i; j += step) if (same2(items[i], items[j])) throw new RdbCorruptError(`duplicate ${what}`, at);
    return;
  }
  const seen = new Set<string>();
  for (let i = 0; i < n; i += step) {
    const k = items[i].toString('latin1');
    if (seen.has(k)) throw new RdbCorruptError(`duplicate ${what}`, at);
    seen.add(k);
  }
}

/** Parses a score written as text (ZSET type 3, ziplist/listpack scores): %.17g, inf, -inf. */
export function parseScore(text: Buffer, at: number): number {
  const s = text.toString('latin1').trim().toLowerCase();
  let v: number;
  if (s === 'inf' || s === '+inf' || s === 'infinity' || s === '+infinity') v = Infinity;
  else if (s === '-inf' || s === '-infinity') v = -Infinity;
  else v = s.length === 0 ? Number.NaN : Number(s);
  if (Number.isNaN(v)) throw new RdbCorruptError(`bad zset score "${s.slice(0, 40)}"`, at);
  return v;
}

function pairs<T>(items: Buffer[], at: number, what: string, map: (b: Buffer) => T): Array<[Buffer, T]> {
  if (items.length % 2 !== 0) throw new RdbCorruptError(`${what} with an odd number of elements`, at);
  const out: Array<[Buffer, T]> = new Array(items.length / 2);
  for (let i = 0, j = 0; i < items.length; i += 2, j++) out[j] = [items[i], map(items[i + 1])];
  return out;
}

const same = (b: Buffer) => b;

/** Reads one value of type `typeId` at the cursor. Null: an empty collection (Redis skips the key). */
export function readValue(cur: Cursor, typeId: number, options: ValueOptions): RdbValue | null {
  const at = cur.abs();
  const dups = options.checkDuplicates !== false;
  const dupsCompact = options.checkDuplicates === 'all';
  const maxItems = cur.limits.maxCollectionLength;
  switch (typeId) {
    case 0:
      return { type: 'string', value: cur.str() };
    case 1:
    case 2: {
      const n = cur.count(typeId === 1 ? 'list' : 'set');
      if (n === 0) return null;
      // never preallocate from a declared count: the bytes may not be there (or may never come)
      const items: Buffer[] = [];
      for (let i = 0; i < n; i++) items.push(cur.str());
      if (typeId === 1) return { type: 'list', value: items };
      if (dups) checkUnique(items, 1, 'set member', at);
      return { type: 'set', value: items };
    }
    case 3:
    case 5: {
      const n = cur.count('zset', typeId === 5 ? 9 : 2);
      if (n === 0) return null;
      const out: Array<[Buffer, number]> = [];
      for (let i = 0; i < n; i++) {
        const m = cur.str();
        let score: number;
        if (typeId === 5) {
          score = cur.doubleLE();
          if (Number.isNaN(score)) throw new RdbCorruptError('zset score is NaN', cur.abs(cur.pos - 8));
        } else {
          const p = cur.pos;
          const l = cur.u8();
          if (l === 253) throw new RdbCorruptError('zset score is NaN', cur.abs(p));
          if (l === 254) score = Infinity;
          else if (l === 255) score = -Infinity;
          else score = parseScore(cur.view(l), cur.abs(p));
        }
        out.push([m, score]);
      }
      if (dups) checkUnique(out.map((p) => p[0]), 1, 'zset member', at);
      return { type: 'zset', value: out };
    }
    case 4: {
      const n = cur.count('hash', 2);
      if (n === 0) return null;
      const out: Array<[Buffer, Buffer]> = [];
      for (let i = 0; i < n; i++) out.push([cur.str(), cur.str()]);
      if (dups) checkUnique(out.map((p) => p[0]), 1, 'hash field', at);
      return { type: 'hash', value: out };
    }
    case 6:
      return unsupported(typeId, at, 'pre-GA module values are not self-describing');
    case 7:
      if (!options.skipModules) return unsupported(typeId, at, 'a module value (pass skipModules to keep it as raw bytes)');
      return readModuleValue(cur);
    case 9: {
      const blob = cur.blob();
      const v = decodeZipmap(blob, cur.abs() - blob.length, maxItems);
      if (v.length === 0) return null;
      if (dupsCompact) checkUnique(v.map((p) => p[0]), 1, 'hash field', at);
      return { type: 'hash', value: cur.copy ? v.map(([f, x]) => [Buffer.from(f), Buffer.from(x)]) : v };
    }
    case 17: {
      // listpack zset: integer scores come as numbers, no text round trip
      const blob = cur.blob();
      const raw = decodeListpackRaw(blob, cur.abs() - blob.length, maxItems);
      if (raw.length === 0) return null;
      if (raw.length % 2 !== 0) throw new RdbCorruptError('zset with an odd number of elements', at);
      const out: Array<[Buffer, number]> = [];
      for (let i = 0; i < raw.length; i += 2) {
        const m = raw[i];
        const sc = raw[i + 1];
        const member = typeof m === 'object' ? (cur.copy ? Buffer.from(m) : m) : intToBuffer(m);
        out.push([member, typeof sc === 'object' ? parseScore(sc, at) : Number(sc)]);
      }
      if (dupsCompact) checkUnique(out.map((p) => p[0]), 1, 'zset member', at);
      return { type: 'zset', value: out };
    }
    case 10:
    case 12:
    case 13:
    case 16:
    case 20: {
      const blob = cur.blob();
      const off = cur.abs() - blob.length;
      let items = typeId <= 13 ? decodeZiplist(blob, off, maxItems) : decodeListpack(blob, off, maxItems);
      if (items.length === 0) return null;
      if (cur.copy) items = items.map((b) => Buffer.from(b));
      if (typeId === 10) return { type: 'list', value: items };
      if (typeId === 20) {
        if (dupsCompact) checkUnique(items, 1, 'set member', at);
        return { type: 'set', value: items };
      }
      if (typeId === 13 || typeId === 16) {
        if (dupsCompact) checkUnique(items, 2, 'hash field', at);
        return { type: 'hash', value: pairs(items, at, 'hash', same) };
      }
      if (dupsCompact) checkUnique(items, 2, 'zset member', at);
      return { type: 'zset', value: pairs(items, at, 'zset', (b) => parseScore(b, at)) };
    }
    case 11: {
      const blob = cur.blob();
      return { type: 'set', value: decodeIntset(blob, cur.abs() - blob.length) };
    }
    case 14:
    case 18: {
      const nodes = cur.count('quicklist nodes', typeId === 18 ? 2 : 1);
      const items: Buffer[] = [];
      for (let i = 0; i < nodes; i++) {
        let container = 2;
        if (typeId === 18) {
          const p = cur.pos;
          container = cur.len();
          if (container !== 1 && container !== 2) throw new RdbCorruptError(`bad quicklist node container ${container}`, cur.abs(p));
        }
        if (container === 1) {
          items.push(cur.str());
        } else {
          const blob = cur.blob();
          const off = cur.abs() - blob.length;
          const part = typeId === 14 ? decodeZiplist(blob, off, maxItems) : decodeListpack(blob, off, maxItems);
          for (const b of part) items.push(cur.copy ? Buffer.from(b) : b);
        }
        if (items.length > maxItems) throw new RdbCorruptError('quicklist longer than the collection limit', at);
      }
      if (items.length === 0) return null;
      return { type: 'list', value: items };
    }
    case 15:
    case 19:
    case 21:
      return { type: 'stream', value: readStream(cur, typeId) };
    case 22:
    case 23:
    case 24:
    case 25:
      return unsupported(typeId, at, 'hashes with field expiration (Redis 7.4) are not supported');
    default:
      return unsupported(typeId, at, 'unknown value type');
  }
}

/** MODULE_2: `<len moduleid> { <len opcode> <value> }* <len 0>`, kept as raw bytes after the module id. */
function readModuleValue(cur: Cursor): RdbValue {
  const moduleId = cur.lenBig();
  const start = cur.pos;
  skipModuleData(cur);
  const raw = Buffer.from(cur.buf.subarray(start, cur.pos));
  return { type: 'module', moduleId, raw };
}

/** Skips a module's serialized data (the opcode series ending with opcode 0, EOF). */
export function skipModuleData(cur: Cursor): void {
  for (;;) {
    const p = cur.pos;
    const op = cur.len();
    switch (op) {
      case 0:
        return;
      case 1:
      case 2:
        cur.lenBig();
        break;
      case 3:
        cur.floatLE();
        break;
      case 4:
        cur.doubleLE();
        break;
      case 5:
        cur.blob();
        break;
      default:
        throw new RdbCorruptError(`unknown module data opcode ${op}`, cur.abs(p));
    }
  }
}

/**
 * Decodes one value of type `typeId` from `payload`, which must hold exactly that value (no type
 * byte, no DUMP footer). For RESTORE: `decodeValue(p[0], p.subarray(1, p.length - 10), p.readUInt16LE(p.length - 10))`.
 * Raw strings in the result are views into `payload`.
 */
export function decodeValue(
  typeId: number,
  payload: Buffer,
  rdbVersion: number,
  options: ValueOptions & { limits?: Partial<ReaderLimits> } = {},
): RdbValue {
  void rdbVersion; // every value encoding is self-identified by its type id; kept for API symmetry
  const cur = new Cursor({ ...DEFAULT_LIMITS, ...options.limits });
  cur.reset(payload, 0, payload.length, 0, true);
  const v = readValue(cur, typeId, options);
  if (v === null) throw new RdbCorruptError(`empty ${rdbTypeName(typeId)} value`, 0);
  if (cur.pos !== payload.length) throw new RdbCorruptError(`${payload.length - cur.pos} bytes after the value`, cur.pos);
  return v;
}
