/**
 * DUMP / RESTORE payloads, as Redis 7.0's createDumpPayload / verifyDumpPayload (cluster.c):
 *
 *   <1 byte RDB type> <value, RDB-encoded> <2 bytes RDB version, LE> <8 bytes CRC64, LE>
 *
 * The CRC64 covers everything before it, version included. Unlike an RDB file, a zero CRC is not
 * accepted. A footer Redis would refuse ("ERR DUMP payload version or checksum are wrong") is an
 * RdbDumpPayloadError (`ERR_RDB_DUMP_PAYLOAD`); a good footer around a bad value is the reader's
 * ERR_RDB_CORRUPT / ERR_RDB_UNSUPPORTED_TYPE / ERR_RDB_LIMIT (Redis: "Bad data format").
 */
import { Crc64 } from '../codec/crc64';
import { RdbCorruptError, RdbDumpPayloadError } from '../errors';
import type { RdbValue } from '../model';
import type { ReaderLimits } from '../reader/cursor';
import { decodeValue, type ValueOptions } from '../reader/decode-value';
import { DEFAULT_RDB_VERSION, MAX_WRITE_RDB_VERSION, MIN_WRITE_RDB_VERSION } from '../writer/defaults';
import { OutputBuffer } from '../writer/output-buffer';
import { fail } from '../writer/validate';
import { type RdbWriteEncoding, valueTypeId, writeValueBody } from '../writer/value-writer';

export interface DumpPayloadOptions {
  /** value encodings; `compact` is what Redis's own DUMP produces @default 'compact' */
  encoding?: RdbWriteEncoding;
  /** LZF-compress strings longer than 20 bytes (Redis: `rdbcompression yes`) @default false */
  compress?: boolean;
  /** the RDB version in the footer; a 7.0 server refuses anything above 10 @default 10 */
  rdbVersion?: number;
}

/** The DUMP payload of `value`, which a Redis 7.0 server accepts in RESTORE. */
export function createDumpPayload(value: RdbValue, options: DumpPayloadOptions = {}): Buffer {
  const version = options.rdbVersion ?? DEFAULT_RDB_VERSION;
  if (!Number.isInteger(version) || version < MIN_WRITE_RDB_VERSION || version > MAX_WRITE_RDB_VERSION) {
    fail(`cannot write a DUMP payload of RDB version ${version}`);
  }
  const out = new OutputBuffer({ chunkSize: 8192 });
  const typeId = valueTypeId(value, options.encoding ?? 'compact');
  out.u8(typeId);
  writeValueBody(out, typeId, value, options.compress ?? false);
  out.u8(version & 0xff);
  out.u8(version >>> 8);
  out.sealWithChecksum();
  const chunks = out.takeChunks();
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

export interface ParseDumpPayloadOptions extends ValueOptions {
  /**
   * Highest footer RDB version accepted. 10 is Redis 7.0's rule (`rdbver > RDB_VERSION` is refused);
   * up to 12 reads payloads of 7.2 / 7.4 for the types they share. @default 10
   */
  maxRdbVersion?: number;
  /** skip the CRC64 comparison (Redis: DEBUG SET-SKIP-CHECKSUM-VALIDATION 1) @default false */
  skipChecksum?: boolean;
  /** bounds on lengths inside the value */
  limits?: Partial<ReaderLimits>;
}

export interface DumpPayloadFooter {
  /** the RDB type id of the value (first byte) */
  typeId: number;
  /** the RDB version of the footer */
  rdbVersion: number;
}

/** Checks the footer like Redis's verifyDumpPayload; throws RdbDumpPayloadError when RESTORE would refuse it. */
export function verifyDumpPayload(payload: Uint8Array, options: Pick<ParseDumpPayloadOptions, 'maxRdbVersion' | 'skipChecksum'> = {}): DumpPayloadFooter {
  const n = payload.length;
  if (n < 10) throw new RdbDumpPayloadError(`DUMP payload of ${n} bytes is shorter than its 10-byte footer`);
  const version = payload[n - 10] | (payload[n - 9] << 8);
  const max = options.maxRdbVersion ?? DEFAULT_RDB_VERSION;
  if (version > max) throw new RdbDumpPayloadError(`DUMP payload RDB version ${version} is above ${max}`);
  if (!options.skipChecksum && !new Crc64().update(payload, 0, n - 8).equalsLE(payload, n - 8)) {
    throw new RdbDumpPayloadError('DUMP payload checksum is wrong');
  }
  if (n < 11) throw new RdbCorruptError('DUMP payload holds no value', 0);
  return { typeId: payload[0], rdbVersion: version };
}

/** The value of a DUMP payload (footer verified first, then the value decoded and fully consumed). */
export function parseDumpPayload(payload: Buffer, options: ParseDumpPayloadOptions = {}): RdbValue {
  const { typeId, rdbVersion } = verifyDumpPayload(payload, options);
  return decodeValue(typeId, payload.subarray(1, payload.length - 10), rdbVersion, options);
}
