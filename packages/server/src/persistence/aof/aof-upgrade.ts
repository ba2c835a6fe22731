/**
 * Start-up with an AOF left by a Redis older than 7.0: one file named `appendfilename` straight
 * in `dir` (command form, or an RDB preamble followed by commands), and no multi-part layout yet.
 * Redis 7.0's loadAppendOnlyFiles turns it into the base of a multi-part AOF (aofUpgradePrepare):
 * the directory is created, the manifest lists the old file under its own name as base 1
 * (`file appendonly.aof seq 1 type b`), and the file is moved into the directory. The manifest is
 * written before the move, so a crash between the two is retried at the next start (the third
 * case below). The incremental file and the manifest's second line come afterwards, from the
 * usual start-up step (openOnStart).
 */
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AofLoadError } from '../../errors';
import type { Logger } from '../../logger';
import type { AofFiles } from './aof-files';
import type { AofManifest } from './manifest';

export interface AofUpgradeInput {
  readonly files: AofFiles;
  /** the manifest as read from disk (empty when the directory or the manifest is missing) */
  readonly manifest: AofManifest;
  readonly logger: Logger;
  /** `dir` */
  readonly dir: string;
  /** `appendfilename` */
  readonly filename: string;
  /** `appenddirname` */
  readonly dirname: string;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Whether `dir`/`appendfilename` is an old-style AOF to migrate. Redis's three cases, each with
 * that file present: the AOF directory does not exist; it has no manifest (or an empty one); or
 * the manifest lists only a base named `appendfilename` that is not in the directory yet.
 */
export function needsAofUpgrade(i: AofUpgradeInput): boolean {
  if (!isFile(join(i.dir, i.filename))) return false;
  const m = i.manifest;
  if (!isDir(i.files.aofDir)) return true;
  if (m.base === undefined && m.incrs.length === 0) return true;
  return m.base !== undefined && m.incrs.length === 0 && m.base.name === i.filename && !existsSync(i.files.path(i.filename));
}

/**
 * aofUpgradePrepare: returns the manifest to load (the old file as base 1). Throws AofWriteError
 * (directory, manifest) or AofLoadError (the move) with Redis's text; the server exits 1.
 */
export function upgradeAof(i: AofUpgradeInput): AofManifest {
  i.files.ensureDir();
  const manifest: AofManifest = { ...i.manifest, base: { name: i.filename, seq: 1, type: 'b' }, baseSeq: 1 };
  i.files.writeManifest(manifest);
  try {
    renameSync(join(i.dir, i.filename), i.files.path(i.filename));
  } catch (err) {
    const line = `Error trying to move the old AOF file ${i.filename} into dir ${i.dirname}: ${(err as Error).message}`;
    throw new AofLoadError(line, [line], { cause: err });
  }
  i.files.syncDir();
  i.logger.notice(`Successfully migrated an old-style AOF file (${i.filename}) into the AOF directory (${i.dirname}).`);
  return manifest;
}
