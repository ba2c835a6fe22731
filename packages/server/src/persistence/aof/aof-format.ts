/**
 * The bytes of an AOF command section: RESP multibulk commands (`*<argc>\r\n$<len>\r\n<arg>\r\n`),
 * argument bytes exactly as the command carried them (latin1 strings hold the raw bytes), and
 * `#...` annotation lines (`#TS:<unix seconds>` with `aof-timestamp-enabled`) that a loader skips.
 * The scanner follows loadSingleAppendOnlyFile: a command cut short by the end of the data is
 * `truncated`, anything else that does not parse is `format` (a corrupt file).
 */

/** The RESP multibulk form of one command. */
export function encodeCommand(argv: readonly string[]): Buffer {
  let size = 1 + String(argv.length).length + 2;
  for (let i = 0; i < argv.length; i++) {
    const n = (argv[i] as string).length;
    size += 1 + String(n).length + 2 + n + 2;
  }
  const out = Buffer.allocUnsafe(size);
  let p = out.write(`*${argv.length}\r\n`, 0, 'latin1');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    p += out.write(`$${a.length}\r\n`, p, 'latin1');
    p += out.write(a, p, 'latin1');
    out[p++] = 13;
    out[p++] = 10;
  }
  return out;
}

/** `#TS:<unix seconds>\r\n` (genAofTimestampAnnotationIfNeeded). */
export function timestampAnnotation(unixSeconds: number): Buffer {
  return Buffer.from(`#TS:${unixSeconds}\r\n`, 'latin1');
}

export type ScanResult =
  | { readonly kind: 'command'; readonly argv: string[]; readonly next: number }
  | { readonly kind: 'annotation'; readonly next: number }
  | { readonly kind: 'end' }
  | { readonly kind: 'truncated' }
  | { readonly kind: 'format' };

const END: ScanResult = { kind: 'end' };
const TRUNCATED: ScanResult = { kind: 'truncated' };
const FORMAT: ScanResult = { kind: 'format' };

/** The end of the line starting at `pos` (index after its `\n`), or -1 when the data ends first. */
function lineEnd(buf: Buffer, pos: number): number {
  const nl = buf.indexOf(10, pos);
  return nl === -1 ? -1 : nl + 1;
}

/** atoi/strtol of the digits after the first byte of a header line (`*3`, `$5`). */
function headerNumber(buf: Buffer, start: number, end: number): number {
  const text = buf.toString('latin1', start + 1, end).trim();
  const m = /^[+-]?\d+/.exec(text);
  return m === null ? 0 : Number.parseInt(m[0], 10);
}

/** Reads the item at `pos`: one command, an annotation line, the end, or the reason it cannot. */
export function scanCommand(buf: Buffer, pos: number): ScanResult {
  if (pos >= buf.length) return END;
  const first = buf[pos];
  if (first === 0x23) {
    const e = lineEnd(buf, pos);
    return { kind: 'annotation', next: e === -1 ? buf.length : e };
  }
  if (first !== 0x2a) return FORMAT;
  let e = lineEnd(buf, pos);
  if (e === -1) return TRUNCATED;
  if (e - pos <= 2 && buf[pos + 1] === 10) return TRUNCATED;
  const argc = headerNumber(buf, pos, e);
  if (argc < 1) return FORMAT;
  const argv: string[] = new Array(argc);
  let p = e;
  for (let j = 0; j < argc; j++) {
    if (p >= buf.length) return TRUNCATED;
    if (buf[p] !== 0x24) return FORMAT;
    e = lineEnd(buf, p);
    if (e === -1) return TRUNCATED;
    const len = headerNumber(buf, p, e);
    if (len < 0) return FORMAT;
    // the argument and its CRLF; Redis does not check the CRLF bytes themselves
    if (e + len + 2 > buf.length) return TRUNCATED;
    argv[j] = buf.toString('latin1', e, e + len);
    p = e + len + 2;
  }
  return { kind: 'command', argv, next: p };
}

/** `%.17g` as C's printf writes it (the scores of a command-form rewrite). */
export function formatDouble17g(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const expo = d.toExponential(16);
  const [mant, e] = expo.split('e') as [string, string];
  const x = Number.parseInt(e, 10);
  // the exponent %g decides with is that of the value rounded to 17 digits
  const useExp = x < -4 || x >= 17;
  if (useExp) {
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const sign = x < 0 ? '-' : '+';
    const ax = Math.abs(x);
    return `${m}e${sign}${ax < 10 ? `0${ax}` : ax}`;
  }
  const fixed = d.toFixed(Math.max(0, 16 - x));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
