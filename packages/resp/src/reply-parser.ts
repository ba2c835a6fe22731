import RedisParser from 'redis-parser';
import { binarySlice } from './binary-string';
import { RespProtocolError } from './errors';
import { ErrorReply, SimpleString, type RespValue } from './reply-types';

/** Callbacks of {@link createReplyParser}. They run synchronously inside `write`. */
export interface ReplyParserHandlers {
  /**
   * One reply: `SimpleString` for `+...`, `ErrorReply` for `-...` (Redis errors are replies here,
   * not exceptions), `Buffer` for bulk strings, `number` for integers, `null`, or an array.
   * Calling `detach()` from here stops parsing right after this reply.
   */
  onReply(reply: RespValue): void;
  /** An empty line (`\n`, `\r\n`) between replies: a master's keepalive while it prepares PSYNC. */
  onKeepalive?(): void;
}

/** A RESP2 reply reader for the replica's handshake (see {@link createReplyParser}). */
export interface ReplyParser {
  /** Parses `chunk`. Throws `RespProtocolError` on bytes that are not RESP2 replies. */
  write(chunk: Buffer): void;
  /**
   * Stops parsing for good and returns the bytes received but not consumed by a reply delivered so
   * far (an empty Buffer when none), e.g. the snapshot preamble that followed `+FULLRESYNC` in the
   * same chunk. Call it from `onReply`, then hand those bytes to a `ReplicationStreamFramer`.
   */
  detach(): Buffer;
  readonly detached: boolean;
}

/** The parts of redis-parser 3's state this wrapper relies on (stable since 2017; tested). */
interface ParserInternals {
  buffer: Buffer | null;
  offset: number;
  bufferCache: Buffer[];
  execute(chunk: Buffer): void;
}

const EMPTY = Buffer.alloc(0);

/**
 * Reads replies with redis-parser (returnBuffers), one reply at a time, so that it can stop exactly
 * after the PSYNC reply and give back what follows: redis-parser alone cannot, and would choke on
 * the keepalive newlines a master sends before `+FULLRESYNC` and on the snapshot after it.
 */
export function createReplyParser(handlers: ReplyParserHandlers): ReplyParser {
  let detached = false;
  let remainder: Buffer = EMPTY;
  // bytes fed to the parser since the last reply boundary (to give back on an early detach)
  let fed: Buffer[] = [];
  let typeByte = 0;
  let stop: Buffer | null = null;

  const deliver = (reply: RespValue): void => {
    const p = parser as unknown as ParserInternals;
    const buf = p.buffer;
    // Stop redis-parser after this reply: keep the rest for our own loop.
    stop = buf !== null && p.offset < buf.length ? buf.subarray(p.offset) : EMPTY;
    if (buf !== null) p.offset = buf.length;
    fed = [];
    handlers.onReply(reply);
  };

  const parser = new RedisParser({
    returnBuffers: true,
    returnReply: (reply: unknown) => {
      const r = reply as RespValue;
      deliver(typeByte === 43 && Buffer.isBuffer(r) ? new SimpleString(binarySlice(r, 0, r.length)) : convert(r));
    },
    returnError: (err: Error) => deliver(new ErrorReply(err.message)),
    returnFatalError: (err: Error) => {
      throw new RespProtocolError(`ERR Protocol error: ${err.message}`, 'bad reply from master', 0, null, true);
    },
  });

  // a lone \r at a reply boundary, kept until we know whether \n follows
  let carry: Buffer | null = null;

  const write = (chunk: Buffer): void => {
    if (detached) {
      remainder = remainder.length === 0 ? chunk : Buffer.concat([remainder, chunk]);
      return;
    }
    let data: Buffer | null = chunk;
    if (carry !== null) {
      data = Buffer.concat([carry, chunk]);
      carry = null;
    }
    while (data !== null && data.length > 0 && !detached) {
      if (fed.length === 0) {
        // At a reply boundary: empty lines are keepalives.
        let i = 0;
        while (i < data.length) {
          if (data[i] === 10) {
            handlers.onKeepalive?.();
            i++;
          } else if (data[i] === 13 && i + 1 < data.length && data[i + 1] === 10) {
            handlers.onKeepalive?.();
            i += 2;
          } else break;
        }
        if (i > 0) data = data.subarray(i);
        if (data.length === 0) return;
        if (data.length === 1 && data[0] === 13) {
          carry = data;
          return;
        }
        typeByte = data[0];
      }
      fed.push(data);
      stop = null;
      (parser as unknown as ParserInternals).execute(data);
      data = stop;
    }
  };

  return {
    write,
    detach(): Buffer {
      if (!detached) {
        detached = true;
        const pending = stop !== null ? [stop] : carry !== null ? [carry] : fed;
        stop = null;
        carry = null;
        remainder = pending.length === 0 ? EMPTY : pending.length === 1 ? pending[0] : Buffer.concat(pending);
        fed = [];
      }
      const out = remainder;
      remainder = EMPTY;
      return out;
    },
    get detached() {
      return detached;
    },
  };
}

function convert(r: RespValue): RespValue {
  if (Array.isArray(r)) return r.map((x) => (x instanceof Error ? new ErrorReply(x.message) : convert(x as RespValue)));
  return r;
}
