import { binaryString as importedBinaryString, commandName as importedCommandName } from './binary-string';
import {
  DEFAULT_MAX_BULK_LENGTH,
  DEFAULT_MAX_INLINE_LENGTH,
  DEFAULT_MAX_MULTIBULK_LENGTH,
  DEFAULT_MAX_QUERY_BUFFER,
  UNAUTHENTICATED_MAX_BULK_LENGTH as IMPORTED_UNAUTH_BULK,
  UNAUTHENTICATED_MAX_MULTIBULK_LENGTH as IMPORTED_UNAUTH_MULTIBULK,
} from './defaults';
import { InputBuffer } from './input-buffer';
import { LineScanner } from './line-scanner';
import { RespLimitError, RespProtocolError, type RespLimitName } from './errors';
import { parseRedisInteger } from './redis-integer';
import { splitArgs } from './split-args';
import type { RequestDecoderOptions } from './request-decoder-options';

export type { RequestDecoderOptions } from './request-decoder-options';

// Local aliases of hot imports: when modules are transpiled one by one to CommonJS (tsx, ts-jest),
// every use of an imported binding is a property read through a getter; the bundled build (tsup)
// does not care either way.
const binaryString = importedBinaryString;
const commandName = importedCommandName;
const UNAUTHENTICATED_MAX_BULK_LENGTH = IMPORTED_UNAUTH_BULK;
const UNAUTHENTICATED_MAX_MULTIBULK_LENGTH = IMPORTED_UNAUTH_MULTIBULK;

const ERR = 'ERR Protocol error: ';

/**
 * The server-side request decoder: multibulk (`*<n>\r\n$<len>\r\n...`) and inline commands, exactly
 * as redis-server 7.0 reads them (networking.c `processMultibulkBuffer` / `processInlineBuffer`).
 *
 * Push bytes with `write`, pull commands with `next`. Arguments are binary strings (latin1). The
 * decoder keeps no reference to a chunk once its bytes are consumed, resumes where it stopped (no
 * re-scanning on byte-by-byte input) and only grows its buffer with bytes that have arrived.
 */
export class RequestDecoder {
  /** Bytes the last command returned by `next()` occupied, plus any skipped bytes before it (empty lines, `*0`). */
  lastCommandBytes = 0;
  /** Number of empty inline lines (`\n` or `\r\n`) consumed so far: a replica's keepalive. */
  emptyLines = 0;
  private auth: boolean;
  /** bulk lengths up to this need no further check */
  private quickMax: number;

  private readonly maxBulk: number;
  private readonly maxMultibulk: number;
  private readonly maxInline: number;
  private readonly maxQuery: number;
  private readonly master: boolean;
  private readonly input = new InputBuffer();
  // partial multibulk command
  private argv: string[] | null = null;
  private remaining = 0;
  private bulkLen = -1;
  private filled = 0;
  // line scanning memo (absolute positions in the input buffer)
  private readonly lines = new LineScanner();
  private lineEnd = 0;
  // accounting
  private consumed = 0;
  private commandMark = 0;
  private failure: RespProtocolError | null = null;

  constructor(options: RequestDecoderOptions = {}) {
    this.maxBulk = options.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH;
    this.maxMultibulk = options.maxMultibulkLength ?? DEFAULT_MAX_MULTIBULK_LENGTH;
    this.maxInline = options.maxInlineLength ?? DEFAULT_MAX_INLINE_LENGTH;
    this.maxQuery = options.maxQueryBuffer ?? DEFAULT_MAX_QUERY_BUFFER;
    this.master = options.masterLink ?? false;
    this.auth = this.master || (options.authenticated ?? true);
    this.quickMax = this.auth ? this.maxBulk : Math.min(this.maxBulk, UNAUTHENTICATED_MAX_BULK_LENGTH);
  }

  /** See {@link RequestDecoderOptions.authenticated}. */
  get authenticated(): boolean {
    return this.auth;
  }

  set authenticated(value: boolean) {
    this.auth = this.master || value;
    this.quickMax = this.auth ? this.maxBulk : Math.min(this.maxBulk, UNAUTHENTICATED_MAX_BULK_LENGTH);
  }

  /** Bytes held but not yet consumed (a partial command). */
  get bufferedBytes(): number {
    return this.input.size;
  }

  /** Total bytes consumed since creation (or `reset`). */
  get consumedBytes(): number {
    return this.consumed;
  }

  /** Appends bytes. Parsing happens in `next()`. The chunk must not be modified afterwards. */
  write(chunk: Buffer): void {
    if (chunk.length === 0 || this.failure !== null) return;
    this.lines.shift(this.input.append(chunk, this.bulkLen >= 0 ? this.bulkLen + 2 : 0));
    if (!this.master && this.input.size > this.maxQuery) {
      this.failure = new RespLimitError(
        'ERR Closing client that reached max query buffer length',
        'max query buffer length',
        this.consumed,
        { name: 'client-query-buffer-limit', value: this.maxQuery },
        true,
      );
    }
  }

