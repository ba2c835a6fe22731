import type { RespValue } from '@replikit/resp';

/** SLOWLOG_ENTRY_MAX_ARGC: more arguments are summed up in the last one kept. */
export const SLOWLOG_MAX_ARGC = 32;
/** SLOWLOG_ENTRY_MAX_STRING: bytes kept of one argument. */
export const SLOWLOG_MAX_STRING = 128;

export interface SlowlogEntry {
  readonly id: number;
  /** unix seconds when the entry was made */
  readonly time: number;
  /** microseconds the command ran */
  readonly durationUs: number;
  readonly argv: readonly string[];
  readonly addr: string;
  readonly name: string;
}

/**
 * slowlogCreateEntry's argument trimming: at most 32 arguments (the 32nd says
 * `... (N more arguments)`), each at most 128 bytes (`... (N more bytes)` appended).
 */
export function trimSlowlogArgv(argv: readonly string[]): string[] {
  const argc = Math.min(argv.length, SLOWLOG_MAX_ARGC);
  const out: string[] = new Array(argc);
  for (let j = 0; j < argc; j++) {
    if (argc !== argv.length && j === argc - 1) {
      out[j] = `... (${argv.length - argc + 1} more arguments)`;
      continue;
    }
    const a = argv[j] as string;
    out[j] = a.length > SLOWLOG_MAX_STRING ? `${a.slice(0, SLOWLOG_MAX_STRING)}... (${a.length - SLOWLOG_MAX_STRING} more bytes)` : a;
  }
  return out;
}

/** The slow log: newest first, at most `maxLen` entries, ids growing from 0 (never reset). */
export class Slowlog {
  private entries: SlowlogEntry[] = [];
  private nextId = 0;

  constructor(public maxLen: number) {}

  get length(): number {
    return this.entries.length;
  }

  push(argv: readonly string[], durationUs: number, addr: string, name: string): void {
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), durationUs, argv: trimSlowlogArgv(argv), addr, name });
    this.trim();
  }

  /** Drops the oldest entries past `maxLen` (also after CONFIG SET slowlog-max-len). */
  trim(): void {
    if (this.entries.length > this.maxLen) this.entries.length = Math.max(0, this.maxLen);
  }

  reset(): void {
    this.entries = [];
  }

  /** SLOWLOG GET: the newest `count` entries (all with a negative count). */
  get(count: number): RespValue[] {
    const n = count < 0 ? this.entries.length : Math.min(count, this.entries.length);
    const out: RespValue[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const e = this.entries[i] as SlowlogEntry;
      out[i] = [e.id, e.time, e.durationUs, [...e.argv], e.addr, e.name];
    }
    return out;
  }
}
