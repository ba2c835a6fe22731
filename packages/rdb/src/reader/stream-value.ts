/**
 * Stream values: STREAM_LISTPACKS (15), STREAM_LISTPACKS_2 (19), STREAM_LISTPACKS_3 (21),
 * protocol.md §9.13. Exports `readStream(cur, typeId)`.
 *
 * Checks what Redis's loader checks (16-byte node keys, non-empty node listpacks, consumer PEL ids
 * present once in the group PEL) plus the per-node bookkeeping (master entry live/deleted counts,
 * each entry's lp-count) and that the live entries add up to the stream length.
 */
import { RdbCorruptError } from '../errors';
import { intToBuffer } from '../codec/int-text';
import { decodeListpackRaw, listpackIntValue } from '../codec/listpack';
import type { StreamConsumer, StreamEntry, StreamGroup, StreamId, StreamPendingEntry, StreamValue } from '../model';
import type { Cursor } from './cursor';

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
const ZERO_ID: StreamId = Object.freeze({ ms: 0n, seq: 0n }) as StreamId;

type Item = Buffer | number | bigint;

let copyItems = false;
function itemText(item: Item): Buffer {
  if (typeof item !== 'object') return intToBuffer(item);
  return copyItems ? Buffer.from(item) : item;
}

export function readStream(cur: Cursor, typeId: number): StreamValue {
  const start = cur.pos;
  copyItems = cur.copy;
  const nodes = cur.count('stream listpacks', 2);
  const entries: StreamEntry[] = [];
  for (let n = 0; n < nodes; n++) {
    const keyAt = cur.abs();
    const nodeKey = cur.blob();
    if (nodeKey.length !== 16) throw new RdbCorruptError(`stream node key of ${nodeKey.length} bytes (expected 16)`, keyAt);
    const masterMs = nodeKey.readBigUInt64BE(0);
    const masterSeq = nodeKey.readBigUInt64BE(8);
    const lpAt = cur.abs();
    const lp = cur.blob();
    const items = decodeListpackRaw(lp, cur.abs() - lp.length, cur.limits.maxCollectionLength);
    readNode(items, masterMs, masterSeq, entries, lpAt);
  }
  const length = cur.lenBig();
  const lastId = { ms: cur.lenBig(), seq: cur.lenBig() };
  let firstId: StreamId;
  let maxDeletedId: StreamId;
  let entriesAdded: bigint;
  if (typeId >= 19) {
    firstId = { ms: cur.lenBig(), seq: cur.lenBig() };
    maxDeletedId = { ms: cur.lenBig(), seq: cur.lenBig() };
    entriesAdded = cur.lenBig();
  } else {
    firstId = entries.length > 0 ? { ...entries[0].id } : { ...ZERO_ID };
    maxDeletedId = { ...ZERO_ID };
    entriesAdded = length;
  }
  if (BigInt(entries.length) !== length) {
    throw new RdbCorruptError(`stream length ${length} but its listpacks hold ${entries.length} live entries`, cur.abs(start));
  }
  const groupCount = cur.count('stream consumer groups', 5);
  const groups: StreamGroup[] = [];
  for (let g = 0; g < groupCount; g++) {
    const name = cur.str();
    const groupLastId = { ms: cur.lenBig(), seq: cur.lenBig() };
    const entriesRead = typeId >= 19 ? BigInt.asIntN(64, cur.lenBig()) : -1n;
    const pelCount = cur.count('stream group PEL', 25);
    const pel: StreamPendingEntry[] = [];
    const pelIndex = new Map<string, number>(); // raw id -> 0 unclaimed / 1 claimed by a consumer
    for (let i = 0; i < pelCount; i++) {
      const at = cur.abs();
      const raw = cur.view(16);
      const key = raw.toString('latin1');
      if (pelIndex.has(key)) throw new RdbCorruptError('duplicate entry in a stream group PEL', at);
      pelIndex.set(key, 0);
      const id = { ms: raw.readBigUInt64BE(0), seq: raw.readBigUInt64BE(8) };
      const deliveryTime = cur.int64LEBig();
      const deliveryCount = cur.lenBig();
      pel.push({ id, deliveryTime, deliveryCount });
    }
    const consumerCount = cur.count('stream consumers', 10);
    const consumers: StreamConsumer[] = [];
    for (let c = 0; c < consumerCount; c++) {
      const cname = cur.str();
      const seenTime = cur.int64LEBig();
      const activeTime = typeId >= 21 ? cur.int64LEBig() : undefined; // active_time (7.2+)
      const n = cur.count('stream consumer PEL', 16);
      const pending: StreamId[] = [];
      for (let i = 0; i < n; i++) {
        const at = cur.abs();
        const raw = cur.view(16);
        const key = raw.toString('latin1');
        const state = pelIndex.get(key);
        if (state === undefined) throw new RdbCorruptError('consumer PEL entry missing from the group PEL', at);
        if (state === 1) throw new RdbCorruptError('stream PEL entry owned by two consumers', at);
        pelIndex.set(key, 1);
        pending.push({ ms: raw.readBigUInt64BE(0), seq: raw.readBigUInt64BE(8) });
      }
      consumers.push(activeTime === undefined ? { name: cname, seenTime, pending } : { name: cname, seenTime, activeTime, pending });
    }
    groups.push({ name, lastId: groupLastId, entriesRead, pel, consumers });
  }
  return { entries, length, lastId, firstId, maxDeletedId, entriesAdded, groups };
}

