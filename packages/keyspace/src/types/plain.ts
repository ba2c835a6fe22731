/**
 * A neutral plain-value format for moving values in and out of the keyspace (RDB glue in master
 * and replica, tests, adapters). Every element is a binary (latin1) string; zset scores are
 * numbers. Each value type module provides a `ValueCodec` (fromPlain/toPlain), gathered in
 * `types/registry.ts`.
 */
import type { BinaryString, CollectionValue, StoredValue, ValueType } from '../command-api';
import { UnknownValueTypeError } from '../errors';
import { valueCodecs } from './registry';

export type PlainValue =
  | { readonly type: 'string'; readonly value: BinaryString }
  | { readonly type: 'list'; readonly value: readonly BinaryString[] }
  | { readonly type: 'hash'; readonly value: ReadonlyArray<readonly [BinaryString, BinaryString]> }
  | { readonly type: 'set'; readonly value: readonly BinaryString[] }
  | { readonly type: 'zset'; readonly value: ReadonlyArray<readonly [BinaryString, number]> }
  /** opaque: whatever the RDB layer produced; kept and handed back unchanged */
  | { readonly type: 'stream'; readonly value: unknown };

/** A plain value of one collection type. */
export type PlainOf<T extends ValueType> = Extract<PlainValue, { type: T }>;

/** What each collection type module provides. */
export interface ValueCodec<T extends Exclude<ValueType, 'string'> = Exclude<ValueType, 'string'>> {
  readonly type: T;
  /** builds a value (the plain array may be kept: callers do not use it afterwards) */
  fromPlain(plain: PlainOf<T>): CollectionValue;
  /** a fresh plain copy of the value's content (element order: the type's natural order) */
  toPlain(value: CollectionValue): PlainOf<T>;
}

/** A codec of any collection type (what the registry holds). */
export interface AnyValueCodec {
  readonly type: Exclude<ValueType, 'string'>;
  // biome-ignore lint/suspicious/noExplicitAny: each codec narrows its own plain type
  fromPlain(plain: any): CollectionValue;
  toPlain(value: CollectionValue): PlainValue;
}

/** A stored value (bare string or collection) as a plain value. */
export function toPlain(value: StoredValue): PlainValue {
  if (typeof value === 'string') return { type: 'string', value };
  const codec = valueCodecs[value.type];
  if (!codec) throw new UnknownValueTypeError(value.type);
  return codec.toPlain(value);
}

/** A plain value as a stored value. Throws UnknownValueTypeError when no codec handles its type. */
export function fromPlain(plain: PlainValue): StoredValue {
  if (plain.type === 'string') return plain.value;
  const codec = valueCodecs[plain.type];
  if (!codec) throw new UnknownValueTypeError(plain.type);
  return codec.fromPlain(plain);
}

/** The value types that can currently be converted (string always; collections once their module landed). */
export function supportedPlainTypes(): ValueType[] {
  return ['string', ...(Object.keys(valueCodecs) as ValueType[])];
}
