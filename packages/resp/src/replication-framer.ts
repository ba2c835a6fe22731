import { DEFAULT_MAX_BULK_LENGTH, DEFAULT_MAX_INLINE_LENGTH, DEFAULT_MAX_MULTIBULK_LENGTH, EOF_MARK_LENGTH, MAX_PREAMBLE_LINE } from './defaults';
import { binarySlice } from './binary-string';
import { EofMarkScanner } from './eof-mark-scanner';
import { RespMasterAbortedError, RespProtocolError, RespStateError } from './errors';
import { RequestDecoder } from './request-decoder';

/** How the snapshot is framed: `$<length>\r\n` (disk) or `$EOF:<40-byte mark>\r\n` (diskless). */
export type PayloadPreamble = { readonly kind: 'length'; readonly length: number } | { readonly kind: 'eof'; readonly mark: string };

/** Callbacks of a {@link ReplicationStreamFramer}. They run synchronously inside `write`. */
export interface ReplicationStreamHandlers {
  /** The snapshot preamble was read. */
  onPayloadStart?(preamble: PayloadPreamble): void;
  /** Snapshot bytes, in order, as zero-copy views of the written chunks whenever possible. */
  onPayloadChunk?(chunk: Buffer): void;
  /** The last snapshot byte was delivered (the EOF mark itself is never delivered). */
  onPayloadEnd?(): void;
  /**
   * One command of the replication stream, as binary strings. `bytes` is the number of stream bytes
   * consumed since the previous command, ending with this one (skipped `\n` / `*0` included, as
   * Redis counts them), so summing `bytes` gives the replication offset. With the `rawBytes` option,
   * `raw` holds exactly those `bytes` bytes as zero-copy views of the written chunks (several when the
   * command spanned chunks), ready to be appended to a backlog or forwarded unchanged; the views stay
   * valid as long as the caller does not reuse the chunks it wrote. Without it, `raw` is empty.
   */
  onCommand(argv: string[], bytes: number, raw: readonly Buffer[]): void;
  /** A bare `\n` (or `\r\n`): before the payload, or in the stream. Refresh the link timer. */
  onKeepalive?(): void;
}

export interface ReplicationStreamFramerOptions {
  /**
   * Largest `$<length>` snapshot accepted.
   * @default Number.MAX_SAFE_INTEGER
   */
  maxPayloadLength?: number;
  /**
   * Largest bulk string in the stream. Redis applies no limit to its master; this bound keeps memory finite.
   * @default 536870912 (512mb)
   */
  maxBulkLength?: number;
  /** @default 2147483647 */
  maxMultibulkLength?: number;
  /** Longest `*<n>`/`$<n>` header line. @default 65536 */
  maxInlineLength?: number;
  /**
   * Hand each command's raw bytes to `onCommand` (a replica that forwards what it applies to its
   * backlog and sub-replicas). Off, `raw` is an empty array and nothing is sliced.
   * @default false
   */
  rawBytes?: boolean;
  /**
   * Keep the stream chunks so that {@link ReplicationStreamFramer.takeStreamBytes} can hand out the
   * bytes of the commands in order, many commands at once (`raw` stays empty: no views per command).
   * For a replica that forwards every command's bytes in stream order, once per chunk read.
   * @default false
   */
  keepStreamBytes?: boolean;
}

const NO_RAW: readonly Buffer[] = Object.freeze([]) as readonly Buffer[];

type Mode = 'unset' | 'preamble' | 'length' | 'eof' | 'stream';

/**
 * The replica side of a master link after the PSYNC reply: reads the snapshot preamble and payload
 * (`expectPayload()`, after `+FULLRESYNC`) and then the command stream (or only the stream:
 * `streamOnly()`, after `+CONTINUE`). Push bytes with `write`; results arrive through the handlers.
 * Errors are thrown by `write` and are sticky (the link must be dropped):
 * `RespMasterAbortedError` (`-ERR ...` instead of a preamble) and `RespProtocolError` (bad preamble,
 * inline data in the stream: "Master using the inline protocol. Desync?", limits).
 */
export class ReplicationStreamFramer {
  private mode: Mode = 'unset';
  private readonly decoder: RequestDecoder;
  private readonly maxPayload: number;
  private line: Buffer[] = [];
  private lineLength = 0;
  private payloadLeft = 0;
  private scanner: EofMarkScanner | null = null;
  private failure: Error | null = null;
  private keepalives = 0;
  // stream chunks (views) whose bytes have not all been handed out as a command's raw bytes yet
  private pending: Buffer[] = [];
  private pendingHead = 0;
  private pendingOffset = 0;
  private readonly raw: boolean;
  private readonly keep: boolean;

