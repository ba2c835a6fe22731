/**
 * Conversion between @replikit/rdb's value model (Buffers) and @replikit/keyspace's plain values
 * (binary latin1 strings). Streams are kept faithfully: the keyspace stores the rdb StreamValue
 * opaquely and hands it back unchanged, so a stream survives load -> save byte for byte in content.
 */
import type { PlainValue } from '@replikit/keyspace';
import type { RdbValue, StreamValue } from '@replikit/rdb';
import { UnsupportedValueError } from '../errors';

export { UnsupportedValueError };

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const s = (buf: Buffer): string => buf.toString('latin1');

/** A keyspace plain value as an rdb value (what the writer and createDumpPayload take). */
export function plainToRdb(plain: PlainValue): RdbValue {
  switch (plain.type) {
    case 'string':
      return { type: 'string', value: b(plain.value) };
    case 'list':
      return { type: 'list', value: plain.value.map(b) };
    case 'set':
      return { type: 'set', value: plain.value.map(b) };
    case 'hash':
      return { type: 'hash', value: plain.value.map(([f, v]) => [b(f), b(v)] as [Buffer, Buffer]) };
    case 'zset':
      return { type: 'zset', value: plain.value.map(([m, score]) => [b(m), score] as [Buffer, number]) };
    case 'stream':
      return { type: 'stream', value: plain.value as StreamValue };
  }
}


/** An rdb value as a keyspace plain value. Throws UnsupportedValueError for module values. */
export function rdbToPlain(value: RdbValue): PlainValue {
  switch (value.type) {
    case 'string':
      return { type: 'string', value: s(value.value) };
    case 'list':
      return { type: 'list', value: value.value.map(s) };
    case 'set':
      return { type: 'set', value: value.value.map(s) };
    case 'hash':
      return { type: 'hash', value: value.value.map(([f, v]) => [s(f), s(v)] as const) };
    case 'zset':
      return { type: 'zset', value: value.value.map(([m, score]) => [s(m), score] as const) };
    case 'stream':
      return { type: 'stream', value: value.value };
    default:
      throw new UnsupportedValueError(value.type);
  }
}
