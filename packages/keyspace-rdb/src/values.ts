/**
 * Stored keyspace values <-> @replikit/rdb values, element by element, with no plain-value copy
 * in between. Keys and elements are binary (latin1) strings on the keyspace side and Buffers on the
 * RDB side. Streams are kept opaquely by the keyspace (OpaqueStreamValue holds the RDB StreamValue),
 * so a stream round-trips unchanged.
 */
import { type CollectionValue, OpaqueStreamValue, type StoredValue } from '@replikit/keyspace';
import { HashValue, ListValue, SetValue, ZSetValue } from '@replikit/keyspace/internal';
import type { RdbValue, StreamValue } from '@replikit/rdb';
import { UnsupportedValueTypeError } from './errors';

const toBuf = (s: string): Buffer => Buffer.from(s, 'latin1');
const toStr = (b: Buffer): string => b.toString('latin1');

/** A stored value as an RDB value (what the RDB writer and DUMP take). The Buffers are fresh copies. */
export function storedToRdbValue(v: StoredValue): RdbValue {
  if (typeof v === 'string') return { type: 'string', value: toBuf(v) };
  switch ((v as CollectionValue).type) {
    case 'list': {
      const l = v as ListValue;
      const out: Buffer[] = new Array(l.size);
      for (let i = 0; i < out.length; i++) out[i] = toBuf(l.get(i) as string);
      return { type: 'list', value: out };
    }
    case 'set': {
      // an intset is written in numeric order, like Redis's (toArray sorts only in that case)
      return { type: 'set', value: (v as SetValue).toArray().map(toBuf) };
    }
    case 'hash': {
      const h = v as HashValue;
      const out: Array<[Buffer, Buffer]> = new Array(h.size);
      let i = 0;
      for (const [f, val] of h.entries()) out[i++] = [toBuf(f), toBuf(val)];
      return { type: 'hash', value: out };
    }
    case 'zset': {
      const z = v as ZSetValue;
      const out: Array<[Buffer, number]> = new Array(z.size);
      let i = 0;
      for (let x = z.sl.first(); x !== null; x = x.forward[0]) out[i++] = [toBuf(x.member), x.score];
      return { type: 'zset', value: out };
    }
    case 'stream':
      return { type: 'stream', value: (v as OpaqueStreamValue).payload as StreamValue };
    default:
      throw new UnsupportedValueTypeError((v as CollectionValue).type);
  }
}

const own = (b: Buffer): Buffer => Buffer.from(b);

/**
 * A stream whose Buffers are its own: the RDB reader hands out views into its input chunks, and a
 * stored stream is kept as is, so without copies it would pin (and follow changes to) those chunks.
 */
function ownStream(s: StreamValue): StreamValue {
  return {
    ...s,
    entries: s.entries.map((e) => ({ id: e.id, fields: e.fields.map(([f, x]) => [own(f), own(x)] as [Buffer, Buffer]) })),
    groups: s.groups.map((g) => ({
      ...g,
      name: own(g.name),
      pel: g.pel.map((p) => ({ ...p })),
      consumers: g.consumers.map((c) => ({ ...c, name: own(c.name), pending: c.pending.slice() })),
    })),
  };
}

/**
 * An RDB value as a stored value (the encoding follows the content, like an RDB load in Redis).
 * Throws UnsupportedValueTypeError for module values.
 */
export function rdbValueToStored(v: RdbValue): StoredValue {
  switch (v.type) {
    case 'string':
      return toStr(v.value);
    case 'list': {
      const els: string[] = new Array(v.value.length);
      for (let i = 0; i < els.length; i++) els[i] = toStr(v.value[i]);
      return ListValue.fromPlain(els);
    }
    case 'set': {
      const s = new SetValue(true);
      for (const m of v.value) s.add(toStr(m));
      return s;
    }
    case 'hash': {
      const h = new HashValue();
      for (const [f, val] of v.value) h.set(toStr(f), toStr(val));
      return h;
    }
    case 'zset': {
      const pairs: Array<[string, number]> = new Array(v.value.length);
      for (let i = 0; i < pairs.length; i++) pairs[i] = [toStr(v.value[i][0]), v.value[i][1]];
      return ZSetValue.fromPlain(pairs);
    }
    case 'stream':
      return new OpaqueStreamValue(ownStream(v.value));
    default:
      throw new UnsupportedValueTypeError(v.type);
  }
}