  constructor(
    private readonly handlers: ReplicationStreamHandlers,
    options: ReplicationStreamFramerOptions = {},
  ) {
    this.maxPayload = options.maxPayloadLength ?? Number.MAX_SAFE_INTEGER;
    this.raw = options.rawBytes === true;
    this.keep = !this.raw && options.keepStreamBytes === true;
    this.decoder = new RequestDecoder({
      masterLink: true,
      maxBulkLength: options.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH,
      maxMultibulkLength: options.maxMultibulkLength ?? DEFAULT_MAX_MULTIBULK_LENGTH,
      maxInlineLength: options.maxInlineLength ?? DEFAULT_MAX_INLINE_LENGTH,
    });
  }

  /** The current phase: `unset`, `preamble`, `length`/`eof` (payload), `stream`. */
  get state(): Mode {
    return this.mode;
  }

  /** Stream bytes consumed so far (commands and what was skipped between them; not the payload). */
  get streamBytes(): number {
    return this.decoder.consumedBytes;
  }

  /** Stream bytes held that do not yet form a whole command. */
  get bufferedBytes(): number {
    return this.decoder.bufferedBytes + this.lineLength;
  }

  /** After `+FULLRESYNC`: keepalives, then `$<len>` or `$EOF:<mark>`, the payload, then the stream. */
  expectPayload(): void {
    this.mode = 'preamble';
    this.line = [];
    this.lineLength = 0;
    this.scanner = null;
  }

  /** After `+CONTINUE`: only the command stream. */
  streamOnly(): void {
    this.mode = 'stream';
  }

  write(chunk: Buffer): void {
    if (this.failure !== null) throw this.failure;
    try {
      let rest: Buffer | null = chunk;
      while (rest !== null && rest.length > 0) {
        switch (this.mode) {
          case 'stream':
            this.stream(rest);
            rest = null;
            break;
          case 'preamble':
            rest = this.preamble(rest);
            break;
          case 'length':
            rest = this.lengthPayload(rest);
            break;
          case 'eof':
            rest = this.eofPayload(rest);
            break;
          default:
            throw new RespStateError('ReplicationStreamFramer: call expectPayload() or streamOnly() before write()');
        }
      }
    } catch (err) {
      if (!(err instanceof RespStateError)) this.failure = err as Error;
      throw err;
    }
  }

  private stream(chunk: Buffer): void {
    const d = this.decoder;
    const h = this.handlers;
    d.write(chunk);
    if (!this.raw) {
      if (this.keep) this.pending.push(chunk);
      for (;;) {
        const argv = d.next();
        if (d.emptyLines !== this.keepalives) this.flushKeepalives();
        if (argv === undefined) return;
        h.onCommand(argv, d.lastCommandBytes, NO_RAW);
      }
    }
    this.pending.push(chunk);
    for (;;) {
      const argv = d.next();
      if (d.emptyLines !== this.keepalives) this.flushKeepalives();
      if (argv === undefined) return;
      const bytes = d.lastCommandBytes;
      h.onCommand(argv, bytes, this.takeRaw(bytes));
    }
  }

  /**
   * With `keepStreamBytes`: the next `bytes` bytes of the stream (the commands already handed to
   * `onCommand` that the caller has not taken yet, in order) as views of the written chunks; `bytes`
   * must not pass the end of the last command handed out.
   */
  takeStreamBytes(bytes: number): Buffer[] {
    return bytes === 0 ? [] : this.takeRaw(bytes);
  }

  /** The next `bytes` stream bytes as views of the pending chunks; drops the chunks fully handed out. */
  private takeRaw(bytes: number): Buffer[] {
    const pending = this.pending;
    let head = this.pendingHead;
    let offset = this.pendingOffset;
    const first = pending[head];
    if (first.length - offset > bytes) {
      // the common case: the command lies inside one chunk
      this.pendingOffset = offset + bytes;
      return [first.subarray(offset, offset + bytes)];
    }
    const raw: Buffer[] = [];
    let left = bytes;
    while (left > 0) {
      const c = pending[head];
      const n = Math.min(c.length - offset, left);
      raw.push(offset === 0 && n === c.length ? c : c.subarray(offset, offset + n));
      left -= n;
      offset += n;
      if (offset === c.length) {
        head++;
        offset = 0;
      }
    }
    if (head === pending.length) {
      this.pending = [];
      head = 0;
    } else if (head > 32) {
      this.pending = pending.slice(head);
      head = 0;
    }
    this.pendingHead = head;
    this.pendingOffset = offset;
    return raw;
  }

