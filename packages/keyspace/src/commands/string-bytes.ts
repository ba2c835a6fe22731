/**
 * String lookups for the commands that read or edit a string's bytes (bitmaps, BITFIELD,
 * HyperLogLog, SETRANGE, APPEND): they work on a MutableString (types/mutable-string.ts), edited
 * in place where the database keeps one, instead of copying the whole value per call.
 */
import type { ErrorReply } from '@replikit/resp';
import type { BinaryString, Db } from '../command-api';
import { DbImpl } from '../db';
import { WRONGTYPE } from '../reply-errors';
import { MutableString } from '../types/mutable-string';

/**
 * lookupKeyWrite of a string to edit: its MutableString (stored or a copy, see
 * DbImpl.lookupBytesWrite), undefined when missing, or WRONGTYPE. Store it back with storeBytes.
 */
export function bytesForWrite(db: Db, key: BinaryString): MutableString | undefined | ErrorReply {
  if (db instanceof DbImpl) {
    const v = db.lookupBytesWrite(key);
    return v === undefined || v instanceof MutableString ? v : WRONGTYPE;
  }
  const v = db.lookupWrite(key);
  if (v === undefined) return undefined;
  return typeof v === 'string' ? MutableString.from(v) : WRONGTYPE;
}

/** Stores (or reports) an edited MutableString under `key`: TTL kept, `raw` encoded. */
export function storeBytes(db: Db, key: BinaryString, m: MutableString): void {
  if (db instanceof DbImpl) db.bytesWritten(key, m);
  else {
    db.setValue(key, m.toString(), true);
    db.setStringEncoding(key, 'raw');
  }
}

/**
 * lookupKeyRead of a string whose bytes are read: a binary string or a MutableString (read its
 * `bytes`, never keep it), undefined when missing, or WRONGTYPE.
 */
export function bytesForRead(db: Db, key: BinaryString): BinaryString | MutableString | undefined | ErrorReply {
  const v = db instanceof DbImpl ? db.lookupReadBytes(key) : db.lookupRead(key);
  if (v === undefined || typeof v === 'string' || v instanceof MutableString) return v;
  return WRONGTYPE;
}

/** The bytes of a string value read by bytesForRead (a copy for a binary string, a view otherwise). */
export function bytesOfValue(v: BinaryString | MutableString): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v, 'latin1') : v.view();
}
