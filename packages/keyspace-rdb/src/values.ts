/**
 * Stored keyspace values <-> @replikit/rdb values, element by element, with no plain-value copy
 * in between. Keys and elements are binary (latin1) strings on the keyspace side and Buffers on the
 * RDB side. Streams convert through the keyspace's plain stream format (the same shape as the RDB
 * package's StreamValue).
 */
import { type CollectionValue, type StoredValue, type StreamValue as LiveStreamValue, streamFromPlain, streamToPlain } from '@replikit/keyspace';
import { HashValue, ListValue, SetValue, ZSetValue } from '@replikit/keyspace/internal';
import type { RdbValue } from '@replikit/rdb';
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
      return { type: 'stream', value: streamToPlain(v as LiveStreamValue) };
    default:
      throw new UnsupportedValueTypeError((v as CollectionValue).type);
  }
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
      return streamFromPlain(v.value);
    default:
      throw new UnsupportedValueTypeError(v.type);
  }
}