  private flushKeepalives(): void {
    const n = this.decoder.emptyLines - this.keepalives;
    this.keepalives = this.decoder.emptyLines;
    for (let i = 0; i < n; i++) this.handlers.onKeepalive?.();
  }

  /** Reads preamble lines; returns the bytes after the preamble line (or null when incomplete). */
  private preamble(chunk: Buffer): Buffer | null {
    const nl = chunk.indexOf(10);
    if (nl < 0) {
      this.lineLength += chunk.length;
      if (this.lineLength > MAX_PREAMBLE_LINE) throw this.badPreamble(Buffer.concat([...this.line, chunk]));
      this.line.push(chunk);
      return null;
    }
    let line = chunk.subarray(0, nl);
    if (this.line.length > 0) {
      line = Buffer.concat([...this.line, line]);
      this.line = [];
    }
    this.lineLength = 0;
    if (line.length > MAX_PREAMBLE_LINE) throw this.badPreamble(line);
    if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    const rest = chunk.subarray(nl + 1);
    if (line.length === 0) {
      this.handlers.onKeepalive?.();
      return rest;
    }
    if (line[0] === 45) throw new RespMasterAbortedError(binarySlice(line, 1, line.length));
    if (line[0] !== 36) throw this.badPreamble(line);
    if (line.length >= 5 + EOF_MARK_LENGTH && binarySlice(line, 1, 5) === 'EOF:') {
      // Redis keeps the first 40 bytes after "EOF:" and ignores anything after them.
      const mark = line.subarray(5, 5 + EOF_MARK_LENGTH);
      this.scanner = new EofMarkScanner(Buffer.from(mark));
      this.mode = 'eof';
      this.handlers.onPayloadStart?.({ kind: 'eof', mark: binarySlice(mark, 0, mark.length) });
      return rest;
    }
    const length = parseLength(line);
    if (length < 0 || length > this.maxPayload) throw this.badLength(line);
    this.payloadLeft = length;
    this.mode = 'length';
    this.handlers.onPayloadStart?.({ kind: 'length', length });
    if (length === 0) this.endPayload();
    return rest;
  }

  private lengthPayload(chunk: Buffer): Buffer | null {
    const n = Math.min(this.payloadLeft, chunk.length);
    this.payloadLeft -= n;
    this.handlers.onPayloadChunk?.(n === chunk.length ? chunk : chunk.subarray(0, n));
    if (this.payloadLeft > 0) return null;
    this.endPayload();
    return chunk.subarray(n);
  }

  private eofPayload(chunk: Buffer): Buffer | null {
    const scanner = this.scanner!;
    const after = scanner.push(chunk, this.handlers.onPayloadChunk ?? noop);
    if (after < 0) return null;
    this.scanner = null;
    this.endPayload();
    return chunk.subarray(after);
  }

  private endPayload(): void {
    this.mode = 'stream';
    this.handlers.onPayloadEnd?.();
  }

  private badLength(line: Buffer): RespProtocolError {
    const shown = binarySlice(line, 0, Math.min(line.length, 64));
    return new RespProtocolError(`ERR Protocol error: invalid snapshot length '${shown}'`, 'bad snapshot length', 0, null, true);
  }

  private badPreamble(line: Buffer): RespProtocolError {
    const shown = binarySlice(line, 0, Math.min(line.length, 64));
    return new RespProtocolError(
      `ERR Protocol error: Bad protocol from MASTER, the first byte is not '$' (we received '${shown}'), are you sure the host and port are right?`,
      'bad snapshot preamble',
      0,
      null,
      true,
    );
  }
}

function noop(): void {}

/** Decimal digits only (Redis uses strtol; replikit refuses what strtol would silently misread). */
function parseLength(line: Buffer): number {
  if (line.length < 2 || line.length > 17) return -1;
  let v = 0;
  for (let i = 1; i < line.length; i++) {
    const c = line[i];
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}
