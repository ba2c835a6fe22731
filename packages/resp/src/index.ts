export {
  SimpleString,
  ErrorReply,
  DoubleReply,
  BooleanReply,
  BigNumberReply,
  MapReply,
  SetReply,
  VerbatimReply,
  PushReply,
  NullArrayReply,
  OK,
  PONG,
  QUEUED,
  NULL_ARRAY,
} from './reply-types';
export type { RespValue } from './reply-types';
export {
  RespError,
  RespProtocolError,
  RespLimitError,
  RespMasterAbortedError,
  RespEncodeError,
  RespStateError,
} from './errors';
export type { RespLimit, RespLimitName } from './errors';
export { RequestDecoder } from './request-decoder';
export type { RequestDecoderOptions } from './request-decoder';
export { ReplicationStreamFramer } from './replication-framer';
export type { PayloadPreamble, ReplicationStreamHandlers, ReplicationStreamFramerOptions } from './replication-framer';
export { encodeCommand, encodeCommandToBuffer } from './encode-command';
export type { StringEncoding } from './encode-command';
export { encodeReply, ReplyEncoder } from './encode-reply';
export type { ReplyEncoderOptions, RespProtocol } from './encode-reply';
export { createReplyParser } from './reply-parser';
export type { ReplyParser, ReplyParserHandlers } from './reply-parser';
export { formatDouble } from './format-double';
export {
  DEFAULT_MAX_BULK_LENGTH,
  DEFAULT_MAX_MULTIBULK_LENGTH,
  DEFAULT_MAX_INLINE_LENGTH,
  DEFAULT_MAX_QUERY_BUFFER,
  UNAUTHENTICATED_MAX_BULK_LENGTH,
  UNAUTHENTICATED_MAX_MULTIBULK_LENGTH,
  EOF_MARK_LENGTH,
} from './defaults';