  /**
   * The next complete command as an argv of binary strings, or undefined when more bytes are
   * needed. Throws {@link RespProtocolError} (code `ERR_RESP_PROTOCOL`) on bad input; the error is
   * sticky (every later call throws it again) until `reset()`, as Redis closes the connection.
   */
  next(): string[] | undefined {
    for (;;) {
      const argv = this.parse();
      const input = this.input;
      if (input.rest === null) return argv;
      // A chunk was stitched to the pending bytes (see InputBuffer): move on to the chunk itself
      // once they are consumed, or append the rest of it when the command needs more bytes.
      if (input.start >= input.stitchAt) {
        this.lines.shift(input.switchToRest());
        if (argv !== undefined) return argv;
      } else if (argv !== undefined) {
        return argv;
      } else {
        input.spill();
      }
    }
  }

  private parse(): string[] | undefined {
    if (this.failure !== null) throw this.failure;
    const input = this.input;
    const buf = input.buf;
    const end = input.end;
    for (;;) {
      let pos = input.start;
      let argv = this.argv;
      let remaining: number;
      if (argv === null) {
        if (pos >= end) return undefined;
        if (buf[pos] !== 42) {
          const r = this.inline(buf, pos, end);
          if (r === null) continue;
          return r;
        }
        // "*<count>\r\n": fast path for 1..10 plain digits, the general rules otherwise
        let count = 0;
        let p = pos + 1;
        let ok = false;
        if (p < end) {
          let c = buf[p];
          if (c >= 49 && c <= 57) {
            count = c - 48;
            const lim = Math.min(p + 10, end);
            p++;
            while (p < lim && (c = buf[p]) >= 48 && c <= 57) {
              count = count * 10 + (c - 48);
              p++;
            }
            ok = p + 1 < end && buf[p] === 13;
          }
        }
        if (ok) {
          p += 2;
        } else {
          const r = this.headerLine(buf, pos, end, true);
          if (r === undefined) return undefined;
          count = r;
          p = this.lineEnd;
        }
        if (count > this.maxMultibulk) {
          throw this.fail('invalid multibulk length', 'invalid mbulk count', pos, 'multibulk-length', this.maxMultibulk);
        }
        if (count > UNAUTHENTICATED_MAX_MULTIBULK_LENGTH && !this.auth) {
          throw this.fail(
            'unauthenticated multibulk length',
            'unauth mbulk count',
            pos,
            'unauthenticated-multibulk-length',
            UNAUTHENTICATED_MAX_MULTIBULK_LENGTH,
          );
        }
        pos = p;
        if (count <= 0) {
          this.advance(pos);
          continue;
        }
        // never sized by an untrusted count beyond 1024 slots (Redis does the same)
        argv = count <= 1024 ? new Array<string>(count) : [];
        remaining = count;
        this.filled = 0;
      } else {
        remaining = this.remaining;
      }
      let filled = this.filled;
      let pendingLen = this.bulkLen;
      const quickMax = this.quickMax;
      while (remaining > 0) {
        let len = pendingLen;
        pendingLen = -1;
        if (len < 0) {
          // "$<len>\r\n": fast path for plain digits, the general rules otherwise
          let p = pos + 1;
          if (pos < end && buf[pos] === 36 && p < end) {
            let c = buf[p];
            if (c >= 49 && c <= 57) {
              let n = c - 48;
              const lim = Math.min(p + 10, end);
              p++;
              while (p < lim && (c = buf[p]) >= 48 && c <= 57) {
                n = n * 10 + (c - 48);
                p++;
              }
              if (p + 1 < end && buf[p] === 13) len = n;
            } else if (c === 48 && p + 2 < end && buf[p + 1] === 13) {
              p++;
              len = 0;
            }
          }
          if (len >= 0) {
            p += 2;
          } else {
            const r = this.headerLine(buf, pos, end, false);
            if (r === undefined) {
              this.filled = filled;
              this.suspend(argv, remaining, -1, pos);
              return undefined;
            }
            len = r;
            p = this.lineEnd;
          }
          if (len < 0) throw this.fail('invalid bulk length', 'invalid bulk length', pos, null, 0);
          if (len > quickMax) this.checkBulkLength(len, pos);
          pos = p;
        }
        // Redis does not check the two bytes after the payload: it skips them, so do we.
        if (end - pos < len + 2) {
          this.filled = filled;
          this.suspend(argv, remaining, len, pos);
          return undefined;
        }
        const s = filled === 0 ? commandName(buf, pos, len) : binaryString(buf, pos, len);
        if (filled < argv.length) argv[filled] = s;
        else argv.push(s);
        filled++;
        pos += len + 2;
        remaining--;
      }
      if (this.argv !== null) {
        this.argv = null;
        this.bulkLen = -1;
      }
      // advance(pos), inlined
      const consumed = this.consumed + (pos - input.start);
      input.start = pos;
      this.lines.forget();
      this.consumed = consumed;
      this.lastCommandBytes = consumed - this.commandMark;
      this.commandMark = consumed;
      return argv;
    }
  }