function readNode(items: Item[], masterMs: bigint, masterSeq: bigint, out: StreamEntry[], at: number): void {
  const total = items.length;
  const int = (i: number, what: string): number => {
    if (i >= total) throw new RdbCorruptError(`stream node ends inside ${what}`, at);
    const v = listpackIntValue(items[i]);
    if (v === null) throw new RdbCorruptError(`stream ${what} is not an integer`, at);
    return Number(v);
  };
  const big = (i: number, what: string): bigint => {
    if (i >= total) throw new RdbCorruptError(`stream node ends inside ${what}`, at);
    const v = listpackIntValue(items[i]);
    if (v === null) throw new RdbCorruptError(`stream ${what} is not an integer`, at);
    return BigInt(v);
  };
  if (total === 0) throw new RdbCorruptError('empty listpack inside a stream', at);
  const count = int(0, 'master count');
  const deleted = int(1, 'master deleted count');
  const numFields = int(2, 'master field count');
  if (numFields < 0 || 3 + numFields >= total) throw new RdbCorruptError('stream master entry past the end of its node', at);
  const masterFields: Buffer[] = [];
  for (let i = 0; i < numFields; i++) masterFields.push(itemText(items[3 + i]));
  if (int(3 + numFields, 'master terminator') !== 0) throw new RdbCorruptError('stream master entry not terminated by 0', at);
  let i = 4 + numFields;
  let live = 0;
  let dead = 0;
  while (i < total) {
    const first = i;
    const flags = int(i++, 'entry flags');
    // Redis computes the deltas in uint64 arithmetic and stores them as int64: add them back mod 2^64
    const ms = BigInt.asUintN(64, masterMs + big(i++, 'entry ms-diff'));
    const seq = BigInt.asUintN(64, masterSeq + big(i++, 'entry seq-diff'));
    let fields: Array<[Buffer, Buffer]>;
    if (flags & FLAG_SAMEFIELDS) {
      if (i + numFields > total) throw new RdbCorruptError('stream entry past the end of its node', at);
      fields = new Array(numFields);
      for (let f = 0; f < numFields; f++) fields[f] = [masterFields[f], itemText(items[i++])];
    } else {
      const nf = int(i++, 'entry field count');
      if (nf < 0 || i + 2 * nf > total) throw new RdbCorruptError('stream entry past the end of its node', at);
      fields = new Array(nf);
      for (let f = 0; f < nf; f++) {
        fields[f] = [itemText(items[i]), itemText(items[i + 1])];
        i += 2;
      }
    }
    const lpCount = int(i++, 'entry lp-count');
    if (lpCount !== i - first - 1) throw new RdbCorruptError(`stream entry lp-count ${lpCount} does not match its ${i - first - 1} elements`, at);
    if (flags & FLAG_DELETED) dead++;
    else {
      live++;
      out.push({ id: { ms, seq }, fields });
    }
  }
  if (live !== count || dead !== deleted) {
    throw new RdbCorruptError(`stream node says ${count} live / ${deleted} deleted entries, found ${live} / ${dead}`, at);
  }
}
