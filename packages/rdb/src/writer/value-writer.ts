/**
 * One value of the model (RdbValue) as an RDB object: pick the type byte by the encoding policy,
 * then write the body. Used by the file writer (after the key) and by DUMP payloads.
 */
import type { RdbValue } from '../model';
import {
  hashFitsListpack,
  setFitsIntset,
  writeIntsetSet,
  writeListpackHash,
  writeListpackZset,
  writeQuicklist,
  zsetFitsListpack,
} from './compact-writer';
import type { OutputBuffer } from './output-buffer';
import {
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_MODULE_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_STREAM_LISTPACKS_2,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
  writePlainHash,
  writePlainList,
  writePlainSet,
  writePlainZset,
} from './plain-writer';
import { writeStream } from './stream-writer';
import { writeRdbString } from './string-writer';
import { fail } from './validate';

/**
 * `plain`: STRING, LIST (1), SET (2), ZSET_2 (5), HASH (4), STREAM (19): the fastest to write.
 * `compact`: what Redis 7.0 writes: intset / listpack for small sets, hashes and zsets (Redis's
 * default thresholds), quicklist-2 listpack nodes for lists; smaller files that Redis loads faster.
 */
export type RdbWriteEncoding = 'plain' | 'compact';

/** The RDB type id `value` will be written with. */
export function valueTypeId(value: RdbValue, encoding: RdbWriteEncoding): number {
  switch (value?.type) {
    case 'string':
      return RDB_TYPE_STRING;
    case 'list':
      return encoding === 'compact' ? RDB_TYPE_LIST_QUICKLIST_2 : RDB_TYPE_LIST;
    case 'set':
      return encoding === 'compact' && setFitsIntset(value.value) ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    case 'zset':
      return encoding === 'compact' && zsetFitsListpack(value.value) ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
    case 'hash':
      return encoding === 'compact' && hashFitsListpack(value.value) ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
    case 'stream':
      return RDB_TYPE_STREAM_LISTPACKS_2;
    case 'module':
      return RDB_TYPE_MODULE_2;
    default:
      return fail(`unknown value type ${JSON.stringify((value as { type?: unknown })?.type)}`);
  }
}

function requireArray(v: unknown, type: string): void {
  if (!Array.isArray(v)) fail(`a ${type} value must be an array`);
}

/** Writes the body of `value` for the type id chosen by `valueTypeId`. */
export function writeValueBody(out: OutputBuffer, typeId: number, value: RdbValue, compress: boolean): void {
  const v = (value as { value: unknown }).value;
  switch (typeId) {
    case RDB_TYPE_STRING:
      if (!Buffer.isBuffer(v)) fail('a string value must be a Buffer');
      writeRdbString(out, v as Buffer, compress);
      return;
    case RDB_TYPE_LIST:
      requireArray(v, 'list');
      writePlainList(out, v as Buffer[], compress);
      return;
    case RDB_TYPE_LIST_QUICKLIST_2:
      requireArray(v, 'list');
      writeQuicklist(out, v as Buffer[], compress);
      return;
    case RDB_TYPE_SET:
      requireArray(v, 'set');
      writePlainSet(out, v as Buffer[], compress);
      return;
    case RDB_TYPE_SET_INTSET:
      writeIntsetSet(out, v as Buffer[], compress);
      return;
    case RDB_TYPE_ZSET_2:
      requireArray(v, 'zset');
      writePlainZset(out, v as Array<[Buffer, number]>, compress);
      return;
    case RDB_TYPE_ZSET_LISTPACK:
      writeListpackZset(out, v as Array<[Buffer, number]>, compress);
      return;
    case RDB_TYPE_HASH:
      requireArray(v, 'hash');
      writePlainHash(out, v as Array<[Buffer, Buffer]>, compress);
      return;
    case RDB_TYPE_HASH_LISTPACK:
      writeListpackHash(out, v as Array<[Buffer, Buffer]>, compress);
      return;
    case RDB_TYPE_STREAM_LISTPACKS_2:
      if (value.type !== 'stream') break;
      writeStream(out, value.value, compress);
      return;
    case RDB_TYPE_MODULE_2:
      if (value.type !== 'module') break;
      // module id, then the module's own serialization (opcode/value pairs ending with 0) as read
      out.lenBig(value.moduleId);
      out.bytes(value.raw);
      return;
  }
  fail(`type id ${typeId} does not match a ${value.type} value`);
}
