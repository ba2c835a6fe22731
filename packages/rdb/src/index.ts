// Public entry of @replikit/rdb. Two owners edit this file: keep to your own block.

// --- model and errors (lead) ---
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

// --- codecs and reader (reader owner) ---

// --- writer, dump/restore (writer owner) ---
