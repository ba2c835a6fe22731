/**
 * The value codecs (plain <-> stored) of every collection type.
 *
 * HOW TO ADD A TYPE: export `xxxCodec: ValueCodec<'xxx'>` from your `types/xxx.ts` and add ONE
 * import line and ONE entry line below, next to the other collection types. Nothing else.
 * (ValueCodec<'list'> is assignable to AnyValueCodec: no cast needed.)
 */
import type { ValueType } from '../command-api';
import type { AnyValueCodec } from './plain';
import { streamCodec } from './stream';
// --- codec imports: one line per family ---
import { listCodec } from './list-value';
import { hashCodec } from './hash-value';
// set:   import { setCodec } from './set';
// zset:  import { zsetCodec } from './zset';
import { setCodec } from './set-value';
import { zsetCodec } from './zset-value';
// --- end codec imports ---

export const valueCodecs: Partial<Record<Exclude<ValueType, 'string'>, AnyValueCodec>> = {
  stream: streamCodec,
  // --- codec entries: one line per family ---
  list: listCodec,
  hash: hashCodec,
  // set: setCodec,
  // zset: zsetCodec,
  set: setCodec,
  zset: zsetCodec,
  // --- end codec entries ---
};
