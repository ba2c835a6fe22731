/**
 * `RdbReader`: the push-based streaming RDB parser. Feed it chunks as they arrive with `write()`,
 * call `end()` when the input is complete; it calls the handler for the header, aux fields,
 * module aux, functions, db selects, resize hints, slot info and entries, then `end`.
 *
 * Design (docs/rdb.md): the input is parsed one *record* at a time (an opcode with its payload,
 * or one key with its value). Records are parsed straight out of the chunk they arrive in (no
 * copy). A record that straddles chunks is parsed again once enough bytes are there: the parser
 * says how many bytes it needs at least (`needEnd`); for a record that fails more than once the
 * reader also waits for the buffered part to double, so re-parsing a huge record costs O(size).
 * Only the current record is ever buffered, and never beyond `limits.maxRecordBytes`.
 *
 * Exports: `RdbReader`, `RdbReaderHandler`, `RdbReaderOptions`, `RdbEndInfo`.
 */
import { Crc64 } from '../codec/crc64';
import { RdbChecksumError, RdbCorruptError, RdbError, RdbLimitError, RdbTruncatedError, RdbUnsupportedTypeError, RdbVersionError } from '../errors';
import type { RdbEntry } from '../model';
import { Cursor, DEFAULT_LIMITS, NEED_MORE } from './cursor';
import { readValue, skipModuleData, type ValueOptions } from './decode-value';
import { HandlerFailure, type RdbEndInfo, type RdbReaderHandler, type RdbReaderOptions, guardHandler } from './handler';

export type { RdbEndInfo, RdbReaderHandler, RdbReaderOptions } from './handler';

const S_HEADER = 0;
const S_BODY = 1;
const S_DONE = 2;

export class RdbReader {
  private readonly cur: Cursor;
  /** codec/crc64.ts: WebAssembly slicing-by-8, falling back to JS */
  private readonly crc = new Crc64();
  private readonly verify: boolean;
  private readonly databases: number;
  private readonly valueOptions: ValueOptions;
  private state = S_HEADER;
  private version = 0;
  private db = 0;
  private expireAt = -1;
  private idle = -1;
  private freq = -1;
  private keys = 0;
  private empty = 0;
  private trailing = 0;
  private received = 0;
  private rdbBytes = 0;
  private checksum = 0n;
  private checksumVerified = false;
  private crcFrom = 0;
  /** bytes of the record being waited for, not yet parsed */
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private pendingBase = 0;
  private waitFor = 0;
  private failed: unknown = null;
  /** the handler, each callback wrapped so that its exceptions are told apart from decoding errors */
  private readonly h: RdbReaderHandler;
  private ended = false;

  constructor(handler: RdbReaderHandler, options: RdbReaderOptions = {}) {
    this.h = guardHandler(handler);
    this.cur = new Cursor({ ...DEFAULT_LIMITS, ...options.limits });
    this.cur.copy = options.copyStrings === true;
    this.cur.totalBytes = options.totalBytes ?? -1;
    this.verify = options.verifyChecksum !== false;
    this.databases = options.databases ?? Number.POSITIVE_INFINITY;
    this.valueOptions = { skipModules: options.skipModules === true, checkDuplicates: options.checkDuplicates ?? true };
  }

  /** True once the EOF opcode and checksum have been read. */
  get done(): boolean {
    return this.state === S_DONE;
  }

  /** Bytes held for the record being waited for (0 between records): the reader's whole buffer. */
  get bufferedBytes(): number {
    return this.pendingLen;
  }

  /** Bytes received so far. */
  get bytesReceived(): number {
    return this.received;
  }

  /** Feeds the next chunk. Throws an RdbError (with the absolute byte offset) on bad input. */
  write(chunk: Uint8Array): void {
    if (this.failed) throw this.failed;
    if (this.ended) throw new RdbError('ERR_RDB_WRITE_AFTER_END', 'write() after end()');
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.received += buf.length;
    if (buf.length === 0) return;
    if (this.state === S_DONE) {
      this.trailing += buf.length;
      return;
    }
    if (this.pendingLen === 0) {
      this.run(buf, this.received - buf.length, false, false, 0);
      return;
    }
    this.pending.push(buf);
    this.pendingLen += buf.length;
    if (this.pendingLen < this.waitFor) return;
    this.runPending(false);
  }

  /** Marks the input complete: parses what is buffered; throws RdbTruncatedError if the RDB is incomplete. */
  end(): void {
    if (this.failed) throw this.failed;
    if (this.ended) return;
    this.ended = true;
    if (this.pendingLen > 0 && this.state !== S_DONE) this.runPending(true);
    if (this.state !== S_DONE) {
      this.fail(new RdbTruncatedError('input ended before the RDB EOF opcode and checksum', this.received));
    }
  }

