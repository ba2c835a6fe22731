/**
 * STREAM_LISTPACKS_2 (type 19, protocol.md §9.13) from the StreamValue model: entries are packed
 * into listpack nodes like t_stream.c's streamAppendItem (master entry with the node's first
 * field names, SAMEFIELDS entries, lp-count), at most 100 entries / ~4 KiB per node; groups,
 * consumers and PELs in Redis's (rax) order. Inconsistencies that would corrupt a real Redis
 * (unordered ids, duplicate groups/consumers/PEL ids, a consumer PEL id missing from its group
 * PEL, a group PEL entry owned by no or two consumers) are RdbWriteErrors.
 */
import { encodeListpack } from '../codec/listpack';
import type { StreamEntry, StreamId, StreamValue } from '../model';
import { STREAM_NODE_MAX_BYTES, STREAM_NODE_MAX_ENTRIES } from './defaults';
import type { OutputBuffer } from './output-buffer';
import { writeRdbString } from './string-writer';
import { fail, show } from './validate';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const FLAG_SAMEFIELDS = 2;
const SMALL: Buffer[] = [];
for (let i = 0; i < 256; i++) SMALL.push(Buffer.from(String(i), 'latin1'));

function num(v: number | bigint): Buffer {
  if (typeof v === 'number' && v >= 0 && v < 256) return SMALL[v];
  return Buffer.from(String(v), 'latin1');
}

export function compareIds(a: StreamId, b: StreamId): number {
  return a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
}

