/**
 * Stream values <-> the plain stream format (the same shape as @replikit/rdb's StreamValue:
 * Buffers for names and elements, bigints for ids and counters), which RDB load/save, DUMP/RESTORE
 * and DEBUG RELOAD go through. Loading re-appends the live entries, so node boundaries follow this
 * server's limits (Redis keeps the writer's listpacks); tombstones are not part of the plain format.
 */
import type { CollectionValue } from '../command-api';
import type { PlainOf, ValueCodec } from './plain';
import { type IdKey, idKey, idPartBig } from './stream-id';
import { type StreamConsumer, type StreamGroup, type StreamNack, StreamValue, sortedIds } from './stream-value';

export interface PlainStreamId {
  ms: bigint;
  seq: bigint;
}

/** Structurally @replikit/rdb's StreamValue (the keyspace does not depend on the rdb package). */
export interface PlainStream {
  entries: Array<{ id: PlainStreamId; fields: Array<[Buffer, Buffer]> }>;
  length: bigint;
  lastId: PlainStreamId;
  firstId: PlainStreamId;
  maxDeletedId: PlainStreamId;
  entriesAdded: bigint;
  groups: Array<{
    name: Buffer;
    lastId: PlainStreamId;
    entriesRead: bigint;
    pel: Array<{ id: PlainStreamId; deliveryTime: bigint; deliveryCount: bigint }>;
    consumers: Array<{ name: Buffer; seenTime: bigint; activeTime?: bigint; pending: PlainStreamId[] }>;
  }>;
}

const ZERO: PlainStreamId = { ms: 0n, seq: 0n };
/** Missing parts of a plain stream default to an empty stream's. */
const EMPTY_PLAIN: PlainStream = { entries: [], length: 0n, lastId: ZERO, firstId: ZERO, maxDeletedId: ZERO, entriesAdded: 0n, groups: [] };

const toKey = (id: PlainStreamId): IdKey => idKey(id.ms, id.seq);
const toPlainId = (k: IdKey): PlainStreamId => ({ ms: idPartBig(k, 0), seq: idPartBig(k, 8) });
const str = (b: Buffer): string => b.toString('latin1');
const buf = (s: string): Buffer => Buffer.from(s, 'latin1');

/** A live stream from the plain format. */
export function streamFromPlain(plain: Partial<PlainStream>): StreamValue {
  const p = { ...EMPTY_PLAIN, ...plain };
  const s = new StreamValue();
  for (const e of p.entries) {
    const fields: string[] = [];
    for (const [f, v] of e.fields) fields.push(str(f), str(v));
    s.append(toKey(e.id), fields);
  }
  s.lastId = toKey(p.lastId);
  s.firstId = toKey(p.firstId);
  s.maxDeletedId = toKey(p.maxDeletedId);
  s.entriesAdded = Number(p.entriesAdded);
  for (const g of p.groups) {
    const group: StreamGroup = { name: str(g.name), lastId: toKey(g.lastId), entriesRead: Number(g.entriesRead), pel: new Map(), consumers: new Map() };
    for (const n of g.pel) group.pel.set(toKey(n.id), { consumer: null, deliveryTime: Number(n.deliveryTime), deliveryCount: Number(n.deliveryCount) });
    for (const c of g.consumers) {
      const consumer: StreamConsumer = { name: str(c.name), seenTime: Number(c.seenTime), pel: new Map() };
      for (const id of c.pending) {
        const k = toKey(id);
        const nack = group.pel.get(k);
        if (nack === undefined) continue;
        nack.consumer = consumer;
        consumer.pel.set(k, nack);
      }
      group.consumers.set(consumer.name, consumer);
    }
    // a NACK without an owner cannot be represented by Redis either (RDB load rejects it)
    for (const [k, n] of group.pel) if (n.consumer === null) group.pel.delete(k);
    s.groups.set(group.name, group);
  }
  return s;
}

/** The plain format of a live stream (fresh Buffers). */
export function streamToPlain(s: StreamValue): PlainStream {
  const entries: PlainStream['entries'] = [];
  s.forEachLive((e) => {
    const fields: Array<[Buffer, Buffer]> = [];
    for (let i = 0; i < e.fields.length; i += 2) fields.push([buf(e.fields[i]), buf(e.fields[i + 1])]);
    entries.push({ id: toPlainId(e.id), fields });
  });
  const groups: PlainStream['groups'] = [];
  for (const name of [...s.groups.keys()].sort()) {
    const g = s.groups.get(name) as StreamGroup;
    const pel = sortedIds(g.pel).map((k) => {
      const n = g.pel.get(k) as StreamNack;
      return { id: toPlainId(k), deliveryTime: BigInt(n.deliveryTime), deliveryCount: BigInt(n.deliveryCount) };
    });
    const consumers = [...g.consumers.keys()].sort().map((cn) => {
      const c = g.consumers.get(cn) as StreamConsumer;
      return { name: buf(c.name), seenTime: BigInt(c.seenTime), pending: sortedIds(c.pel).map(toPlainId) };
    });
    groups.push({ name: buf(g.name), lastId: toPlainId(g.lastId), entriesRead: BigInt(g.entriesRead), pel, consumers });
  }
  return {
    entries,
    length: BigInt(s.length),
    lastId: toPlainId(s.lastId),
    firstId: toPlainId(s.firstId),
    maxDeletedId: toPlainId(s.maxDeletedId),
    entriesAdded: BigInt(s.entriesAdded),
    groups,
  };
}

export const streamCodec: ValueCodec<'stream'> = {
  type: 'stream',
  fromPlain(plain: PlainOf<'stream'>): CollectionValue {
    return streamFromPlain(plain.value as PlainStream);
  },
  toPlain(value: CollectionValue): PlainOf<'stream'> {
    return { type: 'stream', value: streamToPlain(value as StreamValue) };
  },
};