  /**
   * Parses the buffered record. Only the bytes the record can need are copied: the older pending
   * parts plus a prefix of the newest chunk; parsing then goes on in the newest chunk itself.
   */
  private runPending(final: boolean): void {
    for (;;) {
      const parts = this.pending;
      const last = parts[parts.length - 1];
      const before = this.pendingLen - last.length;
      const base = this.pendingBase;
      let k = last.length;
      if (parts.length > 1 && !final) k = Math.min(last.length, Math.max(this.waitFor - before, 0) + 1024);
      let combined: Buffer;
      if (parts.length === 1) combined = last;
      else {
        parts[parts.length - 1] = last.subarray(0, k);
        combined = Buffer.concat(parts, before + k);
      }
      this.pending = [];
      this.pendingLen = 0;
      this.run(combined, base, final && k === last.length, true, 0);
      if (k === last.length) return;
      if (this.state === S_DONE) {
        this.trailing += last.length - k;
        return;
      }
      const tailLen = this.pendingLen;
      const s = combined.length - tailLen; // where the unfinished record starts in `combined`
      if (tailLen === 0 || s >= before) {
        // the unfinished record (if any) starts inside `last`: continue there, without copying
        this.pending = [];
        this.pendingLen = 0;
        this.run(last, base + before, final, false, tailLen === 0 ? k : s - before);
        return;
      }
      // still inside the older parts: keep them with the rest of `last`
      this.pending.push(last.subarray(k));
      this.pendingLen += last.length - k;
      if (!final && this.pendingLen < this.waitFor) return;
    }
  }

  private fail(e: unknown): never {
    this.failed = e;
    throw e;
  }

  private run(buf: Buffer, base: number, final: boolean, retry: boolean, from: number): void {
    const cur = this.cur;
    cur.reset(buf, from, buf.length, base, final);
    this.crcFrom = from;
    let start = from;
    try {
      while (this.state !== S_DONE) {
        start = cur.pos;
        if (start >= buf.length) break;
        if (this.state === S_BODY) this.record(cur);
        else this.header(cur);
      }
    } catch (e) {
      if (e !== NEED_MORE) {
        if (e instanceof HandlerFailure) this.fail(e.error);
        if (e instanceof RdbError || !(e instanceof Error)) this.fail(e);
        this.fail(wrap(e, cur.abs(start)));
      }
    }
    if (this.state === S_DONE) {
      this.trailing += buf.length - cur.pos;
      return;
    }
    if (this.verify) this.crc.update(buf, this.crcFrom, start);
    if (start >= buf.length) return;
    // keep the unfinished record, wait for what it needs (and, on a retry, for the buffer to double)
    const avail = buf.length - start;
    let want = cur.needEnd - start;
    if (retry && start === from && want < 2 * avail) want = 2 * avail;
    const max = cur.limits.maxRecordBytes;
    if (cur.needEnd - start > max) this.fail(new RdbLimitError('record bytes', max, cur.needEnd - start, cur.abs(start)));
    if (want > max) want = max;
    this.pending = [start === 0 ? buf : buf.subarray(start)];
    this.pendingLen = avail;
    this.pendingBase = base + start;
    this.waitFor = want;
  }

  private header(cur: Cursor): void {
    cur.need(9);
    const b = cur.buf;
    const p = cur.pos;
    if (b.toString('latin1', p, p + 5) !== 'REDIS') throw new RdbVersionError(-1, 'not an RDB file (no REDIS magic)', cur.abs(p));
    const digits = b.toString('latin1', p + 5, p + 9);
    if (!/^[0-9]{4}$/.test(digits)) throw new RdbVersionError(-1, `bad RDB version "${digits}"`, cur.abs(p + 5));
    const v = Number(digits);
    if (v < 1 || v > 12) throw new RdbVersionError(v, `can't handle RDB format version ${v}`, cur.abs(p + 5));
    cur.pos = p + 9;
    this.version = v;
    this.state = S_BODY;
    this.h.header?.(v);
  }

