/**
 * Logging in redis-server's format: `pid:R dd Mon yyyy hh:mm:ss.mmm <sym> message`, where R is the
 * role letter (M master, S replica, C child/background job) and the level symbol is `.` debug,
 * `-` verbose, `*` notice, `#` warning. Writes to stdout, or appends to `logfile`.
 */
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';
export type LogRole = 'M' | 'S' | 'C';

const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };
const SYMBOLS: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Formats a timestamp like Redis: `24 Nov 2026 13:00:00.000` (local time, as Redis does). */
export function formatLogTime(d: Date): string {
  return `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * formatLogTime of `ms` (epoch milliseconds). The text up to the seconds is kept for the second it
 * was built for: the local-time getters cost tens of µs when they run rarely (a log line now and
 * then), and lines of the same second share it. Local time cannot change within one second.
 */
let cachedSecond = Number.NaN;
let cachedPrefix = '';
export function logTimeOf(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.`;
    cachedSecond = second;
  }
  const m = ms - second * 1000;
  return cachedPrefix + (m < 10 ? `00${m}` : m < 100 ? `0${m}` : `${m}`);
}

export interface LoggerOptions {
  /** @default 'notice' */
  level?: LogLevel;
  /** log file path; empty or undefined logs to `sink` (stdout by default) */
  logfile?: string;
  /** where lines go when there is no logfile @default process.stdout.write */
  sink?: (line: string) => void;
  /** role letter shown after the pid @default 'M' */
  role?: LogRole;
  pid?: number;
}

export class Logger {
  level: LogLevel;
  role: LogRole;
  logfile: string;
  private readonly sink: (line: string) => void;
  private readonly pid: number;

  constructor(options: LoggerOptions = {}) {
    this.level = options.level ?? 'notice';
    this.role = options.role ?? 'M';
    this.logfile = options.logfile ?? '';
    this.sink = options.sink ?? ((line) => process.stdout.write(line));
    this.pid = options.pid ?? process.pid;
  }

  enabled(level: LogLevel): boolean {
    return LEVELS[level] >= LEVELS[this.level];
  }

  log(level: LogLevel, message: string, role: LogRole = this.role): void {
    if (!this.enabled(level)) return;
    const line = `${this.pid}:${role} ${logTimeOf(Date.now())} ${SYMBOLS[level]} ${message}\n`;
    if (this.logfile) {
      try {
        appendFileSync(this.logfile, line);
        return;
      } catch {
        // fall back to the sink if the log file cannot be written
      }
    }
    this.sink(line);
  }

  debug(message: string): void {
    this.log('debug', message);
  }
  verbose(message: string): void {
    this.log('verbose', message);
  }
  notice(message: string): void {
    this.log('notice', message);
  }
  warning(message: string): void {
    this.log('warning', message);
  }
}
