/**
 * The callback side of `RdbReader`: the handler and options types, and the wrapper that lets the
 * reader tell a handler's exception (propagated untouched) from a decoding error.
 *
 * Exports: `RdbEndInfo`, `RdbReaderHandler`, `RdbReaderOptions`, `guardHandler`, `HandlerFailure`.
 */
import type { RdbEntry } from '../model';
import type { ReaderLimits } from './cursor';
import type { ValueOptions } from './decode-value';

export interface RdbEndInfo {
  version: number;
  /** the checksum stored in the file (0n when the file has none: version < 5, or rdbchecksum no) */
  checksum: bigint;
  /** whether the checksum was computed and compared (false: disabled by option, zero, or version < 5) */
  checksumVerified: boolean;
  /** bytes of the RDB, from "REDIS" through the checksum */
  bytes: number;
  /** entries emitted */
  keys: number;
  /** keys skipped because their collection was empty (Redis skips them too) */
  emptyKeysSkipped: number;
  /** bytes received after the end of the RDB (ignored) */
  trailingBytes: number;
}

export interface RdbReaderHandler {
  header?(version: number): void;
  aux?(key: Buffer, value: Buffer): void;
  /** MODULE_AUX (only with `skipModules`): the raw module data after the `when` field */
  moduleAux?(moduleId: bigint, when: number, raw: Buffer): void;
  /** FUNCTION2: the library source, kept raw */
  function?(source: Buffer): void;
  selectDb?(db: number): void;
  resizeDb?(dbSize: number, expiresSize: number): void;
  /** SLOT_INFO (Redis 7.4 cluster mode) */
  slotInfo?(slot: number, slotSize: number, expiresSlotSize: number): void;
  /** one key; `typeId` is the on-disk encoding (e.g. 18 LIST_QUICKLIST_2) */
  entry?(entry: RdbEntry, typeId: number): void;
  /**
   * A string key (type 0, RDB_TYPE_STRING) without idle time or LFU counter, handed over as bytes
   * instead of through `entry`: the key is `key[keyStart, keyEnd)`, the value (decompressed, an
   * integer as its decimal text) `value[valueStart, valueEnd)`. Both are views into the input or
   * into the reader's scratch buffers, valid only during the call: copy what you keep. Without this
   * callback these keys go to `entry` like the others.
   */
  stringEntry?(db: number, key: Buffer, keyStart: number, keyEnd: number, value: Buffer, valueStart: number, valueEnd: number, expireAtMs: number): void;
  end?(info: RdbEndInfo): void;
}

export interface RdbReaderOptions extends ValueOptions {
  /** bounds on lengths and buffering; see ReaderLimits for defaults */
  limits?: Partial<ReaderLimits>;
  /** compute and compare the CRC64 (a zero checksum is always accepted, as Redis does) @default true */
  verifyChecksum?: boolean;
  /** copy strings out of the input chunks instead of returning views into them (views keep the chunk alive) @default false */
  copyStrings?: boolean;
  /** total input size when known (e.g. the `$<len>` of a full sync): lengths past it fail at once */
  totalBytes?: number;
  /** number of databases of the consumer: a SELECTDB at or beyond it is ERR_RDB_CORRUPT, as in Redis @default unlimited */
  databases?: number;
}

/** Carries an exception thrown by a handler callback through the decoding code. */
export class HandlerFailure {
  constructor(readonly error: unknown) {}
}

export function guardHandler(handler: RdbReaderHandler): RdbReaderHandler {
  const out: RdbReaderHandler = {};
  const entry = handler.entry;
  if (entry) {
    out.entry = (e, t) => {
      try {
        entry.call(handler, e, t);
      } catch (x) {
        throw new HandlerFailure(x);
      }
    };
  }
  const stringEntry = handler.stringEntry;
  if (stringEntry) {
    out.stringEntry = (db, k, ks, ke, v, vs, ve, at) => {
      try {
        stringEntry.call(handler, db, k, ks, ke, v, vs, ve, at);
      } catch (x) {
        throw new HandlerFailure(x);
      }
    };
  }
  for (const name of ['header', 'aux', 'moduleAux', 'function', 'selectDb', 'resizeDb', 'slotInfo', 'end'] as const) {
    const fn = handler[name] as ((...a: unknown[]) => void) | undefined;
    if (!fn) continue;
    (out as Record<string, (...a: unknown[]) => void>)[name] = (...a: unknown[]) => {
      try {
        fn.apply(handler, a);
      } catch (x) {
        throw new HandlerFailure(x);
      }
    };
  }
  return out;
}
