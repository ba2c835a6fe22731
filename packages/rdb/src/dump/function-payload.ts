/**
 * FUNCTION DUMP / FUNCTION RESTORE payloads, as Redis 7.0's functionDumpCommand /
 * functionRestoreCommand (functions.c) build and read them:
 *
 *   { 0xF5 <string: library source> }* <2 bytes RDB version, LE> <8 bytes CRC64, LE>
 *
 * The library records are the FUNCTION2 records of an RDB file (the source string LZF-compressed
 * under `rdbcompression`, like any RDB string), compressed with lzf-exact.ts so that the payload
 * is byte-identical to redis-server's. With no libraries the payload is the 10-byte
 * footer alone, which RESTORE accepts. On reading, the pre-release record 0xF6 (name, engine,
 * optional description, code) is turned into a `#!<engine> name=<name>\n<code>` source as Redis
 * does. The reasons a payload is refused are Redis's reply texts (without the `ERR ` prefix).
 */
import { Crc64 } from '../codec/crc64';
import { decodeLength, decodeString } from '../codec/length';
import { lzfCompressExact } from '../codec/lzf-exact';
import { DEFAULT_RDB_VERSION } from '../writer/defaults';
import { OutputBuffer } from '../writer/output-buffer';
import { writeRdbString } from '../writer/string-writer';

const FUNCTION2 = 0xf5;
const FUNCTION_PRE_GA = 0xf6;

export interface FunctionDumpOptions {
  /** LZF-compress sources longer than 20 bytes (Redis: `rdbcompression yes`) @default true */
  compress?: boolean;
  /** the RDB version in the footer @default 10 */
  rdbVersion?: number;
}

/** The FUNCTION DUMP payload of these library sources, in the order given. */
export function createFunctionDumpPayload(sources: ReadonlyArray<Uint8Array>, options: FunctionDumpOptions = {}): Buffer {
  const version = options.rdbVersion ?? DEFAULT_RDB_VERSION;
  const compress = options.compress ?? true;
  const out = new OutputBuffer({ chunkSize: 8192 });
  for (const s of sources) {
    out.u8(FUNCTION2);
    // rdbSaveRawString: LZF when longer than 20 bytes and the result fits in n - 4 bytes
    const packed = compress && s.length > 20 ? lzfCompressExact(s, s.length - 4) : null;
    if (packed === null) writeRdbString(out, s, false);
    else {
      out.u8(0xc3);
      out.len(packed.length);
      out.len(s.length);
      out.bytes(packed);
    }
  }
  out.u8(version & 0xff);
  out.u8(version >>> 8);
  out.sealWithChecksum();
  const chunks = out.takeChunks();
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** The outcome of reading a FUNCTION RESTORE payload: the library sources, or Redis's reason for refusing it. */
export type FunctionPayloadResult = { ok: true; sources: Buffer[]; rdbVersion: number } | { ok: false; reason: string };

export interface ParseFunctionPayloadOptions {
  /** highest footer RDB version accepted (Redis 7.0: 10) @default 10 */
  maxRdbVersion?: number;
  /** skip the CRC64 comparison (DEBUG SET-SKIP-CHECKSUM-VALIDATION 1) @default false */
  skipChecksum?: boolean;
  /** longest library source accepted @default 512 MiB */
  maxSourceBytes?: number;
}

/** The footer check of verifyDumpPayload: at least 10 bytes, version not above the maximum, CRC64 equal. */
function footerVersion(payload: Uint8Array, o: ParseFunctionPayloadOptions): number | undefined {
  const n = payload.length;
  if (n < 10) return undefined;
  const version = payload[n - 10] | (payload[n - 9] << 8);
  if (version > (o.maxRdbVersion ?? DEFAULT_RDB_VERSION)) return undefined;
  if (!o.skipChecksum && !new Crc64().update(payload, 0, n - 8).equalsLE(payload, n - 8)) return undefined;
  return version;
}

/**
 * Reads the library records of a FUNCTION RESTORE payload. Records are read until 10 bytes or
 * fewer are left (the footer), like Redis; a string is read from the whole payload, footer
 * included, as Redis's rio buffer does.
 */
export function parseFunctionDumpPayload(payload: Buffer, options: ParseFunctionPayloadOptions = {}): FunctionPayloadResult {
  const rdbVersion = footerVersion(payload, options);
  if (rdbVersion === undefined) return { ok: false, reason: 'DUMP payload version or checksum are wrong' };
  const maxLen = options.maxSourceBytes ?? 512 * 1024 * 1024;
  const sources: Buffer[] = [];
  let p = 0;
  const str = (what: string): Buffer => {
    try {
      const r = decodeString(payload, p, maxLen);
      p = r.next;
      return r.value;
    } catch {
      throw new PayloadRefused(what);
    }
  };
  try {
    while (payload.length - p > 10) {
      const type = payload[p++] as number;
      if (type === FUNCTION2) {
        sources.push(Buffer.from(str('Failed loading library payload')));
      } else if (type === FUNCTION_PRE_GA) {
        const name = str('Failed loading library name');
        const engine = str('Failed loading engine name');
        let hasDesc: number;
        try {
          const l = decodeLength(payload, p);
          if (l.special) throw new Error('encoded');
          hasDesc = l.value;
          p = l.next;
        } catch {
          throw new PayloadRefused('Failed loading library description indicator');
        }
        if (hasDesc) str('Failed loading library description');
        const code = str('Failed loading library blob');
        sources.push(Buffer.concat([Buffer.from('#!'), engine, Buffer.from(' name='), name, Buffer.from('\n'), code]));
      } else {
        return { ok: false, reason: 'given type is not a function' };
      }
    }
  } catch (err) {
    if (err instanceof PayloadRefused) return { ok: false, reason: err.reason };
    throw err;
  }
  return { ok: true, sources, rdbVersion };
}

class PayloadRefused {
  constructor(readonly reason: string) {}
}
