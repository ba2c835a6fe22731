// Public entry of @replikit/rdb, grouped by part: model and errors, codecs and reader, writer.

// --- model and errors ---
export type {
  RdbValue,
  RdbEntry,
  RdbString,
  StreamId,
  StreamEntry,
  StreamPendingEntry,
  StreamConsumer,
  StreamGroup,
  StreamValue,
} from './model';
export {
  RdbError,
  RdbCorruptError,
  RdbTruncatedError,
  RdbChecksumError,
  RdbVersionError,
  RdbUnsupportedTypeError,
  RdbLimitError,
  RdbWriteError,
  RdbDumpPayloadError,
} from './errors';

// --- codecs and reader ---
export { crc64, Crc64, CRC64_IMPLEMENTATION } from './codec/crc64';
export { lzfCompress, lzfDecompress } from './codec/lzf';
export {
  RDB_ENC_INT8,
  RDB_ENC_INT16,
  RDB_ENC_INT32,
  RDB_ENC_LZF,
  decodeLength,
  decodeLengthBig,
  decodeString,
  lengthSize,
  writeLength,
  encodeLength,
  encodeString,
  encodeIntegerString,
  tryIntegerEncoding,
  parseCanonicalInt64,
} from './codec/length';
export type { DecodedLength, EncodeStringOptions } from './codec/length';
export { decodeListpack, decodeListpackRaw, encodeListpack, listpackIntValue } from './codec/listpack';
export { decodeIntset, encodeIntset } from './codec/intset';
export { decodeZiplist } from './codec/ziplist';
export { decodeZipmap } from './codec/zipmap';
export { RdbReader } from './reader/rdb-reader';
export type { RdbReaderHandler, RdbReaderOptions, RdbEndInfo } from './reader/rdb-reader';
export { decodeValue, rdbTypeName, RDB_TYPE } from './reader/decode-value';
export type { ValueOptions } from './reader/decode-value';
export { DEFAULT_LIMITS } from './reader/cursor';
export type { ReaderLimits } from './reader/cursor';
export { readRdbStream, readRdbBuffer, readRdbFile } from './reader/read-rdb';
export type { RdbEvent, RdbFile } from './reader/read-rdb';

// --- writer, dump/restore ---
export { RdbEncoder } from './writer/rdb-encoder';
export type { RdbWriteEntry, RdbWriterOptions, RdbReplicationInfo, RdbWriteStats } from './writer/rdb-encoder';
export {
  writeRdbChunks,
  createRdbWriter,
  createRdbReadable,
  writeRdbFile,
  writeRdbToBuffer,
  writeRdbToBufferAsync,
} from './writer/rdb-writer';
export type { RdbWriteSource } from './writer/rdb-writer';
export type { RdbWriteEncoding } from './writer/value-writer';
export { createDumpPayload, parseDumpPayload, verifyDumpPayload } from './dump/dump-payload';
export type { DumpPayloadOptions, ParseDumpPayloadOptions, DumpPayloadFooter } from './dump/dump-payload';
export { createFunctionDumpPayload, parseFunctionDumpPayload } from './dump/function-payload';
export type { FunctionDumpOptions, FunctionPayloadResult, ParseFunctionPayloadOptions } from './dump/function-payload';