function idText(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

function idKey(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

function checkId(id: StreamId, what: string): void {
  if (typeof id?.ms !== 'bigint' || typeof id.seq !== 'bigint' || id.ms < 0n || id.seq < 0n || id.ms > U64_MAX || id.seq > U64_MAX) {
    fail(`${what}: stream ids are two uint64 bigints`);
  }
}

function sameFields(a: StreamEntry, b: StreamEntry): boolean {
  if (a.fields.length !== b.fields.length) return false;
  for (let i = 0; i < a.fields.length; i++) if (!a.fields[i][0].equals(b.fields[i][0])) return false;
  return true;
}

function entryBytes(e: StreamEntry): number {
  let n = 16;
  for (const [f, v] of e.fields) n += f.length + v.length + 4;
  return n;
}

/** Splits the entries into listpack nodes and encodes each node. */
function buildNodes(entries: ReadonlyArray<StreamEntry>): Array<{ master: StreamId; lp: Buffer }> {
  const nodes: Array<{ master: StreamId; lp: Buffer }> = [];
  let start = 0;
  while (start < entries.length) {
    let end = start + 1;
    let bytes = entryBytes(entries[start]);
    while (end < entries.length && end - start < STREAM_NODE_MAX_ENTRIES) {
      const b = entryBytes(entries[end]);
      if (bytes + b >= STREAM_NODE_MAX_BYTES) break;
      bytes += b;
      end++;
    }
    nodes.push(encodeNode(entries, start, end));
    start = end;
  }
  return nodes;
}

function encodeNode(entries: ReadonlyArray<StreamEntry>, start: number, end: number): { master: StreamId; lp: Buffer } {
  const first = entries[start];
  const master = first.id;
  const items: Buffer[] = [num(end - start), num(0), num(first.fields.length)];
  for (const [f] of first.fields) items.push(f);
  items.push(num(0));
  for (let i = start; i < end; i++) {
    const e = entries[i];
    const same = sameFields(e, first);
    // like Redis (t_stream.c): the deltas are uint64 differences stored as int64, i.e. wrapped
    // modulo 2^64, so 0-1 followed by 18446744073709551615-0 share a node (ms delta -1)
    items.push(num(same ? FLAG_SAMEFIELDS : 0), num(BigInt.asIntN(64, e.id.ms - master.ms)), num(BigInt.asIntN(64, e.id.seq - master.seq)));
    if (same) {
      for (const [, v] of e.fields) items.push(v);
    } else {
      items.push(num(e.fields.length));
      for (const [f, v] of e.fields) items.push(f, v);
    }
    items.push(num(same ? e.fields.length + 3 : 2 * e.fields.length + 4));
  }
  return { master, lp: encodeListpack(items) };
}

function validateStream(s: StreamValue): void {
  if (typeof s.length !== 'bigint' || BigInt(s.entries.length) !== s.length) {
    fail(`stream length ${String(s.length)} does not match its ${s.entries.length} entries`);
  }
  for (const id of [s.lastId, s.firstId, s.maxDeletedId]) checkId(id, 'stream metadata');
  for (let i = 0; i < s.entries.length; i++) {
    const e = s.entries[i];
    checkId(e.id, 'stream entry');
    if (i > 0 && compareIds(s.entries[i - 1].id, e.id) >= 0) fail(`stream entry ids not strictly ascending at ${idText(e.id)}`);
    if (e.fields.length === 0) fail(`stream entry ${idText(e.id)} has no fields`);
  }
  if (s.entries.length > 0 && compareIds(s.entries[s.entries.length - 1].id, s.lastId) > 0) {
    fail(`stream lastId ${idText(s.lastId)} is below its last entry`);
  }
  const groupNames = new Set<string>();
  for (const g of s.groups) {
    const gname = g.name.toString('latin1');
    if (groupNames.has(gname)) fail(`duplicate stream consumer group ${show(g.name)}`);
    groupNames.add(gname);
    checkId(g.lastId, 'consumer group');
    const owners = new Map<string, number>();
    for (const p of g.pel) {
      checkId(p.id, 'group PEL');
      const k = idKey(p.id);
      if (owners.has(k)) fail(`duplicate PEL id ${k} in group ${show(g.name)}`);
      owners.set(k, 0);
    }
    const consumerNames = new Set<string>();
    for (const c of g.consumers) {
      const cname = c.name.toString('latin1');
      if (consumerNames.has(cname)) fail(`duplicate consumer ${show(c.name)} in group ${show(g.name)}`);
      consumerNames.add(cname);
      for (const id of c.pending) {
        const k = idKey(id);
        const n = owners.get(k);
        if (n === undefined) fail(`consumer ${show(c.name)} has pending id ${k} missing from the group PEL`);
        if (n > 0) fail(`pending id ${k} of group ${show(g.name)} belongs to two consumers`);
        owners.set(k, 1);
      }
    }
    for (const [k, n] of owners) if (n === 0) fail(`group PEL id ${k} of ${show(g.name)} has no consumer`);
  }
}

function writeId(out: OutputBuffer, id: StreamId): void {
  out.lenBig(id.ms);
  out.lenBig(id.seq);
}

export function writeStream(out: OutputBuffer, s: StreamValue, compress: boolean): void {
  validateStream(s);
  const nodes = buildNodes(s.entries);
  const key = Buffer.allocUnsafe(16);
  out.len(nodes.length);
  for (const n of nodes) {
    key.writeBigUInt64BE(n.master.ms, 0);
    key.writeBigUInt64BE(n.master.seq, 8);
    writeRdbString(out, key, false);
    writeRdbString(out, n.lp, compress);
  }
  out.lenBig(s.length);
  writeId(out, s.lastId);
  writeId(out, s.firstId);
  writeId(out, s.maxDeletedId);
  out.lenBig(s.entriesAdded);
  const groups = s.groups.slice().sort((a, b) => Buffer.compare(a.name, b.name));
  out.len(groups.length);
  for (const g of groups) {
    writeRdbString(out, g.name, compress);
    writeId(out, g.lastId);
    out.lenBig(g.entriesRead < 0n ? U64_MAX : g.entriesRead);
    const pel = g.pel.slice().sort((a, b) => compareIds(a.id, b.id));
    out.len(pel.length);
    for (const p of pel) {
      out.streamIdRaw(p.id.ms, p.id.seq);
      out.u64leBig(BigInt.asUintN(64, p.deliveryTime));
      out.lenBig(p.deliveryCount);
    }
    const consumers = g.consumers.slice().sort((a, b) => Buffer.compare(a.name, b.name));
    out.len(consumers.length);
    for (const c of consumers) {
      writeRdbString(out, c.name, compress);
      out.u64leBig(BigInt.asUintN(64, c.seenTime));
      const ids = c.pending.slice().sort(compareIds);
      out.len(ids.length);
      for (const id of ids) out.streamIdRaw(id.ms, id.seq);
    }
  }
}
