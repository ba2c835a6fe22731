/**
 * Stream values are kept opaquely until stream commands exist: whatever the RDB layer decoded is
 * stored and handed back unchanged (TYPE says stream; COPY/RENAME/MOVE, snapshots and write-back
 * keep it). The payload is never mutated, so clone() may share it.
 */
import type { CollectionValue } from '../command-api';
import type { PlainOf, ValueCodec } from './plain';

export class OpaqueStreamValue implements CollectionValue {
  readonly type = 'stream' as const;
  /** never 0: a stream key is not deleted when "empty" */
  readonly size = 1;
  constructor(readonly payload: unknown) {}
  clone(): OpaqueStreamValue {
    return new OpaqueStreamValue(this.payload);
  }
  encoding(): string {
    return 'stream';
  }
}

export const streamCodec: ValueCodec<'stream'> = {
  type: 'stream',
  fromPlain(plain: PlainOf<'stream'>): CollectionValue {
    return new OpaqueStreamValue(plain.value);
  },
  toPlain(value: CollectionValue): PlainOf<'stream'> {
    return { type: 'stream', value: (value as OpaqueStreamValue).payload };
  },
};
