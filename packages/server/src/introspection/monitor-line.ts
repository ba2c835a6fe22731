import type { ServerClient } from '../connection/server-client';

/**
 * sdscatrepr: a quoted argument as MONITOR shows it. `\` and `"` are escaped, \n \r \t \a \b
 * keep their C escapes, printable ASCII stays, every other byte is `\xHH`. Arguments are the
 * connection's latin1 strings, so each char code is one byte.
 */
export function reprArg(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    if (i > start) out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default: out += `\\x${c < 16 ? '0' : ''}${c.toString(16)}`;
    }
  }
  if (start < s.length) out += start === 0 ? s : s.slice(start);
  return `${out}"`;
}

/** `<unix seconds>.<microseconds, 6 digits>` of now (gettimeofday). */
export function monitorTimestamp(): string {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const sec = Math.floor(us / 1e6);
  return `${sec}.${String(us - sec * 1e6).padStart(6, '0')}`;
}

/** The `[<db> <origin>]` part: `lua` for a script's commands, `unix:<path>` for a unix socket. */
export function monitorOrigin(client: ServerClient, script: boolean): string {
  if (script) return 'lua';
  const a = client.addr;
  if (a.startsWith('/')) return `unix:${a.endsWith(':0') ? a.slice(0, -2) : a}`;
  return a;
}

/**
 * replicationFeedMonitors' line without the leading `+` (a status reply carries it):
 * `1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"`.
 */
export function monitorLine(db: number, origin: string, argv: readonly string[]): string {
  let line = `${monitorTimestamp()} [${db} ${origin}]`;
  for (let i = 0; i < argv.length; i++) line += ` ${reprArg(argv[i] as string)}`;
  return line;
}
