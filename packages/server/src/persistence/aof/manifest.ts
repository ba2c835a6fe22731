/**
 * The manifest of a Redis 7.0 multi-part AOF: one line per file,
 * `file <name> seq <n> type <b|h|i>`, the base first, then history files, then incremental files
 * in sequence order. Names that need quoting are written the way sdscatrepr quotes them and read
 * back the way sdssplitargs splits a line. The file names follow Redis's pattern:
 * `<appendfilename>.<seq>.base.rdb|aof`, `<appendfilename>.<seq>.incr.aof`, `<appendfilename>.manifest`.
 */
import { AofLoadError } from '../../errors';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  readonly name: string;
  readonly seq: number;
  readonly type: AofFileType;
}

export interface AofManifest {
  base: AofFileInfo | undefined;
  /** files replaced by a rewrite, deleted once the new manifest is on disk */
  history: AofFileInfo[];
  /** in sequence order; the last one receives new writes */
  incrs: AofFileInfo[];
  /** sequence number of the current base (0: none yet) */
  baseSeq: number;
  /** sequence number of the newest incremental file (0: none yet) */
  incrSeq: number;
}

/** Redis reads manifest lines into a 1024-byte buffer (AOF_MANIFEST_LINE_MAX). */
const MANIFEST_LINE_MAX = 1024;

export function emptyManifest(): AofManifest {
  return { base: undefined, history: [], incrs: [], baseSeq: 0, incrSeq: 0 };
}

export function cloneManifest(m: AofManifest): AofManifest {
  return { base: m.base, history: [...m.history], incrs: [...m.incrs], baseSeq: m.baseSeq, incrSeq: m.incrSeq };
}

export function manifestName(prefix: string): string {
  return `${prefix}.manifest`;
}

export function baseFileName(prefix: string, seq: number, rdbPreamble: boolean): string {
  return `${prefix}.${seq}.base.${rdbPreamble ? 'rdb' : 'aof'}`;
}

export function incrFileName(prefix: string, seq: number): string {
  return `${prefix}.${seq}.incr.aof`;
}

/** sdsneedsrepr: quoting is needed for spaces, quotes, backslashes and non-printable bytes. */
function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 0x5c || c === 0x22 || c === 0x27) return true;
  }
  return false;
}

function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const c = s.charCodeAt(i);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c >= 32 && c < 127) out += ch;
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

function formatLine(f: AofFileInfo): string {
  return `file ${needsRepr(f.name) ? repr(f.name) : f.name} seq ${f.seq} type ${f.type}\n`;
}

/** getAofManifestAsString: base, history, incrs. */
export function formatManifest(m: AofManifest): string {
  let out = '';
  if (m.base) out += formatLine(m.base);
  for (const h of m.history) out += formatLine(h);
  for (const i of m.incrs) out += formatLine(i);
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** sdssplitargs: words, "double quoted" with escapes, 'single quoted'; undefined for unbalanced quotes. */
export function splitArgs(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && /\s/.test(line[i] as string)) i++;
    if (i >= n) return out;
    let cur = '';
    const q = line[i];
    if (q === '"' || q === "'") {
      i++;
      let closed = false;
      while (i < n) {
        const ch = line[i] as string;
        if (q === '"' && ch === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (ch === '\\' && i + 1 < n && (q === '"' || line[i + 1] === "'")) {
          const e = line[i + 1] as string;
          cur += q === '"' ? (ESCAPES[e] ?? e) : e;
          i += 2;
        } else if (ch === q) {
          i++;
          closed = true;
          break;
        } else {
          cur += ch;
          i++;
        }
      }
      // a closing quote must be followed by a space or the end of the line
      if (!closed || (i < n && !/\s/.test(line[i] as string))) return undefined;
    } else {
      while (i < n && !/\s/.test(line[i] as string)) cur += line[i++];
    }
    out.push(cur);
  }
}

function invalid(reason: string): AofLoadError {
  return new AofLoadError(reason, [reason]);
}

/**
 * aofLoadManifestFromFile: parses the manifest text. Throws AofLoadError with Redis's log line
 * for a malformed one (the server exits).
 */
export function parseManifest(text: string): AofManifest {
  const m = emptyManifest();
  const lines = text.split('\n');
  // a final newline leaves one empty string behind
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw invalid('Found an empty AOF manifest');
  let maxIncr = 0;
  for (const raw of lines) {
    if (raw.length + 1 > MANIFEST_LINE_MAX) throw invalid('The AOF manifest file contains too long line');
    const line = raw.replace(/[\r\t ]+$/, '').replace(/^[\t ]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const argv = splitArgs(line);
    if (argv === undefined || argv.length < 6 || argv.length % 2 !== 0) throw invalid('Invalid AOF manifest file format');
    let name: string | undefined;
    let seq: number | undefined;
    let type: string | undefined;
    for (let i = 0; i < argv.length; i += 2) {
      const k = argv[i] as string;
      const v = argv[i + 1] as string;
      if (k === 'file') name = v;
      else if (k === 'seq') seq = Number.parseInt(v, 10);
      else if (k === 'type') type = v;
      // other keys (startoffset/endoffset of later versions) are skipped, as 7.0 skips unknown keys
    }
    if (name === undefined || seq === undefined || Number.isNaN(seq) || (type !== 'b' && type !== 'h' && type !== 'i')) {
      throw invalid('Invalid AOF manifest file format');
    }
    const info: AofFileInfo = { name, seq, type };
    if (type === 'b') {
      if (m.base !== undefined) throw invalid('Found duplicate base file information');
      m.base = info;
      m.baseSeq = seq;
    } else if (type === 'h') m.history.push(info);
    else {
      if (seq <= maxIncr) throw invalid('Found a non-monotonic sequence number');
      m.incrs.push(info);
      m.incrSeq = seq;
      maxIncr = seq;
    }
  }
  return m;
}