  private record(cur: Cursor): void {
    const p = cur.pos;
    const op = cur.buf[p];
    cur.pos = p + 1;
    if (op < 0xf4) {
      if (op === 0 && this.h.stringEntry !== undefined && this.idle < 0 && this.freq < 0) {
        this.stringRecord(cur);
        return;
      }
      const key = cur.str();
      const value = readValue(cur, op, this.valueOptions);
      const expireAt = this.expireAt;
      this.expireAt = -1;
      if (value === null) {
        this.empty++;
        this.idle = this.freq = -1;
        return;
      }
      const entry: RdbEntry = { db: this.db, key, value, expireAtMs: expireAt };
      if (this.idle >= 0) {
        entry.idleSeconds = this.idle;
        this.idle = -1;
      }
      if (this.freq >= 0) {
        entry.lfuFreq = this.freq;
        this.freq = -1;
      }
      this.keys++;
      this.h.entry?.(entry, op);
      return;
    }
    switch (op) {
      case 0xfc: // EXPIRETIME_MS
        this.expireAt = cur.int64LE();
        return;
      case 0xfd: // EXPIRETIME (seconds, int32)
        this.expireAt = cur.int32LE() * 1000;
        return;
      case 0xfe: {
        const db = cur.len();
        if (db >= this.databases) throw new RdbCorruptError(`SELECTDB ${db}: the data has more than ${this.databases} databases`, cur.abs(p));
        this.db = db;
        this.h.selectDb?.(db);
        return;
      }
      case 0xfb: {
        const size = cur.len();
        const expires = cur.len();
        this.h.resizeDb?.(size, expires);
        return;
      }
      case 0xfa: {
        const key = cur.str();
        const value = cur.str();
        this.h.aux?.(key, value);
        return;
      }
      case 0xf9:
        this.freq = cur.u8();
        return;
      case 0xf8:
        this.idle = cur.len();
        return;
      case 0xf7:
        this.moduleAux(cur, p);
        return;
      case 0xf6:
        // 7.0-rc FUNCTION: Redis 7.0 GA refuses it too ("Pre-release function format not supported")
        throw new RdbUnsupportedTypeError(0xf6, 'pre-release (7.0-rc) FUNCTION format is not supported, as in Redis 7.0', cur.abs(p));
      case 0xf5: {
        const source = cur.str();
        this.h.function?.(source);
        return;
      }
      case 0xf4: {
        const slot = cur.len();
        const size = cur.len();
        const expires = cur.len();
        this.h.slotInfo?.(slot, size, expires);
        return;
      }
      case 0xff:
        this.eof(cur, p);
        return;
      default:
        throw new RdbCorruptError(`unknown RDB opcode 0x${op.toString(16)}`, cur.abs(p));
    }
  }

  /** A string key handed over as bytes (RdbReaderHandler.stringEntry): no Buffer, no entry object. */
  private stringRecord(cur: Cursor): void {
    cur.span(0);
    const key = cur.spanBuf;
    const keyStart = cur.spanStart;
    const keyEnd = cur.spanEnd;
    cur.span(1);
    const expireAt = this.expireAt;
    this.expireAt = -1;
    this.keys++;
    (this.h.stringEntry as NonNullable<RdbReaderHandler['stringEntry']>)(this.db, key, keyStart, keyEnd, cur.spanBuf, cur.spanStart, cur.spanEnd, expireAt);
  }

  private moduleAux(cur: Cursor, p: number): void {
    const moduleId = cur.lenBig();
    const whenOpcode = cur.len();
    const when = cur.len();
    if (whenOpcode !== 2) throw new RdbCorruptError(`bad MODULE_AUX when opcode ${whenOpcode}`, cur.abs(p));
    if (!this.valueOptions.skipModules) {
      throw new RdbUnsupportedTypeError(0xf7, `cannot read MODULE_AUX data of module id ${moduleId} (pass skipModules to skip it)`, cur.abs(p));
    }
    const start = cur.pos;
    skipModuleData(cur);
    this.h.moduleAux?.(moduleId, when, Buffer.from(cur.buf.subarray(start, cur.pos)));
  }

  private eof(cur: Cursor, p: number): void {
    let checksum = 0n;
    let verified = false;
    if (this.version >= 5) {
      cur.need(8);
      checksum = cur.buf.readBigUInt64LE(cur.pos);
      if (this.verify && checksum !== 0n) {
        this.crc.update(cur.buf, this.crcFrom, p + 1);
        if (this.crc.value !== checksum) throw new RdbChecksumError(checksum, this.crc.value, cur.abs(cur.pos));
        verified = true;
      }
      cur.pos += 8;
    }
    this.state = S_DONE;
    this.checksum = checksum;
    this.checksumVerified = verified;
    this.rdbBytes = cur.abs();
    this.h.end?.(this.info());
  }

  /** What the reader has seen so far (complete once `done`). */
  info(): RdbEndInfo {
    return {
      version: this.version,
      checksum: this.checksum,
      checksumVerified: this.checksumVerified,
      bytes: this.state === S_DONE ? this.rdbBytes : this.received,
      keys: this.keys,
      emptyKeysSkipped: this.empty,
      trailingBytes: this.trailing,
    };
  }
}

/** Turns a non-RdbError exception raised while decoding (e.g. a RangeError from a Buffer read) into ERR_RDB_CORRUPT. */
function wrap(e: Error, at: number): RdbError {
  return new RdbCorruptError(`malformed data: ${e.message}`, at, { cause: e });
}
