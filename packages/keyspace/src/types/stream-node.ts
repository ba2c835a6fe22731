/**
 * The entries of one stream node packed into one byte buffer, like the listpack of a Redis
 * radix-tree node (t_stream.c): no JS object per entry. An entry costs its bytes in the node's
 * buffer and a Smi in the node's offset array, so a long stream keeps no per-entry heap objects for
 * the garbage collector to copy, promote and mark; entries are built as objects only when read.
 *
 * Record of one entry, at `offs[i]` in `buf`:
 *
 *   flags (1 byte: DELETED, SAME = the node's field names, HEAP = kept as strings)
 *   id    (16 bytes, the big-endian IdKey bytes)
 *   SAME: value*                      (one per field of the node's master entry)
 *   else: count, (field, value)*      (count = number of pairs)
 *   HEAP: index into `heap`           (fields with a char above 0xff cannot be bytes)
 *
 * Counts, lengths and indexes are LEB128 varints, strings are latin1 bytes after their length.
 */
import { type IdKey, idPart } from './stream-id';
import { binaryString, writeBinaryChecked } from '@replikit/resp/internal';

export interface StreamEntry {
  readonly id: IdKey;
  /** field, value, field, value ... */
  readonly fields: readonly string[];
  /** always false for an entry read from a node: reads skip tombstones */
  readonly deleted: boolean;
}

export interface StreamNode {
  /** the id of the node's first entry (its radix-tree key) */
  readonly master: IdKey;
  /** the master id's halves (listpack entries store their ids as deltas from them) */
  readonly masterMs: number | bigint;
  readonly masterSeq: number | bigint;
  readonly masterFields: readonly string[];
  /** entry records, `used` bytes of it in use */
  buf: Latin1Buffer;
  used: number;
  /** record offsets of every entry of the node, tombstones included, in id order */
  offs: number[];
  /** fields of entries that are not binary strings (HEAP records), rarely used */
  heap: Array<readonly string[]> | undefined;
  live: number;
  deleted: number;
  /** listpack bytes except the live/deleted counters */
  body: number;
}

export interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

const DELETED = 1;
const SAME = 2;
const HEAP = 4;
const ID_AT = 1;
const BODY_AT = 17;
const MIN_CAPACITY = 128;
/** A larger first buffer is never taken from the previous node: one huge entry must not make every node huge. */
const MAX_INHERITED_CAPACITY = 16384;
const fc = String.fromCharCode;

/**
 * Buffers of nodes a trim removed, reused for new nodes: a stream that is appended to and trimmed
 * (XADD MAXLEN) then allocates no buffers at all. A removed node is owned by its stream alone
 * (clones copy their buffers, reads copy the bytes out), so nothing still points into them.
 */
const spare: Latin1Buffer[] = [];
const MAX_SPARE = 16;

function alloc(n: number): Latin1Buffer {
  for (let i = spare.length - 1; i >= 0; i--) {
    const b = spare[i];
    if (b.length >= n && b.length <= n * 4) {
      spare[i] = spare[spare.length - 1];
      spare.pop();
      return b;
    }
  }
  return Buffer.allocUnsafeSlow(n) as Latin1Buffer;
}

/** Hands the buffer of a node that left its stream for reuse; the node must not be used after. */
export function releaseNode(n: StreamNode): void {
  if (spare.length < MAX_SPARE && n.buf.length <= MAX_INHERITED_CAPACITY) spare.push(n.buf);
  n.used = 0;
  n.offs.length = 0;
}

/**
 * A new node; its buffer starts as large as the previous node's records (`prevUsed`, bounded), so a
 * stream of similar entries allocates one buffer per node instead of growing each one.
 */
export function createNode(master: IdKey, masterFields: readonly string[], body: number, prevUsed = 0): StreamNode {
  let cap = MIN_CAPACITY;
  while (cap < prevUsed && cap < MAX_INHERITED_CAPACITY) cap *= 2;
  return { master, masterMs: idPart(master, 0), masterSeq: idPart(master, 8), masterFields, buf: alloc(cap), used: 0, offs: [], heap: undefined, live: 0, deleted: 0, body };
}

/** A deep copy (own buffer). */
export function cloneNode(n: StreamNode): StreamNode {
  const buf = alloc(Math.max(MIN_CAPACITY, n.used));
  n.buf.copy(buf, 0, 0, n.used);
  return { ...n, buf, offs: n.offs.slice(), heap: n.heap?.slice() };
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, p: number, v: number): number {
  while (v >= 128) {
    buf[p++] = (v & 127) | 128;
    v = Math.floor(v / 128);
  }
  buf[p++] = v;
  return p;
}

function reserve(n: StreamNode, extra: number): void {
  const need = n.used + extra;
  if (need <= n.buf.length) return;
  let cap = n.buf.length * 2;
  while (cap < need) cap *= 2;
  const buf = alloc(cap);
  n.buf.copy(buf, 0, 0, n.used);
  n.buf = buf;
}

