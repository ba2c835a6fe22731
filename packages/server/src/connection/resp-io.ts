/**
 * The connection's view of @replikit/resp: a request reader (argv as binary latin1 strings) and a
 * reply writer (RespValue -> Buffer chunks, RESP2 or RESP3). This file is the only place that
 * knows the codec's API.
 */
import { ErrorReply, ReplyEncoder, RequestDecoder, type RespValue } from '@replikit/resp';

export interface RequestReader {
  write(chunk: Buffer): void;
  /** The next complete command, or undefined; throws a protocol error (see protocolFailure). */
  next(): string[] | undefined;
  /** bytes received and not yet consumed (qbuf, client-query-buffer-limit) */
  readonly bufferedBytes: number;
  /** false while the server requires AUTH and the client has not authenticated (Redis's tighter limits) */
  authenticated: boolean;
  /** empty inline lines consumed so far (a replica's `\n` keepalive while it loads) */
  readonly emptyLines: number;
}

export interface ReplyWriter {
  push(value: RespValue, protocol: 2 | 3): void;
  /** Everything pushed since the last flush, as chunks to write in order. */
  flush(): Buffer[];
  readonly pendingBytes: number;
}

export function createRequestReader(limits: { maxBulkLength: number; maxQueryBuffer: number; authenticated: boolean }): RequestReader {
  return new RequestDecoder({ maxBulkLength: limits.maxBulkLength, maxQueryBuffer: limits.maxQueryBuffer, authenticated: limits.authenticated });
}

const NOTHING: Buffer[] = [];

/** Allocates its encoder on first use, so idle connections hold no output buffer. */
class LazyReplyWriter implements ReplyWriter {
  private encoder: ReplyEncoder | undefined;

  get pendingBytes(): number {
    return this.encoder?.pendingBytes ?? 0;
  }

  push(value: RespValue, protocol: 2 | 3): void {
    if (this.encoder === undefined) this.encoder = new ReplyEncoder({ bufferSize: 16384 });
    this.encoder.push(value, protocol);
  }

  flush(): Buffer[] {
    return this.encoder === undefined ? NOTHING : this.encoder.flushChunks();
  }
}

export function createReplyWriter(): ReplyWriter {
  return new LazyReplyWriter();
}

/**
 * What to do with a decoder failure: the error reply Redis sends before closing, or undefined
 * when Redis closes without a reply (query buffer limit). Non-protocol exceptions become
 * `ERR Protocol error: <message>`.
 */
export function protocolFailure(err: unknown): { reply: ErrorReply | undefined; reason: string } {
  const e = err as { replyText?: string; silent?: boolean; reason?: string; message?: string };
  if (typeof e?.replyText === 'string') {
    return { reply: e.silent ? undefined : new ErrorReply(e.replyText.replace(/^-/, '')), reason: e.silent ? 'query buffer limit' : `protocol error (${e.reason ?? e.message})` };
  }
  return { reply: new ErrorReply(`ERR Protocol error: ${e?.message ?? 'unknown'}`), reason: 'protocol error' };
}
