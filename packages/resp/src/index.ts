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
export { RespError } from './errors';