/** Writes `s` (length, bytes) at `p`; the end, or -1 when `s` has a char above 0xff. */
function writeString(buf: Latin1Buffer, p: number, s: string): number {
  const len = s.length;
  p = writeVarint(buf, p, len);
  return writeBinaryChecked(buf, p, s) ? p + len : -1;
}

/**
 * Appends the entry `id` with the fields `argv[from..]` (field, value, ...); `same`: its field
 * names are the node's master fields, only the values are stored.
 */
export function appendEntry(n: StreamNode, id: IdKey, argv: readonly string[], from: number, same: boolean): void {
  let size = BODY_AT + 5;
  for (let i = same ? from + 1 : from; i < argv.length; i += same ? 2 : 1) size += varintSize(argv[i].length) + argv[i].length;
  reserve(n, size);
  const buf = n.buf;
  const at = n.used;
  for (let i = 0; i < 16; i++) buf[at + ID_AT + i] = id.charCodeAt(i);
  let p = at + BODY_AT;
  if (same) {
    buf[at] = SAME;
    for (let i = from + 1; i < argv.length && p >= 0; i += 2) p = writeString(buf, p, argv[i]);
  } else {
    buf[at] = 0;
    p = writeVarint(buf, p, (argv.length - from) / 2);
    for (let i = from; i < argv.length && p >= 0; i++) p = writeString(buf, p, argv[i]);
  }
  if (p < 0) {
    // not bytes: the strings themselves are kept
    buf[at] = HEAP;
    n.heap ??= [];
    p = writeVarint(buf, at + BODY_AT, n.heap.length);
    n.heap.push(argv.slice(from));
  }
  n.offs.push(at);
  n.used = p;
}

export function isDeleted(n: StreamNode, i: number): boolean {
  return (n.buf[n.offs[i]] & DELETED) !== 0;
}

export function markDeleted(n: StreamNode, i: number): void {
  n.buf[n.offs[i]] |= DELETED;
}

/** The id of entry `i`. */
export function entryId(n: StreamNode, i: number): IdKey {
  const b = n.buf;
  const p = n.offs[i] + ID_AT;
  return fc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14], b[p + 15]);
}

/** Entry `i`'s id compared with `key`: < 0, 0, > 0. */
export function compareId(n: StreamNode, i: number, key: IdKey): number {
  const b = n.buf;
  const p = n.offs[i] + ID_AT;
  for (let j = 0; j < 16; j++) {
    const d = b[p + j] - key.charCodeAt(j);
    if (d !== 0) return d;
  }
  return 0;
}

/** The searched key as four big-endian 32-bit words (compared a word at a time). */
const keyWords = [0, 0, 0, 0];

/** Entry `i`'s id compared with the key in `keyWords`: < 0, 0, > 0. */
function compareWords(b: Buffer, at: number): number {
  const p = at + ID_AT;
  for (let w = 0; w < 4; w++) {
    const q = p + w * 4;
    const v = ((b[q] << 24) | (b[q + 1] << 16) | (b[q + 2] << 8) | b[q + 3]) >>> 0;
    if (v !== keyWords[w]) return v < keyWords[w] ? -1 : 1;
  }
  return 0;
}

/** Index of the first entry whose id is >= key (or > key with `upper`). */
export function searchId(n: StreamNode, key: IdKey, upper: boolean): number {
  for (let w = 0; w < 4; w++) {
    const j = w * 4;
    keyWords[w] = ((key.charCodeAt(j) << 24) | (key.charCodeAt(j + 1) << 16) | (key.charCodeAt(j + 2) << 8) | key.charCodeAt(j + 3)) >>> 0;
  }
  const b = n.buf;
  const offs = n.offs;
  let lo = 0;
  let hi = offs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compareWords(b, offs[mid]);
    if (c < 0 || (upper && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function readVarint(b: Buffer, p: number, out: { p: number }): number {
  let v = 0;
  let mul = 1;
  for (;;) {
    const c = b[p++];
    v += (c & 127) * mul;
    if (c < 128) break;
    mul *= 128;
  }
  out.p = p;
  return v;
}

const cursor = { p: 0 };

function readString(b: Latin1Buffer): string {
  const len = readVarint(b, cursor.p, cursor);
  const p = cursor.p;
  cursor.p = p + len;
  return binaryString(b, p, len);
}

/** The fields of entry `i` (field, value, ...), fresh strings except the node's field names. */
export function entryFields(n: StreamNode, i: number): string[] {
  const b = n.buf;
  const at = n.offs[i];
  const flags = b[at];
  if (flags & HEAP) return (n.heap as Array<readonly string[]>)[readVarint(b, at + BODY_AT, cursor)].slice();
  cursor.p = at + BODY_AT;
  const out: string[] = [];
  if (flags & SAME) {
    const names = n.masterFields;
    for (let k = 0; k < names.length; k++) out.push(names[k], readString(b));
  } else {
    const pairs = readVarint(b, cursor.p, cursor);
    for (let k = 0; k < pairs * 2; k++) out.push(readString(b));
  }
  return out;
}

/** Entry `i` as an object. */
export function readEntry(n: StreamNode, i: number): StreamEntry {
  return { id: entryId(n, i), fields: entryFields(n, i), deleted: false };
}
