/**
 * The connection's view of @replikit/resp: a request reader (argv as binary latin1 strings) and a
 * reply writer (RespValue -> Buffer chunks, RESP2 or RESP3). This file is the only place that
 * knows the codec's API.
 */
import { ErrorReply, type RespValue } from '@replikit/resp';
import { TemporaryReplyEncoder, TemporaryRequestDecoder } from './temporary-codec';

export interface RequestReader {
  write(chunk: Buffer): void;
  /** The next complete command, or undefined; throws a protocol error (see protocolErrorText). */
  next(): string[] | undefined;
  /** bytes received and not yet consumed (qbuf, client-query-buffer-limit) */
  readonly bufferedBytes: number;
}

export interface ReplyWriter {
  push(value: RespValue, protocol: 2 | 3): void;
  /** Everything pushed since the last flush, as chunks to write in order. */
  flush(): Buffer[];
  readonly pendingBytes: number;
}

export function createRequestReader(limits: { maxBulkLength: number }): RequestReader {
  return new TemporaryRequestDecoder(limits.maxBulkLength);
}

export function createReplyWriter(): ReplyWriter {
  return new TemporaryReplyEncoder();
}

/** The error reply Redis sends before closing a connection that broke the protocol. */
export function protocolErrorText(err: unknown): ErrorReply {
  const e = err as { replyText?: string; message?: string };
  if (typeof e?.replyText === 'string') return new ErrorReply(e.replyText.replace(/^-/, ''));
  return new ErrorReply(`ERR Protocol error: ${e?.message ?? 'unknown'}`);
}
