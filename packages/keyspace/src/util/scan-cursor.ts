/**
 * SCAN-family cursors over live iterators. Redis's reverse-binary cursor needs its hash table; we
 * keep the iterator itself (a Map/Set iterator survives concurrent inserts and deletes, visiting
 * every element present for the whole scan exactly once, and new ones at most once) under a
 * numeric id. Unknown or evicted ids restart the scan, which keeps the SCAN guarantee (elements
 * may be returned more than once, never missed). Used by SCAN, HSCAN, SSCAN and ZSCAN.
 */
import { INVALID_CURSOR, MUST_BE_POSITIVE, NOT_INTEGER, SYNTAX_ERR } from '../reply-errors';
import type { ErrorReply } from '@replikit/resp';
import { parseInt64 } from './int64';
import { compileGlob } from './glob';

const ULONG_MAX = 18446744073709551615n;

/**
 * Parses a cursor like Redis's parseScanCursorOrReply (strtoul: optional sign, digits, no leading
 * space, whole string, no overflow; the empty string is 0). Returns null when invalid.
 */
export function parseScanCursor(s: string): bigint | null {
  if (s.length === 0) return 0n;
  const m = /^([+-]?)(\d+)$/.exec(s);
  if (!m) return null;
  const v = BigInt(m[2]);
  if (v > ULONG_MAX) return null;
  return m[1] === '-' ? (v === 0n ? 0n : ULONG_MAX + 1n - v) : v;
}

interface Entry {
  owner: object;
  it: Iterator<unknown>;
}

/** A bounded registry of in-progress scans. One per keyspace. */
export class ScanCursors {
  private readonly live = new Map<string, Entry>();
  private next = 1;

  constructor(private readonly max = 4096) {}

  /**
   * One SCAN step: continues `cursor` over `owner` (starting `start()` for cursor 0 or an unknown
   * one), takes up to `count` elements and returns the next cursor ('0' when done).
   */
  step<T>(owner: object, cursor: bigint, start: () => Iterator<T>, count: number): { cursor: string; items: T[] } {
    let it: Iterator<T> | undefined;
    if (cursor !== 0n) {
      const key = cursor.toString();
      const e = this.live.get(key);
      if (e && e.owner === owner) it = e.it as Iterator<T>;
      this.live.delete(key);
    }
    if (!it) it = start();
    const items: T[] = [];
    while (items.length < count) {
      const r = it.next();
      if (r.done) return { cursor: '0', items };
      items.push(r.value);
    }
    // peek is impossible on an iterator; an exhausted one yields an empty last page, as Redis may
    const id = String(this.next++);
    if (this.next > 0x7fffffff) this.next = 1;
    this.live.set(id, { owner, it });
    if (this.live.size > this.max) {
      const oldest = this.live.keys().next().value;
      if (oldest !== undefined) this.live.delete(oldest);
    }
    return { cursor: id, items };
  }

  /** Drops every in-progress scan (FLUSHALL, close). */
  clear(): void {
    this.live.clear();
  }
}

export interface ScanOptions {
  count: number;
  match: ((s: string) => boolean) | null;
  /** SCAN ... TYPE t (only for the keyspace SCAN) */
  type: string | null;
}

/**
 * Parses `[MATCH p] [COUNT n] [TYPE t]` from argv[from..] like scanGenericCommand.
 * `allowType` only for SCAN (HSCAN/SSCAN/ZSCAN reject TYPE as a syntax error).
 */
export function parseScanOptions(argv: readonly string[], from: number, allowType: boolean): ScanOptions | ErrorReply {
  let count = 10;
  let match: ((s: string) => boolean) | null = null;
  let type: string | null = null;
  let i = from;
  while (i < argv.length) {
    const j = argv.length - i;
    const opt = argv[i].toLowerCase();
    if (opt === 'count' && j >= 2) {
      const v = parseInt64(argv[i + 1]);
      if (v === null) return NOT_INTEGER;
      if (v < 1) return SYNTAX_ERR;
      count = typeof v === 'bigint' ? Number.MAX_SAFE_INTEGER : v;
      i += 2;
    } else if (opt === 'match' && j >= 2) {
      const p = argv[i + 1];
      match = p === '*' ? null : compileGlob(p);
      i += 2;
    } else if (opt === 'type' && allowType && j >= 2) {
      type = argv[i + 1];
      i += 2;
    } else {
      return SYNTAX_ERR;
    }
  }
  return { count, match, type };
}

/** `ERR invalid cursor` for callers that parse the cursor themselves. */
export const SCAN_INVALID_CURSOR = INVALID_CURSOR;
export const SCAN_MUST_BE_POSITIVE = MUST_BE_POSITIVE;
