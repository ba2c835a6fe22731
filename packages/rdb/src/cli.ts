/**
 * `replikit-rdb`: inspect Redis RDB files (versions 1-12) without a Redis.
 *
 *   replikit-rdb json <file>    one JSON object per key
 *   replikit-rdb check <file>   validate structure and checksum, print a summary
 *
 * `main(argv)` resolves with the exit code (0 ok, 1 invalid RDB, 2 usage or I/O error); the bin
 * (bin/replikit-rdb.cjs) sets process.exitCode from it. Tests call it in-process with their own io.
 */
import { type CliIo, formatCheck, runCheck, runJson } from './cli/commands';

export const HELP = `Usage: replikit-rdb <command> [options] <file>

Commands:
  json <file>    Print one JSON object per key, in file order:
                 {"db":0,"key":"k","type":"hash","expireAtMs":null,"value":[["field","value"]]}
                 Strings that are not valid UTF-8 are {"base64":"..."}; hashes and zsets are
                 arrays of pairs; zset scores ±inf are "inf"/"-inf"; expireAtMs is unix ms or null;
                 64-bit numbers beyond 2^53 are decimal strings; stream ids are "ms-seq".
  check <file>   Read the whole file, verify its structure and CRC64, and print a summary
                 (version, bytes, aux fields, keys per db, per type and per encoding).
                 Exit code 1 and "error: <CODE>: <message>" on stderr if the file is invalid.

Options:
  --json             (check) print the summary as JSON
  --encoding         (json) add the on-disk encoding of each key ("encoding":"hash_listpack")
  --skip-modules     keep module values as raw bytes instead of failing on them
  --no-checksum      do not verify the CRC64
  -h, --help         show this help
  -v, --version      show the version

Exit codes: 0 ok, 1 invalid or unsupported RDB, 2 usage or I/O error.
`;

const VERSION = '0.1.0';

interface Parsed {
  command?: string;
  file?: string;
  flags: Set<string>;
  error?: string;
}

const KNOWN_FLAGS = new Set(['--json', '--encoding', '--skip-modules', '--no-checksum', '--help', '-h', '--version', '-v']);

function parseArgs(argv: string[]): Parsed {
  const p: Parsed = { flags: new Set() };
  const positional: string[] = [];
  let rest = false;
  for (const a of argv) {
    if (!rest && a === '--') rest = true;
    else if (!rest && a.startsWith('-') && a !== '-') {
      if (!KNOWN_FLAGS.has(a)) p.error = `unknown option ${a}`;
      p.flags.add(a);
    } else positional.push(a);
  }
  [p.command, p.file] = positional;
  if (positional.length > 2) p.error = `unexpected argument ${positional[2]}`;
  return p;
}

function write(s: NodeJS.WritableStream, text: string): void {
  s.write(text);
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const p = parseArgs(argv);
  if (p.flags.has('--help') || p.flags.has('-h')) {
    write(io.stdout, HELP);
    return 0;
  }
  if (p.flags.has('--version') || p.flags.has('-v')) {
    write(io.stdout, `replikit-rdb ${VERSION}\n`);
    return 0;
  }
  if (p.error || !p.command || (p.command !== 'json' && p.command !== 'check') || !p.file) {
    const why = p.error ?? (p.command && p.command !== 'json' && p.command !== 'check' ? `unknown command ${p.command}` : 'missing command or file');
    write(io.stderr, `replikit-rdb: ${why}\n\n${HELP}`);
    return 2;
  }
  const read = { skipModules: p.flags.has('--skip-modules'), verifyChecksum: !p.flags.has('--no-checksum') };
  try {
    if (p.command === 'json') {
      await runJson(p.file, io, { ...read, withEncoding: p.flags.has('--encoding') });
    } else {
      const summary = await runCheck(p.file, read);
      write(io.stdout, p.flags.has('--json') ? `${JSON.stringify(summary, null, 2)}\n` : formatCheck(summary));
    }
    return 0;
  } catch (e) {
    const err = e as { code?: string; message?: string; offset?: number };
    if (typeof err.code === 'string' && err.code.startsWith('ERR_RDB_')) {
      write(io.stderr, `error: ${err.code}: ${err.message}\n`);
      return 1;
    }
    write(io.stderr, `replikit-rdb: ${err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}\n`);
    return 2;
  }
}