  /** The slow part of the bulk length checks (only when `len` is above the smaller limit). */
  private checkBulkLength(len: number, pos: number): void {
    if (len > this.maxBulk) {
      throw this.fail('invalid bulk length', 'invalid bulk length', pos, 'proto-max-bulk-len', this.maxBulk);
    }
    if (len > UNAUTHENTICATED_MAX_BULK_LENGTH && !this.auth) {
      throw this.fail('unauthenticated bulk length', 'unauth bulk length', pos, 'unauthenticated-bulk-length', UNAUTHENTICATED_MAX_BULK_LENGTH);
    }
  }


  /** Drops every buffered byte and partial command, clears a sticky error and the counters. */
  reset(): void {
    this.input.clear();
    this.argv = null;
    this.remaining = 0;
    this.bulkLen = -1;
    this.lines.forget();
    this.consumed = 0;
    this.commandMark = 0;
    this.lastCommandBytes = 0;
    this.emptyLines = 0;
    this.failure = null;
  }

  private suspend(argv: string[], remaining: number, bulkLen: number, pos: number): void {
    this.argv = argv;
    this.remaining = remaining;
    this.bulkLen = bulkLen;
    this.advance(pos);
  }

  private advance(pos: number): void {
    const input = this.input;
    if (pos !== input.start) {
      this.consumed += pos - input.start;
      input.start = pos;
      this.lines.forget();
    }
  }

  /** The general `*<n>` / `$<n>` line rules; undefined when incomplete. Sets `lineEnd`. */
  private headerLine(buf: Buffer, lineStart: number, end: number, isCount: boolean): number | undefined {
    const cr = this.lines.find(buf, lineStart, end, 13);
    // Redis refuses a header once more than PROTO_INLINE_MAX_SIZE bytes are buffered without its
    // \r; applied to the line length so the outcome does not depend on how bytes are chunked.
    if ((cr < 0 ? end : cr) - lineStart > this.maxInline) {
      const what = isCount ? 'too big mbulk count string' : 'too big bulk count string';
      throw this.fail(what, what, lineStart, 'proto-inline-max-size', this.maxInline);
    }
    // Redis needs one more byte after the \r and skips it without checking it is \n.
    if (cr < 0 || cr + 1 >= end) return undefined;
    if (!isCount && buf[lineStart] !== 36) {
      const c = buf[lineStart];
      const shown = c === 13 || c === 10 ? ' ' : String.fromCharCode(c);
      throw this.fail(`expected '$', got '${shown}'`, 'expected $ but got something else', lineStart, null, 0);
    }
    const v = parseRedisInteger(buf, lineStart + 1, cr);
    if (Number.isNaN(v)) {
      throw isCount
        ? this.fail('invalid multibulk length', 'invalid mbulk count', lineStart, null, 0)
        : this.fail('invalid bulk length', 'invalid bulk length', lineStart, null, 0);
    }
    this.lineEnd = cr + 2;
    return v;
  }

  /** An inline command line; null when the line yields no command (empty or blank). */
  private inline(buf: Buffer, lineStart: number, end: number): string[] | null | undefined {
    const nl = this.lines.find(buf, lineStart, end, 10);
    if ((nl < 0 ? end : nl) - lineStart > this.maxInline) {
      throw this.fail('too big inline request', 'too big inline request', lineStart, 'proto-inline-max-size', this.maxInline);
    }
    if (nl < 0) return undefined;
    const lineEnd = nl > lineStart && buf[nl - 1] === 13 ? nl - 1 : nl;
    const args = splitArgs(buf, lineStart, lineEnd);
    if (args === null) {
      throw this.fail('unbalanced quotes in request', 'unbalanced quotes in inline request', lineStart, null, 0);
    }
    if (lineEnd !== lineStart && this.master) {
      this.failure = new RespProtocolError(
        `${ERR}Master using the inline protocol. Desync?`,
        'Master using the inline protocol. Desync?',
        this.consumed + (lineStart - this.input.start),
        null,
        true,
      );
      throw this.failure;
    }
    this.advance(nl + 1);
    if (lineEnd === lineStart) {
      this.emptyLines++;
      return null;
    }
    if (args.length === 0) return null;
    this.lastCommandBytes = this.consumed - this.commandMark;
    this.commandMark = this.consumed;
    return args;
  }

  private fail(text: string, reason: string, at: number, limit: RespLimitName | null, value: number): RespProtocolError {
    const offset = this.consumed + (at - this.input.start);
    this.failure =
      limit === null
        ? new RespProtocolError(ERR + text, reason, offset, null, this.master)
        : new RespLimitError(ERR + text, reason, offset, { name: limit, value }, this.master);
    return this.failure;
  }
}
