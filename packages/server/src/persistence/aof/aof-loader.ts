/**
 * Loading a multi-part AOF at start-up, like loadAppendOnlyFiles: the manifest's base file (an
 * RDB when it starts with `REDIS`, then any command tail; else commands), then every incremental
 * file in sequence order. Commands run straight on the keyspace as commands applied from a master
 * (nothing expires while loading, nothing is propagated); a MULTI block runs as one transaction at
 * its EXEC. A command cut short at the end of the last file is truncated away with
 * `aof-load-truncated yes` (an unfinished MULTI is reverted with it); everything else that cannot be
 * loaded becomes an AofLoadError carrying Redis's log lines (the server exits 1).
 */
import { existsSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Keyspace, Session } from '@replikit/keyspace';
import { rdbFunctionsOf } from '@replikit/keyspace-rdb';
import { ErrorReply } from '@replikit/resp';
import { AofLoadError } from '../../errors';
import type { Logger } from '../../logger';
import { loadRdbFile } from '../rdb-load';
import { scanCommand } from './aof-format';
import type { AofFileInfo, AofManifest } from './manifest';

export interface AofLoadOptions {
  keyspace: Keyspace;
  logger: Logger;
  /** the AOF directory (`dir`/`appenddirname`) */
  aofDir: string;
  /** `aof-load-truncated` */
  loadTruncated: boolean;
  /** `rdbchecksum` for an RDB base */
  verifyChecksum: boolean;
}

export interface AofLoadResult {
  /** base + incr bytes after loading (a truncated tail no longer counts) */
  totalSize: number;
  keysLoaded: number;
  keysExpired: number;
  commands: number;
}

type FileOutcome = 'ok' | 'truncated';

const BAD_FORMAT = (name: string) =>
  `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`;
const UNEXPECTED_EOF = (name: string) =>
  `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`;

function fail(line: string, cause?: unknown): AofLoadError {
  return new AofLoadError(line, [line], { cause });
}

function seconds(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(3);
}

/** Runs the commands of `buf` from `start`; truncates the file when allowed. */
function replayCommands(buf: Buffer, start: number, file: AofFileInfo, path: string, last: boolean, o: AofLoadOptions, counters: { commands: number }): FileOutcome {
  const ks = o.keyspace;
  const session: Session = { db: 0, fromMaster: true, resp: 2 };
  let pos = start;
  let validUpTo = start;
  let validBeforeMulti = start;
  let queued: string[][] | undefined;
  for (;;) {
    const r = scanCommand(buf, pos);
    if (r.kind === 'end') break;
    if (r.kind === 'format') throw fail(BAD_FORMAT(file.name));
    if (r.kind === 'truncated') return truncated(file, path, last, validUpTo, o);
    pos = r.next;
    if (r.kind === 'annotation') continue;
    const argv = r.argv;
    const name = (argv[0] as string).toLowerCase();
    if (name === 'multi') {
      validBeforeMulti = validUpTo;
      queued = [];
    } else if (name === 'exec' && queued !== undefined) {
      ks.executeTransaction(queued, session);
      queued = undefined;
    } else if (queued !== undefined) queued.push(argv);
    else if (name === 'function' && rdbFunctionsOf(ks)?.replay !== undefined) {
      // the libraries are not keyspace data: their owner applies FUNCTION LOAD/DELETE/FLUSH/RESTORE
      rdbFunctionsOf(ks)?.replay?.(argv);
    } else {
      const res = ks.execute(argv, session);
      if (res.reply instanceof ErrorReply && res.reply.message.startsWith('ERR unknown command')) {
        throw fail(`Unknown command '${argv[0]}' reading the append only file ${file.name}`);
      }
    }
    counters.commands++;
    validUpTo = pos;
  }
  if (queued !== undefined) {
    o.logger.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${file.name}`);
    return truncated(file, path, last, validBeforeMulti, o);
  }
  return 'ok';
}

/** The `uxeof` branch: truncate to the last complete command, or fail. */
function truncated(file: AofFileInfo, path: string, last: boolean, validUpTo: number, o: AofLoadOptions): FileOutcome {
  if (!o.loadTruncated) throw fail(UNEXPECTED_EOF(file.name));
  const log = o.logger;
  log.warning(`!!! Warning: short read while loading the AOF file ${file.name}!!!`);
  log.warning(`!!! Truncating the AOF ${file.name} at offset ${validUpTo} !!!`);
  try {
    truncateSync(path, validUpTo);
  } catch (err) {
    throw fail(`Error truncating the AOF file ${file.name}: ${(err as Error).message}`, err);
  }
  if (!last) throw fail('Fatal error: the truncated file is not the last file');
  log.warning(`AOF ${file.name} loaded anyway because aof-load-truncated is enabled`);
  return 'truncated';
}

async function loadOne(file: AofFileInfo, last: boolean, o: AofLoadOptions, result: AofLoadResult): Promise<void> {
  const path = join(o.aofDir, file.name);
  if (!existsSync(path)) throw fail(`The AOF file ${file.name} doesn't exist`);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw fail(`Fatal error: can't open the append log file ${file.name} for reading: ${(err as Error).message}`, err);
  }
  if (buf.length === 0) return;
  let start = 0;
  if (buf.length >= 5 && buf.toString('latin1', 0, 5) === 'REDIS') {
    o.logger.notice(`Reading RDB ${file.type === 'b' ? 'base' : 'incr'} file on AOF loading...`);
    try {
      const r = await loadRdbFile(path, { keyspace: o.keyspace, logger: o.logger, role: 'master', verifyChecksum: o.verifyChecksum });
      result.keysLoaded += r.keysLoaded;
      result.keysExpired += r.keysExpired;
      start = r.bytes;
    } catch (err) {
      const lines = (err as { logLines?: readonly string[] }).logLines ?? [];
      const line = `Error reading the RDB base file ${file.name}, AOF loading aborted`;
      throw new AofLoadError(line, [...lines, line], { cause: err });
    }
    if (start < buf.length) o.logger.notice('Reading the remaining AOF tail...');
  }
  replayCommands(buf, start, file, path, last, o, result);
}

/**
 * Loads the files `manifest` lists. Resolves undefined when it lists none (Redis's AOF_NOT_EXIST:
 * the server starts empty). Rejects with AofLoadError.
 */
export async function loadAofFiles(manifest: AofManifest, o: AofLoadOptions): Promise<AofLoadResult | undefined> {
  const files: AofFileInfo[] = [];
  if (manifest.base) files.push(manifest.base);
  files.push(...manifest.incrs);
  if (files.length === 0) return undefined;
  const t0 = performance.now();
  const result: AofLoadResult = { totalSize: 0, keysLoaded: 0, keysExpired: 0, commands: 0 };
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as AofFileInfo;
    const t = performance.now();
    await loadOne(f, i === files.length - 1, o, result);
    o.logger.notice(`DB loaded from ${f.type === 'b' ? 'base' : 'incr'} file ${f.name}: ${seconds(t)} seconds`);
  }
  for (const f of files) result.totalSize += statSync(join(o.aofDir, f.name)).size;
  o.logger.notice(`DB loaded from append only file: ${seconds(t0)} seconds`);
  return result;
}
